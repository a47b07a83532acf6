"""The domain: the entry, its value objects and events, free of any framework."""

from registration.domain.email_address import EmailAddress, InvalidEmailAddress
from registration.domain.entry import EmailAlreadyRegistered, Entry
from registration.domain.events import (
    DomainEvent,
    RegisteredEntryEvent,
    event_from_dict,
)

__all__ = [
    "DomainEvent",
    "EmailAddress",
    "EmailAlreadyRegistered",
    "Entry",
    "InvalidEmailAddress",
    "RegisteredEntryEvent",
    "event_from_dict",
]
