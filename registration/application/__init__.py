"""The application: use cases and the ports they need."""

from registration.application.ports import (
    EntryConflict,
    EntryRepository,
    EventPublisher,
    EventPublishingFailed,
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
    "Registration",
    "RegistrationService",
    "StorageUnavailable",
    "UnitOfWork",
]
