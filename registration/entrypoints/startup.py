"""What the service checks and tells the operator when it starts."""

import logging

from kombu.utils.url import maybe_sanitize_url
from nameko.extensions import DependencyProvider

from registration.infrastructure.configuration import (
    check_configuration,
    configuration_faults,
)

logger = logging.getLogger(__name__)


class StartupCheck(DependencyProvider):  # type: ignore[misc]
    """Refuses to start on a faulty configuration, and logs what it runs on."""

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
