"""household heads and member names, for the read models (views)

Revision ID: b7e1c2a9d4f0
Revises: 86813acc7409
Create Date: 2026-12-02 00:40:00.000000

A projection like the others: ``fupin audit replay`` rebuilds it from member_registered,
member_updated and household_head_changed. A database migrated before it has the new column empty
and no member rows until it is replayed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7e1c2a9d4f0"
down_revision: str | None = "86813acc7409"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("ledger_household", sa.Column("head_member_id", sa.String(length=36), nullable=True))
    op.create_table(
        "ledger_member",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("household_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_ledger_member")),
    )
    op.create_index(op.f("ix_ledger_member_household_id"), "ledger_member", ["household_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_ledger_member_household_id"), table_name="ledger_member")
    op.drop_table("ledger_member")
    op.drop_column("ledger_household", "head_member_id")
