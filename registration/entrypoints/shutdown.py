"""How a service stops on SIGTERM or Ctrl-C: in order, and in bounded time.

`nameko run` stops its containers on SIGTERM. The container class below,
extended by the one `SERVICE_CONTAINER_CLS` names in config.yaml, makes
that stop safe while the container is still starting, bounds it, and makes
Ctrl-C do the same.
The web server drains (`http.py`) and the relay publishes what is left
(`outbox_relay.py`) within the budgets here.
"""

import logging
import signal
import time
from collections.abc import Callable
from typing import Any

import eventlet
from eventlet.event import Event
from nameko.containers import ServiceContainer

logger = logging.getLogger(__name__)

# The web server answers the requests it took, for at most this long.
DRAIN_SECONDS = 4.0
# Then the relay publishes what the outbox holds, for at most this long.
FLUSH_SECONDS = 3.0
# A container still stopping after this long is killed. With Nameko's own
# consumers' second or two to stop, the process ends within ten seconds.
STOP_SECONDS = 9.0

POLL_SECONDS = 0.02


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    """Wait, at most `timeout` seconds, for `condition`; whether it came true."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            return False
        eventlet.sleep(POLL_SECONDS)
    return True


class StopTimedOut(Exception):
    """A container did not stop within `STOP_SECONDS` and was killed."""


class GracefulServiceContainer(ServiceContainer):  # type: ignore[misc]
    """Nameko's container, with a stop that waits for the start and is bounded.

    Nameko would stop extensions that are still starting, and the process
    would then never end. Here a stop waits for the start to finish, runs
    Nameko's stop once however often it is asked for, and kills the
    container if it takes longer than `STOP_SECONDS`; `wait` then raises,
    so the process ends with a failure status. Under `nameko run`, Ctrl-C
    stops the services as SIGTERM does.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._start_ended = Event()
        self._stopping: Any = None

    def start(self) -> None:
        _interrupt_as_terminate()
        try:
            super().start()
        finally:
            self._start_ended.send(True)

    def stop(self) -> None:
        if self._stopping is None:
            self._stopping = eventlet.spawn(self._stop_after_start)
        with eventlet.Timeout(STOP_SECONDS, exception=False):
            self._stopping.wait()
            return
        logger.error(
            "%s did not stop within %.0f s: killing it", self.service_name, STOP_SECONDS
        )
        self._stopping.kill()
        error = StopTimedOut(f"{self.service_name} did not stop in time")
        self.kill((StopTimedOut, error, None))

    def _stop_after_start(self) -> None:
        if self.started:
            self._start_ended.wait()
        logger.info("%s: stopping", self.service_name)
        super().stop()


def _interrupt_as_terminate() -> None:
    # `nameko run` stops gracefully on SIGTERM with a handler of its own, but
    # meets Ctrl-C as a KeyboardInterrupt wherever it lands, in the start too.
    # Elsewhere, as under pytest, SIGTERM has no Python handler to share.
    terminate = signal.getsignal(signal.SIGTERM)
    if callable(terminate) and signal.getsignal(signal.SIGINT) is (
        signal.default_int_handler
    ):
        signal.signal(signal.SIGINT, terminate)
