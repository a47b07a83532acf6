from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Self
from uuid import UUID, uuid4

from registration.domain.email_address import EmailAddress
from registration.domain.events import DomainEvent, RegisteredEntryEvent


class EmailAlreadyRegistered(Exception):
    """The address belongs to an entry registered before."""

    def __init__(self, email: EmailAddress) -> None:
        super().__init__(f"{email.masked()} is already registered")
        self.email = email


@dataclass(frozen=True)
class Entry:
    """Entity: a registered email address, known by its id.

    `register` makes a new entry along with the event it raises, kept in
    `events` until they are published; an entry read back from storage is
    built by the constructor and raises none.
    """

    id: UUID
    email: EmailAddress
    registered_at: datetime
    events: tuple[DomainEvent, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.registered_at.utcoffset() is None:
            raise ValueError("registered_at must be timezone-aware")
        object.__setattr__(self, "registered_at", self.registered_at.astimezone(UTC))

    @classmethod
    def register(cls, email: EmailAddress, correlation_id: str | None = None) -> Self:
        """A new entry for `email`, raising a `RegisteredEntryEvent`.

        The event carries `correlation_id`, when given, as its metadata.
        """
        event = RegisteredEntryEvent(
            email=email, entry_id=uuid4(), correlation_id=correlation_id
        )
        return cls(
            id=event.entry_id,
            email=email,
            registered_at=event.timestamp,
            events=(event,),
        )
