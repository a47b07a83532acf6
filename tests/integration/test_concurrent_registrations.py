"""One address, registered by many clients at once, over real HTTP."""

from collections.abc import Callable
from typing import Any

import eventlet
import requests

from registration.entrypoints.service import RegistrationNamekoService
from tests.support.databases import migrate
from tests.support.raw_queue import RawQueue

CLIENTS = 20


def test_of_concurrent_registrations_of_one_address_exactly_one_succeeds(
    container_factory: Callable[[type, dict[str, object]], Any],
    broker_config: dict[str, object],
    web_config_port: int,
    empty_database_url: str,
    registered_entries: RawQueue,
) -> None:
    migrate(empty_database_url)
    config = {**broker_config, "DATABASE_URL": empty_database_url}
    container_factory(RegistrationNamekoService, config).start()
    url = f"http://127.0.0.1:{web_config_port}/register"

    def register(_: int) -> int:
        with requests.Session() as session:
            response = session.post(url, json={"email": "ann@example.com"}, timeout=30)
            return response.status_code

    statuses = list(eventlet.GreenPool(CLIENTS).imap(register, range(CLIENTS)))

    assert sorted(statuses) == [201] + [409] * (CLIENTS - 1)
    assert registered_entries.get().body["email"] == "ann@example.com"
    assert registered_entries.is_empty()
