"""Whether the service is alive, and whether what it depends on answers."""

import logging
from collections.abc import Callable
from typing import Any

from kombu.connection import Connection
from nameko.extensions import DependencyProvider
from sqlalchemy import Engine, text

from registration.infrastructure.configuration import check_configuration
from registration.infrastructure.database import make_engine

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 2

Check = Callable[[], None]


class Readiness(DependencyProvider):  # type: ignore[misc]
    """Checks the database and the broker on demand, each on its own connection.

    Its connections are not the ones requests use, so a full pool does not
    make the service look down, and a check never takes a request's place.
    """

    def setup(self) -> None:
        config = self.container.config
        check_configuration(config)
        self._engine: Engine = make_engine(
            config["DATABASE_URL"],
            timeout=CHECK_TIMEOUT_SECONDS,
            pool_size=1,
            max_overflow=0,
        )
        self._amqp_uri = str(config["AMQP_URI"])

    def stop(self) -> None:
        self._engine.dispose()

    def get_dependency(self, worker_ctx: Any) -> "Readiness":
        return self

    def report(self) -> tuple[bool, dict[str, dict[str, str]]]:
        """Whether every check passes, and each check's state."""
        checks = {"database": self._database, "broker": self._broker}
        states = {name: _state_of(name, check) for name, check in checks.items()}
        return all(state["status"] == "up" for state in states.values()), states

    def _database(self) -> None:
        with self._engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def _broker(self) -> None:
        with Connection(
            self._amqp_uri, connect_timeout=CHECK_TIMEOUT_SECONDS
        ) as broker:
            broker.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT_SECONDS)


def _state_of(name: str, check: Check) -> dict[str, str]:
    try:
        check()
    except Exception as error:  # whatever fails, the dependency is down
        logger.warning(
            "readiness: %s is down: %s: %s", name, type(error).__name__, error
        )
        return {"status": "down", "error": type(error).__name__}
    return {"status": "up"}
