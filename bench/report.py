"""The bench's table, its raw figures as JSON, and a plot."""

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.measure import Point


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _ms2(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _ratio(value: float, base: Point | None) -> str:
    if base is None or not base.requests_per_second:
        return "-"
    return f"{value / base.requests_per_second:.2f}"


def http_table(points: Sequence[Point]) -> str:
    """Throughput and latency of each target at each concurrency, with ratios."""
    by_key = {(p.target, p.connections): p for p in points}
    header = (
        f"{'target':<28} {'clients':>7} {'req/s':>8} {'/bare':>6} {'/naive':>6} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'non-2xx':>7} {'sockerr':>7} "
        f"{'svc cpu%':>8} {'wrk cpu%':>8}"
    )
    lines = [header, "-" * len(header)]
    for p in points:
        bare = by_key.get(("bare", p.connections))
        naive = by_key.get(("naive", p.connections))
        lines.append(
            f"{p.title:<28} {p.connections:>7} {p.requests_per_second:>8.0f} "
            f"{_ratio(p.requests_per_second, bare):>6} "
            f"{_ratio(p.requests_per_second, naive):>6} "
            f"{p.latency_p50_ms:>8.1f} {p.latency_p95_ms:>8.1f} "
            f"{p.latency_p99_ms:>8.1f} {p.non_2xx:>7} {p.socket_errors:>7} "
            f"{p.service_cpu_percent:>8.0f} {p.wrk_cpu_percent:>8.0f}"
        )
    return "\n".join(lines)


def event_table(points: Sequence[Point]) -> str:
    """How long events took to reach the consumer, and how many came."""
    header = (
        f"{'target':<28} {'clients':>7} {'2xx':>7} {'events':>7} "
        f"{'from request p50':>16} {'p99':>8} {'from made p50':>13} {'p99':>8}"
    )
    lines = [header, "-" * len(header)]
    for p in points:
        if p.events_received is None:
            continue
        lines.append(
            f"{p.title:<28} {p.connections:>7} {p.succeeded:>7} "
            f"{p.events_received:>7} {_ms(p.event_from_request_p50_ms):>16} "
            f"{_ms(p.event_from_request_p99_ms):>8} "
            f"{_ms(p.event_from_made_p50_ms):>13} {_ms(p.event_from_made_p99_ms):>8}"
        )
    return "\n".join(lines)


def cpu_table(points: Sequence[Point]) -> str:
    """CPU time per answered request: the service's, PostgreSQL's, RabbitMQ's."""
    header = (
        f"{'target':<28} {'clients':>7} {'service ms':>10} {'postgres ms':>11} "
        f"{'rabbitmq ms':>11} {'sum ms':>8} {'service alone/s':>15}"
    )
    lines = [header, "-" * len(header)]
    for p in points:
        parts = (
            p.service_cpu_ms_per_request,
            p.postgres_cpu_ms_per_request,
            p.rabbitmq_cpu_ms_per_request,
        )
        total = sum(part or 0.0 for part in parts)
        ceiling = (
            f"{1000 / p.service_cpu_ms_per_request:.0f}"
            if p.service_cpu_ms_per_request
            else "-"
        )
        lines.append(
            f"{p.title:<28} {p.connections:>7} {_ms2(parts[0]):>10} "
            f"{_ms2(parts[1]):>11} {_ms2(parts[2]):>11} {total:>8.2f} {ceiling:>15}"
        )
    return "\n".join(lines)


CPU_MEANING = (
    "CPU per request: CPU time used during the point divided by the 2xx "
    "answers, for the service process, every postgres process and RabbitMQ's "
    "beam.smp (whatever else used those servers at the time counts too); "
    "'service alone/s' is the rate one core would give the service process "
    "if nothing else needed the core: Nameko serves a process on one core"
)


def outbox_table(points: Sequence[Point]) -> str:
    """The outbox backlog as the load stopped, and how long it took to empty."""
    header = (
        f"{'target':<28} {'clients':>7} {'pending at stop':>15} {'drained in s':>12}"
    )
    lines = [header, "-" * len(header)]
    for p in points:
        if p.outbox_pending_at_stop is None:
            continue
        drained = (
            "not yet"
            if p.outbox_drained_seconds is None
            else f"{p.outbox_drained_seconds:.2f}"
        )
        lines.append(
            f"{p.title:<28} {p.connections:>7} {p.outbox_pending_at_stop:>15} "
            f"{drained:>12}"
        )
    return "\n".join(lines)


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n")


def plot(path: Path, points: Sequence[Point], title: str) -> None:
    """Requests/s, p99 latency and event latency against clients, one line each."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels: list[tuple[str, str]] = [
        ("requests_per_second", "requests/s (2xx)"),
        ("latency_p99_ms", "HTTP latency p99 (ms)"),
        ("event_from_request_p50_ms", "event latency from request, p50 (ms)"),
    ]
    figure, axes = plt.subplots(1, len(panels), figsize=(15, 4.5))
    targets = list(dict.fromkeys(p.target for p in points))
    for axis, (field, label) in zip(axes, panels, strict=True):
        for colour, target in enumerate(targets):
            series = [
                (p.connections, getattr(p, field))
                for p in points
                if p.target == target and getattr(p, field) is not None
            ]
            if series:
                title_of = next(p.title for p in points if p.target == target)
                xs, ys = zip(*series, strict=True)
                axis.plot(xs, ys, marker="o", label=title_of, color=f"C{colour}")
        axis.set_xscale("log", base=2)
        axis.set_xticks(sorted({p.connections for p in points}))
        axis.get_xaxis().set_major_formatter(matplotlib.ticker.ScalarFormatter())
        axis.set_xlabel("concurrent clients")
        axis.set_ylabel(label)
        axis.grid(True, alpha=0.3)
    axes[0].legend(fontsize="small")
    figure.suptitle(title)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
