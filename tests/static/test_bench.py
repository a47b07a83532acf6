"""The benchmark's pieces fit together, without running a load."""

import importlib
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.broker import EventTiming, time_event
from bench.load import LUA_SCRIPT, _parse
from bench.measure import Point
from bench.profile import top_frames
from bench.report import cpu_table
from bench.soak import BATCH, PUBLISHED, _relay_batches
from registration.domain import EmailAddress

BENCH_MODULES = [
    "bench.services",
    "bench.compare",
    "bench.soak",
    "bench.profile",
    "bench.report",
]


@pytest.mark.parametrize("module", BENCH_MODULES)
def test_every_bench_module_imports(module: str) -> None:
    importlib.import_module(module)


def test_the_wrk_script_defines_the_hooks_wrk_calls() -> None:
    script = LUA_SCRIPT.read_text()

    defined = set(re.findall(r"^function (\w+)\(", script, flags=re.MULTILINE))

    assert {"setup", "init", "request", "response", "done"} <= defined
    assert '"BENCH_RESULT "' in script


def test_the_wrk_script_balances_its_blocks() -> None:
    code = re.sub(r"--.*", "", LUA_SCRIPT.read_text())
    code = re.sub(r"\[\[.*?\]\]", "", code, flags=re.DOTALL)
    code = re.sub(r"'[^']*'|\"[^\"]*\"", "", code)

    openers = len(re.findall(r"\b(function|if|for|while)\b", code))
    ends = len(re.findall(r"\bend\b", code))

    assert openers == ends


def test_the_consumer_times_an_event_from_the_address_the_script_makes() -> None:
    sent, made = 1_764_770_000.0, 1_764_770_000.25
    address = f"sqlite-c128-16-4294967295-{sent * 1e6:.0f}@example.com"
    payload = {
        "email": address,
        "timestamp": datetime.fromtimestamp(made, UTC).isoformat(),
    }

    timing = time_event(payload, arrived=sent + 0.5)

    assert timing == EventTiming(
        label="sqlite-c128", since_request=0.5, since_made=0.25
    )


def test_the_longest_address_the_script_makes_is_a_valid_one() -> None:
    address = "sqlite-c128-16-4294967295-1764770000123456@example.com"

    assert EmailAddress(address).value == address


def test_wrk_results_are_read_from_the_scripts_last_line() -> None:
    output = (
        "Running 1s test @ http://127.0.0.1:8000\n"
        'BENCH_RESULT {"duration_us": 2000000, "requests": 30, '
        '"statuses": {"201": 20, "409": 10}, "connect_errors": 0, '
        '"read_errors": 1, "write_errors": 0, "timeouts": 2, '
        '"latency_p50_us": 1500, "latency_p95_us": 2500, '
        '"latency_p99_us": 4000, "latency_max_us": 9000}\n'
    )

    result = _parse(output, label="pg-c8", connections=8, cpu_seconds=0.5)

    assert result.succeeded == 20
    assert result.non_2xx == 10
    assert result.socket_errors == 3
    assert result.requests_per_second == 10
    assert result.latency_p99_ms == 4


def test_the_profile_ranks_frames_by_their_samples() -> None:
    collapsed = "main;handle;commit 6\nmain;handle;publish 3\nmain;idle 1\n"

    table = top_frames(collapsed, top=3)

    assert " 60.0%  commit" in table
    assert " 90.0%  handle" in table


def test_the_bench_writes_only_under_the_ignored_results_folder() -> None:
    ignored = (Path(__file__).resolve().parents[2] / ".gitignore").read_text()

    assert "results/" in ignored.splitlines()


def test_the_soak_reads_the_relays_batches_between_two_scrapes() -> None:
    before = {f"{BATCH}_count": 10.0, f"{BATCH}_sum": 1.0, PUBLISHED: 200.0}
    after = {f"{BATCH}_count": 14.0, f"{BATCH}_sum": 1.2, PUBLISHED: 280.0}

    batches = _relay_batches(before, after)

    assert batches["relay_batches"] == 4
    assert batches["relay_ms_per_batch"] == pytest.approx(50.0)
    assert batches["relay_events_per_batch"] == pytest.approx(20.0)
    assert _relay_batches({}, {}) == {}
    assert _relay_batches(after, after) == {"relay_batches": 0}


def test_the_cpu_table_gives_each_process_its_share_and_the_ceiling() -> None:
    point = _point(service_ms=4.0, postgres_ms=1.5, rabbitmq_ms=None)

    [row] = cpu_table([point]).splitlines()[2:]

    assert row.split()[-5:] == ["4.00", "1.50", "-", "5.50", "250"]


def _point(
    service_ms: float | None, postgres_ms: float | None, rabbitmq_ms: float | None
) -> Point:
    return Point(
        target="pg",
        title="POST /register, PostgreSQL",
        connections=8,
        seconds=8.0,
        requests_per_second=250.0,
        succeeded=2000,
        non_2xx=0,
        statuses={"201": 2000},
        socket_errors=0,
        latency_p50_ms=30.0,
        latency_p95_ms=50.0,
        latency_p99_ms=60.0,
        latency_max_ms=70.0,
        service_cpu_percent=100.0,
        wrk_cpu_percent=5.0,
        events_received=2000,
        event_from_request_p50_ms=40.0,
        event_from_request_p99_ms=90.0,
        event_from_made_p50_ms=20.0,
        event_from_made_p99_ms=80.0,
        service_cpu_ms_per_request=service_ms,
        postgres_cpu_ms_per_request=postgres_ms,
        rabbitmq_cpu_ms_per_request=rabbitmq_ms,
    )
