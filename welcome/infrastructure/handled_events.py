from datetime import UTC, datetime
from typing import Any

from nameko.extensions import DependencyProvider
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from welcome.application import HandledEvents
from welcome.infrastructure.database import (
    DATABASE_URL_KEY,
    DEFAULT_DATABASE_URL,
    HandledEventRecord,
    make_engine,
    migrate,
)


class SqlAlchemyHandledEvents(HandledEvents):
    """Secondary adapter: handled events as rows of a table, in a session's
    transaction.

    The event's id is the primary key: a second insert of it fails, after
    waiting for the first one's transaction if it is still open.
    """

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, event_id: str) -> bool:
        self._session.add(
            HandledEventRecord(event_id=event_id, handled_at=datetime.now(UTC))
        )
        try:
            self._session.flush()
        except IntegrityError:
            self._session.rollback()
            return False
        return True

    def commit(self) -> None:
        self._session.commit()

    def rollback(self) -> None:
        self._session.rollback()


class HandledEventsProvider(DependencyProvider):  # type: ignore[misc]
    """Gives each worker the handled events on a database session of its own.

    At start-up it brings the database at `WELCOME_DATABASE_URL` to the
    latest migration, then makes the engine once; each worker's session is
    closed when the worker ends.
    """

    def __init__(self) -> None:
        self._sessions: dict[Any, Session] = {}

    def setup(self) -> None:
        url = self.container.config.get(DATABASE_URL_KEY, DEFAULT_DATABASE_URL)
        migrate(url)
        self.engine: Engine = make_engine(url)
        self._make_session = sessionmaker(self.engine)

    def stop(self) -> None:
        self.engine.dispose()

    def get_dependency(self, worker_ctx: Any) -> HandledEvents:
        session = self._sessions[worker_ctx] = self._make_session()
        return SqlAlchemyHandledEvents(session)

    def worker_teardown(self, worker_ctx: Any) -> None:
        session = self._sessions.pop(worker_ctx, None)
        if session is not None:
            session.close()
