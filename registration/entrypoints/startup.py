"""What the service checks and tells the operator when it starts."""

import logging

from kombu.utils.url import maybe_sanitize_url
from nameko.extensions import DependencyProvider

from registration.infrastructure.configuration import (
    check_configuration,
    configuration_faults,
)
from registration.infrastructure.database import STORAGE_ERRORS
from registration.infrastructure.schema import (
    UnusableSchema,
    expected_migrations,
    stored_revision,
)

logger = logging.getLogger(__name__)

# How long the start waits for the database to tell its schema's revision.
SCHEMA_CHECK_TIMEOUT_SECONDS = 2


class StartupCheck(DependencyProvider):  # type: ignore[misc]
    """Refuses to start on a faulty configuration or a database not at the
    schema this code needs, and logs what it runs on."""

    _schema_checked = False

    def setup(self) -> None:
        config = self.container.config
        for fault in configuration_faults(config):
            logger.error("configuration: %s", fault)
        check_configuration(config)

        amqp_uri = str(config["AMQP_URI"])
        logger.info(
            "%s: broker %s, database %s, HTTP on %s",
            self.container.service_name,
            maybe_sanitize_url(amqp_uri),
            maybe_sanitize_url(str(config["DATABASE_URL"])),
            config.get("WEB_SERVER_ADDRESS", "0.0.0.0:8000"),
        )
        if amqp_uri.startswith("memory://"):
            logger.warning(
                "transport is the in-process memory:// broker: events reach only "
                "services in this process and are lost when it stops; "
                "set AMQP_URI to use RabbitMQ"
            )
        else:
            logger.info("transport is RabbitMQ (AMQP)")
        if not self._schema_checked:
            self.check_schema()

    def check_schema(self) -> None:
        """Refuse a database that answers with another schema than the head,
        logging why, with `UnusableSchema`.

        One that does not answer yet is let through, as at any other time:
        readiness reports it, and its schema once it answers. The container
        `nameko run` uses checks before it sets the service up, so the set-up
        checks only where no container did.
        """
        try:
            self._check_schema(str(self.container.config["DATABASE_URL"]))
        except UnusableSchema as fault:
            logger.error("database schema: %s", fault)
            raise
        self._schema_checked = True

    def _check_schema(self, database_url: str) -> None:
        migrations = expected_migrations()
        try:
            revision = stored_revision(database_url, SCHEMA_CHECK_TIMEOUT_SECONDS)
        except STORAGE_ERRORS as error:
            logger.warning(
                "database schema not checked, the database did not answer: %s: %s",
                type(error).__name__,
                error,
            )
            return

        fault = migrations.fault(revision)
        if fault is not None:
            raise UnusableSchema(fault)
        logger.info("database schema at revision %s", revision)
