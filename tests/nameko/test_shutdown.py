"""What the service does with its clients and its outbox when it stops."""

import json
import socket
from collections.abc import Iterator
from http.client import HTTPConnection
from typing import Any
from unittest.mock import MagicMock

import eventlet
import pytest

BODY = json.dumps({"email": "ann@example.com"}).encode()


@pytest.fixture
def connect(web_config_port: int) -> Iterator[Any]:
    opened: list[HTTPConnection] = []

    def open_connection() -> HTTPConnection:
        connection = HTTPConnection("127.0.0.1", web_config_port, timeout=5)
        opened.append(connection)
        return connection

    yield open_connection
    for connection in opened:
        connection.close()


def _begin_registration(connection: HTTPConnection) -> None:
    """Send a registration's headers and the start of its body, not the rest."""
    connection.putrequest("POST", "/register")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(len(BODY)))
    connection.endheaders(BODY[:5])
    eventlet.sleep(0.1)


def _stop_in_background(container: Any) -> Any:
    stopping = eventlet.spawn(container.stop)
    eventlet.sleep(0.1)
    return stopping


def test_a_registration_begun_before_the_stop_is_answered_and_published(
    registration_container: Any, dispatch: MagicMock, connect: Any
) -> None:
    begun = connect()
    _begin_registration(begun)

    stopping = _stop_in_background(registration_container)
    begun.send(BODY[5:])
    answer = begun.getresponse()
    body = json.loads(answer.read())
    stopping.wait()

    assert answer.status == 201
    assert answer.getheader("Connection") == "close"
    _, payload = dispatch.call_args.args
    assert payload["event_id"] == body["event_id"]


def test_once_stopping_new_connections_are_refused(
    registration_container: Any, dispatch: MagicMock, connect: Any, web_config_port: int
) -> None:
    begun = connect()
    _begin_registration(begun)

    stopping = _stop_in_background(registration_container)

    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", web_config_port), timeout=5)
    begun.send(BODY[5:])
    begun.getresponse().read()
    stopping.wait()


def test_a_request_on_a_kept_alive_connection_once_stopping_is_a_503_that_closes(
    registration_container: Any, dispatch: MagicMock, connect: Any
) -> None:
    kept_alive, begun = connect(), connect()
    kept_alive.request("GET", "/health/live")
    kept_alive.getresponse().read()
    _begin_registration(begun)

    stopping = _stop_in_background(registration_container)
    kept_alive.request("GET", "/health/live")
    answer = kept_alive.getresponse()
    problem = json.loads(answer.read())
    begun.send(BODY[5:])
    begun.getresponse().read()
    stopping.wait()

    assert answer.status == 503
    assert answer.getheader("Connection") == "close"
    assert answer.getheader("Content-Type") == "application/problem+json"
    assert problem["type"] == "/problems/shutting-down"


def test_an_idle_kept_alive_connection_is_closed_by_the_stop(
    registration_container: Any, dispatch: MagicMock, connect: Any
) -> None:
    kept_alive = connect()
    kept_alive.request("GET", "/health/live")
    kept_alive.getresponse().read()

    registration_container.stop()

    assert kept_alive.sock.recv(1) == b""
