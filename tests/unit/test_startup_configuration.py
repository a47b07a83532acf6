import pytest

from registration.infrastructure.configuration import (
    InvalidConfiguration,
    configuration_faults,
    number_setting,
    web_server_address,
    whole_number_setting,
)

GOOD = {
    "AMQP_URI": "amqp://guest:guest@localhost:5672/",
    "DATABASE_URL": "sqlite:///data/registration.db",
    "WEB_SERVER_ADDRESS": "0.0.0.0:8000",
    "OUTBOX_RELAY_INTERVAL": 1,
    "OUTBOX_RETENTION_HOURS": 24,
    "OUTBOX_PENDING_WARNING": 100,
    "LOGGING": {"root": {"level": "INFO"}},
}


def test_a_complete_configuration_has_no_faults() -> None:
    assert configuration_faults(GOOD) == []


@pytest.mark.parametrize(
    "change",
    [
        {"WEB_SERVER_ADDRESS": "8000"},
        {"WEB_SERVER_ADDRESS": "127.0.0.1:0"},
        {"WEB_SERVER_ADDRESS": "127.0.0.1:65535"},
        {"OUTBOX_RELAY_INTERVAL": 0.05},
        {"OUTBOX_RELAY_INTERVAL": "1e1"},
        {"OUTBOX_RETENTION_HOURS": 0},
        {"OUTBOX_RETENTION_HOURS": 0.5},
        {"OUTBOX_PENDING_WARNING": 0},
        {"max_workers": 1},
        {"max_workers": "20"},
    ],
)
def test_a_setting_within_its_range_is_no_fault(change: dict[str, object]) -> None:
    assert configuration_faults({**GOOD, **change}) == []


@pytest.mark.parametrize(
    ("change", "fault"),
    [
        ({"AMQP_URI": ""}, "AMQP_URI is empty"),
        ({"AMQP_URI": None}, "AMQP_URI is empty"),
        ({"DATABASE_URL": "  "}, "DATABASE_URL is empty"),
        (
            {"DATABASE_URL": "${DATABASE_URL}"},
            "DATABASE_URL holds '${DATABASE_URL}', a ${...} that was not substituted",
        ),
        (
            {"AMQP_URI": "${AMQP_URI:amqp://localhost/}"},
            "AMQP_URI holds '${AMQP_URI:amqp://localhost/}', a ${...} that was not",
        ),
        (
            {"LOGGING": {"root": {"level": "${LOG_LEVEL:INFO}"}}},
            "LOGGING.root.level holds",
        ),
        (
            {"OUTBOX_RELAY_INTERVAL": "${OUTBOX_RELAY_INTERVAL:1}"},
            "OUTBOX_RELAY_INTERVAL holds '${OUTBOX_RELAY_INTERVAL:1}'",
        ),
    ],
)
def test_a_faulty_configuration_is_named(change: dict[str, object], fault: str) -> None:
    faults = configuration_faults({**GOOD, **change})

    assert len(faults) == 1
    assert fault in faults[0]


ADDRESS_EXPECTED = "it must be [host:]port, the port from 0 to 65535"


@pytest.mark.parametrize(
    ("value", "fault"),
    [
        (
            "127.0.0.1:99999",
            f"WEB_SERVER_ADDRESS is '127.0.0.1:99999'; {ADDRESS_EXPECTED}",
        ),
        ("127.0.0.1:-1", f"WEB_SERVER_ADDRESS is '127.0.0.1:-1'; {ADDRESS_EXPECTED}"),
        ("garbage", f"WEB_SERVER_ADDRESS is 'garbage'; {ADDRESS_EXPECTED}"),
        ("localhost", f"WEB_SERVER_ADDRESS is 'localhost'; {ADDRESS_EXPECTED}"),
        ("0.0.0.0:http", f"WEB_SERVER_ADDRESS is '0.0.0.0:http'; {ADDRESS_EXPECTED}"),
        ("", f"WEB_SERVER_ADDRESS is ''; {ADDRESS_EXPECTED}"),
    ],
)
def test_a_bind_address_outside_host_and_port_is_named(value: str, fault: str) -> None:
    assert configuration_faults({**GOOD, "WEB_SERVER_ADDRESS": value}) == [fault]


SECONDS = "it must be a number of seconds from 0.05 to 3600"
HOURS = "it must be a number of hours from 0 to 87600 (ten years)"
EVENTS = "it must be a whole number of events, 0 or more"
WORKERS = "it must be a whole number of workers, 1 or more"
CONNECTIONS = "it must be a whole number of connections, 1 or more"


@pytest.mark.parametrize(
    ("key", "value", "fault"),
    [
        ("OUTBOX_RELAY_INTERVAL", "abc", f"OUTBOX_RELAY_INTERVAL is 'abc'; {SECONDS}"),
        ("OUTBOX_RELAY_INTERVAL", 0, f"OUTBOX_RELAY_INTERVAL is 0; {SECONDS}"),
        ("OUTBOX_RELAY_INTERVAL", -1, f"OUTBOX_RELAY_INTERVAL is -1; {SECONDS}"),
        ("OUTBOX_RELAY_INTERVAL", "nan", f"OUTBOX_RELAY_INTERVAL is 'nan'; {SECONDS}"),
        (
            "OUTBOX_RELAY_INTERVAL",
            float("inf"),
            f"OUTBOX_RELAY_INTERVAL is inf; {SECONDS}",
        ),
        ("OUTBOX_RELAY_INTERVAL", None, f"OUTBOX_RELAY_INTERVAL is empty; {SECONDS}"),
        ("OUTBOX_RELAY_INTERVAL", True, f"OUTBOX_RELAY_INTERVAL is True; {SECONDS}"),
        ("OUTBOX_RETENTION_HOURS", "abc", f"OUTBOX_RETENTION_HOURS is 'abc'; {HOURS}"),
        (
            "OUTBOX_RELAY_INTERVAL",
            0.0001,
            f"OUTBOX_RELAY_INTERVAL is 0.0001; {SECONDS}",
        ),
        ("OUTBOX_RELAY_INTERVAL", 7200, f"OUTBOX_RELAY_INTERVAL is 7200; {SECONDS}"),
        ("OUTBOX_RETENTION_HOURS", -0.5, f"OUTBOX_RETENTION_HOURS is -0.5; {HOURS}"),
        ("OUTBOX_RETENTION_HOURS", 1e300, f"OUTBOX_RETENTION_HOURS is 1e+300; {HOURS}"),
        ("OUTBOX_PENDING_WARNING", "abc", f"OUTBOX_PENDING_WARNING is 'abc'; {EVENTS}"),
        ("OUTBOX_PENDING_WARNING", -5, f"OUTBOX_PENDING_WARNING is -5; {EVENTS}"),
        ("OUTBOX_PENDING_WARNING", 2.5, f"OUTBOX_PENDING_WARNING is 2.5; {EVENTS}"),
        ("max_workers", 0, f"max_workers is 0; {WORKERS}"),
        ("max_workers", "ten", f"max_workers is 'ten'; {WORKERS}"),
        ("max_workers", None, f"max_workers is empty; {WORKERS}"),
        ("WEB_MAX_CONNECTIONS", 0, f"WEB_MAX_CONNECTIONS is 0; {CONNECTIONS}"),
        (
            "WEB_MAX_CONNECTIONS",
            "many",
            f"WEB_MAX_CONNECTIONS is 'many'; {CONNECTIONS}",
        ),
    ],
)
def test_a_numeric_setting_outside_its_range_is_named(
    key: str, value: object, fault: str
) -> None:
    assert configuration_faults({**GOOD, key: value}) == [fault]


def test_every_fault_is_named_at_once() -> None:
    faults = configuration_faults(
        {**GOOD, "AMQP_URI": "", "OUTBOX_RELAY_INTERVAL": 0, "max_workers": -1}
    )

    assert [fault.split()[0] for fault in faults] == [
        "AMQP_URI",
        "OUTBOX_RELAY_INTERVAL",
        "max_workers",
    ]


def test_an_unset_setting_reads_as_its_default() -> None:
    assert number_setting({}, "OUTBOX_RELAY_INTERVAL") == 1.0
    assert number_setting({}, "OUTBOX_RETENTION_HOURS") == 24.0
    assert whole_number_setting({}, "OUTBOX_PENDING_WARNING") == 100
    assert whole_number_setting({}, "max_workers") == 10
    assert web_server_address({}) == ("0.0.0.0", 8000)


def test_a_setting_is_read_as_the_number_it_was_checked_to_be() -> None:
    config = {**GOOD, "OUTBOX_RELAY_INTERVAL": "0.5", "OUTBOX_PENDING_WARNING": "7"}

    assert number_setting(config, "OUTBOX_RELAY_INTERVAL") == 0.5
    assert whole_number_setting(config, "OUTBOX_PENDING_WARNING") == 7


def test_reading_a_faulty_setting_raises_its_fault() -> None:
    with pytest.raises(InvalidConfiguration, match="OUTBOX_RETENTION_HOURS is 'abc'"):
        number_setting({"OUTBOX_RETENTION_HOURS": "abc"}, "OUTBOX_RETENTION_HOURS")
    with pytest.raises(InvalidConfiguration, match="WEB_SERVER_ADDRESS is ':70000'"):
        web_server_address({"WEB_SERVER_ADDRESS": ":70000"})
