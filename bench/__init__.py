"""`make bench`: the registration service under load, beside what bounds it."""
