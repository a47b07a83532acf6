"""Nameko extensions that run the outbox relay: a timer it can be woken from."""

import logging
import time
from collections.abc import Callable
from typing import Any

from eventlet import Timeout
from eventlet.event import Event
from nameko.extensions import DependencyProvider, SharedExtension
from nameko.timer import Timer

from registration.application import OutboxStatus
from registration.entrypoints.http import ProblemWebServer
from registration.entrypoints.observability import Metrics
from registration.entrypoints.shutdown import DRAIN_SECONDS, FLUSH_SECONDS, wait_until
from registration.infrastructure.configuration import (
    NUMBERS,
    number_setting,
    whole_number_setting,
)

logger = logging.getLogger(__name__)


class RelayWakeUp(SharedExtension):  # type: ignore[misc]
    """The signal, shared in a container, that events wait in the outbox.

    Kicks that come while the relay runs are folded into one next run. It
    also counts the container's other workers, any of which may add events.
    """

    def setup(self) -> None:
        self._kicked = Event()
        self.other_workers = 0

    def kick(self) -> None:
        if not self._kicked.ready():
            self._kicked.send(True)

    def wait(self, timeout: float) -> None:
        """Return when kicked, or after `timeout` seconds without a kick."""
        with Timeout(timeout, exception=False):
            self._kicked.wait()
        self.take_kick()

    def take_kick(self) -> bool:
        """Whether a kick came since the last wait, which it then forgets."""
        kicked: bool = self._kicked.ready()
        if kicked:
            self._kicked.reset()
        return kicked


class OutboxTimer(Timer):  # type: ignore[misc]
    """Nameko's timer entrypoint, firing at start and then every
    `OUTBOX_RELAY_INTERVAL` seconds (from the config)."""

    def __init__(self, **kwargs: Any) -> None:
        interval = NUMBERS["OUTBOX_RELAY_INTERVAL"].default
        super().__init__(interval=interval, eager=True, **kwargs)

    def setup(self) -> None:
        self.interval = number_setting(self.container.config, "OUTBOX_RELAY_INTERVAL")


outbox_timer = OutboxTimer.decorator


class OutboxRelayTimer(OutboxTimer):
    """An `OutboxTimer` that also fires as soon as it is woken.

    It fires after the previous worker ends, once the interval has passed
    or as soon as a `RelaySoon` kicks it. Like Nameko's timer it runs one
    worker at a time.

    When the container stops, it waits for the web server to drain and the
    other workers to end, then runs until the outbox is empty, the broker
    refuses, or `FLUSH_SECONDS` pass; what is left waits for the next start.
    """

    wake_up = RelayWakeUp()

    def stop(self) -> None:
        self.should_stop.send(True)
        self.wake_up.kick()
        self.gt.wait()
        self._publish_what_is_left()

    def _run(self) -> None:
        while not self.should_stop.ready():
            self._run_once()
            self.wake_up.wait(self.interval)

    def _run_once(self) -> None:
        self.handle_timer_tick()
        self.worker_complete.wait()
        self.worker_complete.reset()

    def _publish_what_is_left(self) -> None:
        for extension in self.container.subextensions:
            if isinstance(extension, ProblemWebServer):
                extension.drain()
        wait_until(lambda: self.wake_up.other_workers == 0, DRAIN_SECONDS)

        deadline = time.monotonic() + FLUSH_SECONDS
        self._run_once()
        while self.wake_up.take_kick() and time.monotonic() < deadline:
            self._run_once()


outbox_relay_timer = OutboxRelayTimer.decorator


class RelaySoon(DependencyProvider):  # type: ignore[misc]
    """Gives a worker a call that wakes the relay without waiting for it."""

    wake_up = RelayWakeUp()

    def get_dependency(self, worker_ctx: Any) -> Callable[[], None]:
        return self.wake_up.kick

    def worker_setup(self, worker_ctx: Any) -> None:
        if not isinstance(worker_ctx.entrypoint, OutboxRelayTimer):
            self.wake_up.other_workers += 1

    def worker_teardown(self, worker_ctx: Any) -> None:
        if not isinstance(worker_ctx.entrypoint, OutboxRelayTimer):
            self.wake_up.other_workers -= 1


class OutboxReport(DependencyProvider):  # type: ignore[misc]
    """Logs the outbox for operators: once at start, then when it backs up.

    A warning when more than `OUTBOX_PENDING_WARNING` events wait (from the
    config), and a line when the backlog is below that again. Each status is
    also kept in the backlog gauges of the metrics.
    """

    metrics = Metrics()

    def setup(self) -> None:
        self.threshold = whole_number_setting(
            self.container.config, "OUTBOX_PENDING_WARNING"
        )
        self._reported = False
        self._backed_up = False

    def get_dependency(self, worker_ctx: Any) -> Callable[[OutboxStatus], None]:
        return self.observe

    def observe(self, status: OutboxStatus) -> None:
        self.metrics.service_metrics.observe_outbox(status)
        backed_up = status.pending > self.threshold
        if not self._reported:
            logger.info("outbox: %s", _backlog(status))
        elif backed_up and not self._backed_up:
            logger.warning(
                "outbox: %s, over %d: is the broker reachable?",
                _backlog(status),
                self.threshold,
            )
        elif self._backed_up and not backed_up:
            logger.info("outbox: %d events pending, drained", status.pending)
        self._reported, self._backed_up = True, backed_up


def _backlog(status: OutboxStatus) -> str:
    if status.oldest_age_seconds is None:
        return "no event pending"
    return (
        f"{status.pending} events pending, "
        f"the oldest {status.oldest_age_seconds:.1f} s old"
    )
