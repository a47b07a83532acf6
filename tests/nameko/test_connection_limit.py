"""More connections than the service takes at once, and none left to take."""

import errno
import json
import logging
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest.mock import MagicMock

import eventlet
import pytest
from eventlet.greenio import GreenSocket
from nameko.testing.services import replace_dependencies

from registration.entrypoints.service import RegistrationNamekoService
from registration.infrastructure.configuration import InvalidConfiguration

ContainerFactory = Callable[[type, dict[str, object]], Any]

CAP = 5
BODY = json.dumps({"email": "ann@example.com"}).encode()
REGISTRATION = (
    b"POST /register HTTP/1.1\r\nHost: localhost\r\n"
    b"Content-Type: application/json\r\nConnection: close\r\n"
    b"Content-Length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY
)
FAILED_ACCEPTS = 3


@pytest.fixture
def capped_dispatch(
    container_factory: ContainerFactory, service_config: dict[str, object]
) -> MagicMock:
    """The dispatcher of a started service that takes `CAP` connections at once."""
    container = container_factory(
        RegistrationNamekoService, {**service_config, "WEB_MAX_CONNECTIONS": CAP}
    )
    mock: MagicMock = replace_dependencies(container, "dispatch")
    container.start()
    return mock


@pytest.fixture
def descriptors_run_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """accept() fails as in a process out of file descriptors, a few times."""
    real_accept = GreenSocket.accept
    failures = iter(range(FAILED_ACCEPTS))

    def accept(sock: GreenSocket) -> Any:
        if next(failures, None) is not None:
            raise OSError(errno.EMFILE, "Too many open files")
        return real_accept(sock)

    monkeypatch.setattr(GreenSocket, "accept", accept)


@contextmanager
def idle_connections(port: int, count: int) -> Iterator[None]:
    """Connections that send nothing, as a flood of clients would."""
    sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
    eventlet.sleep(0.2)
    try:
        yield
    finally:
        for sock in sockets:
            sock.close()


def register(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(REGISTRATION)
    return sock


def answer_within(sock: socket.socket, seconds: float) -> bytes:
    sock.settimeout(seconds)
    try:
        return sock.recv(65536)
    except TimeoutError:
        return b""


def test_past_the_cap_a_client_waits_until_a_connection_closes_then_is_answered(
    capped_dispatch: MagicMock, web_config_port: int
) -> None:
    with idle_connections(web_config_port, CAP):
        waiting = register(web_config_port)
        answer_at_the_cap = answer_within(waiting, 1.0)

    answer = answer_within(waiting, 5.0)
    waiting.close()

    assert answer_at_the_cap == b""
    assert answer.startswith(b"HTTP/1.1 201")


def test_reaching_the_cap_is_logged_once(
    capped_dispatch: MagicMock, web_config_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING), idle_connections(web_config_port, CAP):
        for _ in range(3):
            register(web_config_port).close()
        eventlet.sleep(0.2)

    warnings = [r for r in caplog.records if "connections open" in r.getMessage()]
    assert [r.getMessage() for r in warnings] == [
        f"HTTP: {CAP} connections open, as many as WEB_MAX_CONNECTIONS allows; "
        "new ones wait until one closes"
    ]


def test_a_server_out_of_descriptors_logs_it_once_and_accepts_again(
    descriptors_run_out: None,
    dispatch: MagicMock,
    web_config_port: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    answer = answer_within(register(web_config_port), 5.0)

    logged = caplog.get_records("setup") + caplog.get_records("call")
    errors = [r for r in logged if "cannot accept" in r.getMessage()]
    assert answer.startswith(b"HTTP/1.1 201")
    assert len(errors) == 1
    assert "Too many open files" in errors[0].getMessage()


@pytest.mark.parametrize("cap", [0, -1, "many", True])
def test_a_cap_that_is_not_a_positive_number_stops_the_start(
    container_factory: ContainerFactory, service_config: dict[str, object], cap: object
) -> None:
    container = container_factory(
        RegistrationNamekoService, {**service_config, "WEB_MAX_CONNECTIONS": cap}
    )

    with pytest.raises(InvalidConfiguration, match="WEB_MAX_CONNECTIONS"):
        container.start()
