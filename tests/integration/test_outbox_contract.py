"""What every adapter of the outbox must do, in its unit of work."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from registration.application import UnitOfWork
from registration.domain import DomainEvent, EmailAddress, Entry
from registration.infrastructure.database import make_engine
from registration.infrastructure.sqlalchemy_unit_of_work import SqlAlchemyUnitOfWork
from tests.support.databases import migrate, throwaway_database

UnitsOfWork = Callable[[], UnitOfWork]


def register(units_of_work: UnitsOfWork, *locals_: str) -> list[DomainEvent]:
    entries = [Entry.register(EmailAddress(f"{name}@example.com")) for name in locals_]
    with units_of_work() as uow:
        for entry in entries:
            uow.entries.add(entry)
        uow.commit()
    return [event for entry in entries for event in entry.events]


def publish(
    units_of_work: UnitsOfWork, events: list[DomainEvent], at: datetime
) -> None:
    with units_of_work() as uow:
        uow.outbox.mark_published([event.event_id for event in events], at)
        uow.commit()


def claim(units_of_work: UnitsOfWork, limit: int = 100) -> list[DomainEvent]:
    with units_of_work() as uow:
        return uow.outbox.claim_pending(limit)


def test_events_are_claimed_oldest_first_up_to_the_limit(
    units_of_work: UnitsOfWork,
) -> None:
    first = register(units_of_work, "ann", "bob")
    then = register(units_of_work, "cy")

    claimed = claim(units_of_work, limit=2)
    everything = claim(units_of_work)

    assert claimed == first
    assert everything == [*first, *then]


def test_a_claimed_event_reads_back_as_the_event_stored(
    units_of_work: UnitsOfWork,
) -> None:
    [stored] = register(units_of_work, "ann")

    [claimed] = claim(units_of_work)

    assert claimed.as_dict() == stored.as_dict()


def test_a_claimed_event_keeps_the_correlation_id_it_was_stored_with(
    units_of_work: UnitsOfWork,
) -> None:
    entry = Entry.register(EmailAddress("ann@example.com"), correlation_id="req-7")
    with units_of_work() as uow:
        uow.entries.add(entry)
        uow.commit()

    [claimed] = claim(units_of_work)

    assert claimed.correlation_id == "req-7"
    assert claimed == entry.events[0]


def test_published_events_are_claimed_no_more(units_of_work: UnitsOfWork) -> None:
    ann, bob = register(units_of_work, "ann", "bob")

    publish(units_of_work, [ann], datetime.now(UTC))

    assert claim(units_of_work) == [bob]


def test_marks_not_committed_leave_the_events_waiting(
    units_of_work: UnitsOfWork,
) -> None:
    stored = register(units_of_work, "ann")

    with units_of_work() as uow:
        uow.outbox.mark_published([stored[0].event_id], datetime.now(UTC))

    assert claim(units_of_work) == stored


def test_the_pending_events_are_counted_with_the_time_of_the_oldest(
    units_of_work: UnitsOfWork,
) -> None:
    before = datetime.now(UTC)
    ann, _bob = register(units_of_work, "ann", "bob")
    publish(units_of_work, [ann], datetime.now(UTC))

    with units_of_work() as uow:
        pending = uow.outbox.pending()

    assert pending.count == 1
    assert pending.oldest_stored_at is not None
    assert before <= pending.oldest_stored_at <= datetime.now(UTC)


def test_an_empty_outbox_has_nothing_pending(units_of_work: UnitsOfWork) -> None:
    with units_of_work() as uow:
        pending = uow.outbox.pending()

    assert (pending.count, pending.oldest_stored_at) == (0, None)


def test_pruning_deletes_only_events_published_before_the_cutoff_in_batches(
    units_of_work: UnitsOfWork,
) -> None:
    now = datetime.now(UTC)
    old = register(units_of_work, "ann", "bob", "cy")
    recent = register(units_of_work, "dee")
    waiting = register(units_of_work, "eve")
    publish(units_of_work, old, now - timedelta(days=2))
    publish(units_of_work, recent, now)

    counts = []
    for _ in range(3):
        with units_of_work() as uow:
            counts.append(uow.outbox.delete_published_before(now - timedelta(1), 2))
            uow.commit()

    assert counts == [2, 1, 0]
    assert claim(units_of_work) == waiting
    with units_of_work() as uow:
        assert uow.outbox.pending().count == 1


def test_on_postgresql_events_claimed_by_one_unit_of_work_are_skipped_by_another(
    tmp_path: Path,
) -> None:
    with throwaway_database("postgresql", tmp_path) as url:
        migrate(url)
        engine = make_engine(url)
        make_session = sessionmaker(engine)
        with make_session() as first_session, make_session() as second_session:
            first, second = (
                SqlAlchemyUnitOfWork(first_session),
                SqlAlchemyUnitOfWork(second_session),
            )
            stored = register(lambda: SqlAlchemyUnitOfWork(make_session()), *"abc")

            with first, second:
                held = first.outbox.claim_pending(2)
                rest = second.outbox.claim_pending(2)

        engine.dispose()

    assert held == stored[:2]
    assert rest == stored[2:]
