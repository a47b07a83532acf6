import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from registration.application.ports import EntryConflict, UnitOfWork
from registration.domain import EmailAddress, EmailAlreadyRegistered, Entry

logger = logging.getLogger(__name__)


class EntryNotFound(Exception):
    """No entry has the id asked for."""


@dataclass(frozen=True)
class Registration:
    """What a caller learns from a successful registration."""

    entry_id: UUID
    email: EmailAddress
    registered_at: datetime
    event_id: UUID


class RegistrationService:
    """Primary port: the registration use cases, driven by the entrypoints."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork]) -> None:
        self._uow_factory = uow_factory

    def register_entry(
        self, email: str, correlation_id: str | None = None
    ) -> Registration:
        """Store an entry for `email` and the `RegisteredEntryEvent` announcing it.

        The event waits in the outbox, stored in the same transaction as the
        entry, for `OutboxRelay` to publish it, with `correlation_id` (what
        the caller knows the request by) as its metadata. Raises `InvalidEmailAddress`
        when the address is not valid and `EmailAlreadyRegistered` when it
        has an entry already; in both cases nothing is stored. Raises
        `StorageUnavailable` when the database does not answer.
        """
        address = EmailAddress(email)
        entry = Entry.register(address, correlation_id)
        [event] = entry.events

        with self._uow_factory() as uow:
            uow.entries.add(entry)
            try:
                uow.commit()
            except EntryConflict as conflict:
                logger.info("refused %s: already registered", address.masked())
                raise EmailAlreadyRegistered(address) from conflict

        logger.info(
            "registered %s (event %s, correlation id %s)",
            address.masked(),
            event.event_id,
            correlation_id or "-",
        )
        return Registration(
            entry_id=entry.id,
            email=entry.email,
            registered_at=entry.registered_at,
            event_id=event.event_id,
        )

    def get_entry(self, entry_id: str) -> Entry:
        """The entry with the id `entry_id`, as text.

        Raises `EntryNotFound` when no entry has it, or it is no UUID.
        """
        try:
            wanted = UUID(entry_id)
        except (TypeError, ValueError):
            raise EntryNotFound(f"no entry has the id {entry_id!r}") from None

        with self._uow_factory() as uow:
            entry = uow.entries.get(wanted)

        if entry is None:
            raise EntryNotFound(f"no entry has the id {entry_id!r}")
        return entry
