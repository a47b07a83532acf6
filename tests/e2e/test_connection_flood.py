"""A flood of silent connections against a process with few file descriptors."""

import socket
import time
from collections.abc import Callable

import pytest
import requests

from tests.e2e.conftest import RunningService

RunService = Callable[..., RunningService]

OPEN_FILES = 100
SILENT_CONNECTIONS = 150


def _open_silent_connections(port: int) -> list[socket.socket]:
    """Connections that send nothing. They are opened without waiting, so
    those the listen backlog has no room for go on trying in the kernel."""
    connections = []
    for _ in range(SILENT_CONNECTIONS):
        connection = socket.socket()
        connection.setblocking(False)
        connection.connect_ex(("127.0.0.1", port))
        connections.append(connection)
    return connections


@pytest.mark.parametrize(
    ("cap", "logged", "accept_errors"),
    [
        pytest.param(
            1000, "HTTP: cannot accept connections", 1, id="out-of-descriptors"
        ),
        pytest.param(
            20, "as many as WEB_MAX_CONNECTIONS allows", 0, id="held-at-the-cap"
        ),
    ],
)
def test_a_flooded_service_stays_up_and_serves_once_the_flood_leaves(
    run_service: RunService, cap: int, logged: str, accept_errors: int
) -> None:
    service = run_service(
        "memory://localhost/", open_files=OPEN_FILES, WEB_MAX_CONNECTIONS=str(cap)
    )
    silent = _open_silent_connections(service.port)
    service.wait_for_log(logged)
    time.sleep(1)

    for connection in silent:
        connection.close()
    answer = requests.post(
        f"{service.url}/register", json={"email": "ann@example.com"}, timeout=10
    )

    assert answer.status_code == 201
    assert service.process.poll() is None, service.log()
    assert service.log().count("cannot accept connections") == accept_errors
