from datetime import UTC, datetime, timedelta

import pytest

from registration.application import OutboxRelay, RegistrationService
from registration.domain import DomainEvent
from tests.fakes import (
    FailingAfterEventPublisher,
    InMemoryEventPublisher,
    InMemoryUnitsOfWork,
    RefusingEventPublisher,
    UnavailableEventPublisher,
)


@pytest.fixture
def units_of_work() -> InMemoryUnitsOfWork:
    return InMemoryUnitsOfWork()


@pytest.fixture
def publisher() -> InMemoryEventPublisher:
    return InMemoryEventPublisher()


@pytest.fixture
def relay(
    units_of_work: InMemoryUnitsOfWork, publisher: InMemoryEventPublisher
) -> OutboxRelay:
    return OutboxRelay(units_of_work, publisher)


def register(units_of_work: InMemoryUnitsOfWork, *addresses: str) -> list[DomainEvent]:
    registrations = RegistrationService(units_of_work)
    for address in addresses:
        registrations.register_entry(address)
    return units_of_work.outbox.waiting()


def test_the_relay_publishes_waiting_events_in_the_order_they_were_stored(
    relay: OutboxRelay,
    units_of_work: InMemoryUnitsOfWork,
    publisher: InMemoryEventPublisher,
) -> None:
    stored = register(units_of_work, "ann@example.com", "bob@example.com")

    published = relay.relay(batch_size=10)

    assert published == 2
    assert publisher.published == stored
    assert units_of_work.outbox.waiting() == []


def test_the_relay_publishes_no_more_than_a_batch_at_a_time(
    relay: OutboxRelay,
    units_of_work: InMemoryUnitsOfWork,
    publisher: InMemoryEventPublisher,
) -> None:
    stored = register(units_of_work, "ann@a.example", "bob@b.example", "cy@c.example")

    first = relay.relay(batch_size=2)
    second = relay.relay(batch_size=2)

    assert (first, second) == (2, 1)
    assert publisher.published == stored


def test_an_event_once_published_is_not_published_again(
    relay: OutboxRelay,
    units_of_work: InMemoryUnitsOfWork,
    publisher: InMemoryEventPublisher,
) -> None:
    register(units_of_work, "ann@example.com")
    relay.relay(batch_size=10)

    again = relay.relay(batch_size=10)

    assert again == 0
    assert len(publisher.published) == 1


def test_events_the_broker_refuses_stay_waiting(
    units_of_work: InMemoryUnitsOfWork,
) -> None:
    stored = register(units_of_work, "ann@example.com", "bob@example.com")
    relay = OutboxRelay(units_of_work, UnavailableEventPublisher())

    published = relay.relay(batch_size=10)

    assert published == 0
    assert units_of_work.outbox.waiting() == stored


def test_events_left_by_a_broker_outage_are_published_by_a_later_run(
    units_of_work: InMemoryUnitsOfWork, publisher: InMemoryEventPublisher
) -> None:
    stored = register(units_of_work, "ann@example.com", "bob@example.com")
    OutboxRelay(units_of_work, UnavailableEventPublisher()).relay(batch_size=10)

    published = OutboxRelay(units_of_work, publisher).relay(batch_size=10)

    assert published == 2
    assert publisher.published == stored


def test_events_the_broker_took_before_it_went_down_are_not_sent_again(
    units_of_work: InMemoryUnitsOfWork, publisher: InMemoryEventPublisher
) -> None:
    stored = register(units_of_work, "ann@a.example", "bob@b.example", "cy@c.example")
    failing = FailingAfterEventPublisher(accepted=1)
    OutboxRelay(units_of_work, failing).relay(batch_size=10)

    OutboxRelay(units_of_work, publisher).relay(batch_size=10)

    assert failing.published == stored[:1]
    assert publisher.published == stored[1:]


def test_the_status_counts_the_waiting_events_and_ages_the_oldest(
    units_of_work: InMemoryUnitsOfWork,
) -> None:
    register(units_of_work, "ann@example.com", "bob@example.com")
    oldest = units_of_work.outbox.rows[0].stored_at
    relay = OutboxRelay(
        units_of_work, InMemoryEventPublisher(), clock=lambda: oldest + timedelta(90)
    )

    status = relay.status()

    assert status.pending == 2
    assert status.oldest_age_seconds == timedelta(90).total_seconds()


def test_an_empty_outbox_has_no_oldest_event(relay: OutboxRelay) -> None:
    status = relay.status()

    assert status.pending == 0
    assert status.oldest_age_seconds is None


def test_pruning_forgets_events_published_before_the_retention_in_batches(
    units_of_work: InMemoryUnitsOfWork, publisher: InMemoryEventPublisher
) -> None:
    register(units_of_work, "ann@a.example", "bob@b.example", "cy@c.example")
    now = datetime.now(UTC)
    OutboxRelay(units_of_work, publisher, clock=lambda: now).relay(batch_size=10)
    later = OutboxRelay(units_of_work, publisher, clock=lambda: now + timedelta(2))

    kept = later.prune(retention=timedelta(days=3), batch_size=2)
    first = later.prune(retention=timedelta(days=1), batch_size=2)
    second = later.prune(retention=timedelta(days=1), batch_size=2)

    assert (kept, first, second) == (0, 2, 1)
    assert units_of_work.outbox.rows == []


def test_pruning_keeps_events_still_waiting(
    units_of_work: InMemoryUnitsOfWork,
) -> None:
    register(units_of_work, "ann@example.com")
    relay = OutboxRelay(
        units_of_work,
        UnavailableEventPublisher(),
        clock=lambda: datetime.now(UTC) + timedelta(days=30),
    )

    pruned = relay.prune(retention=timedelta(hours=1), batch_size=10)

    assert pruned == 0
    assert relay.status().pending == 1


def test_only_the_events_the_broker_refused_wait_for_the_next_run(
    units_of_work: InMemoryUnitsOfWork,
) -> None:
    stored = register(units_of_work, "ann@a.example", "bob@b.example", "cy@c.example")
    middle = stored[1]
    relay = OutboxRelay(units_of_work, RefusingEventPublisher(refused={middle}))

    published = relay.relay(batch_size=10)

    assert published == 2
    assert units_of_work.outbox.waiting() == [middle]
