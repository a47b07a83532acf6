"""An outage of the database is logged as it is lived, not once per call."""

import logging

import pytest
from sqlalchemy import exc

from registration.application import StorageUnavailable
from registration.infrastructure import database
from registration.infrastructure.database import storage_errors
from registration.infrastructure.outage_log import OutageLog


@pytest.fixture(autouse=True)
def fresh_outage_log(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        database, "_outage", OutageLog(database.logger, "still down", "back")
    )


def refused() -> exc.OperationalError:
    return exc.OperationalError("SELECT 1", {}, ConnectionRefusedError(111, "refused"))


def test_a_database_outage_is_logged_once_with_its_cause_and_once_when_it_ends(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger=database.logger.name)

    for _ in range(30):
        with pytest.raises(StorageUnavailable), storage_errors():
            raise refused()
    with storage_errors():
        pass

    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [
        "database unavailable: ConnectionRefusedError: [Errno 111] refused"
    ]
    assert caplog.records[-1].getMessage().startswith("back, after")
    assert "30 failures" in caplog.records[-1].getMessage()


def test_a_long_outage_is_recalled_once_an_interval(
    caplog: pytest.LogCaptureFixture,
) -> None:
    outage = OutageLog(logging.getLogger("outage"), "still down", "back", 0.0)

    outage.failed("down", OSError("first"))
    outage.failed("down", OSError("second"))

    assert [r.getMessage() for r in caplog.records] == [
        "down: OSError: first",
        "still down: 2 failures in 0 s, the last OSError: second",
    ]
