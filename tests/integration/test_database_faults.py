"""The service against a PostgreSQL that is slow, out of reach, or hung."""

import time
from collections.abc import Callable, Iterator
from typing import Any
from uuid import uuid4

import eventlet
import pytest
import requests
from sqlalchemy import text
from sqlalchemy.engine import make_url

from registration.entrypoints.service import RegistrationNamekoService
from registration.infrastructure.database import make_engine
from tests.support.databases import migrate, throwaway_postgres
from tests.support.tcp_proxy import TcpProxy

ContainerFactory = Callable[[type, dict[str, object]], Any]


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with throwaway_postgres() as url:
        migrate(url)
        yield url


@pytest.fixture
def database_proxy(postgres_url: str) -> Iterator[TcpProxy]:
    """A TCP proxy in front of PostgreSQL, restored at the end."""
    server = make_url(postgres_url)
    proxy = TcpProxy((server.host or "127.0.0.1", server.port or 5432)).start()
    yield proxy
    proxy.restore()


@pytest.fixture
def service_through_proxy(
    container_factory: ContainerFactory,
    memory_config: dict[str, object],
    web_config_port: int,
    postgres_url: str,
    database_proxy: TcpProxy,
) -> str:
    """The service on the proxied database; returns its base URL."""
    url = make_url(postgres_url).set(host="127.0.0.1", port=database_proxy.port)
    config = {
        **memory_config,
        "DATABASE_URL": url.render_as_string(hide_password=False),
    }
    container_factory(RegistrationNamekoService, config).start()
    return f"http://127.0.0.1:{web_config_port}"


def register(base_url: str, email: str) -> requests.Response:
    return requests.post(f"{base_url}/register", json={"email": email}, timeout=30)


def test_a_database_out_of_reach_is_a_prompt_503_and_the_service_recovers(
    service_through_proxy: str, database_proxy: TcpProxy
) -> None:
    assert register(service_through_proxy, "ann@example.com").status_code == 201
    database_proxy.cut()

    started = time.monotonic()
    refused = register(service_through_proxy, "bob@example.com")
    waited = time.monotonic() - started
    lookup = requests.get(f"{service_through_proxy}/entries/{uuid4()}", timeout=30)
    database_proxy.restore()
    accepted = register(service_through_proxy, "bob@example.com")

    assert refused.status_code == 503
    assert refused.json()["type"] == "/problems/database-unavailable"
    assert "Retry-After" in refused.headers
    assert waited < 2
    assert lookup.status_code == 503
    assert accepted.status_code == 201


def test_after_the_database_drops_its_connections_one_request_fails_at_most(
    service_through_proxy: str, postgres_url: str
) -> None:
    """Pooled connections are not tested before use: the first one found
    dead is a 503, and the pool then drops every connection it held."""
    for n in range(10):
        assert (
            register(service_through_proxy, f"warm{n}@example.com").status_code == 201
        )
    engine = make_engine(postgres_url)
    with engine.connect() as connection:
        dropped = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    engine.dispose()

    statuses = [
        register(service_through_proxy, f"after{n}@example.com").status_code
        for n in range(10)
    ]

    assert dropped >= 1
    assert statuses.count(503) <= 1
    assert statuses.count(201) >= 9


def test_a_database_that_stops_answering_is_a_503_within_seconds(
    service_through_proxy: str, database_proxy: TcpProxy
) -> None:
    assert register(service_through_proxy, "ann@example.com").status_code == 201
    database_proxy.silence()

    started = time.monotonic()
    refused = register(service_through_proxy, "bob@example.com")
    waited = time.monotonic() - started

    assert refused.status_code == 503
    assert waited < 8


def test_a_slow_query_does_not_hold_up_a_registration(
    container_factory: ContainerFactory,
    memory_config: dict[str, object],
    web_config_port: int,
    postgres_url: str,
) -> None:
    config = {**memory_config, "DATABASE_URL": postgres_url}
    container_factory(RegistrationNamekoService, config).start()
    engine = make_engine(postgres_url)

    def slow_query() -> None:
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_sleep(2)"))

    slow = eventlet.spawn(slow_query)
    eventlet.sleep(0.2)
    started = time.monotonic()
    response = requests.post(
        f"http://127.0.0.1:{web_config_port}/register",
        json={"email": "ann@example.com"},
        timeout=10,
    )
    took = time.monotonic() - started
    still_querying = not slow.dead
    slow.wait()
    engine.dispose()

    assert response.status_code == 201
    assert still_querying
    assert took < 1
