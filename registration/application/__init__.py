"""The application: use cases and the ports they need."""

from registration.application.outbox_relay import OutboxRelay, OutboxStatus
from registration.application.ports import (
    EntryConflict,
    EntryRepository,
    EventPublisher,
    EventPublishingFailed,
    Outbox,
    PendingEvents,
    StorageUnavailable,
    UnitOfWork,
)
from registration.application.registration_service import (
    EntryNotFound,
    Registration,
    RegistrationService,
)

__all__ = [
    "EntryConflict",
    "EntryNotFound",
    "EntryRepository",
    "EventPublisher",
    "EventPublishingFailed",
    "Outbox",
    "OutboxRelay",
    "OutboxStatus",
    "PendingEvents",
    "Registration",
    "RegistrationService",
    "StorageUnavailable",
    "UnitOfWork",
]
