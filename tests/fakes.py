"""In-memory fakes of the ports, for tests of the core without a broker."""

from collections.abc import Sequence

from registration.application import EventPublisher, EventPublishingFailed
from registration.domain import DomainEvent


class InMemoryEventPublisher(EventPublisher):
    """Secondary adapter for tests: keeps what it is asked to publish."""

    def __init__(self) -> None:
        self.published: list[DomainEvent] = []

    def publish(self, events: Sequence[DomainEvent]) -> None:
        self.published.extend(events)


class UnavailableEventPublisher(EventPublisher):
    """Secondary adapter for tests: a broker that takes nothing."""

    def publish(self, events: Sequence[DomainEvent]) -> None:
        raise EventPublishingFailed("the broker is down")
