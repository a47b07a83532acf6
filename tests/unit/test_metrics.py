import pytest

from registration.application import EventPublisher, EventPublishingFailed, OutboxStatus
from registration.domain import DomainEvent, EmailAddress, Entry
from registration.infrastructure.metrics import CountingEventPublisher, ServiceMetrics
from tests.fakes import (
    InMemoryEventPublisher,
    RefusingEventPublisher,
    UnavailableEventPublisher,
)


def events(count: int) -> list[DomainEvent]:
    return [
        event
        for n in range(count)
        for event in Entry.register(EmailAddress(f"n{n}@example.com")).events
    ]


def sample(metrics: ServiceMetrics, name: str) -> float | None:
    return metrics.registry.get_sample_value(name)


def test_events_the_publisher_takes_are_counted() -> None:
    metrics = ServiceMetrics()
    inner = InMemoryEventPublisher()

    CountingEventPublisher(inner, metrics).publish(events(3))

    assert len(inner.published) == 3
    assert sample(metrics, "registration_events_published_total") == 3
    assert sample(metrics, "registration_event_publish_failures_total") == 0


def test_a_refused_publish_is_counted_and_still_raised() -> None:
    metrics = ServiceMetrics()
    publisher: EventPublisher = CountingEventPublisher(
        UnavailableEventPublisher(), metrics
    )

    with pytest.raises(EventPublishingFailed):
        publisher.publish(events(1))

    assert sample(metrics, "registration_events_published_total") == 0
    assert sample(metrics, "registration_event_publish_failures_total") == 1


def test_a_partly_refused_publish_counts_what_was_taken_and_what_was_not() -> None:
    metrics = ServiceMetrics()
    batch = events(3)
    publisher = CountingEventPublisher(RefusingEventPublisher({batch[0]}), metrics)

    with pytest.raises(EventPublishingFailed):
        publisher.publish(batch)

    assert sample(metrics, "registration_events_published_total") == 2
    assert sample(metrics, "registration_event_publish_failures_total") == 1


def test_the_outbox_gauges_show_the_last_status_and_no_age_as_zero() -> None:
    metrics = ServiceMetrics()

    metrics.observe_outbox(OutboxStatus(pending=4, oldest_age_seconds=12.5))
    backed_up = sample(metrics, "registration_outbox_oldest_pending_age_seconds")
    metrics.observe_outbox(OutboxStatus(pending=0, oldest_age_seconds=None))

    assert backed_up == 12.5
    assert sample(metrics, "registration_outbox_pending_events") == 0
    assert sample(metrics, "registration_outbox_oldest_pending_age_seconds") == 0


def test_two_sets_of_metrics_count_apart() -> None:
    first, second = ServiceMetrics(), ServiceMetrics()

    first.entries_registered.inc()

    assert sample(first, "registration_entries_registered_total") == 1
    assert sample(second, "registration_entries_registered_total") == 0
