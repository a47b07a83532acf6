"""The Nameko service: primary adapters from HTTP and RPC onto the use case."""

import json
import logging
import time
from datetime import timedelta
from typing import Any

from nameko.dependency_providers import Config
from nameko.rpc import rpc
from werkzeug.wrappers import Request, Response

from registration.application import (
    OutboxRelay,
    OutboxStatus,
    Registration,
    RegistrationService,
    StorageUnavailable,
)
from registration.bootstrap import build_outbox_relay, build_registration_service
from registration.domain import Entry
from registration.entrypoints.health import Readiness
from registration.entrypoints.http import http
from registration.entrypoints.observability import MetricsProvider
from registration.entrypoints.openapi import openapi_document
from registration.entrypoints.outbox_relay import (
    OutboxReport,
    RelaySoon,
    outbox_relay_timer,
    outbox_timer,
)
from registration.entrypoints.problems import EXPECTED_ERRORS
from registration.entrypoints.request_body import read_json_object, require_string
from registration.entrypoints.request_id import RequestId
from registration.entrypoints.startup import StartupCheck
from registration.infrastructure.configuration import number_setting
from registration.infrastructure.metrics import ServiceMetrics
from registration.infrastructure.nameko_event_publisher import (
    bounded_event_dispatcher,
)
from registration.infrastructure.nameko_unit_of_work import UnitOfWorkProvider

logger = logging.getLogger(__name__)

# Events published per relay run, and published rows forgotten per run: each
# run costs in proportion to these, however long the outbox grows.
RELAY_BATCH_SIZE = 100
PRUNE_BATCH_SIZE = 500


class RegistrationNamekoService:
    """Primary adapters: HTTP, RPC and timer entrypoints onto the use cases.

    A registration commits its entry with its event in the outbox, wakes the
    relay and answers; the relay publishes in a worker of its own, woken so
    or by its timer, so that no answer waits for the broker.
    """

    name = "nameko_registration_service"

    config = Config()
    dispatch = bounded_event_dispatcher()
    unit_of_work = UnitOfWorkProvider()
    startup_check = StartupCheck()
    readiness = Readiness()
    relay_soon = RelaySoon()
    outbox_report = OutboxReport()
    metrics: ServiceMetrics = MetricsProvider()
    request_id: str = RequestId()

    @property
    def registration(self) -> RegistrationService:
        return build_registration_service(self.unit_of_work)

    @property
    def outbox_relay(self) -> OutboxRelay:
        return build_outbox_relay(self.unit_of_work, self.dispatch, self.metrics)

    @http("POST", "/register")
    def register(self, request: Request) -> Response:
        """Register the address in a JSON body such as `{"email": "ann@example.com"}`.

        Answers 201, with `Location: /entries/<id>`, and a body such as
        `{"id": "...", "email": "ann@example.com",
        "registered_at": "2026-01-05T09:30:00+00:00", "event_id": "..."}`.
        """
        document = read_json_object(request, fields=frozenset({"email"}))
        email = require_string(document, "email")

        registration = self.registration.register_entry(email, self.request_id)
        self.relay_soon()
        self.metrics.entries_registered.inc()

        return Response(
            json.dumps(_registration_body(registration)),
            status=201,
            mimetype="application/json",
            headers={"Location": f"/entries/{registration.entry_id}"},
        )

    @http("GET", "/entries/<entry_id>")
    def entry(self, request: Request, entry_id: str) -> Response:
        """Answer 200 with the entry, as `{"id", "email", "registered_at"}`."""
        entry = self.registration.get_entry(entry_id)

        return _json_response(_entry_body(entry))

    @http("GET", "/health/live")
    def live(self, request: Request) -> Response:
        """Answer 200 while the process serves HTTP."""
        return _json_response({"status": "live"})

    @http("GET", "/health/ready")
    def ready(self, request: Request) -> Response:
        """Answer 200 when registrations can be taken, 503 when not.

        Ready means the database answers at the schema this code needs; a
        broker out of reach makes the service `degraded`, not unready, since
        the outbox keeps the events. The body gives each check's state, such
        as `{"status": "not ready", "degraded": false, "checks": {"database":
        {"status": "up"}, "schema": {"status": "down", "revision": "0002",
        "detail": "..."}, "broker": {"status": "up"}}}`.
        """
        ready, body = self.readiness.report()

        return _json_response(body, status=200 if ready else 503)

    @http("GET", "/metrics")
    def metrics_exposition(self, request: Request) -> Response:
        """Answer 200 with the metrics in Prometheus' text exposition format."""
        return Response(
            self.metrics.exposition(), content_type=self.metrics.content_type
        )

    @http("GET", "/outbox")
    def outbox(self, request: Request) -> Response:
        """Answer 200 with `{"pending": 3, "oldest_age_seconds": 1.5}`.

        `oldest_age_seconds` is null when no event waits.
        """
        status = self.outbox_relay.status()

        return _json_response(_status_body(status))

    @http("GET", "/openapi.json")
    def openapi(self, request: Request) -> Response:
        """Answer 200 with the OpenAPI document of these routes."""
        return _json_response(openapi_document())

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def register_entry(self, email: str) -> dict[str, Any]:
        """Register `email`; returns what `POST /register` answers."""
        registration = self.registration.register_entry(email, self.request_id)
        self.relay_soon()
        self.metrics.entries_registered.inc()
        return _registration_body(registration)

    @rpc
    def outbox_status(self) -> dict[str, Any]:
        """The events waiting to be published, as `GET /outbox` answers."""
        return _status_body(self.outbox_relay.status())

    @outbox_relay_timer()
    def relay_outbox(self) -> None:
        """Publish a batch of the outbox, and wake again at once if it was full."""
        started = time.perf_counter()
        try:
            published = self.outbox_relay.relay(RELAY_BATCH_SIZE)
        except StorageUnavailable:
            # Logged where it was met; the next tick tries again.
            return
        if published:
            self.metrics.outbox_relay_batch_duration.observe(
                time.perf_counter() - started
            )
        if published == RELAY_BATCH_SIZE:
            self.relay_soon()

    @outbox_timer()
    def watch_outbox(self) -> None:
        """Report the outbox and forget old published events, once an interval.

        Kept off the relay's runs, which a busy service makes one per
        request or so: these read more of the table than a batch does.
        """
        relay = self.outbox_relay
        retention = timedelta(
            hours=number_setting(self.config, "OUTBOX_RETENTION_HOURS")
        )

        try:
            self.outbox_report(relay.status())
            relay.prune(retention, PRUNE_BATCH_SIZE)
        except StorageUnavailable:
            return

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def get_entry(self, entry_id: str) -> dict[str, Any]:
        """The entry with this id, as `GET /entries/<id>` answers it."""
        return _entry_body(self.registration.get_entry(entry_id))


def _json_response(body: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def _registration_body(registration: Registration) -> dict[str, Any]:
    return {
        "id": str(registration.entry_id),
        "email": registration.email.value,
        "registered_at": registration.registered_at.isoformat(),
        "event_id": str(registration.event_id),
    }


def _status_body(status: OutboxStatus) -> dict[str, Any]:
    return {"pending": status.pending, "oldest_age_seconds": status.oldest_age_seconds}


def _entry_body(entry: Entry) -> dict[str, Any]:
    return {
        "id": str(entry.id),
        "email": entry.email.value,
        "registered_at": entry.registered_at.isoformat(),
    }
