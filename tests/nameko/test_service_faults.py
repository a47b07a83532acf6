from unittest.mock import MagicMock

import pytest
from kombu.exceptions import OperationalError

from registration.application import RegistrationService
from tests.nameko.http_client import ServiceClient, media_type

REVEALING_WORDS = ("secret", "Traceback", "RuntimeError", "OperationalError")


def test_an_unexpected_error_is_a_500_that_reveals_nothing(
    dispatch: MagicMock, client: ServiceClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_: object) -> None:
        raise RuntimeError("secret internal text")

    monkeypatch.setattr(RegistrationService, "register_entry", fail)

    response = client.register({"email": "ann@example.com"})

    assert response.status_code == 500
    assert media_type(response) == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 500
    assert problem["title"] == "Internal Server Error"
    for word in REVEALING_WORDS:
        assert word not in response.text


def test_a_broker_that_cannot_take_the_event_leaves_it_waiting_in_the_outbox(
    dispatch: MagicMock, client: ServiceClient
) -> None:
    dispatch.side_effect = OperationalError("[Errno 111] Connection refused")

    response = client.register({"email": "ann@example.com"})
    outbox = client.request("GET", "/outbox").json()

    assert response.status_code == 201
    assert outbox["pending"] == 1
    assert outbox["oldest_age_seconds"] >= 0


def test_events_left_waiting_are_published_once_the_broker_takes_them(
    dispatch: MagicMock, client: ServiceClient
) -> None:
    dispatch.side_effect = OperationalError("[Errno 111] Connection refused")
    response = client.register({"email": "ann@example.com"})

    dispatch.side_effect = None
    client.wait_until_relayed()

    _, payload = dispatch.call_args.args
    assert payload["event_id"] == response.json()["event_id"]
    assert client.request("GET", "/outbox").json() == {
        "pending": 0,
        "oldest_age_seconds": None,
    }
