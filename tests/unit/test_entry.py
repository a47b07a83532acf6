from datetime import UTC, datetime, timedelta, timezone
from uuid import uuid4

import pytest

from registration.domain import EmailAddress, Entry, RegisteredEntryEvent

ANN = EmailAddress("ann@example.com")


def test_registering_makes_an_entry_that_raises_one_event_about_it() -> None:
    entry = Entry.register(ANN)

    [event] = entry.events
    assert isinstance(event, RegisteredEntryEvent)
    assert event.entry_id == entry.id
    assert event.email == entry.email == ANN
    assert event.timestamp == entry.registered_at


def test_each_registration_is_a_new_entry() -> None:
    assert Entry.register(ANN).id != Entry.register(ANN).id


def test_an_entry_is_registered_at_the_present_utc_time() -> None:
    before = datetime.now(UTC)

    entry = Entry.register(ANN)

    assert before <= entry.registered_at <= datetime.now(UTC)
    assert entry.registered_at.utcoffset() == timedelta(0)


def test_an_entry_read_back_raises_no_event_and_equals_the_one_registered() -> None:
    registered = Entry.register(ANN)

    read_back = Entry(registered.id, registered.email, registered.registered_at)

    assert read_back.events == ()
    assert read_back == registered


def test_an_entry_keeps_its_time_in_utc() -> None:
    paris = timezone(timedelta(hours=1))

    entry = Entry(uuid4(), ANN, datetime(2026, 1, 2, 13, tzinfo=paris))

    assert entry.registered_at == datetime(2026, 1, 2, 12, tzinfo=UTC)
    assert entry.registered_at.tzinfo == UTC


def test_an_entry_cannot_have_a_naive_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Entry(uuid4(), ANN, datetime(2026, 1, 2, 12))


def test_an_entry_is_immutable() -> None:
    entry = Entry.register(ANN)

    with pytest.raises(AttributeError):
        entry.email = EmailAddress("bob@example.com")  # type: ignore[misc]
