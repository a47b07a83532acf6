"""The checks a configuration must pass before the service starts, and the
settings they vouch for."""

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from nameko.constants import DEFAULT_MAX_WORKERS, MAX_WORKERS_CONFIG_KEY
from nameko.exceptions import ConfigurationError
from nameko.web.server import BindAddress, parse_address

REQUIRED = ("AMQP_URI", "DATABASE_URL")
DEFAULT_WEB_SERVER_ADDRESS = "0.0.0.0:8000"
HIGHEST_PORT = 65535


class InvalidConfiguration(Exception):
    """The service cannot start on this configuration.

    Not Nameko's `ConfigurationError`: `nameko run` reports that one and
    then exits with status 0, as if all were well.
    """


@dataclass(frozen=True)
class Number:
    """A numeric setting: its default and the values it may take."""

    default: float
    least: float
    expected: str
    whole: bool = False
    most: float = math.inf

    def parse(self, value: Any) -> float | None:
        """`value` as a number this setting allows, or None if it is not one."""
        if isinstance(value, bool) or (self.whole and isinstance(value, float)):
            return None
        try:
            number = int(value) if self.whole else float(value)
        except (TypeError, ValueError):
            return None
        if not math.isfinite(number) or not self.least <= number <= self.most:
            return None
        return number


NUMBERS = {
    # Shorter intervals would keep the relay's timer turning for nothing.
    "OUTBOX_RELAY_INTERVAL": Number(
        1.0, 0.05, "a number of seconds from 0.05 to 3600", most=3600
    ),
    # Longer retentions overflow the time arithmetic of the pruning.
    "OUTBOX_RETENTION_HOURS": Number(
        24.0, 0, "a number of hours from 0 to 87600 (ten years)", most=87600
    ),
    "OUTBOX_PENDING_WARNING": Number(
        100, 0, "a whole number of events, 0 or more", whole=True
    ),
    "WEB_MAX_CONNECTIONS": Number(
        512, 1, "a whole number of connections, 1 or more", whole=True
    ),
    MAX_WORKERS_CONFIG_KEY: Number(
        DEFAULT_MAX_WORKERS, 1, "a whole number of workers, 1 or more", whole=True
    ),
}


def configuration_faults(config: Mapping[str, Any]) -> list[str]:
    """What is wrong with `config`, one sentence a fault; empty when nothing is."""
    faults = [
        f"{key} is empty; set it in the environment or in config.yaml"
        for key in REQUIRED
        if not str(config.get(key) or "").strip()
    ]
    unsubstituted = {key: value for key, value in _strings(config) if "${" in value}
    faults += [
        f"{key} holds {value!r}, a ${{...}} that was not substituted: "
        "Nameko substitutes only unquoted values in config.yaml"
        for key, value in unsubstituted.items()
    ]
    address_fault = _address_fault(config)
    if address_fault and "WEB_SERVER_ADDRESS" not in unsubstituted:
        faults.append(address_fault)
    faults += [
        _number_fault(key, config[key])
        for key, number in NUMBERS.items()
        if key in config
        and key not in unsubstituted
        and number.parse(config[key]) is None
    ]
    return faults


def check_configuration(config: Mapping[str, Any]) -> None:
    """Raise `InvalidConfiguration`, naming every fault, unless there is none.

    Under `nameko run` the container has checked before it built anything.
    Each extension that reads the configuration calls this too, for any other
    container: Nameko sets extensions up side by side, and the first to fail
    ends the start.
    """
    faults = configuration_faults(config)
    if faults:
        raise InvalidConfiguration("; ".join(faults))


def web_server_address(config: Mapping[str, Any]) -> BindAddress:
    """Where HTTP is served, from `WEB_SERVER_ADDRESS`."""
    fault = _address_fault(config)
    if fault:
        raise InvalidConfiguration(fault)
    return parse_address(
        str(config.get("WEB_SERVER_ADDRESS", DEFAULT_WEB_SERVER_ADDRESS))
    )


def number_setting(config: Mapping[str, Any], key: str) -> float:
    """The numeric setting `key` (one of `NUMBERS`), or its default if unset."""
    value = config.get(key, NUMBERS[key].default)
    number = NUMBERS[key].parse(value)
    if number is None:
        raise InvalidConfiguration(_number_fault(key, value))
    return number


def whole_number_setting(config: Mapping[str, Any], key: str) -> int:
    """The whole-number setting `key` (one of `NUMBERS`), or its default if unset."""
    return int(number_setting(config, key))


def _address_fault(config: Mapping[str, Any]) -> str | None:
    value = config.get("WEB_SERVER_ADDRESS", DEFAULT_WEB_SERVER_ADDRESS)
    try:
        port = parse_address(str(value or "")).port
    except ConfigurationError:
        port = -1
    if 0 <= port <= HIGHEST_PORT:
        return None
    return (
        f"WEB_SERVER_ADDRESS is {value!r}; it must be [host:]port, "
        f"the port from 0 to {HIGHEST_PORT}"
    )


def _number_fault(key: str, value: object) -> str:
    shown = "empty" if value in (None, "") else repr(value)
    return f"{key} is {shown}; it must be {NUMBERS[key].expected}"


def _strings(config: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for key, value in config.items():
        name = f"{prefix}{key}"
        if isinstance(value, str):
            yield name, value
        elif isinstance(value, Mapping):
            yield from _strings(value, f"{name}.")
