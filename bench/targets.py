"""The services `make bench` runs, each as its own `nameko run` process."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

from prometheus_client.parser import text_string_to_metric_families

from tests.support.databases import throwaway_postgres

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# The servers beside the service whose work a request also costs.
POSTGRES_PROCESS = "postgres"
RABBITMQ_PROCESS = "beam.smp"


def process_cpu_seconds(pid: int | str) -> float:
    """User and system time a process has used so far; 0 if it has gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def cpu_seconds_of(command: str) -> float:
    """CPU time used so far by every process running `command`, such as postgres.

    Processes that ended since the last reading take their time with them,
    so a difference of two readings can fall short; it cannot overstate.
    """
    total = 0.0
    for folder in Path("/proc").iterdir():
        if not folder.name.isdigit():
            continue
        try:
            name = (folder / "comm").read_text().strip()
        except OSError:
            continue
        if name == command:
            total += process_cpu_seconds(folder.name)
    return total


@dataclass(frozen=True)
class Target:
    """A service to measure: what `nameko run` starts, and on what storage."""

    label: str
    title: str
    services: tuple[str, ...]
    storage: str | None = None
    publishes: bool = True


BARE = Target("bare", "bare @http, 201", ("bench.services:BareService",), None, False)
NAIVE = Target("naive", "naive: parse + dispatch", ("bench.services:NaiveService",))
SQLITE = Target(
    "sqlite", "POST /register, SQLite", ("registration.entrypoints.service",), "sqlite"
)
POSTGRES = Target(
    "pg",
    "POST /register, PostgreSQL",
    ("registration.entrypoints.service",),
    "postgresql",
)
TARGETS = (BARE, NAIVE, SQLITE, POSTGRES)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServiceProcess:
    """`nameko run --config config.yaml` in a subprocess, logging to a file."""

    def __init__(self, target: Target, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.log_path = log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    str(BIN / "nameko"),
                    "run",
                    "--config",
                    "config.yaml",
                    *target.services,
                ],
                cwd=ROOT,
                env={**env, "WEB_SERVER_ADDRESS": f"127.0.0.1:{self.port}"},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_listening()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def cpu_seconds(self) -> float:
        """User and system time the process has used so far."""
        return process_cpu_seconds(self.pid)

    def rss_kib(self) -> int:
        """Resident memory, VmRSS of /proc/<pid>/status, in KiB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError(f"no VmRSS for process {self.pid}")

    def outbox(self) -> dict[str, float] | None:
        """`GET /outbox` as JSON, or None where the service has no such route."""
        answer = self._get("/outbox")
        if answer is None:
            return None
        outbox: dict[str, float] = json.loads(answer)
        return outbox

    def metric_totals(self) -> dict[str, float]:
        """`GET /metrics`: each sample without labels, by name; empty when the
        service has no such route."""
        answer = self._get("/metrics")
        if answer is None:
            return {}
        return {
            sample.name: sample.value
            for family in text_string_to_metric_families(answer.decode())
            for sample in family.samples
            if not sample.labels
        }

    def _get(self, path: str) -> bytes | None:
        """The body `GET path` answers, or None where the service has no such
        route."""
        try:
            with urllib.request.urlopen(f"{self.url}{path}", timeout=10) as answer:  # noqa: S310
                body: bytes = answer.read()
                return body
        except urllib.error.HTTPError as error:
            if error.code in {404, 405}:
                return None
            raise

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _wait_until_listening(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nameko run exited:\n{self.log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"nameko run did not listen within {timeout} s")


@contextmanager
def running(
    target: Target, amqp_uri: str, database_url: str | None, log_path: Path
) -> Iterator[ServiceProcess]:
    """`target` running on the broker and database given, stopped afterwards."""
    env = {**os.environ, "AMQP_URI": amqp_uri, "LOG_LEVEL": "INFO"}
    if database_url is not None:
        env["DATABASE_URL"] = database_url
        migrate(env)
    service = ServiceProcess(target, env, log_path)
    try:
        yield service
    finally:
        service.stop()


@contextmanager
def postgres_service(
    amqp_uri: str, postgres_url: str, log_path: Path
) -> Iterator[ServiceProcess]:
    """The service on a throwaway database of the PostgreSQL server at
    `postgres_url`, stopped and dropped afterwards."""
    with (
        throwaway_postgres(postgres_url, "registration_bench") as url,
        running(POSTGRES, amqp_uri, url, log_path) as service,
    ):
        yield service


def migrate(env: dict[str, str]) -> None:
    """`alembic upgrade head`, as `make migrate` runs it, on env's DATABASE_URL."""
    subprocess.run(
        [str(BIN / "alembic"), "upgrade", "head"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


@contextmanager
def throwaway_database(storage: str, folder: Path, postgres_url: str) -> Iterator[str]:
    """The URL of a new, empty database of kind `storage`, removed afterwards."""
    if storage == "sqlite":
        path = folder / f"registration_bench_{uuid4().hex[:8]}.db"
        try:
            yield f"sqlite:///{path}"
        finally:
            for leftover in folder.glob(f"{path.name}*"):
                leftover.unlink()
        return

    with throwaway_postgres(postgres_url, "registration_bench") as url:
        yield url
