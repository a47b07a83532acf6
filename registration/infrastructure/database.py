"""The database of the entries and their outbox: its tables and how to reach it."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Uuid,
    create_engine,
    event,
    exc,
)
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from registration.application import StorageUnavailable
from registration.infrastructure.outage_log import OutageLog

logger = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 5000
# How long a database call may wait: to connect, for an answer, for a pooled
# connection. A database that does not answer is then a prompt 503.
DATABASE_TIMEOUT_SECONDS = 5
# The longest correlation id an outbox row keeps: a request id, as the
# entrypoints accept them.
CORRELATION_ID_LENGTH = 128


class Base(DeclarativeBase):
    """The tables of this service, as the migrations build them."""

    metadata = MetaData(
        naming_convention={
            "pk": "pk_%(table_name)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
        }
    )


class EntryRecord(Base):
    """A row of the `entries` table; mapped to and from `Entry` by hand."""

    __tablename__ = "entries"

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OutboxRecord(Base):
    """A row of the `outbox` table: one event, stored with the entry it announces.

    `id` gives the order of storing. The index on (`published_at`, `id`)
    serves both the relay, which reads the rows with no `published_at` in
    `id` order, and the pruning of rows published long ago. `correlation_id`
    is the event's metadata, kept out of the payload, the public contract.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_published_at_id", "published_at", "id"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"),
        primary_key=True,
        autoincrement=True,
    )
    event_id: Mapped[UUID] = mapped_column(Uuid, unique=True)
    name: Mapped[str] = mapped_column(String(100))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    correlation_id: Mapped[str | None] = mapped_column(String(CORRELATION_ID_LENGTH))


def make_engine(
    url: str, timeout: float = DATABASE_TIMEOUT_SECONDS, **kwargs: Any
) -> Engine:
    """An engine for `url`, with drivers that cooperate with eventlet.

    PostgreSQL goes through pg8000, pure Python over sockets eventlet has
    patched; `timeout` bounds its connecting, each answer, and the wait for
    a pooled connection. Pooled connections are not tested before use: a
    test costs pg8000 three round trips, as many as an insert.
    After the database restarts, the first statement on a stale connection
    fails, as a 503, and SQLAlchemy then drops every connection the pool
    held before, so the next request connects afresh.
    SQLite runs in the process: a file database gets WAL, so
    readers do not wait for a writer, and a busy timeout, so a writer waits
    for another instead of failing at once. Its folder is made if missing.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(
            url,
            pool_timeout=timeout,
            connect_args={"timeout": timeout},
            **kwargs,
        )

    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **kwargs)
    event.listen(engine, "connect", _configure_sqlite)
    return engine


def _configure_sqlite(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def as_utc(stored: datetime) -> datetime:
    """A time read back from the database, in UTC.

    SQLite keeps no offset: what it hands back is the UTC time stored.
    """
    return stored if stored.tzinfo is not None else stored.replace(tzinfo=UTC)


# What SQLAlchemy raises when the database is down, hung, or too busy: a
# refused or lost connection, a timeout, a full pool, a locked SQLite file.
# pg8000 lets a socket timeout while it opens a connection through unwrapped.
STORAGE_ERRORS = (
    exc.OperationalError,
    exc.InterfaceError,
    exc.TimeoutError,
    OSError,
)


_outage = OutageLog(
    logger, still="database still unavailable", again="database answering again"
)


@contextmanager
def storage_errors() -> Iterator[None]:
    """Turns the database being out of reach into `StorageUnavailable`."""
    try:
        yield
    except STORAGE_ERRORS as error:
        cause = getattr(error, "orig", None) or error
        _outage.failed("database unavailable", cause)
        raise StorageUnavailable("the database did not answer") from error
    _outage.succeeded()
