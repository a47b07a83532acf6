"""The Nameko service: a primary adapter from the registration event."""

from typing import Any

from nameko.events import event_handler

from welcome.application import WelcomeNewcomers
from welcome.infrastructure import LoggingWelcomeNotifier


class WelcomeService:
    """Primary adapter: consumes `RegisteredEntryEvent` and welcomes the address."""

    name = "welcome_service"

    @event_handler("nameko_registration_service", "RegisteredEntryEvent")
    def on_registered_entry(self, payload: dict[str, Any]) -> dict[str, str]:
        """Handle a payload such as `{"name": "RegisteredEntryEvent",
        "event_id": "...", "email": "ann@example.com", "timestamp": "..."}`.
        """
        welcome = WelcomeNewcomers(LoggingWelcomeNotifier()).welcome(
            email=payload["email"], event_id=payload["event_id"]
        )
        return {"email": welcome.email, "event_id": welcome.event_id}
