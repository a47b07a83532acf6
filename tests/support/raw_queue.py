"""Reads what crosses the broker, with kombu alone rather than Nameko."""

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from kombu.connection import Connection
from kombu.entity import Exchange, Queue

# The public contract: where the registration service's events are published.
EVENTS_EXCHANGE = Exchange(
    "nameko_registration_service.events", type="topic", durable=True
)
REGISTERED_ENTRY = "RegisteredEntryEvent"


@dataclass(frozen=True)
class RawMessage:
    body: dict[str, Any]
    content_type: str
    delivery_mode: int
    exchange: str
    routing_key: str
    headers: dict[str, Any]


class RawQueue:
    """An exclusive queue bound by the test to the events exchange."""

    def __init__(self, connection: Connection, routing_key: str) -> None:
        self._queue = Queue(
            "",
            exchange=EVENTS_EXCHANGE,
            routing_key=routing_key,
            exclusive=True,
            auto_delete=True,
        )(connection.default_channel)
        self._queue.declare()

    def get(self, timeout: float = 10.0) -> RawMessage:
        """The next message, waiting up to `timeout` seconds for it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self._queue.get(no_ack=True)
            if message is not None:
                return RawMessage(
                    body=json.loads(message.body),
                    content_type=message.content_type,
                    delivery_mode=message.properties["delivery_mode"],
                    exchange=message.delivery_info["exchange"],
                    routing_key=message.delivery_info["routing_key"],
                    headers=dict(message.headers or {}),
                )
            time.sleep(0.02)
        raise TimeoutError(f"no message within {timeout} s")

    def is_empty(self) -> bool:
        return self._queue.get(no_ack=True) is None


@contextmanager
def raw_queue(amqp_uri: str, routing_key: str = REGISTERED_ENTRY) -> Iterator[RawQueue]:
    with Connection(amqp_uri) as connection:
        yield RawQueue(connection, routing_key)
