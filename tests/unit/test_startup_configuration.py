import pytest

from registration.infrastructure.configuration import configuration_faults

GOOD = {
    "AMQP_URI": "amqp://guest:guest@localhost:5672/",
    "DATABASE_URL": "sqlite:///data/registration.db",
    "WEB_SERVER_ADDRESS": "0.0.0.0:8000",
    "LOGGING": {"root": {"level": "INFO"}},
}


def test_a_complete_configuration_has_no_faults() -> None:
    assert configuration_faults(GOOD) == []


@pytest.mark.parametrize(
    ("change", "fault"),
    [
        ({"AMQP_URI": ""}, "AMQP_URI is empty"),
        ({"AMQP_URI": None}, "AMQP_URI is empty"),
        ({"DATABASE_URL": "  "}, "DATABASE_URL is empty"),
        ({"WEB_SERVER_ADDRESS": "localhost"}, "WEB_SERVER_ADDRESS: Misconfigured"),
        ({"WEB_SERVER_ADDRESS": "0.0.0.0:http"}, "WEB_SERVER_ADDRESS: Misconfigured"),
        (
            {"DATABASE_URL": "${DATABASE_URL}"},
            "DATABASE_URL holds '${DATABASE_URL}', a ${...} that was not substituted",
        ),
        (
            {"LOGGING": {"root": {"level": "${LOG_LEVEL:INFO}"}}},
            "LOGGING.root.level holds",
        ),
    ],
)
def test_a_faulty_configuration_is_named(change: dict[str, object], fault: str) -> None:
    faults = configuration_faults({**GOOD, **change})

    assert len(faults) == 1
    assert fault in faults[0]


def test_an_empty_bind_address_is_named() -> None:
    faults = configuration_faults({**GOOD, "WEB_SERVER_ADDRESS": ""})

    assert faults == [
        "WEB_SERVER_ADDRESS: Misconfigured bind address ``. Should be `[address:]port`"
    ]
