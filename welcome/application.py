from abc import ABC, abstractmethod

from welcome.domain import Welcome


class WelcomeNotifier(ABC):
    """Secondary port: delivers a welcome to its recipient."""

    @abstractmethod
    def send(self, welcome: Welcome) -> None: ...


class HandledEvents(ABC):
    """Secondary port: the ids of the events this consumer has handled.

    A transaction of its own: what `add` records is kept by `commit` and
    forgotten by `rollback`.
    """

    @abstractmethod
    def add(self, event_id: str) -> bool:
        """Record `event_id` as handled; False if it was recorded before.

        Of two transactions that add the same id at once, one waits for the
        other and sees its record once it commits.
        """

    @abstractmethod
    def commit(self) -> None: ...

    @abstractmethod
    def rollback(self) -> None: ...


class WelcomeNewcomers:
    """Primary port: the use case run for each registered entry, once per event."""

    def __init__(
        self, notifier: WelcomeNotifier, handled_events: HandledEvents
    ) -> None:
        self._notifier = notifier
        self._handled_events = handled_events

    def welcome(self, email: str, event_id: str) -> Welcome | None:
        """Send the welcome the event asks for, or None if it was sent before.

        The event is recorded before the welcome is sent and committed after,
        so a failed send leaves it unrecorded for the next delivery. A crash
        between the send and the commit sends the welcome again on
        redelivery: a welcome may repeat, but is never lost.
        """
        if not self._handled_events.add(event_id):
            self._handled_events.rollback()
            return None

        welcome = Welcome(email=email, event_id=event_id)
        try:
            self._notifier.send(welcome)
        except BaseException:
            self._handled_events.rollback()
            raise
        self._handled_events.commit()
        return welcome
