import uuid
from typing import Any
from unittest.mock import MagicMock

import pytest
from nameko.testing.services import entrypoint_hook

from registration.application import EntryNotFound
from registration.domain import EmailAlreadyRegistered
from tests.nameko.http_client import ServiceClient, media_type, problem_in


@pytest.mark.parametrize(
    "again",
    ["ann@example.com", "ann@EXAMPLE.COM", "  ann@Example.com \n"],
)
def test_an_address_registered_before_is_a_conflict_and_announces_nothing(
    dispatch: MagicMock, client: ServiceClient, again: str
) -> None:
    client.register({"email": "ann@example.com"})
    client.wait_until_relayed()
    dispatch.reset_mock()

    response = client.register({"email": again})

    problem = problem_in(response, 409)
    assert problem["type"] == "/problems/email-already-registered"
    assert "ann" not in problem["detail"]
    dispatch.assert_not_called()


def test_a_registered_entry_is_served_where_its_location_points(
    dispatch: MagicMock, client: ServiceClient
) -> None:
    registered = client.register({"email": " Ann@EXAMPLE.com"})

    response = client.request("GET", registered.headers["Location"])

    assert response.status_code == 200
    assert media_type(response) == "application/json"
    assert response.json() == {
        "id": registered.json()["id"],
        "email": "Ann@example.com",
        "registered_at": registered.json()["registered_at"],
    }


@pytest.mark.parametrize(
    "entry_id",
    [
        pytest.param(str(uuid.uuid4()), id="unknown"),
        pytest.param("not-a-uuid", id="malformed"),
    ],
)
def test_an_entry_that_is_not_there_is_a_not_found_problem(
    dispatch: MagicMock, client: ServiceClient, entry_id: str
) -> None:
    response = client.request("GET", f"/entries/{entry_id}")

    problem = problem_in(response, 404)
    assert problem["type"] == "/problems/entry-not-found"


def test_rpc_serves_the_entry_it_registered(
    registration_container: Any, dispatch: MagicMock
) -> None:
    with entrypoint_hook(registration_container, "register_entry") as register_entry:
        registration = register_entry("ann@example.com")
    with entrypoint_hook(registration_container, "get_entry") as get_entry:
        entry = get_entry(registration["id"])

    assert entry == {
        "id": registration["id"],
        "email": "ann@example.com",
        "registered_at": registration["registered_at"],
    }


def test_rpc_raises_for_an_address_registered_before_and_an_unknown_entry(
    registration_container: Any, dispatch: MagicMock
) -> None:
    with entrypoint_hook(registration_container, "register_entry") as register_entry:
        register_entry("ann@example.com")
        with pytest.raises(EmailAlreadyRegistered):
            register_entry("ann@example.com")
    with (
        entrypoint_hook(registration_container, "get_entry") as get_entry,
        pytest.raises(EntryNotFound),
    ):
        get_entry(str(uuid.uuid4()))
