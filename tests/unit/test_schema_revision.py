from pathlib import Path

import pytest

from registration.infrastructure.schema import (
    Migrations,
    UnusableSchema,
    expected_migrations,
)

MIGRATIONS = Migrations(head="0003", known=frozenset({"0001", "0002", "0003"}))


def test_the_migrations_beside_the_package_end_at_one_head() -> None:
    migrations = expected_migrations()

    assert migrations.head in migrations.known
    assert "0001" in migrations.known


def test_a_database_at_the_head_has_no_fault() -> None:
    assert MIGRATIONS.fault("0003") is None


@pytest.mark.parametrize(
    ("revision", "fault"),
    [
        (
            None,
            "the database has no migrations, the service needs 0003: "
            "run `make migrate` (or `alembic upgrade head`)",
        ),
        (
            "0002",
            "the database is at revision 0002, the service needs 0003: "
            "run `make migrate` (or `alembic upgrade head`)",
        ),
        (
            "0004",
            "the database is at revision 0004, which these migrations do not "
            "know (a newer version of the service migrated it), the service "
            "needs 0003",
        ),
    ],
)
def test_a_database_elsewhere_is_named_with_what_to_do(
    revision: str | None, fault: str
) -> None:
    assert MIGRATIONS.fault(revision) == fault


def test_without_the_migrations_the_needed_schema_cannot_be_told(
    tmp_path: Path,
) -> None:
    with pytest.raises(UnusableSchema, match=r"alembic\.ini is missing"):
        expected_migrations(tmp_path / "alembic.ini")
