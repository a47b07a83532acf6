"""The container that `nameko run` uses: its stop waits for its start, and ends."""

import eventlet
import pytest
from nameko.extensions import DependencyProvider
from nameko.rpc import rpc

from registration.entrypoints import shutdown
from registration.entrypoints.shutdown import GracefulServiceContainer, StopTimedOut


class SlowToStart(DependencyProvider):  # type: ignore[misc]
    def setup(self) -> None:
        self.events: list[str] = []

    def start(self) -> None:
        eventlet.sleep(0.2)
        self.events.append("started")

    def stop(self) -> None:
        self.events.append("stopped")


class NeverStops(DependencyProvider):  # type: ignore[misc]
    def stop(self) -> None:
        eventlet.Event().wait()


class SlowToStartService:
    name = "slow_to_start"
    dependency = SlowToStart()

    @rpc
    def method(self) -> None:
        pass


class NeverStopsService:
    name = "never_stops"
    dependency = NeverStops()

    @rpc
    def method(self) -> None:
        pass


def _dependency(container: GracefulServiceContainer) -> SlowToStart:
    (dependency,) = container.dependencies
    return dependency  # type: ignore[no-any-return]


def test_a_stop_during_the_start_waits_for_it_then_stops(
    memory_config: dict[str, object],
) -> None:
    container = GracefulServiceContainer(SlowToStartService, memory_config)
    starting = eventlet.spawn(container.start)
    eventlet.sleep(0.05)

    container.stop()
    starting.wait()

    assert _dependency(container).events == ["started", "stopped"]
    assert container.wait() is None


def test_a_stop_that_outlasts_its_bound_kills_the_container_with_a_failure(
    memory_config: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutdown, "STOP_SECONDS", 0.2)
    container = GracefulServiceContainer(NeverStopsService, memory_config)
    container.start()

    with eventlet.Timeout(5):
        container.stop()

    with pytest.raises(StopTimedOut):
        container.wait()
