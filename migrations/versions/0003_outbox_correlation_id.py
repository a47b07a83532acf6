"""The outbox keeps each event's correlation id, the request that caused it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "outbox", sa.Column("correlation_id", sa.String(length=128), nullable=True)
    )


def downgrade() -> None:
    # A batch operation, so that SQLite, which cannot always drop a column
    # in place, rebuilds the table instead.
    with op.batch_alter_table("outbox") as outbox:
        outbox.drop_column("correlation_id")
