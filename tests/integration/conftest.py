from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from registration.application import UnitOfWork
from registration.infrastructure.database import make_engine
from registration.infrastructure.sqlalchemy_unit_of_work import SqlAlchemyUnitOfWork
from tests.fakes import InMemoryUnitsOfWork
from tests.support.databases import migrate, throwaway_database

UnitsOfWork = Callable[[], UnitOfWork]


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, unmigrated database, on SQLite and then on PostgreSQL."""
    with throwaway_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(params=["in-memory", "sqlite", "postgresql"])
def units_of_work(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[UnitsOfWork]:
    """Units of work on each adapter in turn: in memory, SQLite, PostgreSQL."""
    if request.param == "in-memory":
        yield InMemoryUnitsOfWork()
        return

    with throwaway_database(request.param, tmp_path) as url:
        migrate(url)
        engine = make_engine(url)
        make_session = sessionmaker(engine, expire_on_commit=False)
        sessions: list[Session] = []

        def unit_of_work() -> UnitOfWork:
            sessions.append(make_session())
            return SqlAlchemyUnitOfWork(sessions[-1])

        yield unit_of_work
        for session in sessions:
            session.close()
        engine.dispose()
