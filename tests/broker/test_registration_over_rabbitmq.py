"""The service and the example consumer, talking through a real RabbitMQ."""

import logging
import statistics
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

import eventlet
import pytest
import requests
from nameko.runners import ServiceRunner
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import entrypoint_waiter
from nameko.testing.utils import find_free_port, get_container

from registration.entrypoints.service import RegistrationNamekoService
from tests.support.databases import migrate, throwaway_postgres
from tests.support.raw_queue import RawQueue
from tests.support.tcp_proxy import TcpProxy
from welcome.entrypoints import WelcomeService

Config = dict[str, object]

# Registrations sent at once by CLIENTS clients, and how long RabbitMQ is
# out of reach in the test of an outage.
REGISTRATIONS = 200
CLIENTS = 20
OUTAGE_SECONDS = 30
WAVES = 10


def register(
    port: int, body: object, headers: dict[str, str] | None = None
) -> requests.Response:
    return requests.post(
        f"http://127.0.0.1:{port}/register", json=body, headers=headers, timeout=15
    )


def start_both(runner_factory: type[ServiceRunner], config: Config) -> ServiceRunner:
    runner = runner_factory(config, RegistrationNamekoService, WelcomeService)
    runner.start()
    return runner


def test_a_registration_over_http_reaches_the_consumer(
    runner_factory: type[ServiceRunner], broker_config: Config, web_config_port: int
) -> None:
    consumer = get_container(start_both(runner_factory, broker_config), WelcomeService)

    with entrypoint_waiter(consumer, "on_registered_entry", timeout=10) as handled:
        response = register(web_config_port, {"email": " Ann@EXAMPLE.com"})

    assert response.status_code == 201
    assert handled.get() == {
        "email": "Ann@example.com",
        "event_id": response.json()["event_id"],
    }


def test_the_event_on_the_wire_keeps_its_published_form(
    runner_factory: type[ServiceRunner],
    broker_config: Config,
    web_config_port: int,
    registered_entries: RawQueue,
) -> None:
    start_both(runner_factory, broker_config)

    response = register(web_config_port, {"email": "ann@example.com"})
    message = registered_entries.get()

    assert message.exchange == "nameko_registration_service.events"
    assert message.routing_key == "RegisteredEntryEvent"
    assert message.content_type == "application/json"
    assert message.delivery_mode == 2
    assert set(message.body) == {"name", "event_id", "email", "timestamp", "entry_id"}
    assert message.body["name"] == "RegisteredEntryEvent"
    assert message.body["email"] == "ann@example.com"
    assert message.body["event_id"] == response.json()["event_id"]
    assert message.body["entry_id"] == response.json()["id"]
    assert UUID(message.body["event_id"]).version == 4
    timestamp = datetime.fromisoformat(message.body["timestamp"])
    assert timestamp.utcoffset() == timedelta(0)


def test_the_request_id_crosses_rabbitmq_in_a_header_to_the_consumer_s_log(
    runner_factory: type[ServiceRunner],
    broker_config: Config,
    web_config_port: int,
    registered_entries: RawQueue,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    consumer = get_container(start_both(runner_factory, broker_config), WelcomeService)

    with entrypoint_waiter(consumer, "on_registered_entry", timeout=10):
        response = register(
            web_config_port,
            {"email": "ann@example.com"},
            headers={"X-Request-ID": "signup-form-81"},
        )
    message = registered_entries.get()

    assert response.headers["X-Request-ID"] == "signup-form-81"
    assert message.headers["nameko.request_id"] == "signup-form-81"
    assert "signup-form-81" not in message.body.values()
    event_id = response.json()["event_id"]
    assert (
        f"welcome sent to a***@example.com for event {event_id}, request signup-form-81"
    ) in caplog.messages


def test_a_registration_over_rpc_is_announced_like_one_over_http(
    runner_factory: type[ServiceRunner],
    broker_config: Config,
    registered_entries: RawQueue,
) -> None:
    consumer = get_container(start_both(runner_factory, broker_config), WelcomeService)

    with (
        ClusterRpcProxy(broker_config) as cluster,
        entrypoint_waiter(consumer, "on_registered_entry", timeout=10) as handled,
    ):
        result = cluster.nameko_registration_service.register_entry("bob@Example.org")

    assert result["email"] == "bob@example.org"
    assert handled.get()["event_id"] == result["event_id"]
    assert registered_entries.get().body["event_id"] == result["event_id"]


def test_a_refused_registration_puts_nothing_on_the_broker(
    runner_factory: type[ServiceRunner],
    broker_config: Config,
    web_config_port: int,
    registered_entries: RawQueue,
) -> None:
    start_both(runner_factory, broker_config)

    refused = [
        register(web_config_port, {"email": "not an address"}),
        register(web_config_port, {"email": 7}),
        register(web_config_port, {"email": "ann@example.com", "admin": True}),
    ]
    accepted = register(web_config_port, {"email": "ann@example.com"})

    assert [response.status_code for response in refused] == [422, 400, 400]
    assert registered_entries.get().body["event_id"] == accepted.json()["event_id"]
    assert registered_entries.is_empty()


def test_an_address_registered_again_is_a_409_that_puts_nothing_on_the_broker(
    runner_factory: type[ServiceRunner],
    broker_config: Config,
    web_config_port: int,
    registered_entries: RawQueue,
) -> None:
    start_both(runner_factory, broker_config)

    first = register(web_config_port, {"email": "ann@example.com"})
    again = register(web_config_port, {"email": "  ann@EXAMPLE.com "})

    assert first.status_code == 201
    assert again.status_code == 409
    assert registered_entries.get().body["event_id"] == first.json()["event_id"]
    assert registered_entries.is_empty()


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    """A TCP proxy in front of RabbitMQ, for a test to cut.

    It is restored at the end, so the service under test stops against a
    broker that answers.
    """
    proxy = TcpProxy(("127.0.0.1", 5672)).start()
    yield proxy
    proxy.restore()


@pytest.fixture
def config_through_proxy(broker_config: Config, proxy: TcpProxy) -> Config:
    broker = urlsplit(str(broker_config["AMQP_URI"]))
    through_proxy = broker._replace(netloc=f"guest:guest@127.0.0.1:{proxy.port}")
    return {**broker_config, "AMQP_URI": urlunsplit(through_proxy)}


def collect(queue: RawQueue, count: int, timeout: float) -> list[str]:
    """The event ids of the next `count` messages, waiting up to `timeout` s."""
    deadline = time.monotonic() + timeout
    return [
        queue.get(timeout=max(deadline - time.monotonic(), 0.1)).body["event_id"]
        for _ in range(count)
    ]


def register_many(
    ports: list[int], count: int, first: int = 0
) -> list[requests.Response]:
    """`count` registrations of distinct addresses, numbered from `first` and
    spread over `ports`."""

    def one(number: int) -> requests.Response:
        return register(ports[number % len(ports)], {"email": f"u{number}@example.com"})

    return list(eventlet.GreenPool(CLIENTS).imap(one, range(first, first + count)))


def test_registrations_during_a_broker_outage_are_all_published_after_it(
    container_factory: type[ServiceRunner],
    proxy: TcpProxy,
    config_through_proxy: Config,
    web_config_port: int,
    registered_entries: RawQueue,
) -> None:
    container_factory(RegistrationNamekoService, config_through_proxy).start()
    before = register_many([web_config_port], CLIENTS, first=REGISTRATIONS)
    collect(registered_entries, CLIENTS, timeout=30)
    proxy.cut()
    cut_at = time.monotonic()

    during: list[requests.Response] = []
    for wave in range(WAVES):
        time.sleep(max(cut_at + wave * OUTAGE_SECONDS / WAVES - time.monotonic(), 0))
        wave_size = REGISTRATIONS // WAVES
        during += register_many([web_config_port], wave_size, first=wave * wave_size)
    time.sleep(max(cut_at + OUTAGE_SECONDS - time.monotonic(), 0))
    proxy.restore()
    published = collect(registered_entries, REGISTRATIONS, timeout=30)

    assert [response.status_code for response in during] == [201] * REGISTRATIONS
    assert median_seconds(during) <= 3 * median_seconds(before) + 0.05
    assert sorted(published) == sorted(r.json()["event_id"] for r in during)
    time.sleep(1.5)
    assert registered_entries.is_empty()


def median_seconds(responses: list[requests.Response]) -> float:
    return statistics.median(r.elapsed.total_seconds() for r in responses)


def test_two_instances_on_one_postgresql_database_publish_each_event_once(
    container_factory: type[ServiceRunner],
    broker_config: Config,
    web_config_port: int,
    registered_entries: RawQueue,
) -> None:
    with throwaway_postgres() as database_url:
        migrate(database_url)
        second_port = find_free_port()
        containers = [
            container_factory(
                RegistrationNamekoService,
                {
                    **broker_config,
                    "DATABASE_URL": database_url,
                    "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
                },
            )
            for port in (web_config_port, second_port)
        ]
        for container in containers:
            container.start()

        responses = register_many([web_config_port, second_port], REGISTRATIONS)
        published = collect(registered_entries, REGISTRATIONS, timeout=30)
        time.sleep(1.5)
        nothing_more = registered_entries.is_empty()

        for container in containers:
            container.stop()

    assert [response.status_code for response in responses] == [201] * REGISTRATIONS
    assert sorted(published) == sorted(r.json()["event_id"] for r in responses)
    assert nothing_more


def test_a_service_cut_off_from_the_broker_stays_ready_and_says_it_is_degraded(
    container_factory: type[ServiceRunner],
    proxy: TcpProxy,
    config_through_proxy: Config,
    web_config_port: int,
    registered_entries: RawQueue,
) -> None:
    container_factory(RegistrationNamekoService, config_through_proxy).start()
    ready_url = f"http://127.0.0.1:{web_config_port}/health/ready"
    proxy.cut()

    cut_off = requests.get(ready_url, timeout=15)
    registered = register(web_config_port, {"email": "ann@example.com"})
    proxy.restore()
    restored = requests.get(ready_url, timeout=15)

    assert cut_off.status_code == 200
    assert cut_off.json()["status"] == "ready"
    assert cut_off.json()["degraded"] is True
    assert cut_off.json()["checks"]["broker"] == {
        "status": "down",
        "error": cut_off.json()["checks"]["broker"]["error"],
        "affects": "registrations are accepted; their events wait in the outbox",
    }
    assert registered.status_code == 201
    assert (
        registered_entries.get(timeout=20).body["event_id"]
        == (registered.json()["event_id"])
    )
    assert restored.status_code == 200
    assert restored.json()["degraded"] is False
    assert restored.json()["checks"]["broker"] == {"status": "up"}
