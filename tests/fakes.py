"""In-memory fakes of the ports, for tests of the core without a broker."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from registration.application import (
    EntryConflict,
    EntryRepository,
    EventPublisher,
    EventPublishingFailed,
    Outbox,
    PendingEvents,
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


class FailingAfterEventPublisher(InMemoryEventPublisher):
    """Secondary adapter for tests: a broker that takes `accepted` events, then
    goes down."""

    def __init__(self, accepted: int) -> None:
        super().__init__()
        self.accepted = accepted

    def publish(self, events: Sequence[DomainEvent]) -> None:
        taken: list[UUID] = []
        for event in events:
            if len(self.published) >= self.accepted:
                raise EventPublishingFailed("the broker went down", taken)
            self.published.append(event)
            taken.append(event.event_id)


class RefusingEventPublisher(InMemoryEventPublisher):
    """Secondary adapter for tests: a broker that takes every event but those
    in `refused`."""

    def __init__(self, refused: Collection[DomainEvent]) -> None:
        super().__init__()
        self.refused = refused

    def publish(self, events: Sequence[DomainEvent]) -> None:
        taken = [event for event in events if event not in self.refused]
        self.published.extend(taken)
        if len(taken) < len(events):
            raise EventPublishingFailed(
                "the broker refused some", [event.event_id for event in taken]
            )


@dataclass
class OutboxRow:
    event: DomainEvent
    stored_at: datetime
    published_at: datetime | None = None


class InMemoryOutbox(Outbox):
    """Secondary adapter for tests: outbox rows in a list shared by units of work.

    Rows added, marked or deleted change the list when the unit of work
    commits. There are no locks: one relay at a time, as on SQLite.
    """

    def __init__(self, rows: list[OutboxRow]) -> None:
        self.rows = rows
        self._added: list[OutboxRow] = []
        self._marked: dict[UUID, datetime] = {}
        self._deleted: list[OutboxRow] = []

    def add(self, events: Sequence[DomainEvent]) -> None:
        stored_at = datetime.now(UTC)
        self._added.extend(OutboxRow(event, stored_at) for event in events)

    def claim_pending(self, limit: int) -> list[DomainEvent]:
        return [row.event for row in self.rows if row.published_at is None][:limit]

    def mark_published(self, event_ids: Sequence[UUID], at: datetime) -> None:
        self._marked.update(dict.fromkeys(event_ids, at))

    def delete_published_before(self, cutoff: datetime, limit: int) -> int:
        published = [r for r in self.rows if r.published_at is not None]
        published.sort(key=lambda row: row.published_at or cutoff)
        doomed = [r for r in published if (r.published_at or cutoff) < cutoff]
        self._deleted.extend(doomed[:limit])
        return len(doomed[:limit])

    def pending(self) -> PendingEvents:
        waiting = [row for row in self.rows if row.published_at is None]
        return PendingEvents(
            count=len(waiting),
            oldest_stored_at=min((row.stored_at for row in waiting), default=None),
        )

    def commit(self) -> None:
        self.rows.extend(self._added)
        for row in self.rows:
            if row.event.event_id in self._marked:
                row.published_at = self._marked[row.event.event_id]
        self.rows[:] = [row for row in self.rows if row not in self._deleted]
        self.rollback()

    def rollback(self) -> None:
        self._added.clear()
        self._marked.clear()
        self._deleted.clear()

    def published(self) -> list[DomainEvent]:
        return [row.event for row in self.rows if row.published_at is not None]

    def waiting(self) -> list[DomainEvent]:
        return [row.event for row in self.rows if row.published_at is None]


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
    """Secondary adapter for tests: a transaction over a dict of entries and a
    list of outbox rows.

    Its commit refuses a repeated id or address, as a unique constraint would.
    """

    def __init__(
        self,
        stored: dict[UUID, Entry] | None = None,
        outbox_rows: list[OutboxRow] | None = None,
    ) -> None:
        self.stored: dict[UUID, Entry] = {} if stored is None else stored
        self.entries: InMemoryEntryRepository = InMemoryEntryRepository(self.stored)
        self.outbox: InMemoryOutbox = InMemoryOutbox(
            [] if outbox_rows is None else outbox_rows
        )
        self.commits = 0

    def _commit(self) -> None:
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
        self.outbox.commit()
        self.commits += 1

    def rollback(self) -> None:
        self.entries.pending.clear()
        self.entries.added.clear()
        self.outbox.rollback()


class InMemoryUnitsOfWork:
    """Makes units of work that share one store, as sessions share a database."""

    def __init__(self) -> None:
        self.stored: dict[UUID, Entry] = {}
        self.outbox = InMemoryOutbox([])

    def __call__(self) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.stored, self.outbox.rows)
