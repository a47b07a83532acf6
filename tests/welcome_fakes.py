"""In-memory fakes of the welcome consumer's ports."""

from welcome.application import HandledEvents, WelcomeNotifier
from welcome.domain import Welcome


class InMemoryHandledEvents(HandledEvents):
    """Secondary adapter for tests: handled event ids in a set, kept on commit.

    Pass one set to several instances for transactions over one store.
    """

    def __init__(self, stored: set[str] | None = None) -> None:
        self.stored: set[str] = set() if stored is None else stored
        self.pending: set[str] = set()

    def add(self, event_id: str) -> bool:
        if event_id in self.stored or event_id in self.pending:
            return False
        self.pending.add(event_id)
        return True

    def commit(self) -> None:
        self.stored |= self.pending
        self.pending.clear()

    def rollback(self) -> None:
        self.pending.clear()


class RecordingNotifier(WelcomeNotifier):
    """Secondary adapter for tests: keeps each welcome sent; fails, while
    `broken`, for the addresses in `fails_for`."""

    def __init__(self, fails_for: tuple[str, ...] = ()) -> None:
        self.sent: list[Welcome] = []
        self.attempts: list[Welcome] = []
        self.fails_for = fails_for
        self.broken = True

    def send(self, welcome: Welcome) -> None:
        self.attempts.append(welcome)
        if self.broken and welcome.email in self.fails_for:
            raise ConnectionError(f"the mail server refused {welcome.event_id}")
        self.sent.append(welcome)
