"""the overviews' projection: a village's income of a year by benefit type, filled from the entries already stored

Revision ID: 7c4e2f1a9b30
Revises: 02fc844fd557
Create Date: 2026-12-02 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c4e2f1a9b30"
down_revision: str | None = "02fc844fd557"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "village_income_year",
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("benefit_type", sa.String(length=20), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("village_code", "year", "benefit_type", name=op.f("pk_village_income_year")),
    )
    # A ledger that already holds entries: the sums it would have folded, from the entries themselves.
    year = "CAST(strftime('%Y', occurred_on) AS INTEGER)" if op.get_bind().dialect.name == "sqlite" else "CAST(EXTRACT(YEAR FROM occurred_on) AS INTEGER)"
    op.execute(
        "INSERT INTO village_income_year (village_code, year, benefit_type, amount_fen) "
        f"SELECT village_code, {year}, benefit_type, SUM(amount_fen) FROM income_entry GROUP BY village_code, {year}, benefit_type"
    )


def downgrade() -> None:
    op.drop_table("village_income_year")
