"""The registration service: a Nameko service in ports-and-adapters layers."""
