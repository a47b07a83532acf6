# Nameko runs on eventlet: the standard library must be patched before
# anything else imports it, or a container started by a test hangs.
import eventlet

eventlet.monkey_patch()

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from tests.support.databases import migrate, sqlite_url  # noqa: E402
from tests.support.raw_queue import RawQueue, raw_queue  # noqa: E402


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A migrated SQLite database of this test's own."""
    url = sqlite_url(tmp_path)
    migrate(url)
    return url


@pytest.fixture
def memory_config(
    web_config: dict[str, object], database_url: str
) -> dict[str, object]:
    """Config for a container on kombu's in-process broker, a free port and a
    database of its own."""
    return {
        **web_config,
        "AMQP_URI": "memory://localhost/",
        "DATABASE_URL": database_url,
    }


@pytest.fixture
def broker_config(
    rabbit_config: dict[str, object], web_config: dict[str, object], database_url: str
) -> dict[str, object]:
    """Config for a container on a throwaway RabbitMQ vhost, a free port and a
    database of its own."""
    return {**rabbit_config, **web_config, "DATABASE_URL": database_url}


@pytest.fixture
def registered_entries(rabbit_config: dict[str, str]) -> Iterator[RawQueue]:
    """What reaches the broker's events exchange as RegisteredEntryEvent."""
    with raw_queue(rabbit_config["AMQP_URI"]) as queue:
        yield queue
