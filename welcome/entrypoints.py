"""The Nameko service: a primary adapter from the registration event."""

import logging
from typing import Any

from welcome.application import HandledEvents, WelcomeNewcomers, WelcomeNotifier
from welcome.infrastructure import (
    HandledEventsProvider,
    RequestIdProvider,
    WelcomeNotifierProvider,
)
from welcome.infrastructure.database import EVENT_ID_LENGTH
from welcome.messaging import UnusableMessage, retrying_event_handler

logger = logging.getLogger(__name__)


class WelcomeService:
    """Primary adapter: consumes `RegisteredEntryEvent` and welcomes the address,
    once per event however often it is delivered."""

    name = "welcome_service"

    notifier: WelcomeNotifier = WelcomeNotifierProvider()
    handled_events: HandledEvents = HandledEventsProvider()
    request_id: str = RequestIdProvider()

    @retrying_event_handler(
        "nameko_registration_service",
        "RegisteredEntryEvent",
        expected_exceptions=(UnusableMessage,),
    )
    def on_registered_entry(self, payload: Any) -> dict[str, str] | None:
        """Handle a payload such as `{"name": "RegisteredEntryEvent",
        "event_id": "...", "email": "ann@example.com", "entry_id": "...",
        "timestamp": "..."}`; only `event_id` and `email` are needed.

        Answers the welcome sent, or None for an event handled before.
        """
        email, event_id = _needed_fields(payload)

        use_case = WelcomeNewcomers(self.notifier, self.handled_events)
        welcome = use_case.welcome(email=email, event_id=event_id)

        if welcome is None:
            logger.info(
                "event %s (request %s) was handled before: nothing sent",
                event_id,
                self.request_id,
            )
            return None
        return {"email": welcome.email, "event_id": welcome.event_id}


def _needed_fields(payload: Any) -> tuple[str, str]:
    if not isinstance(payload, dict):
        raise UnusableMessage(
            f"the payload is a {type(payload).__name__}, not an object"
        )
    fields = []
    for field in ("email", "event_id"):
        value = payload.get(field)
        if not isinstance(value, str) or not value.strip():
            raise UnusableMessage(f"the payload has no {field!r} string")
        fields.append(value)
    email, event_id = fields
    if len(event_id) > EVENT_ID_LENGTH:
        raise UnusableMessage(f"the event_id is over {EVENT_ID_LENGTH} characters")
    return email, event_id
