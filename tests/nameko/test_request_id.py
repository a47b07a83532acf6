"""The request id: echoed to the client, logged, and sent on with the event."""

import logging
import re
from typing import Any
from unittest.mock import MagicMock

import pytest
from nameko.testing.services import entrypoint_hook, entrypoint_waiter

from tests.nameko.http_client import ServiceClient

GENERATED = re.compile(r"[0-9a-f]{32}")


def access_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "registration.access"]


def test_an_answer_carries_a_new_request_id_when_the_client_sent_none(
    dispatch: MagicMock, client: ServiceClient
) -> None:
    first = client.register({"email": "ann@example.com"})
    second = client.request("GET", "/health/live")

    assert GENERATED.fullmatch(first.headers["X-Request-ID"])
    assert GENERATED.fullmatch(second.headers["X-Request-ID"])
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


def test_the_client_s_request_id_is_echoed(
    dispatch: MagicMock, client: ServiceClient
) -> None:
    response = client.register(
        {"email": "ann@example.com"}, headers={"X-Request-ID": "checkout-7f3a.2"}
    )

    assert response.headers["X-Request-ID"] == "checkout-7f3a.2"


@pytest.mark.parametrize(
    "given",
    [
        pytest.param("x" * 129, id="too long"),
        pytest.param("two words", id="space"),
        pytest.param("ann@example.com", id="address"),
        pytest.param('a"b', id="quote"),
        pytest.param("a,b", id="list"),
        pytest.param("", id="empty"),
    ],
)
def test_an_unusable_request_id_is_replaced_without_an_error(
    dispatch: MagicMock, client: ServiceClient, given: str
) -> None:
    response = client.register(
        {"email": "ann@example.com"}, headers={"X-Request-ID": given}
    )

    assert response.status_code == 201
    assert GENERATED.fullmatch(response.headers["X-Request-ID"])


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/nowhere", None, 404),
        ("GET", "/register", None, 405),
        ("POST", "/register", b"{", 400),
        ("POST", "/register", b'{"email": "nope"}', 422),
        ("GET", "/entries/not-a-uuid", None, 404),
    ],
)
def test_a_problem_answer_carries_the_request_id_too(
    dispatch: MagicMock,
    client: ServiceClient,
    method: str,
    path: str,
    body: bytes | None,
    status: int,
) -> None:
    response = client.request(
        method,
        path,
        data=body,
        headers={"Content-Type": "application/json", "X-Request-ID": "req-1"},
    )

    assert response.status_code == status
    assert response.headers["X-Request-ID"] == "req-1"


def test_each_request_is_logged_in_one_line_with_its_route_and_request_id(
    dispatch: MagicMock, client: ServiceClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)

    client.request("GET", "/entries/not-a-uuid", headers={"X-Request-ID": "req-9"})

    [line] = access_lines(caplog)
    assert line.levelno == logging.INFO
    assert re.fullmatch(
        r"GET /entries/<entry_id> 404 \d+\.\d ms request req-9", line.getMessage()
    )
    assert (line.method, line.route, line.status, line.request_id) == (  # type: ignore[attr-defined]
        "GET",
        "/entries/<entry_id>",
        404,
        "req-9",
    )
    assert line.duration_ms > 0  # type: ignore[attr-defined]


def test_a_failed_request_is_one_line_too(
    dispatch: MagicMock, client: ServiceClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)

    client.register({"email": "ann@example.com"})
    client.register({"email": "ann@example.com"})
    client.request("POST", "/register", data=b"x" * 20000)

    statuses = [line.status for line in access_lines(caplog)]  # type: ignore[attr-defined]
    assert statuses == [201, 409, 413]


def test_the_request_id_goes_with_the_event_in_a_message_header(
    dispatch: MagicMock, client: ServiceClient
) -> None:
    response = client.register(
        {"email": "ann@example.com"}, headers={"X-Request-ID": "req-5"}
    )
    client.wait_until_relayed()

    assert dispatch.call_args.kwargs["headers"] == {"nameko.request_id": "req-5"}
    assert "req-5" not in dispatch.call_args.args[1].values()
    assert response.headers["X-Request-ID"] == "req-5"


def test_an_rpc_registration_takes_the_caller_s_request_id(
    registration_container: Any, dispatch: MagicMock, client: ServiceClient
) -> None:
    with entrypoint_hook(
        registration_container,
        "register_entry",
        context_data={"request_id": "caller-3"},
    ) as register_entry:
        register_entry("ann@example.com")
    client.wait_until_relayed()

    assert dispatch.call_args.kwargs["headers"] == {"nameko.request_id": "caller-3"}


def test_an_rpc_registration_without_one_gets_a_new_request_id(
    registration_container: Any, dispatch: MagicMock, client: ServiceClient
) -> None:
    with entrypoint_hook(registration_container, "register_entry") as register_entry:
        register_entry("ann@example.com")
    client.wait_until_relayed()

    headers = dispatch.call_args.kwargs["headers"]
    assert GENERATED.fullmatch(headers["nameko.request_id"])


def test_the_welcome_service_logs_the_request_id_its_event_came_with(
    registration_container: Any,
    welcome_container: Any,
    client: ServiceClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    registration_container.start()

    with entrypoint_waiter(welcome_container, "on_registered_entry", timeout=5):
        response = client.register(
            {"email": "ann@example.com"}, headers={"X-Request-ID": "req-11"}
        )

    event_id = response.json()["event_id"]
    welcomes = [
        r.getMessage()
        for r in caplog.records
        if r.name == "welcome.infrastructure.notifier"
    ]
    assert welcomes == [
        f"welcome sent to a***@example.com for event {event_id}, request req-11"
    ]
