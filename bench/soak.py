"""`make bench-soak`: 100,000 registrations against the service on PostgreSQL.

wrk runs in slices of a few seconds at 32 clients until the registrations
are answered; between slices the service's resident memory is read from
/proc/<pid>/status, and the outbox relay's batches from its metrics: the
count and total time of `registration_outbox_relay_batch_duration_seconds`
and the events published, so each slice shows the relay's mean time and
size per batch as the tables grow.
"""

import argparse
import statistics
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from bench import settings
from bench.broker import throwaway_vhost
from bench.load import run_wrk, wrk_threads
from bench.measure import warm_up
from bench.report import write_json
from bench.targets import POSTGRES, ServiceProcess, postgres_service

BATCH = "registration_outbox_relay_batch_duration_seconds"
PUBLISHED = "registration_events_published_total"


@dataclass(frozen=True)
class Slice:
    """One slice of the soak: its answers and the service just after it."""

    elapsed_s: float
    answered_total: int
    succeeded_total: int
    requests_per_second: float
    latency_p99_ms: float
    rss_kib: int
    partial: bool
    relay_batches: int | None = None
    relay_ms_per_batch: float | None = None
    relay_events_per_batch: float | None = None


def main() -> None:
    arguments = _arguments()
    started = datetime.now(UTC)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    log_path = settings.RESULTS / "logs" / f"soak-{stamp}.log"

    with (
        throwaway_vhost(settings.AMQP_URI, settings.RABBIT_MANAGEMENT_URL) as amqp,
        postgres_service(amqp, settings.POSTGRES_URL, log_path) as service,
    ):
        rss_at_start = service.rss_kib()
        warm_up(service, POSTGRES)
        slices = _soak(service, arguments)
        outbox = service.outbox()

    middle = next(s for s in slices if s.answered_total >= arguments.requests // 2)
    print()
    print(
        f"{'elapsed s':>9} {'answered':>9} {'req/s':>7} {'p99 ms':>8} "
        f"{'RSS MiB':>8} {'batches':>8} {'ms/batch':>9} {'events/batch':>12}"
    )
    for s in slices:
        # The last slice stops at the count, before its time is up.
        rate = "-" if s.partial else f"{s.requests_per_second:.0f}"
        print(
            f"{s.elapsed_s:>9.0f} {s.answered_total:>9} {rate:>7} "
            f"{s.latency_p99_ms:>8.1f} {s.rss_kib / 1024:>8.1f} "
            f"{_figure(s.relay_batches, '.0f'):>8} "
            f"{_figure(s.relay_ms_per_batch, '.2f'):>9} "
            f"{_figure(s.relay_events_per_batch, '.1f'):>12}"
        )
    print()
    print(f"resident memory (VmRSS), start:  {rss_at_start / 1024:.1f} MiB")
    print(
        f"resident memory (VmRSS), middle: {middle.rss_kib / 1024:.1f} MiB "
        f"after {middle.answered_total} requests"
    )
    print(
        f"resident memory (VmRSS), end:    {slices[-1].rss_kib / 1024:.1f} MiB "
        f"after {slices[-1].answered_total} requests "
        f"({slices[-1].succeeded_total} registered)"
    )
    print(f"outbox relay time per batch: {_describe_batches(slices)}")
    print(
        "outbox backlog at the end: "
        + ("n/a" if outbox is None else f"{outbox['pending']} pending")
    )

    json_path = settings.RESULTS / f"soak-{stamp}.json"
    write_json(
        json_path,
        {
            "started": started.isoformat(),
            "requests": arguments.requests,
            "clients": arguments.clients,
            "rss_kib_at_start": rss_at_start,
            "slices": [asdict(s) for s in slices],
            "outbox": outbox,
        },
    )
    print(f"\nraw figures: {json_path}\nservice log: {log_path}")


def _soak(service: ServiceProcess, arguments: argparse.Namespace) -> list[Slice]:
    slices: list[Slice] = []
    answered = succeeded = 0
    metrics = service.metric_totals()
    began = time.monotonic()
    threads = wrk_threads(arguments.clients)
    while answered < arguments.requests:
        if time.monotonic() - began > arguments.max_seconds:
            print(f"stopped after {arguments.max_seconds:.0f} s, short of the count")
            break
        per_thread = -(-(arguments.requests - answered) // threads)
        load = run_wrk(
            service.url,
            arguments.clients,
            arguments.slice_seconds,
            f"soak{len(slices)}",
            quota=per_thread,
        )
        answered += load.answered
        succeeded += load.succeeded
        before, metrics = metrics, service.metric_totals()
        slices.append(
            Slice(
                elapsed_s=time.monotonic() - began,
                answered_total=answered,
                succeeded_total=succeeded,
                requests_per_second=load.requests_per_second,
                latency_p99_ms=load.latency_p99_ms,
                rss_kib=service.rss_kib(),
                partial=answered >= arguments.requests,
                **_relay_batches(before, metrics),
            )
        )
        print(
            f"  {answered:>7} answered, {load.requests_per_second:5.0f} req/s, "
            f"RSS {slices[-1].rss_kib / 1024:.1f} MiB",
            flush=True,
        )
    return slices


def _relay_batches(before: dict[str, float], after: dict[str, float]) -> dict[str, Any]:
    """The relay's batches between two scrapes: how many, mean time and size."""
    if f"{BATCH}_count" not in after:
        return {}
    batches = after[f"{BATCH}_count"] - before.get(f"{BATCH}_count", 0.0)
    if not batches:
        return {"relay_batches": 0}
    seconds = after[f"{BATCH}_sum"] - before.get(f"{BATCH}_sum", 0.0)
    events = after.get(PUBLISHED, 0.0) - before.get(PUBLISHED, 0.0)
    return {
        "relay_batches": int(batches),
        "relay_ms_per_batch": 1000 * seconds / batches,
        "relay_events_per_batch": events / batches,
    }


def _figure(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _describe_batches(slices: list[Slice]) -> str:
    timed = [s for s in slices if s.relay_ms_per_batch is not None]
    if not timed:
        return "n/a (the service has no relay batch metrics)"
    tenth = max(1, len(timed) // 10)
    first = statistics.median(s.relay_ms_per_batch or 0.0 for s in timed[:tenth])
    last = statistics.median(s.relay_ms_per_batch or 0.0 for s in timed[-tenth:])
    return (
        f"median over the slices of the first tenth {first:.2f} ms, "
        f"of the last tenth {last:.2f} ms"
    )


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--slice-seconds", type=float, default=10.0)
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=1800.0,
        help="stop short of --requests after this long (1800)",
    )
    return parser.parse_args()


if __name__ == "__main__":
    main()
