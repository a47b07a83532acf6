from uuid import UUID

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registration.application import EntryConflict, EntryRepository, UnitOfWork
from registration.domain import EmailAddress, Entry
from registration.infrastructure.database import EntryRecord, as_utc
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
        record = self._session.get(EntryRecord, entry_id)
        return None if record is None else _entry_from(record)

    def get_by_email(self, email: EmailAddress) -> Entry | None:
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
            self._session.commit()
        except IntegrityError as error:
            self.rollback()
            raise EntryConflict("an entry repeats a stored id or address") from error

    def rollback(self) -> None:
        self._session.rollback()
        self.entries.added.clear()


def _entry_from(record: EntryRecord) -> Entry:
    return Entry(
        id=record.id,
        email=EmailAddress(record.email),
        registered_at=as_utc(record.registered_at),
    )
