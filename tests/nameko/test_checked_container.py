"""The container `nameko run` uses refuses a faulty configuration before it
builds the service."""

import logging

import pytest

from registration.entrypoints.container import CheckedServiceContainer
from registration.entrypoints.service import RegistrationNamekoService


def test_a_faulty_configuration_is_logged_and_ends_the_process(
    memory_config: dict[str, object], caplog: pytest.LogCaptureFixture
) -> None:
    config = {**memory_config, "AMQP_URI": "", "OUTBOX_RELAY_INTERVAL": -1}

    with caplog.at_level(logging.ERROR), pytest.raises(SystemExit) as ended:
        CheckedServiceContainer(RegistrationNamekoService, config)

    assert ended.value.code == 1
    assert caplog.messages == [
        "configuration: AMQP_URI is empty; set it in the environment or in config.yaml",
        "configuration: OUTBOX_RELAY_INTERVAL is -1; "
        "it must be a number of seconds from 0.05 to 3600",
        "nameko_registration_service not started: its configuration is faulty",
    ]


def test_a_sound_configuration_builds_the_service(
    memory_config: dict[str, object],
) -> None:
    container = CheckedServiceContainer(RegistrationNamekoService, memory_config)

    assert container.service_name == "nameko_registration_service"
