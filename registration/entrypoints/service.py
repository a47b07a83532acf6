"""The Nameko service: primary adapters from HTTP and RPC onto the use case."""

import json
import logging
from typing import Any

from nameko.rpc import rpc
from werkzeug.wrappers import Request, Response

from registration.application import Registration, RegistrationService
from registration.bootstrap import build_registration_service
from registration.domain import Entry
from registration.entrypoints.health import Readiness
from registration.entrypoints.http import http
from registration.entrypoints.problems import EXPECTED_ERRORS
from registration.entrypoints.request_body import read_json_object, require_string
from registration.entrypoints.startup import StartupCheck
from registration.infrastructure.nameko_event_publisher import (
    bounded_event_dispatcher,
)
from registration.infrastructure.nameko_unit_of_work import UnitOfWorkProvider

logger = logging.getLogger(__name__)


class RegistrationNamekoService:
    """Primary adapters: HTTP and RPC entrypoints onto `RegistrationService`."""

    name = "nameko_registration_service"

    dispatch = bounded_event_dispatcher()
    unit_of_work = UnitOfWorkProvider()
    startup_check = StartupCheck()
    readiness = Readiness()

    @property
    def registration(self) -> RegistrationService:
        return build_registration_service(self.unit_of_work, self.dispatch)

    @http("POST", "/register")
    def register(self, request: Request) -> Response:
        """Register the address in a JSON body such as `{"email": "ann@example.com"}`.

        Answers 201, with `Location: /entries/<id>`, and a body such as
        `{"id": "...", "email": "ann@example.com",
        "registered_at": "2026-01-05T09:30:00+00:00", "event_id": "..."}`.
        """
        document = read_json_object(request, fields=frozenset({"email"}))
        email = require_string(document, "email")

        registration = self.registration.register_entry(email)

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
        """Answer 200 when the database and the broker answer, 503 when not.

        The body gives each check's state, such as
        `{"status": "not ready", "checks": {"database": {"status": "up"},
        "broker": {"status": "down", "error": "OperationalError"}}}`.
        """
        ready, checks = self.readiness.report()

        body = {"status": "ready" if ready else "not ready", "checks": checks}
        return _json_response(body, status=200 if ready else 503)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def register_entry(self, email: str) -> dict[str, Any]:
        """Register `email`; returns what `POST /register` answers."""
        return _registration_body(self.registration.register_entry(email))

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


def _entry_body(entry: Entry) -> dict[str, Any]:
    return {
        "id": str(entry.id),
        "email": entry.email.value,
        "registered_at": entry.registered_at.isoformat(),
    }
