"""The application: use cases and the ports they need."""

from registration.application.ports import EventPublisher, EventPublishingFailed
from registration.application.registration_service import (
    Registration,
    RegistrationService,
)

__all__ = [
    "EventPublisher",
    "EventPublishingFailed",
    "Registration",
    "RegistrationService",
]
