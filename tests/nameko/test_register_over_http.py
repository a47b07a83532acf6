import logging
import uuid
from datetime import datetime, timedelta
from typing import Any
from unittest.mock import MagicMock

import pytest
from nameko.testing.services import entrypoint_waiter

from tests.nameko.http_client import ServiceClient, media_type, problem_in

INVALID_REQUEST_BODY = "/problems/invalid-request-body"
INVALID_EMAIL_ADDRESS = "/problems/invalid-email-address"


def test_a_registration_answers_201_with_the_entry_and_the_event_id(
    dispatch: MagicMock, client: ServiceClient
) -> None:
    response = client.register({"email": "ann@example.com"})

    assert response.status_code == 201
    assert media_type(response) == "application/json"
    body = response.json()
    assert body.keys() == {"id", "email", "registered_at", "event_id"}
    assert body["email"] == "ann@example.com"
    assert uuid.UUID(body["event_id"]).version == 4
    assert response.headers["Location"] == f"/entries/{uuid.UUID(body['id'])}"
    assert datetime.fromisoformat(body["registered_at"]).utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("given", "normalised"),
    [
        pytest.param(" Ann.Lee@EXAMPLE.Com \n", "Ann.Lee@example.com", id="ASCII"),
        pytest.param("Jörg@EXÄMPLE.com", "Jörg@exämple.com", id="non-ASCII"),
    ],
)
def test_the_address_is_answered_and_announced_in_normalised_form(
    dispatch: MagicMock, client: ServiceClient, given: str, normalised: str
) -> None:
    response = client.register({"email": given})
    client.wait_until_relayed()

    assert response.json()["email"] == normalised
    dispatch.assert_called_once()
    name, payload = dispatch.call_args.args
    assert name == "RegisteredEntryEvent"
    assert payload["email"] == normalised
    assert payload["event_id"] == response.json()["event_id"]


def test_a_registration_reaches_the_welcome_service_as_an_event(
    registration_container: Any, welcome_container: Any, client: ServiceClient
) -> None:
    registration_container.start()
    address = f"{uuid.uuid4().hex}@example.com"

    def is_this_registration(worker_ctx: Any, result: Any, exc_info: Any) -> bool:
        return exc_info is not None or result["email"] == address

    with entrypoint_waiter(
        welcome_container,
        "on_registered_entry",
        callback=is_this_registration,
        timeout=5,
    ) as welcomed:
        response = client.register({"email": address})

    assert response.status_code == 201
    assert welcomed.get() == {
        "email": address,
        "event_id": response.json()["event_id"],
    }


def test_a_registration_logs_the_address_only_masked(
    dispatch: MagicMock, client: ServiceClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    client.register({"email": "annabel@example.com"})

    assert "a***@example.com" in caplog.text
    assert "annabel" not in caplog.text


CLIENT_MISTAKES = [
    pytest.param(
        b'{"email": "ann@example.com"',
        400,
        INVALID_REQUEST_BODY,
        "not valid JSON",
        id="malformed JSON",
    ),
    pytest.param(b"", 400, INVALID_REQUEST_BODY, "not valid JSON", id="empty body"),
    pytest.param(
        b'{"email": "ann@example.com\xff"}',
        400,
        INVALID_REQUEST_BODY,
        "not UTF-8",
        id="invalid UTF-8",
    ),
    pytest.param(
        '{"email": "jörg@example.com"}'.encode("latin-1"),
        400,
        INVALID_REQUEST_BODY,
        "not UTF-8",
        id="Latin-1 instead of UTF-8",
    ),
    pytest.param(
        '{"email": "ann@example.com"}'.encode("utf-16"),
        400,
        INVALID_REQUEST_BODY,
        "not UTF-8",
        id="UTF-16 instead of UTF-8",
    ),
    pytest.param(
        b'["ann@example.com"]',
        400,
        INVALID_REQUEST_BODY,
        "must be a JSON object, not an array",
        id="an array",
    ),
    pytest.param(
        b'"ann@example.com"',
        400,
        INVALID_REQUEST_BODY,
        "must be a JSON object, not a string",
        id="a string",
    ),
    pytest.param(b"{}", 400, INVALID_REQUEST_BODY, "'email' is missing", id="no email"),
    pytest.param(
        b'{"email": 42}',
        400,
        INVALID_REQUEST_BODY,
        "'email' must be a string, not a number",
        id="email a number",
    ),
    pytest.param(
        b'{"email": null}',
        400,
        INVALID_REQUEST_BODY,
        "'email' must be a string, not null",
        id="email null",
    ),
    pytest.param(
        b'{"email": ["ann@example.com"]}',
        400,
        INVALID_REQUEST_BODY,
        "'email' must be a string, not an array",
        id="email a list",
    ),
    pytest.param(
        b'{"email": {"address": "ann@example.com"}}',
        400,
        INVALID_REQUEST_BODY,
        "'email' must be a string, not an object",
        id="email an object",
    ),
    pytest.param(
        b'{"email": true}',
        400,
        INVALID_REQUEST_BODY,
        "'email' must be a string, not a boolean",
        id="email a boolean",
    ),
    pytest.param(
        b'{"email": "ann@example.com", "name": "Ann", "age": 3}',
        400,
        INVALID_REQUEST_BODY,
        "Unknown fields: age, name",
        id="unknown fields",
    ),
    pytest.param(
        b'{"email": "ann.example.com"}',
        422,
        INVALID_EMAIL_ADDRESS,
        "email",
        id="no @-sign",
    ),
    pytest.param(
        b'{"email": "ann@"}', 422, INVALID_EMAIL_ADDRESS, "email", id="no domain"
    ),
    pytest.param(
        b'{"email": "   "}', 422, INVALID_EMAIL_ADDRESS, "email", id="only spaces"
    ),
    pytest.param(
        b'{"email": "' + b"a" * 65 + b'@example.com"}',
        422,
        INVALID_EMAIL_ADDRESS,
        "too long before the @-sign",
        id="a local part over 64 characters",
    ),
    pytest.param(
        b'{"email": "7a$=@uu79ch.0.test"}',
        422,
        INVALID_EMAIL_ADDRESS,
        "special-use or reserved name",
        id="a special-use domain, though JSON Schema's email format takes it",
    ),
    pytest.param(
        b'{"email": "ann@example.com", "email": "bob@example.com"}',
        400,
        INVALID_REQUEST_BODY,
        "'email' appears more than once",
        id="a duplicate field",
    ),
]


@pytest.mark.parametrize(("body", "status", "problem_type", "detail"), CLIENT_MISTAKES)
def test_a_client_mistake_is_a_problem_and_announces_nothing(
    dispatch: MagicMock,
    client: ServiceClient,
    body: bytes,
    status: int,
    problem_type: str,
    detail: str,
) -> None:
    response = client.post_body(body)

    problem = problem_in(response, status)
    assert problem["type"] == problem_type
    assert detail in problem["detail"]
    dispatch.assert_not_called()


@pytest.mark.parametrize(
    ("body", "internals"),
    [
        pytest.param(b"[" * 5000, "recursion", id="deeply nested"),
        pytest.param(
            b'{"email": ' + b"1" * 5000 + b"}",
            "set_int_max_str_digits",
            id="a number of 5000 digits",
        ),
    ],
)
def test_a_body_the_parser_cannot_take_is_described_without_its_internals(
    dispatch: MagicMock, client: ServiceClient, body: bytes, internals: str
) -> None:
    response = client.post_body(body)

    problem = problem_in(response, 400)
    assert problem["type"] == INVALID_REQUEST_BODY
    assert internals not in response.text
    dispatch.assert_not_called()


@pytest.mark.parametrize(
    "content_type",
    [
        pytest.param("text/plain", id="text"),
        pytest.param("application/x-www-form-urlencoded", id="form"),
        pytest.param(None, id="missing"),
    ],
)
def test_a_body_that_is_not_json_is_an_unsupported_media_type(
    dispatch: MagicMock, client: ServiceClient, content_type: str | None
) -> None:
    response = client.post_body(b'{"email": "ann@example.com"}', content_type)

    problem = problem_in(response, 415)
    assert "application/json" in problem["detail"]
    dispatch.assert_not_called()


def test_json_with_a_charset_parameter_is_accepted(
    dispatch: MagicMock, client: ServiceClient
) -> None:
    response = client.post_body(
        b'{"email": "ann@example.com"}', "application/json; charset=utf-8"
    )

    assert response.status_code == 201


@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("POST", "/registers", id="a near miss"),
        pytest.param("POST", "/register/", id="a trailing slash"),
        pytest.param("GET", "/", id="the root"),
    ],
)
def test_an_unknown_path_is_a_not_found_problem(
    dispatch: MagicMock, client: ServiceClient, method: str, path: str
) -> None:
    response = client.request(method, path, json={"email": "ann@example.com"})

    problem_in(response, 404)
    dispatch.assert_not_called()


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_a_wrong_method_is_a_problem_that_names_the_allowed_one(
    dispatch: MagicMock, client: ServiceClient, method: str
) -> None:
    response = client.request(method, "/register", json={"email": "ann@example.com"})

    problem_in(response, 405)
    assert response.headers["Allow"] == "POST"
    dispatch.assert_not_called()
