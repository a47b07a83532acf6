"""The container `nameko run` builds each service in, named by
`SERVICE_CONTAINER_CLS` in config.yaml."""

import logging
from typing import Any

from nameko.containers import get_service_name

from registration.entrypoints.shutdown import GracefulServiceContainer
from registration.entrypoints.startup import StartupCheck
from registration.infrastructure.configuration import configuration_faults
from registration.infrastructure.schema import UnusableSchema

logger = logging.getLogger(__name__)


class CheckedServiceContainer(GracefulServiceContainer):
    """Refuses a faulty configuration before it builds the service, and
    otherwise starts and stops it as `GracefulServiceContainer` does.

    Building a service already reads the configuration: Nameko looks at each
    attribute of each extension, so kombu reads `AMQP_URI` and the web server
    `WEB_SERVER_ADDRESS` before any extension is set up. Only the `LOGGING`
    section is applied earlier, by `nameko run` itself.
    """

    def __init__(self, service_cls: type, config: dict[str, Any]) -> None:
        faults = configuration_faults(config)
        if faults:
            for fault in faults:
                logger.error("configuration: %s", fault)
            logger.error(
                "%s not started: its configuration is faulty",
                get_service_name(service_cls),
            )
            # Any other exception would end `nameko run` with a traceback of
            # Nameko's own frames, which says nothing the lines above do not.
            raise SystemExit(1)
        super().__init__(service_cls, config)

    def start(self) -> None:
        # Before any extension is set up: one that fails there is reported by
        # Eventlet with a traceback, which would add nothing to the line the
        # check logs, saying what to do.
        for extension in self.extensions:
            if isinstance(extension, StartupCheck):
                try:
                    extension.check_schema()
                except UnusableSchema:
                    logger.error(
                        "%s not started: its database schema", self.service_name
                    )
                    raise SystemExit(1) from None
        super().start()
