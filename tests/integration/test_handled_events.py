"""The consumer's handled events on SQLite and PostgreSQL, migrated by its own
migrations."""

from collections.abc import Iterator

import eventlet
import pytest
from alembic import command
from sqlalchemy import Engine, inspect
from sqlalchemy.orm import Session

from tests.support.databases import migrate as migrate_registration
from tests.support.databases import throwaway_postgres
from welcome.infrastructure import SqlAlchemyHandledEvents
from welcome.infrastructure.database import alembic_config, make_engine, migrate

EVENT_ID = "3f9a7c2e-1b4d-4e6f-8a0b-9c8d7e6f5a4b"


@pytest.fixture
def engine(empty_database_url: str) -> Iterator[Engine]:
    migrate(empty_database_url)
    engine = make_engine(empty_database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> Iterator[list[Session]]:
    """Two sessions, as two workers would have."""
    opened = [Session(engine), Session(engine)]
    yield opened
    for session in opened:
        session.close()


def test_an_event_added_and_committed_is_known_to_the_next_transaction(
    sessions: list[Session],
) -> None:
    first, second = (SqlAlchemyHandledEvents(s) for s in sessions)

    added = first.add(EVENT_ID)
    first.commit()

    assert added is True
    assert second.add(EVENT_ID) is False


def test_an_event_rolled_back_is_not_remembered(sessions: list[Session]) -> None:
    first, second = (SqlAlchemyHandledEvents(s) for s in sessions)

    first.add(EVENT_ID)
    first.rollback()

    assert second.add(EVENT_ID) is True


def test_on_postgresql_adding_an_event_another_transaction_adds_waits_for_it() -> None:
    with throwaway_postgres() as url:
        migrate(url)
        engine = make_engine(url)
        with Session(engine) as one, Session(engine) as other:
            first, second = SqlAlchemyHandledEvents(one), SqlAlchemyHandledEvents(other)
            first.add(EVENT_ID)

            waiting = eventlet.spawn(second.add, EVENT_ID)
            eventlet.sleep(0.2)
            still_waiting = not waiting.dead
            first.commit()
            added_again = waiting.wait()
        engine.dispose()

    assert still_waiting
    assert added_again is False


def test_the_migrated_schema_matches_the_table_the_adapter_maps(
    empty_database_url: str,
) -> None:
    migrate(empty_database_url)

    command.check(alembic_config(empty_database_url))


def test_the_migrations_share_a_database_with_the_registration_service(
    empty_database_url: str,
) -> None:
    migrate_registration(empty_database_url)

    migrate(empty_database_url)
    engine = make_engine(empty_database_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()

    assert {"entries", "alembic_version"} <= tables
    assert {"handled_events", "welcome_alembic_version"} <= tables


def test_downgrading_removes_the_handled_events(empty_database_url: str) -> None:
    migrate(empty_database_url)

    command.downgrade(alembic_config(empty_database_url), "base")
    engine = make_engine(empty_database_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()

    assert "handled_events" not in tables
