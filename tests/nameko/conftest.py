from collections.abc import Callable, Iterator
from functools import partialmethod
from typing import Any
from unittest.mock import MagicMock

import pytest
import requests
from kombu.mixins import ConsumerMixin
from nameko.constants import DEFAULT_TRANSPORT_OPTIONS
from nameko.messaging import QueueConsumer
from nameko.testing.services import replace_dependencies

from registration.entrypoints.service import RegistrationNamekoService
from tests.nameko.http_client import ServiceClient
from welcome.entrypoints import WelcomeService

ContainerFactory = Callable[[type, dict[str, object]], Any]

CONSUMER_WAIT_SECONDS = 0.02


@pytest.fixture
def service_config(
    memory_config: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> dict[str, object]:
    """Config for containers on the in-process broker that deliver and stop fast.

    Kombu's memory transport polls its queues once a second, and Nameko's
    queue consumer waits up to a second for a message before it notices it
    should stop: without shorter waits every container takes a second to stop.
    """
    monkeypatch.setattr(
        QueueConsumer,
        "consume",
        partialmethod(ConsumerMixin.consume, safety_interval=CONSUMER_WAIT_SECONDS),
    )
    transport_options = {
        **DEFAULT_TRANSPORT_OPTIONS,
        "polling_interval": CONSUMER_WAIT_SECONDS,
    }
    return {**memory_config, "TRANSPORT_OPTIONS": transport_options}


@pytest.fixture
def registration_container(
    container_factory: ContainerFactory, service_config: dict[str, object]
) -> Any:
    """The registration service's container, not yet started."""
    return container_factory(RegistrationNamekoService, service_config)


@pytest.fixture
def dispatch(registration_container: Any) -> MagicMock:
    """The event dispatcher of the started registration service, as a mock."""
    mock: MagicMock = replace_dependencies(registration_container, "dispatch")
    registration_container.start()
    return mock


@pytest.fixture
def welcome_container(
    container_factory: ContainerFactory, service_config: dict[str, object]
) -> Any:
    """The welcome service, started and listening for registrations."""
    container = container_factory(WelcomeService, service_config)
    container.start()
    return container


@pytest.fixture
def client(web_config_port: int) -> Iterator[ServiceClient]:
    with requests.Session() as connections:
        yield ServiceClient(connections, web_config_port)
