"""Secondary adapters of the consumer: its notifier and its handled events."""

from welcome.infrastructure.handled_events import (
    HandledEventsProvider,
    SqlAlchemyHandledEvents,
)
from welcome.infrastructure.notifier import (
    LoggingWelcomeNotifier,
    WelcomeNotifierProvider,
)
from welcome.infrastructure.request_id import RequestIdProvider

__all__ = [
    "HandledEventsProvider",
    "LoggingWelcomeNotifier",
    "RequestIdProvider",
    "SqlAlchemyHandledEvents",
    "WelcomeNotifierProvider",
]
