import os
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from amqp.exceptions import ChannelError
from kombu.connection import Connection
from nameko.testing.utils import find_free_port

ROOT = Path(__file__).resolve().parents[2]
NAMEKO = str(Path(sys.executable).with_name("nameko"))
ALEMBIC = str(Path(sys.executable).with_name("alembic"))
SERVICES = ["registration.entrypoints.service", "welcome.entrypoints"]
WELCOME_QUEUE = (
    "evt-nameko_registration_service-RegisteredEntryEvent"
    "--welcome_service.on_registered_entry"
)


class RunningService:
    """`nameko run` in a subprocess, as `make run` starts it: after the
    migrations, on a database of its own."""

    def __init__(
        self,
        amqp_uri: str,
        log_path: Path,
        database: Path,
        settings: dict[str, str] | None = None,
        open_files: int | None = None,
    ) -> None:
        self.port = find_free_port()
        self.env = {
            **os.environ,
            "AMQP_URI": amqp_uri,
            "WEB_SERVER_ADDRESS": f"127.0.0.1:{self.port}",
            "DATABASE_URL": f"sqlite:///{database}",
            "WELCOME_DATABASE_URL": f"sqlite:///{database.with_suffix('.welcome.db')}",
            **(settings or {}),
        }
        self.log_path = log_path
        subprocess.run(
            [ALEMBIC, "upgrade", "head"],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
        )
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [NAMEKO, "run", "--config", "config.yaml", *SERVICES],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        if open_files is not None:
            # Before it listens, a service has opened no connection to count.
            _, hard = resource.prlimit(self.process.pid, resource.RLIMIT_NOFILE)
            resource.prlimit(
                self.process.pid, resource.RLIMIT_NOFILE, (open_files, hard)
            )
        self._wait_until_listening()
        if not amqp_uri.startswith("memory://"):
            self._wait_until_consuming(amqp_uri)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text()

    def wait_for_log(self, text: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in (log := self.log()):
                return log
            time.sleep(0.05)
        raise AssertionError(f"{text!r} not logged within {timeout} s:\n{self.log()}")

    def kill(self) -> None:
        """End the process with SIGKILL, leaving it no time to clean up."""
        self.process.kill()
        self.process.wait()

    def terminate(self, timeout: float = 30.0) -> float:
        """Send SIGTERM, as `docker stop` does; the seconds the process took to end."""
        sent = time.monotonic()
        self.process.terminate()
        self.process.wait(timeout=timeout)
        return time.monotonic() - sent

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _wait_until_consuming(self, amqp_uri: str, timeout: float = 30.0) -> None:
        """Waits for the consumer's queue to have its consumer: an event
        published before the queue exists would not reach it."""
        deadline = time.monotonic() + timeout
        with Connection(amqp_uri) as connection:
            while time.monotonic() < deadline:
                try:
                    channel = connection.channel()
                    _, _, consumers = channel.queue_declare(WELCOME_QUEUE, passive=True)
                    channel.close()
                    if consumers:
                        return
                except ChannelError:
                    pass
                time.sleep(0.1)
        raise AssertionError(f"no consumer on {WELCOME_QUEUE} within {timeout} s")

    def _wait_until_listening(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"nameko run exited:\n{self.log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError(f"nameko run did not listen within {timeout} s")


@pytest.fixture
def run_service(tmp_path: Path) -> Iterator[Callable[..., RunningService]]:
    """Starts `nameko run`; each on a new database unless given one, with
    `settings` added to its environment and at most `open_files` open."""
    started: list[RunningService] = []

    def start(
        amqp_uri: str,
        database: Path | None = None,
        open_files: int | None = None,
        **settings: str,
    ) -> RunningService:
        log_path = tmp_path / f"service-{len(started)}.log"
        service = RunningService(
            amqp_uri,
            log_path,
            database or log_path.with_suffix(".db"),
            settings,
            open_files,
        )
        started.append(service)
        return service

    yield start
    for service in started:
        service.stop()
