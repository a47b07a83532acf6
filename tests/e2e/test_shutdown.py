"""SIGTERM while registrations stream in: answered, published, and out in time."""

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from tests.e2e.conftest import RunningService
from tests.support.raw_queue import RawQueue

RunService = Callable[..., RunningService]

# What the README promises for the process to end after SIGTERM.
SHUTDOWN_BOUND_SECONDS = 10.0
CLIENTS = 8


class RegistrationStream:
    """Clients that register new addresses over kept-alive connections, each
    until the service stops answering after it was told to stop."""

    def __init__(self, url: str) -> None:
        self._url = url
        self.answers: list[requests.Response] = []
        self.failures: list[Exception] = []
        self.signalled = threading.Event()
        self._clients = [
            threading.Thread(target=self._register, args=(client,))
            for client in range(CLIENTS)
        ]

    def start(self) -> None:
        for client in self._clients:
            client.start()

    def join(self) -> None:
        for client in self._clients:
            client.join(timeout=30)

    def wait_for_answers(self, count: int, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.answers) < count and time.monotonic() < deadline:
            time.sleep(0.02)

    def _register(self, client: int) -> None:
        with requests.Session() as connection:
            for n in range(100_000):
                document = {"email": f"c{client}-{n}@example.com"}
                try:
                    answer = connection.post(
                        f"{self._url}/register", json=document, timeout=15
                    )
                except requests.ConnectionError as error:
                    self.failures.append(error)
                    if self.signalled.is_set():
                        return
                    continue
                self.answers.append(answer)


def _published_event_ids(queue: RawQueue) -> set[str]:
    ids = set()
    while True:
        try:
            ids.add(queue.get(timeout=2).body["event_id"])
        except TimeoutError:
            return ids


def _stored_entry_ids(database: Path) -> set[str]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT id FROM entries").fetchall()
    return {str(row[0]).replace("-", "") for row in rows}


def _created(answers: list[requests.Response]) -> list[dict[str, Any]]:
    return [answer.json() for answer in answers if answer.status_code == 201]


def test_sigterm_answers_what_it_took_publishes_it_and_exits_in_time(
    run_service: RunService,
    rabbit_config: dict[str, str],
    registered_entries: RawQueue,
    tmp_path: Path,
) -> None:
    database = tmp_path / "kept.db"
    service = run_service(rabbit_config["AMQP_URI"], database)
    stream = RegistrationStream(service.url)
    stream.start()
    stream.wait_for_answers(50)

    stream.signalled.set()
    took = service.terminate()
    stream.join()
    published = _published_event_ids(registered_entries)
    restarted = run_service(rabbit_config["AMQP_URI"], database)

    created = _created(stream.answers)
    refused = [answer for answer in stream.answers if answer.status_code != 201]
    assert service.process.returncode == 0, service.log()
    assert took < SHUTDOWN_BOUND_SECONDS
    assert len(created) >= 50
    assert {answer.status_code for answer in refused} <= {503}
    assert all(answer.headers["Connection"] == "close" for answer in refused)
    assert {entry["event_id"] for entry in created} <= published
    assert _stored_entry_ids(database) == {
        entry["id"].replace("-", "") for entry in created
    }
    assert "outbox: no event pending" in restarted.wait_for_log("outbox:")
    assert registered_entries.is_empty()
