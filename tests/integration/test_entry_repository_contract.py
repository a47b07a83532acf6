"""What every adapter of the entry repository and unit of work must do."""

from collections.abc import Callable
from datetime import UTC

import pytest

from registration.application import EntryConflict, UnitOfWork
from registration.domain import EmailAddress, Entry

UnitsOfWork = Callable[[], UnitOfWork]

ANN = EmailAddress("ann@example.com")


def store(units_of_work: UnitsOfWork, entry: Entry) -> None:
    with units_of_work() as uow:
        uow.entries.add(entry)
        uow.commit()


def test_a_committed_entry_is_found_by_its_id(units_of_work: UnitsOfWork) -> None:
    entry = Entry.register(ANN)
    store(units_of_work, entry)

    with units_of_work() as uow:
        found = uow.entries.get(entry.id)

    assert found == entry
    assert found is not None
    assert found.registered_at.tzinfo == UTC


def test_a_committed_entry_is_found_by_its_address(units_of_work: UnitsOfWork) -> None:
    entry = Entry.register(ANN)
    store(units_of_work, entry)

    with units_of_work() as uow:
        found = uow.entries.get_by_email(EmailAddress("ann@EXAMPLE.com"))

    assert found == entry


def test_an_entry_never_stored_is_not_found(units_of_work: UnitsOfWork) -> None:
    store(units_of_work, Entry.register(ANN))

    with units_of_work() as uow:
        by_id = uow.entries.get(Entry.register(ANN).id)
        by_email = uow.entries.get_by_email(EmailAddress("bob@example.com"))

    assert by_id is None
    assert by_email is None


def test_an_entry_not_committed_is_not_stored(units_of_work: UnitsOfWork) -> None:
    entry = Entry.register(ANN)

    with units_of_work() as uow:
        uow.entries.add(entry)

    with units_of_work() as uow:
        assert uow.entries.get(entry.id) is None


def test_a_second_entry_for_an_address_is_refused_at_commit(
    units_of_work: UnitsOfWork,
) -> None:
    first, second = Entry.register(ANN), Entry.register(ANN)
    store(units_of_work, first)

    with units_of_work() as uow:
        uow.entries.add(second)
        with pytest.raises(EntryConflict):
            uow.commit()
        events = list(uow.collect_new_events())

    with units_of_work() as uow:
        assert uow.entries.get(first.id) == first
        assert uow.entries.get(second.id) is None
        assert uow.outbox.claim_pending(10) == list(first.events)
    assert events == []


def test_the_events_of_committed_entries_wait_in_the_outbox_in_order(
    units_of_work: UnitsOfWork,
) -> None:
    ann, bob = Entry.register(ANN), Entry.register(EmailAddress("bob@example.com"))

    with units_of_work() as uow:
        uow.entries.add(ann)
        uow.entries.add(bob)
        uow.commit()
        collected_after = list(uow.collect_new_events())

    with units_of_work() as uow:
        waiting = uow.outbox.claim_pending(10)
    assert waiting == [*ann.events, *bob.events]
    assert collected_after == []
