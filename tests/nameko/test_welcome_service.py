import logging

import pytest
from nameko.testing.services import worker_factory

from welcome.entrypoints import WelcomeService

EVENT_ID = "0b9d4c1e-2f4a-4c55-9a55-8f3c2f1d6e7a"


def registered_entry(email: str) -> dict[str, str]:
    return {
        "name": "RegisteredEntryEvent",
        "event_id": EVENT_ID,
        "email": email,
        "timestamp": "2026-01-05T09:30:00+00:00",
    }


def test_a_registered_entry_is_welcomed() -> None:
    service = worker_factory(WelcomeService)

    welcome = service.on_registered_entry(registered_entry("ann@example.com"))

    assert welcome == {"email": "ann@example.com", "event_id": EVENT_ID}


def test_the_welcome_is_logged_with_the_address_masked(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    service = worker_factory(WelcomeService)

    service.on_registered_entry(registered_entry("annabel@example.com"))

    assert "a***@example.com" in caplog.text
    assert EVENT_ID in caplog.text
    assert "annabel" not in caplog.text
