import logging

import pytest

from registration.application import EventPublishingFailed, RegistrationService
from registration.domain import EmailAddress, InvalidEmailAddress, RegisteredEntryEvent
from tests.fakes import InMemoryEventPublisher, UnavailableEventPublisher


def test_registering_publishes_one_event_for_the_normalised_address() -> None:
    publisher = InMemoryEventPublisher()

    registration = RegistrationService(publisher).register_entry(" Ann@EXAMPLE.com ")

    [event] = publisher.published
    assert isinstance(event, RegisteredEntryEvent)
    assert event.email == EmailAddress("Ann@example.com")
    assert registration.email == event.email
    assert registration.event_id == event.event_id


def test_registering_twice_publishes_two_distinct_events() -> None:
    publisher = InMemoryEventPublisher()
    service = RegistrationService(publisher)

    first = service.register_entry("ann@example.com")
    second = service.register_entry("bob@example.com")

    assert first.event_id != second.event_id
    assert [event.event_id for event in publisher.published] == [
        first.event_id,
        second.event_id,
    ]


def test_an_invalid_address_publishes_nothing() -> None:
    publisher = InMemoryEventPublisher()

    with pytest.raises(InvalidEmailAddress):
        RegistrationService(publisher).register_entry("not an address")

    assert publisher.published == []


def test_a_broker_that_takes_nothing_fails_the_registration() -> None:
    service = RegistrationService(UnavailableEventPublisher())

    with pytest.raises(EventPublishingFailed):
        service.register_entry("ann@example.com")


def test_the_log_never_shows_the_whole_address(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)

    RegistrationService(InMemoryEventPublisher()).register_entry("annabel@example.com")

    assert "a***@example.com" in caplog.text
    assert "annabel" not in caplog.text
