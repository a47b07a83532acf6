import logging
from typing import Any

import pytest
from nameko.testing.services import worker_factory

from tests.welcome_fakes import InMemoryHandledEvents, RecordingNotifier
from welcome.entrypoints import WelcomeService
from welcome.infrastructure import LoggingWelcomeNotifier
from welcome.messaging import UnusableMessage

EVENT_ID = "0b9d4c1e-2f4a-4c55-9a55-8f3c2f1d6e7a"


def registered_entry(email: str) -> dict[str, str]:
    return {
        "name": "RegisteredEntryEvent",
        "event_id": EVENT_ID,
        "email": email,
        "entry_id": "5d1e0b7a-3c2f-4e8d-9a6b-1f0c2d3e4a5b",
        "timestamp": "2026-01-05T09:30:00+00:00",
    }


def welcome_worker(notifier: Any = None) -> Any:
    return worker_factory(
        WelcomeService,
        notifier=notifier or RecordingNotifier(),
        handled_events=InMemoryHandledEvents(),
    )


def test_a_registered_entry_is_welcomed() -> None:
    service = welcome_worker()

    welcome = service.on_registered_entry(registered_entry("ann@example.com"))

    assert welcome == {"email": "ann@example.com", "event_id": EVENT_ID}


def test_the_welcome_is_logged_with_the_address_masked(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    service = welcome_worker(LoggingWelcomeNotifier())

    service.on_registered_entry(registered_entry("annabel@example.com"))

    assert "a***@example.com" in caplog.text
    assert EVENT_ID in caplog.text
    assert "annabel" not in caplog.text


def test_an_event_handled_before_is_answered_with_nothing_sent() -> None:
    notifier = RecordingNotifier()
    service = welcome_worker(notifier)
    service.on_registered_entry(registered_entry("ann@example.com"))

    again = service.on_registered_entry(registered_entry("ann@example.com"))

    assert again is None
    assert len(notifier.sent) == 1


@pytest.mark.parametrize(
    "payload",
    [
        {"name": "RegisteredEntryEvent", "event_id": EVENT_ID},
        {"name": "RegisteredEntryEvent", "email": "ann@example.com"},
        {"event_id": EVENT_ID, "email": 7},
        {"event_id": "", "email": "ann@example.com"},
        {"event_id": "x" * 256, "email": "ann@example.com"},
        ["ann@example.com", EVENT_ID],
    ],
)
def test_a_payload_without_what_the_welcome_needs_is_unusable(payload: Any) -> None:
    notifier = RecordingNotifier()
    service = welcome_worker(notifier)

    with pytest.raises(UnusableMessage):
        service.on_registered_entry(payload)

    assert notifier.attempts == []
