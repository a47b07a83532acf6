"""What the service checks and tells the operator when it starts."""

import logging
from collections.abc import Iterator, Mapping
from typing import Any

from kombu.utils.url import maybe_sanitize_url
from nameko.exceptions import ConfigurationError
from nameko.extensions import DependencyProvider
from nameko.web.server import parse_address

logger = logging.getLogger(__name__)

REQUIRED = ("AMQP_URI", "DATABASE_URL")


class InvalidConfiguration(Exception):
    """The service cannot start on this configuration.

    Not Nameko's `ConfigurationError`: `nameko run` reports that one and
    then exits with status 0, as if all were well.
    """


def configuration_faults(config: Mapping[str, Any]) -> list[str]:
    """What is wrong with `config`, one sentence a fault; empty when nothing is."""
    faults = [
        f"{key} is empty; set it in the environment or in config.yaml"
        for key in REQUIRED
        if not str(config.get(key) or "").strip()
    ]
    for key, value in _strings(config):
        if "${" in value:
            faults.append(
                f"{key} holds {value!r}, a ${{...}} that was not substituted: "
                "Nameko substitutes only unquoted values in config.yaml"
            )
    try:
        parse_address(str(config.get("WEB_SERVER_ADDRESS", "0.0.0.0:8000")))
    except ConfigurationError as error:
        faults.append(f"WEB_SERVER_ADDRESS: {error}")
    return faults


class StartupCheck(DependencyProvider):  # type: ignore[misc]
    """Refuses to start on a faulty configuration, and logs what it runs on."""

    def setup(self) -> None:
        config = self.container.config
        faults = configuration_faults(config)
        if faults:
            for fault in faults:
                logger.error("configuration: %s", fault)
            raise InvalidConfiguration("; ".join(faults))

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


def _strings(config: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for key, value in config.items():
        name = f"{prefix}{key}"
        if isinstance(value, str):
            yield name, value
        elif isinstance(value, Mapping):
            yield from _strings(value, f"{name}.")
