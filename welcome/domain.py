from dataclasses import dataclass


@dataclass(frozen=True)
class Welcome:
    """A welcome owed to a newly registered address."""

    email: str
    event_id: str
