import http.client
import json
import socket
import time
from collections.abc import Iterator
from unittest.mock import MagicMock

from tests.nameko.http_client import ServiceClient, problem_in

MAX_BODY_BYTES = 16 * 1024
PROMPTLY_SECONDS = 2.0


def registration_of_size(size: int) -> bytes:
    """A valid registration body, padded with whitespace to `size` bytes."""
    document = json.dumps({"email": "ann@example.com"}).encode()
    return document + b" " * (size - len(document))


def in_chunks(body: bytes, size: int = 1000) -> Iterator[bytes]:
    """The body as an iterable, which requests sends with chunked encoding."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


def test_a_body_of_exactly_the_limit_is_registered(
    dispatch: MagicMock, client: ServiceClient
) -> None:
    response = client.post_body(registration_of_size(MAX_BODY_BYTES))
    client.wait_until_relayed()

    assert response.status_code == 201
    dispatch.assert_called_once()


def test_a_body_one_byte_over_the_limit_is_too_large(
    dispatch: MagicMock, client: ServiceClient
) -> None:
    response = client.post_body(registration_of_size(MAX_BODY_BYTES + 1))

    problem = problem_in(response, 413)
    assert str(MAX_BODY_BYTES) in problem["detail"]
    dispatch.assert_not_called()


def test_a_chunked_body_of_exactly_the_limit_is_registered(
    dispatch: MagicMock, client: ServiceClient
) -> None:
    response = client.post_body(in_chunks(registration_of_size(MAX_BODY_BYTES)))
    client.wait_until_relayed()

    assert response.request.headers["Transfer-Encoding"] == "chunked"
    assert response.status_code == 201
    dispatch.assert_called_once()


def test_a_chunked_body_over_the_limit_is_too_large(
    dispatch: MagicMock, client: ServiceClient
) -> None:
    response = client.post_body(in_chunks(registration_of_size(4 * MAX_BODY_BYTES)))

    assert response.request.headers["Transfer-Encoding"] == "chunked"
    problem_in(response, 413)
    dispatch.assert_not_called()


def send_head_of_oversized_body(port: int) -> http.client.HTTPConnection:
    """A connection that declares a body of a gigabyte and sends only its start."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=PROMPTLY_SECONDS)
    connection.putrequest("POST", "/register")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(10**9))
    connection.endheaders(b'{"email": ')
    return connection


def test_a_declared_length_over_the_limit_is_refused_before_the_body_arrives(
    dispatch: MagicMock, web_config_port: int
) -> None:
    started = time.monotonic()
    connection = send_head_of_oversized_body(web_config_port)

    response = connection.getresponse()
    body = response.read()
    connection.close()

    assert time.monotonic() - started < PROMPTLY_SECONDS
    assert response.status == 413
    assert response.getheader("Content-Type") == "application/problem+json"
    assert json.loads(body)["status"] == 413
    dispatch.assert_not_called()


def test_the_connection_is_closed_rather_than_the_refused_body_read(
    dispatch: MagicMock, web_config_port: int
) -> None:
    head = (
        b"POST /register HTTP/1.1\r\nHost: localhost\r\n"
        b"Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n"
    )
    received = b""

    with socket.create_connection(("127.0.0.1", web_config_port)) as sock:
        sock.settimeout(PROMPTLY_SECONDS)
        sock.sendall(head + b'{"email": ')
        while chunk := sock.recv(65536):
            received += chunk

    assert received.startswith(b"HTTP/1.1 413")
    assert b"Connection: close" in received
    dispatch.assert_not_called()
