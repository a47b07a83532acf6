import logging
from typing import Any

from nameko.extensions import DependencyProvider

from welcome.application import WelcomeNotifier
from welcome.domain import Welcome
from welcome.infrastructure.request_id import UNKNOWN, request_id_of

logger = logging.getLogger(__name__)


class LoggingWelcomeNotifier(WelcomeNotifier):
    """Secondary adapter: writes the welcome to the log instead of mailing it,
    with the id of the request that caused the event."""

    def __init__(self, request_id: str = UNKNOWN) -> None:
        self._request_id = request_id

    def send(self, welcome: Welcome) -> None:
        local, _, domain = welcome.email.rpartition("@")
        logger.info(
            "welcome sent to %s***@%s for event %s, request %s",
            local[:1],
            domain,
            welcome.event_id,
            self._request_id,
        )


class WelcomeNotifierProvider(DependencyProvider):  # type: ignore[misc]
    """Gives each worker the notifier; a test replaces it with its own."""

    def get_dependency(self, worker_ctx: Any) -> WelcomeNotifier:
        return LoggingWelcomeNotifier(request_id_of(worker_ctx))
