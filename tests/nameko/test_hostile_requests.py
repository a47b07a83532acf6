"""Requests that no honest client sends, sent over a raw socket."""

import logging
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from unittest.mock import MagicMock

import pytest
import requests

from registration.entrypoints import http

HEAD = (
    b"POST /register HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
)
BODY = b'{"email": "ann@example.com"}'
SHORT_CLIENT_TIMEOUT = 0.5


def exchange(port: int, request: bytes, timeout: float = 3.0) -> bytes:
    """Sends `request` and returns all the server says until it closes."""
    received = b""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.settimeout(timeout)
        sock.sendall(request)
        while chunk := sock.recv(65536):
            received += chunk
    return received


@contextmanager
def stalled_requests(port: int, count: int) -> Iterator[None]:
    """Connections that declare a body and send only its start."""
    head = HEAD + b"Content-Length: 100\r\n\r\n" + BODY[:10]
    sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
    try:
        for sock in sockets:
            sock.sendall(head)
        yield
    finally:
        for sock in sockets:
            sock.close()


def test_a_body_shorter_than_its_length_is_refused_and_announces_nothing(
    dispatch: MagicMock, web_config_port: int
) -> None:
    head = HEAD + f"Content-Length: {len(BODY) + 10}\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", web_config_port)) as sock:
        sock.settimeout(3)
        sock.sendall(head + BODY)
        sock.shutdown(socket.SHUT_WR)

        answer = sock.recv(65536)

    assert answer.startswith(b"HTTP/1.1 400")
    assert b"ended after 28 of the 38 bytes" in answer
    dispatch.assert_not_called()


def test_a_malformed_chunk_is_a_client_error_not_a_server_fault(
    dispatch: MagicMock, web_config_port: int
) -> None:
    request = (
        HEAD + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n" + BODY + b"\r\n0\r\n\r\n"
    )

    answer = exchange(web_config_port, request)

    assert answer.startswith(b"HTTP/1.1 400")
    assert b"application/problem+json" in answer
    assert b"chunked body is malformed" in answer
    dispatch.assert_not_called()


def test_content_lengths_that_disagree_are_refused(
    dispatch: MagicMock, web_config_port: int
) -> None:
    request = HEAD + b"Content-Length: 28\r\nContent-Length: 5\r\n\r\n" + BODY

    answer = exchange(web_config_port, request)

    assert answer.startswith(b"HTTP/1.1 400")
    assert b"Content-Length headers that disagree" in answer
    dispatch.assert_not_called()


@pytest.fixture
def short_client_timeout(monkeypatch: pytest.MonkeyPatch) -> float:
    monkeypatch.setattr(http, "CLIENT_TIMEOUT_SECONDS", SHORT_CLIENT_TIMEOUT)
    return SHORT_CLIENT_TIMEOUT


def test_a_body_that_stops_arriving_is_a_408_after_the_client_timeout(
    short_client_timeout: float, dispatch: MagicMock, web_config_port: int
) -> None:
    with socket.create_connection(("127.0.0.1", web_config_port)) as sock:
        sock.settimeout(5)
        sock.sendall(HEAD + b"Content-Length: 100\r\n\r\n" + BODY[:10])
        started = time.monotonic()

        answer = sock.recv(65536)

    assert answer.startswith(b"HTTP/1.1 408")
    assert time.monotonic() - started < short_client_timeout + 2
    dispatch.assert_not_called()


def test_clients_that_stall_their_bodies_do_not_hold_up_the_others(
    dispatch: MagicMock, web_config_port: int
) -> None:
    with stalled_requests(web_config_port, count=20):
        response = requests.post(
            f"http://127.0.0.1:{web_config_port}/register",
            json={"email": "ann@example.com"},
            timeout=3,
        )

    assert response.status_code == 201


@pytest.mark.parametrize(
    "coding",
    [b"gzip", b"identity, chunked", b"chunked, gzip", b"chunked\x0c", b"\x0bchunked"],
)
@pytest.mark.parametrize("path", [b"/register", b"/nowhere"])
def test_a_body_under_another_transfer_coding_is_refused_and_ends_the_connection(
    dispatch: MagicMock, web_config_port: int, coding: bytes, path: bytes
) -> None:
    smuggled = b"GET /outbox HTTP/1.1\r\nHost: localhost\r\n\r\n"
    request = (
        HEAD.replace(b"/register", path)
        + b"Transfer-Encoding: "
        + coding
        + b"\r\n\r\n"
        + smuggled
    )

    answer = exchange(web_config_port, request)

    assert answer.startswith(b"HTTP/1.1 400")
    assert b"application/problem+json" in answer
    assert b"Transfer-Encoding" in answer
    assert answer.count(b"HTTP/1.1 ") == 1
    dispatch.assert_not_called()


def test_control_characters_a_client_sends_are_escaped_in_the_log(
    dispatch: MagicMock, web_config_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="registration.entrypoints.http")

    answer = exchange(
        web_config_port, b"GET /\x1b[31mred\rINFO forged\x00 HTTP/1.1\r\n\r\n"
    )

    assert answer.startswith(b"HTTP/1.1 400")
    lines = [r.getMessage() for r in caplog.records if "HTTP from" in r.getMessage()]
    assert lines
    assert all(line.isprintable() for line in lines)
    assert any("\\x1b[31mred\\rINFO forged\\x00" in line for line in lines)
