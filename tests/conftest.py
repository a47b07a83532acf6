# Nameko runs on eventlet: the standard library must be patched before
# anything else imports it, or a container started by a test hangs.
import eventlet

eventlet.monkey_patch()

from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402

from tests.support.raw_queue import RawQueue, raw_queue  # noqa: E402


@pytest.fixture
def memory_config(web_config: dict[str, object]) -> dict[str, object]:
    """Config for a container on kombu's in-process broker and a free port."""
    return {**web_config, "AMQP_URI": "memory://localhost/"}


@pytest.fixture
def broker_config(
    rabbit_config: dict[str, object], web_config: dict[str, object]
) -> dict[str, object]:
    """Config for a container on a throwaway RabbitMQ vhost and a free port."""
    return {**rabbit_config, **web_config}


@pytest.fixture
def registered_entries(rabbit_config: dict[str, str]) -> Iterator[RawQueue]:
    """What reaches the broker's events exchange as RegisteredEntryEvent."""
    with raw_queue(rabbit_config["AMQP_URI"]) as queue:
        yield queue
