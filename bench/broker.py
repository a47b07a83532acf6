"""A throwaway RabbitMQ vhost, and a consumer that times the events in it."""

import base64
import json
import threading
import time
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit
from uuid import uuid4

from kombu.connection import Connection
from kombu.entity import Exchange, Queue
from kombu.messaging import Consumer

# The registration service's published contract: where its events go.
EVENTS_EXCHANGE = Exchange(
    "nameko_registration_service.events", type="topic", durable=True
)
REGISTERED_ENTRY = "RegisteredEntryEvent"


class Management:
    """The few calls of RabbitMQ's management API the benchmark needs."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self._base = f"{parts.scheme}://{parts.hostname}:{parts.port or 15672}/api"
        credentials = f"{parts.username or 'guest'}:{parts.password or 'guest'}"
        self.user = parts.username or "guest"
        self._authorization = "Basic " + base64.b64encode(credentials.encode()).decode()

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> None:
        request = urllib.request.Request(  # noqa: S310 - the URL is the bench's own
            self._base + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={
                "Authorization": self._authorization,
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=10):  # noqa: S310
            pass


@contextmanager
def throwaway_vhost(amqp_uri: str, management_url: str) -> Iterator[str]:
    """The AMQP URI of a new vhost on the broker at `amqp_uri`, deleted after."""
    management = Management(management_url)
    vhost = f"registration_bench_{uuid4().hex[:8]}"
    path = quote(vhost, safe="")
    management.call("PUT", f"/vhosts/{path}")
    try:
        management.call(
            "PUT",
            f"/permissions/{path}/{quote(management.user, safe='')}",
            {"configure": ".*", "write": ".*", "read": ".*"},
        )
        yield f"{amqp_uri.rstrip('/')}/{path}"
    finally:
        management.call("DELETE", f"/vhosts/{path}")


class EventClock:
    """Receives every `RegisteredEntryEvent` and times how long it took to come.

    For each event, on arrival: the time since the request that caused it was
    sent (written by the load script into the address as
    `<label>-<thread>-<n>-<sent µs>@...`), and the time since the event was
    made (its payload `timestamp`). Events are grouped by the label.
    """

    def __init__(self, amqp_uri: str) -> None:
        self._connection = Connection(amqp_uri)
        self._queue = Queue(
            "",
            exchange=EVENTS_EXCHANGE,
            routing_key=REGISTERED_ENTRY,
            exclusive=True,
            auto_delete=True,
        )
        self._since_request: dict[str, list[float]] = defaultdict(list)
        self._since_made: dict[str, list[float]] = defaultdict(list)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._consume, daemon=True)

    def __enter__(self) -> "EventClock":
        self._thread.start()
        if not self._ready.wait(timeout=10):
            raise RuntimeError("the event consumer did not start")
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stopping.set()
        self._thread.join(timeout=10)
        self._connection.release()

    def received(self, label: str) -> int:
        with self._lock:
            return len(self._since_request[label])

    def wait_for(self, label: str, count: int, quiet_seconds: float = 2.0) -> int:
        """Wait until `count` events of `label` came, or none for `quiet_seconds`."""
        last_count, last_change = -1, time.monotonic()
        while (received := self.received(label)) < count:
            if received != last_count:
                last_count, last_change = received, time.monotonic()
            elif time.monotonic() - last_change > quiet_seconds:
                break
            time.sleep(0.05)
        return received

    def latencies(self, label: str) -> tuple[list[float], list[float]]:
        """Seconds from request sent, and from event made, to arrival."""
        with self._lock:
            return list(self._since_request[label]), list(self._since_made[label])

    def _consume(self) -> None:
        with Consumer(
            self._connection,
            queues=[self._queue],
            callbacks=[self._on_message],
            no_ack=True,
            accept=["json"],
        ):
            self._ready.set()
            while not self._stopping.is_set():
                try:
                    self._connection.drain_events(timeout=0.2)
                except TimeoutError:
                    continue

    def _on_message(self, body: Any, _message: Any) -> None:
        arrived = time.time()
        payload = json.loads(body) if isinstance(body, str | bytes) else body

        timing = time_event(payload, arrived)

        with self._lock:
            self._since_request[timing.label].append(timing.since_request)
            self._since_made[timing.label].append(timing.since_made)


@dataclass(frozen=True)
class EventTiming:
    """How long one event took to arrive, in seconds, and the run it belongs to."""

    label: str
    since_request: float
    since_made: float


def time_event(payload: dict[str, Any], arrived: float) -> EventTiming:
    """Time an event that arrived at `arrived`, a Unix time, from its payload.

    The load script writes the run's label and the request's send time into
    the address: `<label>-<thread>-<n>-<sent µs>@example.com`.
    """
    local_part = payload["email"].split("@", 1)[0]
    label, _thread, _n, sent_us = local_part.rsplit("-", 3)
    made = datetime.fromisoformat(payload["timestamp"]).timestamp()
    return EventTiming(
        label=label,
        since_request=arrived - int(sent_us) / 1e6,
        since_made=arrived - made,
    )
