"""The migrations build the schema the adapter maps, and take it down again."""

from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from registration.domain import EmailAddress, Entry
from registration.infrastructure.database import make_engine
from registration.infrastructure.sqlalchemy_outbox import SqlAlchemyOutbox
from tests.support.databases import alembic_config, migrate


def table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrading_makes_the_entries_table_with_a_unique_address(
    empty_database_url: str,
) -> None:
    migrate(empty_database_url)

    engine = make_engine(empty_database_url)
    unique = inspect(engine).get_unique_constraints("entries")
    engine.dispose()
    assert [constraint["column_names"] for constraint in unique] == [["email"]]


def test_upgrading_makes_the_outbox_with_a_unique_event_id_and_an_index(
    empty_database_url: str,
) -> None:
    migrate(empty_database_url)

    engine = make_engine(empty_database_url)
    unique = inspect(engine).get_unique_constraints("outbox")
    indexes = inspect(engine).get_indexes("outbox")
    engine.dispose()
    assert [constraint["column_names"] for constraint in unique] == [["event_id"]]
    assert ["published_at", "id"] in [index["column_names"] for index in indexes]


def test_the_migrated_schema_matches_the_tables_the_adapter_maps(
    empty_database_url: str,
) -> None:
    migrate(empty_database_url)

    command.check(alembic_config(empty_database_url))


def test_downgrading_to_base_removes_the_tables(empty_database_url: str) -> None:
    migrate(empty_database_url)

    command.downgrade(alembic_config(empty_database_url), "base")

    assert table_names(empty_database_url) & {"entries", "outbox"} == set()


def test_upgrading_again_after_a_downgrade_works(empty_database_url: str) -> None:
    migrate(empty_database_url)
    command.downgrade(alembic_config(empty_database_url), "base")

    migrate(empty_database_url)

    assert "entries" in table_names(empty_database_url)


def test_outbox_ids_go_past_32_bits(empty_database_url: str) -> None:
    migrate(empty_database_url)
    engine = make_engine(empty_database_url)
    past_32_bits = 2**31 + 1
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(
                text("SELECT setval('outbox_id_seq', :start)"),
                {"start": past_32_bits - 1},
            )
        else:
            # SQLite gives a new row the greatest id so far, plus one.
            connection.execute(
                text(
                    "INSERT INTO outbox (id, event_id, name, payload, created_at) "
                    "VALUES (:id, 'x', 'Earlier', '{}', '2026-01-01')"
                ),
                {"id": past_32_bits - 1},
            )
        with Session(connection) as session:
            SqlAlchemyOutbox(session).add(
                Entry.register(EmailAddress("ann@example.com")).events
            )
            session.flush()
        stored = connection.execute(text("SELECT max(id) FROM outbox")).scalar_one()
    engine.dispose()

    assert stored == past_32_bits
