"""merkle tree of the outbox and signed checkpoints

Revision ID: d397b2fc99e6
Revises: 666b0d8f51e8
Create Date: 2026-12-01 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "d397b2fc99e6"
down_revision: str | None = "666b0d8f51e8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The tree itself now comes with the infrastructure tables (shared/infra_migrations), on every database.
    op.create_table(
        "checkpoint",
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("tree_size", sa.BigInteger(), nullable=False),
        sa.Column("root_hash", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("signed_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source", "tree_size", name=op.f("pk_checkpoint")),
    )


def downgrade() -> None:
    op.drop_table("checkpoint")
