"""Whether the database's schema is the one this code maps: Alembic's head.

The migrations are not part of the installed package: `alembic.ini` and
`migrations/` sit beside the `registration` package, at the root of the
repository, which is `/app` in the Docker image. Without them the service
cannot tell which schema it needs, and refuses to start rather than guess.
"""

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection

from registration.infrastructure.database import make_engine

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"
MIGRATE = "run `make migrate` (or `alembic upgrade head`)"
# What Alembic logs at INFO each time it opens a migration context, which
# readiness does on every call: said once a probe, it would fill the log.
CONTEXT_CHATTER = frozenset({"Context impl %s.", "Will assume %s DDL."})


class UnusableSchema(Exception):
    """The database's schema is not the one this code needs, or which one it
    needs cannot be told.

    Like `InvalidConfiguration`, raised while the service starts, so that
    `nameko run` ends with a failure status.
    """


@dataclass(frozen=True)
class Migrations:
    """The revision this code needs, and every revision its migrations know."""

    head: str
    known: frozenset[str]

    def fault(self, revision: str | None) -> str | None:
        """What keeps a database at `revision` from serving; None when nothing."""
        if revision == self.head:
            return None
        if revision is None:
            return (
                f"the database has no migrations, the service needs {self.head}: "
                f"{MIGRATE}"
            )
        if revision not in self.known:
            return (
                f"the database is at revision {revision}, which these migrations "
                f"do not know (a newer version of the service migrated it), the "
                f"service needs {self.head}"
            )
        return (
            f"the database is at revision {revision}, the service needs "
            f"{self.head}: {MIGRATE}"
        )


@cache
def expected_migrations(alembic_ini: Path = ALEMBIC_INI) -> Migrations:
    """The migrations beside the package, read once per process."""
    if not alembic_ini.is_file():
        raise UnusableSchema(
            f"{alembic_ini} is missing, so the service cannot tell which schema "
            "it needs: run it from the repository or the Docker image, which "
            "hold alembic.ini and migrations/ beside the registration package"
        )
    try:
        scripts = ScriptDirectory.from_config(Config(str(alembic_ini)))
        heads = scripts.get_heads()
    except CommandError as error:
        raise UnusableSchema(f"the migrations of {alembic_ini}: {error}") from error
    if len(heads) != 1:
        raise UnusableSchema(
            f"the migrations have {len(heads)} heads ({', '.join(heads) or 'none'}), "
            "not one: merge them with `alembic merge heads`"
        )
    known = frozenset(script.revision for script in scripts.walk_revisions())
    return Migrations(head=heads[0], known=known)


def current_revision(connection: Connection) -> str | None:
    """The revision the database was migrated to; None when it never was."""
    return MigrationContext.configure(connection).get_current_revision()


def _not_context_chatter(record: logging.LogRecord) -> bool:
    return record.msg not in CONTEXT_CHATTER


logging.getLogger("alembic.runtime.migration").addFilter(_not_context_chatter)


def stored_revision(url: str, timeout: float) -> str | None:
    """`current_revision` of the database at `url`, on a connection of its own."""
    engine = make_engine(url, timeout=timeout)
    try:
        with engine.connect() as connection:
            return current_revision(connection)
    finally:
        engine.dispose()
