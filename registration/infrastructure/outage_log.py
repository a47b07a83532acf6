"""Logging an outage of a server the service needs, as it is lived."""

import logging
import time


class OutageLog:
    """Logs an outage once when it begins, with its cause, then one line a
    minute while failures go on, and one when a call goes through again;
    not once per failed call, which would flood the log while it lasts.

    It belongs to the process, as the pool of connections to the server does.
    """

    def __init__(
        self,
        logger: logging.Logger,
        still: str,
        again: str,
        every_seconds: float = 60.0,
    ) -> None:
        self._logger = logger
        self._still = still
        self._again = again
        self._every = every_seconds
        self._began: float | None = None
        self._logged = 0.0
        self._failures = 0

    def failed(self, what: str, error: BaseException) -> None:
        """A call failed: `what` says which, as "could not publish E 1"."""
        now = time.monotonic()
        self._failures += 1
        if self._began is None:
            self._began = self._logged = now
            self._logger.error("%s: %s: %s", what, type(error).__name__, error)
        elif now - self._logged >= self._every:
            self._logged = now
            self._logger.error(
                "%s: %d failures in %.0f s, the last %s: %s",
                self._still,
                self._failures,
                now - self._began,
                type(error).__name__,
                error,
            )

    def succeeded(self) -> None:
        """A call went through: the outage, if there was one, is over."""
        if self._began is not None:
            self._logger.info(
                "%s, after %.0f s and %d failures",
                self._again,
                time.monotonic() - self._began,
                self._failures,
            )
            self._began, self._failures = None, 0
