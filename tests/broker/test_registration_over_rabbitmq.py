"""The service and the example consumer, talking through a real RabbitMQ."""

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

import pytest
import requests
from nameko.runners import ServiceRunner
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import entrypoint_waiter
from nameko.testing.utils import get_container

from registration.entrypoints.service import RegistrationNamekoService
from tests.support.raw_queue import RawQueue
from tests.support.tcp_proxy import TcpProxy
from welcome.entrypoints import WelcomeService

Config = dict[str, object]


def register(port: int, body: object) -> requests.Response:
    return requests.post(f"http://127.0.0.1:{port}/register", json=body, timeout=15)


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


def test_a_broker_out_of_reach_is_a_prompt_503_and_the_service_recovers(
    container_factory: type[ServiceRunner],
    proxy: TcpProxy,
    config_through_proxy: Config,
    web_config_port: int,
    registered_entries: RawQueue,
) -> None:
    container_factory(RegistrationNamekoService, config_through_proxy).start()
    proxy.cut()

    started = time.monotonic()
    refused = register(web_config_port, {"email": "ann@example.com"})
    waited = time.monotonic() - started
    proxy.restore()
    accepted = register(web_config_port, {"email": "bob@example.com"})

    assert refused.status_code == 503
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.json()["status"] == 503
    assert "Retry-After" in refused.headers
    assert waited < 5
    assert accepted.status_code == 201
    assert registered_entries.get().body["event_id"] == accepted.json()["event_id"]
    assert registered_entries.is_empty()


def test_a_broker_that_stops_answering_is_a_503_within_seconds(
    container_factory: type[ServiceRunner],
    proxy: TcpProxy,
    config_through_proxy: Config,
    web_config_port: int,
) -> None:
    container_factory(RegistrationNamekoService, config_through_proxy).start()
    proxy.silence()

    started = time.monotonic()
    refused = register(web_config_port, {"email": "ann@example.com"})
    waited = time.monotonic() - started

    assert refused.status_code == 503
    assert waited < 7


def test_a_service_cut_off_from_the_broker_is_not_ready_until_it_returns(
    container_factory: type[ServiceRunner],
    proxy: TcpProxy,
    config_through_proxy: Config,
    web_config_port: int,
) -> None:
    container_factory(RegistrationNamekoService, config_through_proxy).start()
    ready_url = f"http://127.0.0.1:{web_config_port}/health/ready"
    proxy.cut()

    cut_off = requests.get(ready_url, timeout=15)
    proxy.restore()
    restored = requests.get(ready_url, timeout=15)

    assert cut_off.status_code == 503
    assert cut_off.json()["checks"]["broker"]["status"] == "down"
    assert restored.status_code == 200
