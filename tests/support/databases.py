"""Throwaway databases for tests, migrated the way `make run` migrates one."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import uuid4

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]

# The server `make test` expects; a test that needs it fails when it is down.
POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+pg8000://postgres@127.0.0.1:5432/test"
)


def alembic_config(url: str) -> Config:
    config = Config(ROOT / "alembic.ini")
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    return config


def migrate(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'registration.db'}"


@contextmanager
def throwaway_postgres(
    server_url: str = POSTGRES_URL, prefix: str = "registration_test"
) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database on the server of
    `server_url`, named `<prefix>_<hex>`, dropped afterwards."""
    name = f"{prefix}_{uuid4().hex[:12]}"
    server = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield (
            make_url(server_url)
            .set(database=name)
            .render_as_string(hide_password=False)
        )
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@contextmanager
def throwaway_database(kind: str, folder: Path) -> Iterator[str]:
    """A new, empty database of `kind` ("sqlite" or "postgresql")."""
    if kind == "sqlite":
        yield sqlite_url(folder)
    else:
        with throwaway_postgres() as url:
            yield url
