"""The consumer's own database: the events it has handled, and how to reach it.

It is not the registration service's database: a consumer keeps its own
state, and may point `WELCOME_DATABASE_URL` anywhere.
"""

from datetime import datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import DateTime, Engine, MetaData, String, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

DATABASE_URL_KEY = "WELCOME_DATABASE_URL"
DEFAULT_DATABASE_URL = "sqlite:///data/welcome.db"
MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
# Its own name, so that it cannot collide with the registration service's
# migrations if both are pointed at one database.
VERSION_TABLE = "welcome_alembic_version"
EVENT_ID_LENGTH = 255
SQLITE_BUSY_TIMEOUT_MS = 5000


class Base(DeclarativeBase):
    """The consumer's tables, as its migrations build them."""

    metadata = MetaData(naming_convention={"pk": "pk_%(table_name)s"})


class HandledEventRecord(Base):
    """A row of `handled_events`: one event this consumer has handled."""

    __tablename__ = "handled_events"

    event_id: Mapped[str] = mapped_column(String(EVENT_ID_LENGTH), primary_key=True)
    handled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`; a SQLite file gets WAL, a busy timeout and its folder.

    PostgreSQL goes through pg8000, which is pure Python and so cooperates
    with eventlet.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, **kwargs)

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


def alembic_config(url: str) -> Config:
    """The consumer's migrations, run against `url`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` of the consumer's schema."""
    command.upgrade(alembic_config(url), revision)
