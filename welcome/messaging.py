"""The consumer's side of the broker: an event handler that retries a failed
event a bounded number of times, then sets it aside in a dead-letter queue.

For a handler that consumes from queue Q, all queues durable:

    Q --rejected--> Q.retry --x-message-ttl expires--> Q
    Q --last attempt failed, or unusable--> <service>.dead_letter
    <service>.dead_letter --replay_dead_letters--> Q

Every hop goes through the default exchange, straight to the named queue,
so a retried or replayed event reaches Q alone and no other consumer of the
producer's exchange sees it twice.
"""

import logging
from typing import Any

from kombu.connection import Connection
from kombu.entity import Queue
from kombu.message import Message
from nameko.constants import DEFAULT_TRANSPORT_OPTIONS, TRANSPORT_OPTIONS_CONFIG_KEY
from nameko.events import EventHandler

from welcome.infrastructure.request_id import REQUEST_ID_HEADER, loggable_request_id

logger = logging.getLogger(__name__)

MAX_ATTEMPTS_KEY = "WELCOME_MAX_ATTEMPTS"
RETRY_DELAY_MS_KEY = "WELCOME_RETRY_DELAY_MS"
DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_RETRY_DELAY_MS = 1000

# Set on a dead letter, so an operator sees why it is there and the replay
# knows where to send it back.
FAILED_QUEUE_HEADER = "x-failed-queue"
FAILURE_HEADER = "x-failure"
ATTEMPTS_HEADER = "x-attempts"
DEAD_LETTER_HEADERS = (FAILED_QUEUE_HEADER, FAILURE_HEADER, ATTEMPTS_HEADER, "x-death")

# A dead letter is only acknowledged once the broker has confirmed its copy.
PUBLISH_RETRY_POLICY = {"max_retries": 3, "interval_start": 0.2, "interval_step": 0.3}


class UnusableMessage(Exception):
    """A message no retry can help, such as a payload without a needed field.

    A handler raises it to have the message dead-lettered at once.
    """


def dead_letter_queue(service_name: str) -> Queue:
    """The queue where a service's failed events wait for an operator."""
    return Queue(f"{service_name}.dead_letter", durable=True)


def broker_connection(config: dict[str, Any]) -> Connection:
    """A connection to the configured broker whose publishes wait for a confirm."""
    options = config.get(TRANSPORT_OPTIONS_CONFIG_KEY, DEFAULT_TRANSPORT_OPTIONS)
    return Connection(
        config["AMQP_URI"], transport_options={**options, "confirm_publish": True}
    )


def attempts_before(message: Message, queue_name: str) -> int:
    """How many times `queue_name` has rejected this message, from `x-death`."""
    deaths = (message.headers or {}).get("x-death") or []
    return sum(
        int(death.get("count", 0))
        for death in deaths
        if death.get("queue") == queue_name and death.get("reason") == "rejected"
    )


class RetryingEventHandler(EventHandler):  # type: ignore[misc]
    """Primary adapter: Nameko's event handler, with bounded retries and a
    dead-letter queue.

    A failed event waits `WELCOME_RETRY_DELAY_MS` in the retry queue and
    comes back, up to `WELCOME_MAX_ATTEMPTS` attempts in all; then it is
    published to the dead-letter queue, with why it failed, and acknowledged.
    An `UnusableMessage` goes to the dead-letter queue on its first attempt.
    """

    def setup(self) -> None:
        super().setup()
        config = self.container.config
        self.max_attempts = int(config.get(MAX_ATTEMPTS_KEY, DEFAULT_MAX_ATTEMPTS))
        retry_delay_ms = int(config.get(RETRY_DELAY_MS_KEY, DEFAULT_RETRY_DELAY_MS))

        self.retry_queue = Queue(
            f"{self.queue.name}.retry",
            durable=True,
            queue_arguments={
                "x-message-ttl": retry_delay_ms,
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": self.queue.name,
            },
        )
        self.dead_letter_queue = dead_letter_queue(self.container.service_name)
        self.queue.queue_arguments = {
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": self.retry_queue.name,
        }
        with broker_connection(config) as connection:
            for queue in (self.retry_queue, self.dead_letter_queue):
                queue(connection.default_channel).declare()

    def handle_message_processed(
        self, message: Message, result: Any = None, exc_info: Any = None
    ) -> None:
        if exc_info is None:
            self.queue_consumer.ack_message(message)
            return

        error = exc_info[1]
        attempt = attempts_before(message, self.queue.name) + 1
        if isinstance(error, UnusableMessage) or attempt >= self.max_attempts:
            self._dead_letter(message, error, attempt)
        else:
            logger.warning(
                "event %s (request %s) failed on attempt %d of %d, to be retried: %r",
                _event_id(message),
                _request_id(message),
                attempt,
                self.max_attempts,
                error,
            )
            self._reject(message)

    def _dead_letter(
        self, message: Message, error: BaseException, attempt: int
    ) -> None:
        headers = {
            **_without_dead_letter_headers(message.headers),
            FAILED_QUEUE_HEADER: self.queue.name,
            FAILURE_HEADER: repr(error),
            ATTEMPTS_HEADER: attempt,
        }
        try:
            with broker_connection(self.container.config) as connection:
                connection.Producer().publish(
                    message.body,
                    exchange="",
                    routing_key=self.dead_letter_queue.name,
                    content_type=message.content_type,
                    content_encoding=message.content_encoding,
                    headers=headers,
                    delivery_mode=2,
                    retry=True,
                    retry_policy=PUBLISH_RETRY_POLICY,
                )
        except Exception:
            logger.exception(
                "event %s (request %s) could not be dead-lettered; it goes round "
                "the retry queue again",
                _event_id(message),
                _request_id(message),
            )
            self._reject(message)
            return

        logger.error(
            "event %s (request %s) dead-lettered to %s after %d attempt(s): %r",
            _event_id(message),
            _request_id(message),
            self.dead_letter_queue.name,
            attempt,
            error,
        )
        self.queue_consumer.ack_message(message)

    def _reject(self, message: Message) -> None:
        # As Nameko acknowledges: on a closed connection the broker has
        # taken the message back already.
        if message.channel.connection:
            message.reject(requeue=False)


retrying_event_handler = RetryingEventHandler.decorator


def replay_dead_letters(
    connection: Connection, service_name: str, limit: int | None = None
) -> int:
    """Send a service's dead letters back to the queues they failed in.

    Takes at most the messages waiting when it starts (or `limit` of them),
    so an event that fails again is not replayed twice in one run. Each is
    published anew, without its failure headers, so it has all its attempts
    again, and acknowledged once the broker has confirmed the copy.
    """
    queue = dead_letter_queue(service_name)(connection.default_channel)
    queue.declare()
    waiting = queue.queue_declare(passive=True).message_count
    budget = waiting if limit is None else min(limit, waiting)
    producer = connection.Producer()

    replayed = 0
    for _ in range(budget):
        message = queue.get(no_ack=False)
        if message is None:
            break
        target = (message.headers or {}).get(FAILED_QUEUE_HEADER)
        if not target:
            logger.warning(
                "a dead letter without %s is left in place", FAILED_QUEUE_HEADER
            )
            message.requeue()
            continue
        producer.publish(
            message.body,
            exchange="",
            routing_key=target,
            content_type=message.content_type,
            content_encoding=message.content_encoding,
            headers=_without_dead_letter_headers(message.headers),
            delivery_mode=2,
            retry=True,
            retry_policy=PUBLISH_RETRY_POLICY,
        )
        message.ack()
        replayed += 1
    return replayed


def _without_dead_letter_headers(headers: dict[str, Any] | None) -> dict[str, Any]:
    return {
        name: value
        for name, value in (headers or {}).items()
        if name not in DEAD_LETTER_HEADERS
    }


def _event_id(message: Message) -> str:
    try:
        payload = message.payload
    except Exception:
        return "(undecodable)"
    if isinstance(payload, dict):
        return str(payload.get("event_id", "(no event_id)"))
    return "(not an object)"


def _request_id(message: Message) -> str:
    return loggable_request_id((message.headers or {}).get(REQUEST_ID_HEADER))
