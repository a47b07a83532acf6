"""What each of the service's outbox timers does, and leaves to the other."""

from unittest.mock import MagicMock

from nameko.testing.services import worker_factory

from registration.application import OutboxStatus
from registration.entrypoints.service import RegistrationNamekoService
from tests.fakes import InMemoryUnitsOfWork


def _service(units_of_work: InMemoryUnitsOfWork) -> RegistrationNamekoService:
    service: RegistrationNamekoService = worker_factory(
        RegistrationNamekoService,
        dispatch=MagicMock(),
        unit_of_work=units_of_work,
        config={"OUTBOX_RETENTION_HOURS": 0},
    )
    return service


def test_the_relay_publishes_without_reporting_or_pruning() -> None:
    units_of_work = InMemoryUnitsOfWork()
    service = _service(units_of_work)
    service.register_entry("ann@example.com")

    service.relay_outbox()
    service.relay_outbox()

    assert len(units_of_work.outbox.published()) == 1
    assert len(units_of_work.outbox.rows) == 1
    service.outbox_report.assert_not_called()


def test_the_watch_reports_the_backlog_and_forgets_published_events() -> None:
    units_of_work = InMemoryUnitsOfWork()
    service = _service(units_of_work)
    service.register_entry("ann@example.com")
    service.relay_outbox()
    service.register_entry("bob@example.com")

    service.watch_outbox()

    [status] = service.outbox_report.call_args.args
    assert isinstance(status, OutboxStatus)
    assert status.pending == 1
    assert units_of_work.outbox.published() == []
    [waiting] = units_of_work.outbox.waiting()
    assert waiting.as_dict()["email"] == "bob@example.com"
