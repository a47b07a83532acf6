"""Runs the consumer's migrations against its own database.

The URL is the caller's `sqlalchemy.url` (the service and the tests set it),
or else `WELCOME_DATABASE_URL` from config.yaml.
"""

from logging.config import fileConfig
from pathlib import Path

import yaml
from alembic import context
from nameko.cli.main import setup_yaml_parser
from sqlalchemy import text

from welcome.infrastructure.database import (
    DATABASE_URL_KEY,
    VERSION_TABLE,
    Base,
    make_engine,
)

CONFIG_YAML = Path(__file__).resolve().parents[2] / "config.yaml"
# Several instances may start at once: on PostgreSQL the first to take this
# lock migrates, the others wait and then find nothing left to do.
MIGRATION_LOCK = 0x77656C636F6D65

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    given = config.get_main_option("sqlalchemy.url")
    if given:
        return given
    setup_yaml_parser()
    with CONFIG_YAML.open() as config_file:
        return str(yaml.safe_load(config_file)[DATABASE_URL_KEY])


def run_migrations() -> None:
    engine = make_engine(database_url())
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            version_table=VERSION_TABLE,
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"),
                    {"key": MIGRATION_LOCK},
                )
            context.run_migrations()
    engine.dispose()


run_migrations()
