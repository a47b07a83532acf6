"""Drives a service with wrk and reads what it measured."""

import json
import os
import resource
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA_SCRIPT = Path(__file__).with_name("register.lua")
RESULT_PREFIX = "BENCH_RESULT "


@dataclass(frozen=True)
class LoadResult:
    """One wrk run: its answers, its latencies, and what wrk itself cost."""

    label: str
    connections: int
    seconds: float
    statuses: dict[str, int]
    socket_errors: int
    latency_p50_ms: float
    latency_p95_ms: float
    latency_p99_ms: float
    latency_max_ms: float
    wrk_cpu_seconds: float

    @property
    def answered(self) -> int:
        return sum(self.statuses.values())

    @property
    def succeeded(self) -> int:
        return sum(n for status, n in self.statuses.items() if status.startswith("2"))

    @property
    def non_2xx(self) -> int:
        return self.answered - self.succeeded

    @property
    def requests_per_second(self) -> float:
        return self.succeeded / self.seconds if self.seconds else 0.0


def wrk_threads(connections: int) -> int:
    """One wrk thread per core, never more threads than connections."""
    return max(1, min(os.cpu_count() or 1, connections))


def run_wrk(
    url: str, connections: int, seconds: float, label: str, quota: int = 0
) -> LoadResult:
    """POST unique registrations to `url` for `seconds`, from `connections` clients.

    With `quota`, each wrk thread stops once it has had that many answers.
    """
    threads = wrk_threads(connections)
    command = [
        "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={seconds:g}s",
        "--timeout=10s",
        "--latency",
        f"--script={LUA_SCRIPT}",
        url,
        "--",
        label,
        str(quota),
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    finished = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=True
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)

    return _parse(
        finished.stdout,
        label=label,
        connections=connections,
        cpu_seconds=(after.ru_utime + after.ru_stime)
        - (before.ru_utime + before.ru_stime),
    )


def _parse(output: str, label: str, connections: int, cpu_seconds: float) -> LoadResult:
    lines = [line for line in output.splitlines() if line.startswith(RESULT_PREFIX)]
    if not lines:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    raw = json.loads(lines[-1].removeprefix(RESULT_PREFIX))

    return LoadResult(
        label=label,
        connections=connections,
        seconds=raw["duration_us"] / 1e6,
        statuses={status: int(n) for status, n in raw["statuses"].items()},
        socket_errors=sum(
            raw[key]
            for key in ("connect_errors", "read_errors", "write_errors", "timeouts")
        ),
        latency_p50_ms=raw["latency_p50_us"] / 1000,
        latency_p95_ms=raw["latency_p95_us"] / 1000,
        latency_p99_ms=raw["latency_p99_us"] / 1000,
        latency_max_ms=raw["latency_max_us"] / 1000,
        wrk_cpu_seconds=cpu_seconds,
    )
