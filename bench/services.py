"""The two baselines `make bench` measures the registration service against.

`BareService` answers 201 and does nothing else: the most Nameko's `@http`
entrypoint can serve on this machine. `NaiveService` is the usual picture of
the pattern: parse the JSON body and dispatch the event inside the request,
with no storage, no validation and no error mapping. It publishes on the
registration service's exchange, so one consumer times both.
"""

import json
from datetime import UTC, datetime
from uuid import uuid4

from nameko.events import EventDispatcher
from nameko.web.handlers import http
from werkzeug.wrappers import Request, Response


class BareService:
    """A Nameko HTTP entrypoint that answers 201 with an empty body."""

    name = "bench_bare_service"

    @http("POST", "/register")
    def register(self, request: Request) -> tuple[int, str]:
        return 201, ""


class NaiveService:
    """Parses the body and dispatches `RegisteredEntryEvent` within the request."""

    name = "nameko_registration_service"

    dispatch = EventDispatcher()

    @http("POST", "/register")
    def register(self, request: Request) -> Response:
        email = json.loads(request.get_data(as_text=True))["email"]

        event = {
            "name": "RegisteredEntryEvent",
            "event_id": str(uuid4()),
            "email": email,
            "entry_id": str(uuid4()),
            "timestamp": datetime.now(UTC).isoformat(),
        }
        self.dispatch("RegisteredEntryEvent", event)

        return Response(
            json.dumps({"id": event["entry_id"], "event_id": event["event_id"]}),
            status=201,
            mimetype="application/json",
        )
