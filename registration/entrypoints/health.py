"""Whether the service is alive, and whether it can take registrations."""

import logging
from typing import Any

from kombu.connection import Connection
from nameko.extensions import DependencyProvider
from sqlalchemy import Engine

from registration.infrastructure.configuration import check_configuration
from registration.infrastructure.database import make_engine
from registration.infrastructure.schema import (
    Migrations,
    current_revision,
    expected_migrations,
)

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 2
# What a broker out of reach costs: the outbox keeps the events until it returns.
BROKER_DOWN_AFFECTS = "registrations are accepted; their events wait in the outbox"

State = dict[str, Any]


class Readiness(DependencyProvider):  # type: ignore[misc]
    """Checks, on demand, what a registration needs and what it can wait for.

    Ready means a registration can be taken: the database answers and its
    schema is the head of the migrations, read once at start. The broker is
    reported too, but a broker out of reach only delays events, so it makes
    the service degraded, not unready. Each check has a connection of its
    own, so a full pool does not make the service look down, and a check
    never takes a request's place.
    """

    def setup(self) -> None:
        config = self.container.config
        check_configuration(config)
        self._migrations: Migrations = expected_migrations()
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

    def report(self) -> tuple[bool, dict[str, Any]]:
        """Whether the service is ready, and the body that says so, check by check.

        Such as `{"status": "ready", "degraded": true, "checks": {"database":
        {"status": "up"}, "schema": {"status": "up", "revision": "0004"},
        "broker": {"status": "down", "error": "OperationalError", "affects":
        "..."}}}`.
        """
        database, revision = self._database()
        schema = (
            self._schema(revision)
            if database["status"] == "up"
            else {"status": "unknown"}
        )
        broker = self._broker()

        ready = database["status"] == "up" and schema["status"] == "up"
        degraded = broker["status"] == "down"
        body = {
            "status": "ready" if ready else "not ready",
            "degraded": degraded,
            "checks": {
                "database": database,
                "schema": schema,
                "broker": broker,
            },
        }
        return ready, body

    def _database(self) -> tuple[State, str | None]:
        try:
            with self._engine.connect() as connection:
                revision = current_revision(connection)
        except Exception as error:  # whatever fails, the database is down
            return _down("database", error), None
        return {"status": "up"}, revision

    def _schema(self, revision: str | None) -> State:
        fault = self._migrations.fault(revision)
        if fault is not None:
            logger.warning("readiness: database schema: %s", fault)
            return {"status": "down", "revision": revision, "detail": fault}
        return {"status": "up", "revision": revision}

    def _broker(self) -> State:
        try:
            with Connection(
                self._amqp_uri, connect_timeout=CHECK_TIMEOUT_SECONDS
            ) as broker:
                broker.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT_SECONDS)
        except Exception as error:  # whatever fails, the broker is down
            return {**_down("broker", error), "affects": BROKER_DOWN_AFFECTS}
        return {"status": "up"}


def _down(name: str, error: Exception) -> State:
    logger.warning("readiness: %s is down: %s: %s", name, type(error).__name__, error)
    return {"status": "down", "error": type(error).__name__}
