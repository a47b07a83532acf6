from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Self
from uuid import UUID

from registration.domain import DomainEvent, EmailAddress, Entry


class EventPublishingFailed(Exception):
    """The message broker did not take every event it was given.

    `published` holds the ids of the events it did take: they need no retry.
    """

    def __init__(self, message: str, published: Sequence[UUID] = ()) -> None:
        super().__init__(message)
        self.published = tuple(published)


class StorageUnavailable(Exception):
    """The database did not answer, or could not take the change."""


class EntryConflict(Exception):
    """A commit was refused: an entry repeats a value that must be unique."""


class EventPublisher(ABC):
    """Secondary port: tells the rest of the system what happened here."""

    @abstractmethod
    def publish(self, events: Sequence[DomainEvent]) -> None:
        """Publish the events.

        Returns once the broker has accepted every one of them; raises
        `EventPublishingFailed`, naming those it accepted, when it does not.
        An adapter may publish them side by side, so the order in which
        they reach the broker is not promised.
        """


class EntryRepository(ABC):
    """Secondary port: the stored entries.

    `add` keeps every entry it is given in `added`, so that the unit of work
    can collect the events they raised; adapters implement `_add`.
    """

    def __init__(self) -> None:
        self.added: list[Entry] = []

    def add(self, entry: Entry) -> None:
        """Store `entry` when the unit of work commits."""
        self._add(entry)
        self.added.append(entry)

    @abstractmethod
    def _add(self, entry: Entry) -> None: ...

    @abstractmethod
    def get(self, entry_id: UUID) -> Entry | None:
        """The entry with this id, or None."""

    @abstractmethod
    def get_by_email(self, email: EmailAddress) -> Entry | None:
        """The entry registered for this address, or None."""


@dataclass(frozen=True)
class PendingEvents:
    """How many events wait in the outbox, and since when the oldest has."""

    count: int
    oldest_stored_at: datetime | None


class Outbox(ABC):
    """Secondary port: events stored with the changes that raised them.

    The unit of work adds them in the transaction that stores those changes,
    so an event is stored exactly when its entry is. They wait, in the order
    they were stored, until a relay hands them to the broker.
    """

    @abstractmethod
    def add(self, events: Sequence[DomainEvent]) -> None:
        """Store `events`, not yet published, when the unit of work commits."""

    @abstractmethod
    def claim_pending(self, limit: int) -> list[DomainEvent]:
        """Up to `limit` unpublished events, the oldest first.

        They are held for this unit of work until it ends: another one
        claiming at the same time is given other events, or none.
        """

    @abstractmethod
    def mark_published(self, event_ids: Sequence[UUID], at: datetime) -> None:
        """Record, when the unit of work commits, that these events are out."""

    @abstractmethod
    def delete_published_before(self, cutoff: datetime, limit: int) -> int:
        """Forget up to `limit` events published before `cutoff`; how many."""

    @abstractmethod
    def pending(self) -> PendingEvents:
        """The events not yet published."""


class UnitOfWork(ABC):
    """Secondary port: one transaction over the entries and the outbox.

    Used as a context manager; whatever is not committed when the block
    ends is rolled back.
    """

    entries: EntryRepository
    outbox: Outbox

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        """Make the changes lasting, the events they raised in the outbox.

        Raises `EntryConflict`, with nothing stored, when an added entry
        repeats the id or the address of one stored before.
        """
        self.outbox.add(list(self.collect_new_events()))
        self._commit()

    @abstractmethod
    def _commit(self) -> None: ...

    @abstractmethod
    def rollback(self) -> None:
        """Drop the changes not yet committed."""

    def collect_new_events(self) -> Iterator[DomainEvent]:
        """The events raised by the entries added, each yielded once."""
        while self.entries.added:
            yield from self.entries.added.pop(0).events
