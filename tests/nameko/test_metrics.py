"""`GET /metrics`: what Prometheus scrapes from the service."""

import time
import uuid
from collections.abc import Callable
from typing import Any
from unittest.mock import MagicMock

from kombu.exceptions import OperationalError
from nameko.testing.services import entrypoint_hook
from prometheus_client.parser import text_string_to_metric_families

from tests.nameko.http_client import ServiceClient


def scrape(client: ServiceClient) -> dict[tuple[str, frozenset[Any]], float]:
    """Every sample `GET /metrics` shows, by name and labels."""
    response = client.request("GET", "/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(client: ServiceClient, name: str, **labels: str) -> float | None:
    return scrape(client).get((name, frozenset(labels.items())))


def wait_for_value(
    client: ServiceClient,
    name: str,
    wanted: Callable[[float], bool],
    timeout: float = 5.0,
) -> None:
    deadline = time.monotonic() + timeout
    while (found := value(client, name)) is None or not wanted(found):
        if time.monotonic() > deadline:
            raise AssertionError(f"{name} is {found} after {timeout} s")
        time.sleep(0.05)


def register_while_the_broker_refuses(
    dispatch: MagicMock, client: ServiceClient, metric: str
) -> None:
    """Register one address while the broker refuses it, until `metric` shows
    the refusal; then let the broker take it."""
    dispatch.side_effect = OperationalError("[Errno 111] Connection refused")
    client.register({"email": "ann@example.com"})
    wait_for_value(client, metric, lambda found: found >= 1)
    dispatch.side_effect = None


def test_requests_are_counted_by_route_template_and_status(
    dispatch: MagicMock, client: ServiceClient
) -> None:
    client.register({"email": "ann@example.com"})
    client.request("GET", f"/entries/{uuid.uuid4()}")
    client.request("GET", f"/entries/{uuid.uuid4()}")

    assert (
        value(
            client, "registration_http_requests_total", route="/register", status="201"
        )
        == 1
    )
    assert (
        value(
            client,
            "registration_http_requests_total",
            route="/entries/<entry_id>",
            status="404",
        )
        == 2
    )


def test_unknown_paths_are_counted_under_one_route(
    dispatch: MagicMock, client: ServiceClient
) -> None:
    for path in ("/nowhere", "/entries", "/register/ann@example.com"):
        client.request("GET", path)

    samples = scrape(client)

    routes = {
        dict(labels)["route"]
        for name, labels in samples
        if name == "registration_http_requests_total"
    }
    assert routes == {"unmatched"}
    assert (
        samples[
            (
                "registration_http_requests_total",
                frozenset({"route": "unmatched", "status": "404"}.items()),
            )
        ]
        == 3
    )


def test_each_request_is_timed_by_route(
    dispatch: MagicMock, client: ServiceClient
) -> None:
    client.register({"email": "ann@example.com"})
    client.register({"email": "not an address"})

    samples = scrape(client)

    duration = "registration_http_request_duration_seconds"
    register = frozenset({"route": "/register"}.items())
    assert samples[(f"{duration}_count", register)] == 2
    assert 0 < samples[(f"{duration}_sum", register)] < 5


def test_registrations_over_http_and_rpc_are_counted_and_refusals_are_not(
    registration_container: Any, dispatch: MagicMock, client: ServiceClient
) -> None:
    client.register({"email": "ann@example.com"})
    client.register({"email": "ann@example.com"})
    client.register({"email": "not an address"})
    with entrypoint_hook(registration_container, "register_entry") as register_entry:
        register_entry("bob@example.com")

    assert value(client, "registration_entries_registered_total") == 2


def test_published_events_and_refused_publishes_are_counted(
    dispatch: MagicMock, client: ServiceClient
) -> None:
    register_while_the_broker_refuses(
        dispatch, client, "registration_event_publish_failures_total"
    )

    client.wait_until_relayed()

    assert value(client, "registration_events_published_total") == 1
    assert value(client, "registration_event_publish_failures_total") == (
        dispatch.call_count - 1
    )


def test_the_outbox_backlog_shows_in_its_gauges_until_it_drains(
    dispatch: MagicMock, client: ServiceClient
) -> None:
    register_while_the_broker_refuses(
        dispatch, client, "registration_outbox_pending_events"
    )
    age = value(client, "registration_outbox_oldest_pending_age_seconds")

    wait_for_value(client, "registration_outbox_pending_events", lambda n: n == 0)

    assert age is not None
    assert age >= 0
    assert value(client, "registration_outbox_oldest_pending_age_seconds") == 0


def test_each_batch_the_relay_publishes_is_timed(
    dispatch: MagicMock, client: ServiceClient
) -> None:
    batch = "registration_outbox_relay_batch_duration_seconds"
    client.register({"email": "ann@example.com"})
    client.wait_until_relayed()
    client.register({"email": "bob@example.com"})
    client.wait_until_relayed()

    samples = scrape(client)

    assert samples[(f"{batch}_count", frozenset())] == 2
    assert 0 < samples[(f"{batch}_sum", frozenset())] < 5
