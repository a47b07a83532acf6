from collections.abc import Callable
from typing import Any

from nameko.constants import MAX_WORKERS_CONFIG_KEY
from nameko.extensions import DependencyProvider
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from registration.application import UnitOfWork
from registration.infrastructure.configuration import (
    check_configuration,
    whole_number_setting,
)
from registration.infrastructure.database import make_engine
from registration.infrastructure.sqlalchemy_unit_of_work import SqlAlchemyUnitOfWork

UnitOfWorkFactory = Callable[[], UnitOfWork]


class UnitOfWorkProvider(DependencyProvider):  # type: ignore[misc]
    """Gives each worker units of work on a database session of its own.

    The engine, and its connection pool, is made once from `DATABASE_URL`
    in the config. A worker's session is opened when it first needs one and
    closed when the worker ends, whether it succeeded or failed, so its
    connection goes back to the pool.
    """

    def __init__(self) -> None:
        self._sessions: dict[Any, Session] = {}

    def setup(self) -> None:
        config = self.container.config
        check_configuration(config)
        # One pooled connection per worker: with fewer, every request past
        # the pool's size opens and closes a connection of its own, which
        # costs more than the statements it runs.
        workers = whole_number_setting(config, MAX_WORKERS_CONFIG_KEY)
        self.engine: Engine = make_engine(config["DATABASE_URL"], pool_size=workers)
        self._make_session = sessionmaker(self.engine, expire_on_commit=False)

    def stop(self) -> None:
        self.engine.dispose()

    def get_dependency(self, worker_ctx: Any) -> UnitOfWorkFactory:
        def unit_of_work() -> UnitOfWork:
            session = self._sessions.get(worker_ctx)
            if session is None:
                session = self._sessions[worker_ctx] = self._make_session()
            return SqlAlchemyUnitOfWork(session)

        return unit_of_work

    def worker_teardown(self, worker_ctx: Any) -> None:
        session = self._sessions.pop(worker_ctx, None)
        if session is not None:
            session.close()
