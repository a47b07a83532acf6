"""The domain: value objects and events, free of any framework."""

from registration.domain.email_address import EmailAddress, InvalidEmailAddress
from registration.domain.events import DomainEvent, RegisteredEntryEvent

__all__ = [
    "DomainEvent",
    "EmailAddress",
    "InvalidEmailAddress",
    "RegisteredEntryEvent",
]
