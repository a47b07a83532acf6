from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from alembic import command

from registration.entrypoints.service import RegistrationNamekoService
from registration.infrastructure.schema import UnusableSchema, expected_migrations
from tests.support.databases import alembic_config, migrate, sqlite_url

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
        "degraded": False,
        "checks": {
            "database": {"status": "up"},
            "schema": {"status": "up", "revision": expected_migrations().head},
            "broker": {"status": "up"},
        },
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
    assert ready.json()["checks"]["schema"] == {"status": "unknown"}
    assert ready.json()["checks"]["broker"] == {"status": "up"}


def test_a_service_whose_database_was_taken_back_a_migration_is_not_ready(
    container_factory: ContainerFactory,
    service_config: dict[str, object],
    web_config_port: int,
    database_url: str,
) -> None:
    container_factory(RegistrationNamekoService, service_config).start()
    command.downgrade(alembic_config(database_url), "0002")

    ready = get(web_config_port, "/health/ready")

    assert ready.status_code == 503
    assert ready.json()["status"] == "not ready"
    assert ready.json()["checks"]["database"] == {"status": "up"}
    assert ready.json()["checks"]["schema"] == {
        "status": "down",
        "revision": "0002",
        "detail": "the database is at revision 0002, the service needs "
        f"{expected_migrations().head}: run `make migrate` (or `alembic upgrade "
        "head`)",
    }


@pytest.mark.parametrize(
    ("revision", "fault"),
    [
        (None, "the database has no migrations, the service needs"),
        ("0002", "the database is at revision 0002, the service needs"),
    ],
)
def test_a_service_refuses_to_start_on_a_database_not_at_the_head(
    container_factory: ContainerFactory,
    service_config: dict[str, object],
    tmp_path: Path,
    revision: str | None,
    fault: str,
) -> None:
    url = sqlite_url(tmp_path / "behind")
    if revision is not None:
        migrate(url, revision)
    container = container_factory(
        RegistrationNamekoService, {**service_config, "DATABASE_URL": url}
    )

    with pytest.raises(UnusableSchema, match=fault):
        container.start()
