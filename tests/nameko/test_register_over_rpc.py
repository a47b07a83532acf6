import uuid
from typing import Any
from unittest.mock import MagicMock

import pytest
from kombu.exceptions import OperationalError
from nameko.testing.services import entrypoint_hook, worker_factory

from registration.domain import InvalidEmailAddress
from registration.entrypoints.service import RegistrationNamekoService
from tests.fakes import InMemoryUnitsOfWork
from tests.nameko.http_client import ServiceClient


def test_registering_over_rpc_returns_the_address_and_the_event_id(
    registration_container: Any, dispatch: MagicMock, client: ServiceClient
) -> None:
    with entrypoint_hook(registration_container, "register_entry") as register_entry:
        registration = register_entry(" Ann@EXAMPLE.com ")
    client.wait_until_relayed()

    assert registration.keys() == {"id", "email", "registered_at", "event_id"}
    assert registration["email"] == "Ann@example.com"
    assert uuid.UUID(registration["event_id"]).version == 4
    dispatch.assert_called_once()
    assert dispatch.call_args.args[1]["event_id"] == registration["event_id"]


def test_rpc_and_http_answer_a_registration_alike(
    registration_container: Any, dispatch: MagicMock, client: ServiceClient
) -> None:
    with entrypoint_hook(registration_container, "register_entry") as register_entry:
        over_rpc = register_entry("ann@example.com")
    over_http = client.register({"email": "bob@example.com"}).json()

    assert over_rpc.keys() == over_http.keys()
    assert over_rpc["email"] == "ann@example.com"
    assert over_http["email"] == "bob@example.com"
    assert over_rpc["event_id"] != over_http["event_id"]


def test_an_invalid_address_over_rpc_raises_and_announces_nothing(
    registration_container: Any, dispatch: MagicMock
) -> None:
    with (
        entrypoint_hook(registration_container, "register_entry") as register_entry,
        pytest.raises(InvalidEmailAddress),
    ):
        register_entry("not an address")

    dispatch.assert_not_called()


def test_a_broker_that_cannot_take_the_event_does_not_fail_the_rpc_call(
    registration_container: Any, dispatch: MagicMock
) -> None:
    dispatch.side_effect = OperationalError("connection refused")

    with entrypoint_hook(registration_container, "register_entry") as register_entry:
        registration = register_entry("ann@example.com")
    with entrypoint_hook(registration_container, "outbox_status") as outbox_status:
        status = outbox_status()

    assert registration["email"] == "ann@example.com"
    assert status["pending"] == 1


def test_the_rpc_method_stores_the_event_and_wakes_the_relay() -> None:
    units_of_work = InMemoryUnitsOfWork()
    service = worker_factory(RegistrationNamekoService, unit_of_work=units_of_work)

    registration = service.register_entry("ann@example.com")

    [event] = units_of_work.outbox.waiting()
    assert str(event.event_id) == registration["event_id"]
    service.relay_soon.assert_called_once_with()


def test_the_relay_announces_a_stored_registration_in_its_published_form() -> None:
    units_of_work = InMemoryUnitsOfWork()
    dispatch = MagicMock()
    service = worker_factory(
        RegistrationNamekoService,
        dispatch=dispatch,
        unit_of_work=units_of_work,
        config={},
    )
    registration = service.register_entry("ann@example.com")

    service.relay_outbox()

    dispatch.assert_called_once()
    name, payload = dispatch.call_args.args
    assert name == "RegisteredEntryEvent"
    assert payload["name"] == "RegisteredEntryEvent"
    assert payload["email"] == registration["email"]
    assert payload["event_id"] == registration["event_id"]
    assert units_of_work.outbox.waiting() == []
