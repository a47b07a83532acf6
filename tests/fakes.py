"""In-memory fakes of the ports, for tests of the core without a broker."""

from collections.abc import Sequence
from uuid import UUID

from registration.application import (
    EntryConflict,
    EntryRepository,
    EventPublisher,
    EventPublishingFailed,
    UnitOfWork,
)
from registration.domain import DomainEvent, EmailAddress, Entry


class InMemoryEventPublisher(EventPublisher):
    """Secondary adapter for tests: keeps what it is asked to publish."""

    def __init__(self) -> None:
        self.published: list[DomainEvent] = []

    def publish(self, events: Sequence[DomainEvent]) -> None:
        self.published.extend(events)


class UnavailableEventPublisher(EventPublisher):
    """Secondary adapter for tests: a broker that takes nothing."""

    def publish(self, events: Sequence[DomainEvent]) -> None:
        raise EventPublishingFailed("the broker is down")


class InMemoryEntryRepository(EntryRepository):
    """Secondary adapter for tests: entries in a dict shared by units of work.

    Added entries wait in `pending` until the unit of work commits them.
    """

    def __init__(self, stored: dict[UUID, Entry]) -> None:
        super().__init__()
        self.stored = stored
        self.pending: list[Entry] = []

    def _add(self, entry: Entry) -> None:
        self.pending.append(entry)

    def get(self, entry_id: UUID) -> Entry | None:
        return next((e for e in self._visible() if e.id == entry_id), None)

    def get_by_email(self, email: EmailAddress) -> Entry | None:
        return next((e for e in self._visible() if e.email == email), None)

    def _visible(self) -> list[Entry]:
        return [*self.stored.values(), *self.pending]


class InMemoryUnitOfWork(UnitOfWork):
    """Secondary adapter for tests: a transaction over a dict of entries.

    Its commit refuses a repeated id or address, as a unique constraint would.
    """

    def __init__(self, stored: dict[UUID, Entry] | None = None) -> None:
        self.stored: dict[UUID, Entry] = {} if stored is None else stored
        self.entries: InMemoryEntryRepository = InMemoryEntryRepository(self.stored)
        self.commits = 0

    def commit(self) -> None:
        emails = {entry.email for entry in self.stored.values()}
        ids = set(self.stored)
        for entry in self.entries.pending:
            if entry.id in ids or entry.email in emails:
                self.rollback()
                raise EntryConflict("an entry repeats a stored id or address")
            ids.add(entry.id)
            emails.add(entry.email)

        self.stored.update({entry.id: entry for entry in self.entries.pending})
        self.entries.pending.clear()
        self.commits += 1

    def rollback(self) -> None:
        self.entries.pending.clear()
        self.entries.added.clear()


class InMemoryUnitsOfWork:
    """Makes units of work that share one store, as sessions share a database."""

    def __init__(self) -> None:
        self.stored: dict[UUID, Entry] = {}

    def __call__(self) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.stored)
