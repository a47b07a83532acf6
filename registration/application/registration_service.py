import logging
from dataclasses import dataclass
from uuid import UUID

from registration.application.ports import EventPublisher
from registration.domain import EmailAddress, RegisteredEntryEvent

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Registration:
    """What a caller learns from a successful registration."""

    email: EmailAddress
    event_id: UUID


class RegistrationService:
    """Primary port: the registration use case, driven by the entrypoints."""

    def __init__(self, event_publisher: EventPublisher) -> None:
        self._event_publisher = event_publisher

    def register_entry(self, email: str) -> Registration:
        """Register `email` and announce it with a `RegisteredEntryEvent`.

        Raises `InvalidEmailAddress` before anything is published when the
        address is not valid, and `EventPublishingFailed` when the event
        could not be published.
        """
        address = EmailAddress(email)
        event = RegisteredEntryEvent(address)

        self._event_publisher.publish([event])

        logger.info("registered %s (event %s)", address.masked(), event.event_id)
        return Registration(email=address, event_id=event.event_id)
