"""The example consumer on a real RabbitMQ: at-least-once delivery in, each
event welcomed once, bounded retries and a dead-letter queue out."""

import logging
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from kombu.connection import Connection
from nameko.standalone.events import event_dispatcher
from nameko.testing.services import entrypoint_waiter, replace_dependencies

from tests.welcome_fakes import RecordingNotifier
from welcome.entrypoints import WelcomeService
from welcome.messaging import dead_letter_queue

Config = dict[str, object]
ContainerFactory = Callable[[type, Config], Any]
Payload = dict[str, str]

BROKEN_ADDRESS = "mallory@example.com"
MAX_ATTEMPTS = 3


def registered_entry(email: str, event_id: str | None = None) -> Payload:
    return {
        "name": "RegisteredEntryEvent",
        "event_id": event_id or str(uuid.uuid4()),
        "email": email,
        "entry_id": str(uuid.uuid4()),
        "timestamp": "2026-01-05T09:30:00+00:00",
    }


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not so within {timeout} s")
        time.sleep(0.02)


@pytest.fixture
def welcome_config(rabbit_config: Config, tmp_path: Path) -> Config:
    """A throwaway vhost, a database of the consumer's own and short retries."""
    return {
        **rabbit_config,
        "WELCOME_DATABASE_URL": f"sqlite:///{tmp_path / 'welcome.db'}",
        "WELCOME_RETRY_DELAY_MS": 50,
        "WELCOME_MAX_ATTEMPTS": MAX_ATTEMPTS,
    }


@pytest.fixture
def notifier() -> RecordingNotifier:
    """Sends every welcome but the one to BROKEN_ADDRESS, until fixed."""
    return RecordingNotifier(fails_for=(BROKEN_ADDRESS,))


@pytest.fixture
def start_consumer(
    container_factory: ContainerFactory,
    welcome_config: Config,
    notifier: RecordingNotifier,
) -> Callable[[], Any]:
    def start() -> Any:
        container = container_factory(WelcomeService, welcome_config)
        replace_dependencies(container, notifier=notifier)
        container.start()
        return container

    return start


@pytest.fixture
def publish(welcome_config: Config) -> Callable[[Payload], None]:
    """Publishes as the registration service does, to its events exchange."""
    dispatch = event_dispatcher(welcome_config)

    def publish(payload: Payload) -> None:
        dispatch("nameko_registration_service", "RegisteredEntryEvent", payload)

    return publish


class DeadLetters:
    """The consumer's dead-letter queue, read with kombu alone."""

    def __init__(self, connection: Connection) -> None:
        self._queue = dead_letter_queue(WelcomeService.name)(connection.default_channel)
        self._queue.declare()

    def count(self) -> int:
        return int(self._queue.queue_declare(passive=True).message_count)

    def take(self) -> Any:
        message = self._queue.get(no_ack=True)
        assert message is not None, "the dead-letter queue is empty"
        return message


@pytest.fixture
def dead_letters(welcome_config: Config) -> Iterator[DeadLetters]:
    with Connection(welcome_config["AMQP_URI"]) as connection:
        yield DeadLetters(connection)


def sent_to(notifier: RecordingNotifier) -> list[str]:
    return [welcome.email for welcome in notifier.sent]


def test_a_failing_event_is_retried_then_dead_lettered_while_others_flow_on(
    start_consumer: Callable[[], Any],
    publish: Callable[[Payload], None],
    notifier: RecordingNotifier,
    dead_letters: DeadLetters,
    caplog: pytest.LogCaptureFixture,
) -> None:
    start_consumer()
    failing = registered_entry(BROKEN_ADDRESS)

    for payload in (
        registered_entry("ann@example.com"),
        failing,
        registered_entry("bob@example.com"),
    ):
        publish(payload)
    wait_until(lambda: dead_letters.count() == 1 and "dead-lettered" in caplog.text)
    dead_letter = dead_letters.take()

    assert sent_to(notifier) == ["ann@example.com", "bob@example.com"]
    attempts = [w for w in notifier.attempts if w.email == BROKEN_ADDRESS]
    assert len(attempts) == MAX_ATTEMPTS
    assert dead_letter.payload == failing
    assert dead_letter.headers["x-attempts"] == MAX_ATTEMPTS
    assert "the mail server refused" in dead_letter.headers["x-failure"]
    assert dead_letter.properties["delivery_mode"] == 2
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any(
        "dead-lettered" in r.getMessage() and failing["event_id"] in r.getMessage()
        for r in errors
    )
    assert any("the mail server refused" in r.getMessage() for r in errors)


def test_each_attempt_at_a_failing_event_is_logged_with_its_request_id(
    start_consumer: Callable[[], Any],
    welcome_config: Config,
    dead_letters: DeadLetters,
    caplog: pytest.LogCaptureFixture,
) -> None:
    start_consumer()
    dispatch = event_dispatcher(
        welcome_config, headers={"nameko.request_id": "req-broken-1"}
    )

    dispatch(
        "nameko_registration_service",
        "RegisteredEntryEvent",
        registered_entry(BROKEN_ADDRESS),
    )
    wait_until(lambda: dead_letters.count() == 1 and "dead-lettered" in caplog.text)

    about_the_event = [
        r.getMessage()
        for r in caplog.records
        if "failed on attempt" in r.getMessage() or "dead-lettered" in r.getMessage()
    ]
    assert len(about_the_event) == MAX_ATTEMPTS
    assert all("(request req-broken-1)" in line for line in about_the_event)


def test_an_unusable_payload_is_dead_lettered_at_once(
    start_consumer: Callable[[], Any],
    publish: Callable[[Payload], None],
    notifier: RecordingNotifier,
    dead_letters: DeadLetters,
    caplog: pytest.LogCaptureFixture,
) -> None:
    start_consumer()
    without_email = {"name": "RegisteredEntryEvent", "event_id": str(uuid.uuid4())}

    publish(without_email)
    wait_until(lambda: dead_letters.count() == 1 and "dead-lettered" in caplog.text)
    dead_letter = dead_letters.take()

    assert dead_letter.payload == without_email
    assert dead_letter.headers["x-attempts"] == 1
    assert "no 'email' string" in dead_letter.headers["x-failure"]
    assert notifier.attempts == []
    assert "no 'email' string" in caplog.text


def test_events_published_while_the_consumer_is_down_are_each_handled_once(
    start_consumer: Callable[[], Any],
    publish: Callable[[Payload], None],
    notifier: RecordingNotifier,
) -> None:
    start_consumer().stop()
    published = [registered_entry(f"user{n}@example.com") for n in range(50)]

    for payload in published:
        publish(payload)
    start_consumer()
    wait_until(lambda: len(notifier.sent) >= 50)
    time.sleep(0.3)

    assert sorted(w.event_id for w in notifier.sent) == sorted(
        payload["event_id"] for payload in published
    )


def test_an_event_delivered_twice_is_welcomed_once(
    start_consumer: Callable[[], Any],
    publish: Callable[[Payload], None],
    notifier: RecordingNotifier,
) -> None:
    container = start_consumer()
    payload = registered_entry("ann@example.com")
    results: list[Any] = []

    def handled_twice(worker_ctx: Any, result: Any, exc_info: Any) -> bool:
        results.append(exc_info or result)
        return len(results) == 2

    with entrypoint_waiter(
        container, "on_registered_entry", callback=handled_twice, timeout=10
    ):
        publish(payload)
        publish(payload)

    assert sorted(results, key=bool) == [
        None,
        {"email": "ann@example.com", "event_id": payload["event_id"]},
    ]
    assert sent_to(notifier) == ["ann@example.com"]


def test_a_replayed_dead_letter_is_handled_once_its_cause_is_fixed(
    start_consumer: Callable[[], Any],
    publish: Callable[[Payload], None],
    notifier: RecordingNotifier,
    dead_letters: DeadLetters,
    welcome_config: Config,
    tmp_path: Path,
) -> None:
    start_consumer()
    failing = registered_entry(BROKEN_ADDRESS)
    publish(failing)
    wait_until(lambda: dead_letters.count() == 1)
    config_file = tmp_path / "config.yaml"
    config_file.write_text(yaml.safe_dump({"AMQP_URI": welcome_config["AMQP_URI"]}))

    notifier.broken = False
    replay = subprocess.run(
        [sys.executable, "-m", "welcome.replay_dead_letters", "--config", config_file],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    wait_until(lambda: sent_to(notifier) == [BROKEN_ADDRESS])

    assert replay.returncode == 0, replay.stderr
    assert "replayed 1 dead letter(s)" in replay.stdout
    assert notifier.sent[0].event_id == failing["event_id"]
    assert dead_letters.count() == 0
