from uuid import UUID

from sqlalchemy import exc, select
from sqlalchemy.orm import Session

from registration.application import EntryConflict, EntryRepository, UnitOfWork
from registration.domain import EmailAddress, Entry
from registration.infrastructure.database import EntryRecord, as_utc, storage_errors
from registration.infrastructure.sqlalchemy_outbox import SqlAlchemyOutbox


class SqlAlchemyEntryRepository(EntryRepository):
    """Secondary adapter: entries in a SQL database, through a SQLAlchemy session."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self._session = session

    def _add(self, entry: Entry) -> None:
        self._session.add(
            EntryRecord(
                id=entry.id,
                email=entry.email.value,
                registered_at=entry.registered_at,
            )
        )

    def get(self, entry_id: UUID) -> Entry | None:
        with storage_errors():
            record = self._session.get(EntryRecord, entry_id)
        return None if record is None else _entry_from(record)

    def get_by_email(self, email: EmailAddress) -> Entry | None:
        with storage_errors():
            record = self._session.scalars(
                select(EntryRecord).where(EntryRecord.email == email.value)
            ).one_or_none()
        return None if record is None else _entry_from(record)


class SqlAlchemyUnitOfWork(UnitOfWork):
    """Secondary adapter: a transaction of a SQLAlchemy session, outbox included.

    The session belongs to whoever made it, who closes it.
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self.entries = SqlAlchemyEntryRepository(session)
        self.outbox = SqlAlchemyOutbox(session)

    def _commit(self) -> None:
        try:
            with storage_errors():
                self._session.commit()
        except exc.IntegrityError as error:
            self.rollback()
            raise EntryConflict("an entry repeats a stored id or address") from error

    def rollback(self) -> None:
        self.entries.added.clear()
        with storage_errors():
            self._session.rollback()


def _entry_from(record: EntryRecord) -> Entry:
    return Entry(
        id=record.id,
        email=EmailAddress(record.email),
        registered_at=as_utc(record.registered_at),
    )
