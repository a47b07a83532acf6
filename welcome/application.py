from abc import ABC, abstractmethod

from welcome.domain import Welcome


class WelcomeNotifier(ABC):
    """Secondary port: delivers a welcome to its recipient."""

    @abstractmethod
    def send(self, welcome: Welcome) -> None: ...


class WelcomeNewcomers:
    """Primary port: the use case run for each registered entry."""

    def __init__(self, notifier: WelcomeNotifier) -> None:
        self._notifier = notifier

    def welcome(self, email: str, event_id: str) -> Welcome:
        welcome = Welcome(email=email, event_id=event_id)
        self._notifier.send(welcome)
        return welcome
