"""`make bench`: the four targets side by side, at each concurrency, in one run.

Each target runs alone, as its own `nameko run` process, on one throwaway
RabbitMQ vhost; one kombu consumer times the events of all of them.
"""

import argparse
import os
import platform
import tempfile
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import settings
from bench.broker import EventClock, throwaway_vhost
from bench.load import wrk_threads
from bench.measure import (
    EVENT_LATENCY_MEANING,
    OUTBOX_MEANING,
    Point,
    measure,
    settle,
    warm_up,
)
from bench.report import (
    CPU_MEANING,
    cpu_table,
    event_table,
    http_table,
    outbox_table,
    plot,
    write_json,
)
from bench.targets import TARGETS, Target, running, throwaway_database


def main() -> None:
    arguments = _arguments()
    started = datetime.now(UTC)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    points: list[Point] = []
    outboxes: dict[str, Any] = {}

    with (
        throwaway_vhost(settings.AMQP_URI, settings.RABBIT_MANAGEMENT_URL) as amqp,
        EventClock(amqp) as clock,
        tempfile.TemporaryDirectory(prefix="registration_bench_") as folder,
    ):
        for target in arguments.targets:
            print(f"== {target.title}", flush=True)
            target_points, outbox = _measure_target(
                target, amqp, Path(folder), clock, arguments, stamp
            )
            points += target_points
            outboxes[target.label] = outbox

    print()
    print(http_table(points))
    print()
    print(event_table(points))
    print(EVENT_LATENCY_MEANING)
    print()
    print(cpu_table(points))
    print(CPU_MEANING)
    print()
    print(outbox_table(points))
    print(OUTBOX_MEANING)
    print()
    for target in arguments.targets:
        print(f"outbox backlog at the end, {target.title}: {_outbox(outboxes, target)}")

    json_path = settings.RESULTS / f"bench-{stamp}.json"
    png_path = settings.RESULTS / f"bench-{stamp}.png"
    write_json(
        json_path,
        {
            "started": started.isoformat(),
            "machine": _machine(),
            "seconds_per_point": arguments.seconds,
            "clients": arguments.clients,
            "wrk_threads": {str(c): wrk_threads(c) for c in arguments.clients},
            "event_latency": EVENT_LATENCY_MEANING,
            "points": [point.as_dict() for point in points],
            "outbox": outboxes,
        },
    )
    plot(png_path, points, f"registration bench, {started:%Y-%m-%d %H:%M} UTC")
    print(f"\nraw figures: {json_path}\nplot: {png_path}")


def _measure_target(
    target: Target,
    amqp: str,
    folder: Path,
    clock: EventClock,
    arguments: argparse.Namespace,
    stamp: str,
) -> tuple[list[Point], dict[str, float] | None]:
    points = []
    with _database(target, folder) as database_url:
        log_path = settings.RESULTS / "logs" / f"bench-{stamp}-{target.label}.log"
        with running(target, amqp, database_url, log_path) as service:
            warm_up(service, target)
            for connections in arguments.clients:
                settle()
                point = measure(service, target, connections, arguments.seconds, clock)
                print(
                    f"   {connections:>3} clients: "
                    f"{point.requests_per_second:7.0f} req/s, "
                    f"p99 {point.latency_p99_ms:.1f} ms, non-2xx {point.non_2xx}"
                    + _drain(point),
                    flush=True,
                )
                points.append(point)
            outbox = service.outbox()
    return points, outbox


def _database(target: Target, folder: Path) -> AbstractContextManager[str | None]:
    if target.storage is None:
        return nullcontext()
    return throwaway_database(target.storage, folder, settings.POSTGRES_URL)


def _drain(point: Point) -> str:
    if point.outbox_pending_at_stop is None:
        return ""
    drained = (
        "not drained"
        if point.outbox_drained_seconds is None
        else f"drained in {point.outbox_drained_seconds:.2f} s"
    )
    return f", outbox {point.outbox_pending_at_stop} pending at stop, {drained}"


def _outbox(outboxes: dict[str, Any], target: Target) -> str:
    outbox = outboxes.get(target.label)
    if outbox is None:
        return "n/a"
    return f"{outbox['pending']} pending, oldest {outbox['oldest_age_seconds']} s"


def _machine() -> dict[str, Any]:
    memory_kib = 0
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory_kib = int(line.split()[1])
    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(memory_kib / 2**20, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--seconds", type=float, default=8.0, help="length of each point (8)"
    )
    parser.add_argument(
        "--clients",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1, 8, 32, 128],
        help="concurrencies, comma-separated (1,8,32,128)",
    )
    parser.add_argument(
        "--targets",
        type=lambda text: [_target(label) for label in text.split(",")],
        default=list(TARGETS),
        help="which to run, comma-separated (bare,naive,sqlite,pg)",
    )
    return parser.parse_args()


def _target(label: str) -> Target:
    for target in TARGETS:
        if target.label == label:
            return target
    raise argparse.ArgumentTypeError(f"no target {label!r}")


if __name__ == "__main__":
    main()
