"""Payouts against their agreements, corrections, and the request bounds as CHECK constraints

Distributions cover date ranges (period_start/period_end, derived from the existing label) instead of one
label per source; withdrawals and reversals leave the original row; income lines may be negative reversing
lines; members are known for scope checks; every money, count and basis-point column is bounded.

Revision ID: c7e1f0a2d3b4
Revises: c933a45ed5a3
Create Date: 2026-12-01 18:45:58.748603
"""

import calendar
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "c7e1f0a2d3b4"
down_revision: str | None = "c933a45ed5a3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The bounds of shared/bounds.py as of this revision (a migration never imports the current code).
PAY = 10**10  # MAX_PAYMENT_FEN
FUND = 10**12  # MAX_FUND_FEN
COUNT = 10_000_000  # MAX_COUNT
AREA = 100_000_000  # MAX_AREA_TENTH_MU


def _between(column: str, low: int, high: int, nullable: bool = False) -> str:
    clause = f"{column} >= {low} AND {column} <= {high}"
    return f"{column} IS NULL OR ({clause})" if nullable else clause


CHECKS: dict[str, dict[str, str]] = {
    "fund": {"amount_fen_bounded": _between("amount_fen", 1, FUND), "poor_person_count_bounded": _between("poor_person_count", 1, COUNT, True)},
    "allocation": {
        "amount_fen_bounded": _between("amount_fen", 1, FUND),
        "committed_fen_bounded": "committed_fen >= 0 AND committed_fen <= amount_fen",
        "requested_fen_bounded": "requested_fen >= 0 AND requested_fen <= amount_fen",
        "paid_fen_bounded": "paid_fen >= 0 AND paid_fen <= amount_fen",
    },
    "project": {"area_tenth_mu_bounded": _between("area_tenth_mu", 0, AREA)},
    "funding": {"amount_fen_bounded": _between("amount_fen", 1, FUND)},
    "agreement": {"poor_share_bp_bounded": _between("poor_share_bp", 0, 10_000), "term_ordered": "term_end >= term_start"},
    "asset": {"value_fen_bounded": _between("value_fen", 1, FUND), "annual_fee_fen_bounded": _between("annual_fee_fen", 0, PAY, True)},
    "quantified_share": {"units_bounded": _between("units", 1, COUNT)},
    "distribution": {
        "total_fen_bounded": _between("total_fen", 1, PAY),
        "poor_households_fen_bounded": "poor_households_fen >= 0 AND poor_households_fen <= total_fen",
        "poor_share_bp_bounded": _between("poor_share_bp", 0, 10_000),
        "period_ordered": "period_end >= period_start",
    },
    "income_payment": {
        "amount_fen_bounded": f"amount_fen <> 0 AND amount_fen >= -{PAY} AND amount_fen <= {PAY}",
        "units_bounded": _between("units", 1, COUNT, True),
    },
    "land_transfer": {
        "area_tenth_mu_bounded": _between("area_tenth_mu", 1, AREA),
        "annual_rent_fen_bounded": _between("annual_rent_fen", 0, PAY),
        "policy_income_household_bp_bounded": _between("policy_income_household_bp", 0, 10_000),
        "term_ordered": "end_on >= start_on",
    },
    "lease_back": {
        "area_tenth_mu_bounded": _between("area_tenth_mu", 1, AREA),
        "agreed_income_fen_per_year_bounded": _between("agreed_income_fen_per_year", 1, PAY, True),
        "term_ordered": "end_on >= start_on",
    },
    "subsidy": {
        "total_fen_bounded": _between("total_fen", 1, PAY),
        "parts_sum_to_total": "household_fen >= 0 AND entity_fen >= 0 AND household_fen + entity_fen = total_fen",
    },
    "loan": {
        "principal_fen_bounded": _between("principal_fen", 1, FUND),
        "term_months_bounded": _between("term_months", 1, 120),
        "annual_rate_bp_bounded": _between("annual_rate_bp", 0, 10_000),
        "interest_subsidy_bp_bounded": _between("interest_subsidy_bp", 0, 10_000),
        "guaranteed_return_fen_per_year_bounded": _between("guaranteed_return_fen_per_year", 0, PAY, True),
        "repaid_fen_bounded": "repaid_fen >= 0 AND repaid_fen <= principal_fen",
    },
    "payment_request": {"amount_fen_bounded": _between("amount_fen", 1, FUND)},
}


def _range_of(label: str) -> tuple[date, date]:
    """The date range of a period label as accepted before this revision: YYYY, YYYY-H1/H2, YYYY-Q1…Q4, YYYY-MM."""
    year, _, part = label.partition("-")
    y = int(year)
    if not part:
        first, last = 1, 12
    elif part[0] == "H":
        first = 1 if part == "H1" else 7
        last = first + 5
    elif part[0] == "Q":
        first = 3 * (int(part[1]) - 1) + 1
        last = first + 2
    else:
        first = last = min(max(int(part), 1), 12)
    return date(y, first, 1), date(y, last, calendar.monthrange(y, last)[1])


def _derive_distribution_ranges() -> None:
    bind = op.get_bind()
    table = sa.table(
        "distribution", sa.column("id", sa.String), sa.column("period", sa.String), sa.column("period_start", sa.Date), sa.column("period_end", sa.Date)
    )
    for row in bind.execute(sa.select(table.c.id, table.c.period)).all():
        start, end = _range_of(row.period)
        bind.execute(table.update().where(table.c.id == row.id).values(period_start=start, period_end=end))


def upgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table(
        "known_member",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("household_id", sa.String(length=36), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_known_member")),
    )
    with op.batch_alter_table("known_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_known_member_household_id"), ["household_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_known_member_village_code"), ["village_code"], unique=False)

    op.create_table(
        "reversal",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("target_kind", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.String(length=36), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("proposed_by", sa.String(length=120), nullable=False),
        sa.Column("approved_by", sa.String(length=120), nullable=True),
        sa.Column("created_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reversal")),
        sa.UniqueConstraint("target_kind", "target_id", name="uq_reversal_target"),
    )
    with op.batch_alter_table("reversal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reversal_village_code"), ["village_code"], unique=False)

    with op.batch_alter_table("distribution", schema=None) as batch_op:
        batch_op.add_column(sa.Column("period_start", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("period_end", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_by", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("withdrawal_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("reversal_id", sa.String(length=36), nullable=True))
        batch_op.alter_column("period", existing_type=sa.VARCHAR(length=20), type_=sa.String(length=24), existing_nullable=False)
        batch_op.drop_constraint(batch_op.f("uq_distribution_source_period"), type_="unique")
        batch_op.create_index(batch_op.f("ix_distribution_source_key"), ["source_key"], unique=False)
    _derive_distribution_ranges()
    with op.batch_alter_table("distribution", schema=None) as batch_op:
        batch_op.alter_column("period_start", existing_type=sa.Date(), nullable=False)
        batch_op.alter_column("period_end", existing_type=sa.Date(), nullable=False)

    with op.batch_alter_table("income_payment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("period_year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reverses_line_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("reversal_id", sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f("ix_income_payment_reversal_id"), ["reversal_id"], unique=False)
        batch_op.create_unique_constraint(batch_op.f("uq_income_payment_reverses_line_id"), ["reverses_line_id"])

    with op.batch_alter_table("lease_back", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agreed_income_fen_per_year", sa.BigInteger(), nullable=True))

    # ### end Alembic commands ###
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, condition in checks.items():
                batch_op.create_check_constraint(name, condition)


def downgrade() -> None:
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in checks:
                batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table("lease_back", schema=None) as batch_op:
        batch_op.drop_column("agreed_income_fen_per_year")

    with op.batch_alter_table("income_payment", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_income_payment_reverses_line_id"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_income_payment_reversal_id"))
        batch_op.drop_column("reversal_id")
        batch_op.drop_column("reverses_line_id")
        batch_op.drop_column("period_year")

    with op.batch_alter_table("distribution", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_distribution_source_key"))
        batch_op.create_unique_constraint(batch_op.f("uq_distribution_source_period"), ["source_key", "period"])
        batch_op.alter_column("period", existing_type=sa.String(length=24), type_=sa.VARCHAR(length=20), existing_nullable=False)
        batch_op.drop_column("reversal_id")
        batch_op.drop_column("withdrawal_reason")
        batch_op.drop_column("withdrawn_by")
        batch_op.drop_column("period_end")
        batch_op.drop_column("period_start")

    with op.batch_alter_table("reversal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reversal_village_code"))

    op.drop_table("reversal")
    with op.batch_alter_table("known_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_known_member_village_code"))
        batch_op.drop_index(batch_op.f("ix_known_member_household_id"))

    op.drop_table("known_member")
    # ### end Alembic commands ###
