from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.databases import throwaway_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, unmigrated database, on SQLite and then on PostgreSQL."""
    with throwaway_database(request.param, tmp_path) as url:
        yield url
