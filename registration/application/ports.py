from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import Self
from uuid import UUID

from registration.domain import DomainEvent, EmailAddress, Entry


class EventPublishingFailed(Exception):
    """The events could not be handed to the message broker."""


class StorageUnavailable(Exception):
    """The database did not answer, or could not take the change."""


class EntryConflict(Exception):
    """A commit was refused: an entry repeats a value that must be unique."""


class EventPublisher(ABC):
    """Secondary port: tells the rest of the system what happened here."""

    @abstractmethod
    def publish(self, events: Sequence[DomainEvent]) -> None:
        """Publish the events in order.

        Returns once the broker has accepted every one of them; raises
        `EventPublishingFailed` when it does not.
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


class UnitOfWork(ABC):
    """Secondary port: one transaction over the entries.

    Used as a context manager; whatever is not committed when the block
    ends is rolled back.
    """

    entries: EntryRepository

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.rollback()

    @abstractmethod
    def commit(self) -> None:
        """Make the changes lasting.

        Raises `EntryConflict`, with nothing stored, when an added entry
        repeats the id or the address of one stored before.
        """

    @abstractmethod
    def rollback(self) -> None:
        """Drop the changes not yet committed."""

    def collect_new_events(self) -> Iterator[DomainEvent]:
        """The events raised by the entries added, each yielded once."""
        while self.entries.added:
            yield from self.entries.added.pop(0).events
