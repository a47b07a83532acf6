"""The service's metrics, for Prometheus to scrape."""

from collections.abc import Sequence

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from registration.application import (
    EventPublisher,
    EventPublishingFailed,
    OutboxStatus,
)
from registration.domain import DomainEvent

# What a request is counted under when no route took it: one value for every
# unknown path, so that no client can make up new series.
UNMATCHED_ROUTE = "unmatched"


class ServiceMetrics:
    """The metrics of one service, in a registry of their own.

    Not Prometheus' process-wide default registry: each Nameko container has
    its own, so containers that share a process count apart.
    """

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.http_requests = Counter(
            "registration_http_requests",
            "HTTP requests answered, by route template and status",
            ["route", "status"],
            registry=self.registry,
        )
        self.http_request_duration = Histogram(
            "registration_http_request_duration_seconds",
            "Time from a request's arrival to its answer, by route template",
            ["route"],
            registry=self.registry,
        )
        self.entries_registered = Counter(
            "registration_entries_registered",
            "Entries registered, over HTTP and RPC",
            registry=self.registry,
        )
        self.events_published = Counter(
            "registration_events_published",
            "Events the broker confirmed",
            registry=self.registry,
        )
        self.event_publish_failures = Counter(
            "registration_event_publish_failures",
            "Publishes the broker did not accept; the event waits for a retry",
            registry=self.registry,
        )
        self.outbox_relay_batch_duration = Histogram(
            "registration_outbox_relay_batch_duration_seconds",
            "Time the relay took over a batch it published: claim, publish, mark",
            registry=self.registry,
        )
        self.outbox_pending = Gauge(
            "registration_outbox_pending_events",
            "Events stored and not yet published, at the relay's last run",
            registry=self.registry,
        )
        self.outbox_oldest_age = Gauge(
            "registration_outbox_oldest_pending_age_seconds",
            "Age of the oldest event waiting at the relay's last run; 0 if none",
            registry=self.registry,
        )

    def observe_request(self, route: str, status: int, seconds: float) -> None:
        self.http_requests.labels(route, str(status)).inc()
        self.http_request_duration.labels(route).observe(seconds)

    def observe_outbox(self, status: OutboxStatus) -> None:
        self.outbox_pending.set(status.pending)
        self.outbox_oldest_age.set(status.oldest_age_seconds or 0.0)

    def exposition(self) -> bytes:
        """Every metric, in Prometheus' text exposition format."""
        return generate_latest(self.registry)


class CountingEventPublisher(EventPublisher):
    """Secondary adapter: another publisher, whose publishes are counted.

    It decorates the port, so the relay that publishes knows nothing of the
    metrics, and counts what the publisher it wraps reports.
    """

    def __init__(self, publisher: EventPublisher, metrics: ServiceMetrics) -> None:
        self._publisher = publisher
        self._metrics = metrics

    def publish(self, events: Sequence[DomainEvent]) -> None:
        try:
            self._publisher.publish(events)
        except EventPublishingFailed as refused:
            self._metrics.events_published.inc(len(refused.published))
            self._metrics.event_publish_failures.inc(
                len(events) - len(refused.published)
            )
            raise
        self._metrics.events_published.inc(len(events))
