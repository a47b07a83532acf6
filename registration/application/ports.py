from abc import ABC, abstractmethod
from collections.abc import Sequence

from registration.domain import DomainEvent


class EventPublishingFailed(Exception):
    """The events could not be handed to the message broker."""


class EventPublisher(ABC):
    """Secondary port: tells the rest of the system what happened here."""

    @abstractmethod
    def publish(self, events: Sequence[DomainEvent]) -> None:
        """Publish the events in order.

        Returns once the broker has accepted every one of them; raises
        `EventPublishingFailed` when it does not.
        """
