import logging
from uuid import uuid4

import pytest

from registration.application import EntryNotFound, RegistrationService
from registration.domain import (
    EmailAddress,
    EmailAlreadyRegistered,
    InvalidEmailAddress,
    RegisteredEntryEvent,
)
from tests.fakes import InMemoryUnitsOfWork


@pytest.fixture
def units_of_work() -> InMemoryUnitsOfWork:
    return InMemoryUnitsOfWork()


@pytest.fixture
def service(units_of_work: InMemoryUnitsOfWork) -> RegistrationService:
    return RegistrationService(units_of_work)


def test_registering_stores_an_entry_for_the_normalised_address(
    service: RegistrationService, units_of_work: InMemoryUnitsOfWork
) -> None:
    registration = service.register_entry(" Ann@EXAMPLE.com ")

    [entry] = units_of_work.stored.values()
    assert entry.id == registration.entry_id
    assert entry.email == registration.email == EmailAddress("Ann@example.com")
    assert entry.registered_at == registration.registered_at


def test_registering_stores_one_event_about_the_entry_in_the_outbox(
    service: RegistrationService, units_of_work: InMemoryUnitsOfWork
) -> None:
    registration = service.register_entry("ann@example.com")

    [event] = units_of_work.outbox.waiting()
    assert isinstance(event, RegisteredEntryEvent)
    assert event.event_id == registration.event_id
    assert event.entry_id == registration.entry_id
    assert event.email == registration.email


def test_the_event_carries_the_correlation_id_the_caller_gave(
    service: RegistrationService, units_of_work: InMemoryUnitsOfWork
) -> None:
    service.register_entry("ann@example.com", correlation_id="req-42")

    [event] = units_of_work.outbox.waiting()
    assert event.correlation_id == "req-42"


def test_two_addresses_are_two_entries_with_two_events(
    service: RegistrationService, units_of_work: InMemoryUnitsOfWork
) -> None:
    first = service.register_entry("ann@example.com")
    second = service.register_entry("bob@example.com")

    assert first.entry_id != second.entry_id
    assert [event.event_id for event in units_of_work.outbox.waiting()] == [
        first.event_id,
        second.event_id,
    ]


@pytest.mark.parametrize(
    "again",
    ["ann@example.com", "ann@EXAMPLE.COM", "  ann@example.com\n"],
)
def test_an_address_registers_once(
    service: RegistrationService,
    units_of_work: InMemoryUnitsOfWork,
    again: str,
) -> None:
    service.register_entry("ann@example.com")

    with pytest.raises(EmailAlreadyRegistered):
        service.register_entry(again)

    assert len(units_of_work.stored) == 1
    assert len(units_of_work.outbox.waiting()) == 1


def test_an_invalid_address_stores_nothing_and_no_event(
    service: RegistrationService, units_of_work: InMemoryUnitsOfWork
) -> None:
    with pytest.raises(InvalidEmailAddress):
        service.register_entry("not an address")

    assert units_of_work.stored == {}
    assert units_of_work.outbox.rows == []


def test_a_registered_entry_can_be_read_by_its_id(
    service: RegistrationService,
) -> None:
    registration = service.register_entry("ann@example.com")

    entry = service.get_entry(str(registration.entry_id))

    assert entry.id == registration.entry_id
    assert entry.email == registration.email
    assert entry.registered_at == registration.registered_at


@pytest.mark.parametrize("entry_id", [str(uuid4()), "not-a-uuid", ""])
def test_an_unknown_or_malformed_id_is_not_found(
    service: RegistrationService, entry_id: str
) -> None:
    with pytest.raises(EntryNotFound):
        service.get_entry(entry_id)


def test_the_log_never_shows_the_whole_address(
    service: RegistrationService, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)

    service.register_entry("annabel@example.com")
    with pytest.raises(EmailAlreadyRegistered):
        service.register_entry("annabel@example.com")

    assert "a***@example.com" in caplog.text
    assert "annabel" not in caplog.text
