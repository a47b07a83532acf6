"""One target under load at each concurrency: what a point of the bench holds."""

import statistics
import time
from dataclasses import asdict, dataclass
from typing import Any

from bench.broker import EventClock
from bench.load import LoadResult, run_wrk
from bench.targets import (
    POSTGRES_PROCESS,
    RABBITMQ_PROCESS,
    ServiceProcess,
    Target,
    cpu_seconds_of,
)

WARM_UP_SECONDS = 2.0
WARM_UP_CONNECTIONS = 8
OUTBOX_DRAIN_TIMEOUT = 10.0
OUTBOX_POLL_SECONDS = 0.05

EVENT_LATENCY_MEANING = (
    "event latency: the consumer's clock at receipt minus, 'from request', "
    "the time wrk built the request (written into the address), and, "
    "'from made', the event's payload timestamp (set in the handler once a "
    "worker has it, after the body is parsed, before storage and publish); "
    "one kombu consumer on the same host, no-ack, so both include broker "
    "routing and delivery"
)

OUTBOX_MEANING = (
    "outbox: GET /outbox as soon as wrk stops ('pending at stop'), then every "
    f"{OUTBOX_POLL_SECONDS * 1000:.0f} ms until it reports none ('drained in s', "
    f"counted from wrk stopping; 'not yet' after {OUTBOX_DRAIN_TIMEOUT:.0f} s); "
    "targets without GET /outbox are left out"
)


@dataclass(frozen=True)
class Point:
    """What one target did at one concurrency."""

    target: str
    title: str
    connections: int
    seconds: float
    requests_per_second: float
    succeeded: int
    non_2xx: int
    statuses: dict[str, int]
    socket_errors: int
    latency_p50_ms: float
    latency_p95_ms: float
    latency_p99_ms: float
    latency_max_ms: float
    service_cpu_percent: float
    wrk_cpu_percent: float
    events_received: int | None
    event_from_request_p50_ms: float | None
    event_from_request_p99_ms: float | None
    event_from_made_p50_ms: float | None
    event_from_made_p99_ms: float | None
    outbox_pending_at_stop: int | None = None
    outbox_drained_seconds: float | None = None
    service_cpu_ms_per_request: float | None = None
    postgres_cpu_ms_per_request: float | None = None
    rabbitmq_cpu_ms_per_request: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def warm_up(service: ServiceProcess, target: Target) -> None:
    """Fill pools and caches before anything is counted."""
    run_wrk(service.url, WARM_UP_CONNECTIONS, WARM_UP_SECONDS, f"{target.label}-w")


def measure(
    service: ServiceProcess,
    target: Target,
    connections: int,
    seconds: float,
    clock: EventClock | None,
) -> Point:
    """Load `service` from `connections` clients for `seconds`, then gather events."""
    label = f"{target.label}-c{connections}"
    cpu_before = _cpu_readings(service)
    load = run_wrk(service.url, connections, seconds, label)
    service_cpu, postgres_cpu, rabbitmq_cpu = (
        after - before
        for after, before in zip(_cpu_readings(service), cpu_before, strict=True)
    )
    pending_at_stop, drained_seconds = outbox_drain(service)

    events: int | None = None
    from_request: list[float] = []
    from_made: list[float] = []
    if clock is not None and target.publishes:
        events = clock.wait_for(label, load.succeeded)
        from_request, from_made = clock.latencies(label)

    return Point(
        target=target.label,
        title=target.title,
        connections=connections,
        seconds=load.seconds,
        requests_per_second=load.requests_per_second,
        succeeded=load.succeeded,
        non_2xx=load.non_2xx,
        statuses=load.statuses,
        socket_errors=load.socket_errors,
        latency_p50_ms=load.latency_p50_ms,
        latency_p95_ms=load.latency_p95_ms,
        latency_p99_ms=load.latency_p99_ms,
        latency_max_ms=load.latency_max_ms,
        service_cpu_percent=_percent(service_cpu, load),
        wrk_cpu_percent=_percent(load.wrk_cpu_seconds, load),
        events_received=events,
        event_from_request_p50_ms=_percentile_ms(from_request, 50),
        event_from_request_p99_ms=_percentile_ms(from_request, 99),
        event_from_made_p50_ms=_percentile_ms(from_made, 50),
        event_from_made_p99_ms=_percentile_ms(from_made, 99),
        outbox_pending_at_stop=pending_at_stop,
        outbox_drained_seconds=drained_seconds,
        service_cpu_ms_per_request=_per_request_ms(service_cpu, load),
        postgres_cpu_ms_per_request=_per_request_ms(postgres_cpu, load),
        rabbitmq_cpu_ms_per_request=_per_request_ms(rabbitmq_cpu, load),
    )


def _cpu_readings(service: ServiceProcess) -> tuple[float, float, float]:
    return (
        service.cpu_seconds(),
        cpu_seconds_of(POSTGRES_PROCESS),
        cpu_seconds_of(RABBITMQ_PROCESS),
    )


def _per_request_ms(cpu_seconds: float, load: LoadResult) -> float | None:
    if not load.succeeded:
        return None
    return max(1000 * cpu_seconds / load.succeeded, 0.0)


def outbox_drain(
    service: ServiceProcess, timeout: float = OUTBOX_DRAIN_TIMEOUT
) -> tuple[int | None, float | None]:
    """The outbox backlog as wrk stops, and seconds until `GET /outbox` shows none.

    (None, None) where the service has no outbox; a drain time of None where
    the backlog was still there after `timeout` seconds.
    """
    started = time.monotonic()
    first = service.outbox()
    if first is None:
        return None, None
    pending_at_stop = int(first["pending"])
    pending = pending_at_stop
    while pending:
        elapsed = time.monotonic() - started
        if elapsed > timeout:
            return pending_at_stop, None
        time.sleep(OUTBOX_POLL_SECONDS)
        status = service.outbox()
        pending = 0 if status is None else int(status["pending"])
    return pending_at_stop, time.monotonic() - started


def _percent(cpu_seconds: float, load: LoadResult) -> float:
    return 100 * cpu_seconds / load.seconds if load.seconds else 0.0


def _percentile_ms(seconds: list[float], percentile: int) -> float | None:
    if not seconds:
        return None
    if len(seconds) == 1:
        return seconds[0] * 1000
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return cuts[percentile - 1] * 1000


def settle(seconds: float = 1.0) -> None:
    """A pause between points, so one point's tail does not load the next."""
    time.sleep(seconds)
