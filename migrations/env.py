"""Runs the migrations against the database the service is configured with."""

from logging.config import fileConfig
from pathlib import Path

import yaml
from alembic import context
from nameko.cli.main import setup_yaml_parser

from registration.infrastructure.database import Base, make_engine

CONFIG_YAML = Path(__file__).resolve().parents[1] / "config.yaml"

config = context.config
if config.config_file_name is not None and config.attributes.get(
    "configure_logger", True
):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    given = config.get_main_option("sqlalchemy.url")
    if given:
        return given
    setup_yaml_parser()
    with CONFIG_YAML.open() as config_file:
        return str(yaml.safe_load(config_file)["DATABASE_URL"])


def run_migrations() -> None:
    engine = make_engine(database_url())
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
