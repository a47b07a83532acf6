"""The outbox's id is a 64-bit integer on PostgreSQL.

Every event takes an id and ids are never reused: at a hundred registrations
a second, a 32-bit id runs out in under a year. SQLite's integer primary key
is 64-bit already.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column("outbox", "id", type_=sa.BigInteger(), existing_nullable=False)
    op.execute("ALTER SEQUENCE outbox_id_seq AS bigint")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER SEQUENCE outbox_id_seq AS integer")
    op.alter_column("outbox", "id", type_=sa.Integer(), existing_nullable=False)
