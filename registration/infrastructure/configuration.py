"""The checks a configuration must pass before the service starts."""

from collections.abc import Iterator, Mapping
from typing import Any

from nameko.exceptions import ConfigurationError
from nameko.web.server import parse_address

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
        parse_address(str(config.get("WEB_SERVER_ADDRESS", "0.0.0.0:8000") or ""))
    except ConfigurationError as error:
        faults.append(f"WEB_SERVER_ADDRESS: {error}")
    return faults


def check_configuration(config: Mapping[str, Any]) -> None:
    """Raise `InvalidConfiguration`, naming every fault, unless there is none.

    Each extension that reads the configuration calls it first, since Nameko
    sets extensions up side by side and the first to fail ends the start.
    """
    faults = configuration_faults(config)
    if faults:
        raise InvalidConfiguration("; ".join(faults))


def _strings(config: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for key, value in config.items():
        name = f"{prefix}{key}"
        if isinstance(value, str):
            yield name, value
        elif isinstance(value, Mapping):
            yield from _strings(value, f"{name}.")
