import logging
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from amqp.exceptions import AMQPError, MessageNacked
from eventlet.greenpool import GreenPool
from kombu.exceptions import KombuError
from nameko.amqp.publish import UndeliverableMessage
from nameko.constants import HEADER_PREFIX
from nameko.events import EventDispatcher

from registration.application import EventPublisher, EventPublishingFailed
from registration.domain import DomainEvent
from registration.infrastructure.outage_log import OutageLog

logger = logging.getLogger(__name__)

# The AMQP header that carries an event's correlation id: the request id of
# the registration. Nameko hands `nameko.*` headers to a consuming worker as
# its context data, here under `request_id`, and passes them on from there.
REQUEST_ID_CONTEXT_KEY = "request_id"
REQUEST_ID_HEADER = f"{HEADER_PREFIX}.{REQUEST_ID_CONTEXT_KEY}"


class Dispatch(Protocol):
    """Publishes one event's payload, with headers of its own besides the
    worker's."""

    def __call__(
        self,
        event_type: str,
        event_data: dict[str, Any],
        /,
        headers: Mapping[str, str] | None = None,
    ) -> None: ...


# What kombu, py-amqp and Nameko raise when the broker cannot take a message:
# refused or dropped connections, a nack, a timed-out confirm.
BROKER_ERRORS = (
    KombuError,
    AMQPError,
    MessageNacked,
    UndeliverableMessage,
    OSError,
)

# Nameko's default policy retries for about eight seconds before it gives up,
# while the HTTP client waits. These bounds answer within about two seconds
# when the broker refuses connections or stops confirming.
PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0.2,
    "interval_step": 0.3,
    "interval_max": 0.5,
}
PUBLISH_TIMEOUT_SECONDS = 2.0

# Events of a batch published side by side, each waiting for its own
# confirm: one after another, each confirm waits its turn behind every busy
# worker of the process. Kept under kombu's pool of ten producers, which
# Nameko's RPC replies share.
PUBLISH_CONCURRENCY = 8


class HeaderedEventDispatcher(EventDispatcher):  # type: ignore[misc]
    """Nameko's `EventDispatcher`, whose dispatch takes headers for one message.

    Nameko's own sets the same headers, the worker's context data, on every
    message a worker dispatches; the relay's worker publishes events caused
    by different requests.
    """

    def get_dependency(self, worker_ctx: Any) -> Dispatch:
        worker_headers = self.get_message_headers(worker_ctx)

        def dispatch(
            event_type: str,
            event_data: dict[str, Any],
            headers: Mapping[str, str] | None = None,
        ) -> None:
            self.publisher.publish(
                event_data,
                exchange=self.exchange,
                routing_key=event_type,
                extra_headers={**worker_headers, **(headers or {})},
            )

        return dispatch


def bounded_event_dispatcher() -> EventDispatcher:
    """Nameko's `EventDispatcher` with persistent, confirmed, time-bounded publishes."""
    return HeaderedEventDispatcher(
        use_confirms=True,
        retry_policy=PUBLISH_RETRY_POLICY,
        timeout=PUBLISH_TIMEOUT_SECONDS,
        confirm_timeout=PUBLISH_TIMEOUT_SECONDS,
    )


class NamekoEventPublisher(EventPublisher):
    """Secondary adapter: publishes domain events with Nameko's `EventDispatcher`.

    Each event goes to the service's events exchange with its name as the
    routing key, its `as_dict` payload as the JSON body, and its correlation
    id, if it has one, in the `nameko.request_id` header.
    """

    def __init__(self, dispatch: Dispatch) -> None:
        self._dispatch = dispatch

    def publish(self, events: Sequence[DomainEvent]) -> None:
        refusals = list(GreenPool(PUBLISH_CONCURRENCY).imap(self._refusal, events))
        refused = [
            (event, error)
            for event, error in zip(events, refusals, strict=True)
            if error is not None
        ]
        if not refused:
            _outage.succeeded()
            return

        for event, error in refused:
            _outage.failed(f"could not publish {event.name} {event.event_id}", error)
        first_event, first_error = refused[0]
        raise EventPublishingFailed(
            f"the broker did not accept {len(refused)} of {len(events)} events, "
            f"the first {first_event.name} {first_event.event_id}",
            published=[
                event.event_id
                for event, error in zip(events, refusals, strict=True)
                if error is None
            ],
        ) from first_error

    def _refusal(self, event: DomainEvent) -> Exception | None:
        """Dispatch one event: None once the broker confirmed it, else why not."""
        try:
            self._dispatch(event.name, event.as_dict(), headers=_headers(event))
        except BROKER_ERRORS as error:
            return error
        return None


def _headers(event: DomainEvent) -> dict[str, str]:
    if event.correlation_id is None:
        return {}
    return {REQUEST_ID_HEADER: event.correlation_id}


_outage = OutageLog(logger, still="still cannot publish", again="publishing again")
