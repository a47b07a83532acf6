# Nameko runs on eventlet: the standard library must be patched before
# anything else imports it, or a container started by a test hangs.
import eventlet

eventlet.monkey_patch()

import pytest  # noqa: E402


@pytest.fixture
def memory_config(web_config: dict[str, object]) -> dict[str, object]:
    """Config for a container on kombu's in-process broker and a free port."""
    return {**web_config, "AMQP_URI": "memory://localhost/"}
