from collections.abc import Callable
from typing import Any

import requests

from registration.entrypoints.service import RegistrationNamekoService

ContainerFactory = Callable[[type, dict[str, object]], Any]


def get(port: int, path: str) -> requests.Response:
    return requests.get(f"http://127.0.0.1:{port}{path}", timeout=10)


def test_a_running_service_is_live_and_ready(
    container_factory: ContainerFactory,
    service_config: dict[str, object],
    web_config_port: int,
) -> None:
    container_factory(RegistrationNamekoService, service_config).start()

    live = get(web_config_port, "/health/live")
    ready = get(web_config_port, "/health/ready")

    assert live.status_code == 200
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "checks": {"database": {"status": "up"}, "broker": {"status": "up"}},
    }


def test_a_service_whose_database_is_out_of_reach_is_live_but_not_ready(
    container_factory: ContainerFactory,
    service_config: dict[str, object],
    web_config_port: int,
) -> None:
    config = {
        **service_config,
        "DATABASE_URL": "postgresql+pg8000://postgres@127.0.0.1:1/nowhere",
    }
    container_factory(RegistrationNamekoService, config).start()

    live = get(web_config_port, "/health/live")
    ready = get(web_config_port, "/health/ready")

    assert live.status_code == 200
    assert ready.status_code == 503
    assert ready.json()["status"] == "not ready"
    assert ready.json()["checks"]["database"]["status"] == "down"
    assert ready.json()["checks"]["broker"] == {"status": "up"}
