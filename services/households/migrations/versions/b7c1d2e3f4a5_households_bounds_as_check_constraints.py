"""households bounds as check constraints

The bounds of shared/bounds.py as CHECK constraints (issue 11): dates inside the policy window,
money and counts inside their ceilings, so nothing written another way can poison a projection.

Revision ID: b7c1d2e3f4a5
Revises: d6e434f9198c
Create Date: 2026-12-01 19:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "b7c1d2e3f4a5"
down_revision: str | None = "d6e434f9198c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("household") as batch:
        batch.create_check_constraint(op.f("ck_household_exit_year_window"), "exit_year IS NULL OR exit_year BETWEEN 2014 AND 2060")
        batch.create_check_constraint(op.f("ck_household_left_on_window"), "left_on IS NULL OR left_on BETWEEN '2014-01-01' AND '2060-12-31'")
        batch.create_check_constraint(op.f("ck_household_registered_on_window"), "registered_on BETWEEN '2014-01-01' AND '2060-12-31'")
    with op.batch_alter_table("household_status") as batch:
        batch.create_check_constraint(op.f("ck_household_status_effective_on_window"), "effective_on BETWEEN '2014-01-01' AND '2060-12-31'")
        batch.create_check_constraint(op.f("ck_household_status_exit_year_window"), "exit_year IS NULL OR exit_year BETWEEN 2014 AND 2060")
    with op.batch_alter_table("member") as batch:
        batch.create_check_constraint(op.f("ck_member_birth_date_window"), "birth_date BETWEEN '1900-01-01' AND '2060-12-31'")
        batch.create_check_constraint(op.f("ck_member_joined_on_window"), "joined_on BETWEEN '2014-01-01' AND '2060-12-31'")
        batch.create_check_constraint(op.f("ck_member_labour_capacity_known"), "labour_capacity IN ('full', 'partial', 'none')")
        batch.create_check_constraint(op.f("ck_member_left_on_window"), "left_on IS NULL OR left_on BETWEEN '2014-01-01' AND '2060-12-31'")
        batch.create_check_constraint(op.f("ck_member_relation_known"), "relation IN ('head', 'spouse', 'child', 'parent', 'grandchild', 'sibling', 'other')")
    with op.batch_alter_table("employment") as batch:
        batch.create_check_constraint(op.f("ck_employment_ended_on_window"), "ended_on IS NULL OR (ended_on >= started_on AND ended_on <= '2060-12-31')")
        batch.create_check_constraint(op.f("ck_employment_started_on_window"), "started_on BETWEEN '2014-01-01' AND '2060-12-31'")
    with op.batch_alter_table("member_capacity") as batch:
        batch.create_check_constraint(op.f("ck_member_capacity_effective_on_window"), "effective_on BETWEEN '2014-01-01' AND '2060-12-31'")
    with op.batch_alter_table("wage_payment") as batch:
        batch.create_check_constraint(op.f("ck_wage_payment_amount_fen_bounds"), "amount_fen > 0 AND amount_fen <= 10000000000")
        batch.create_check_constraint(op.f("ck_wage_payment_paid_on_window"), "paid_on BETWEEN '2014-01-01' AND '2060-12-31'")
        batch.create_check_constraint(op.f("ck_wage_payment_period_end_window"), "period_end >= period_start AND period_end <= '2060-12-31'")
        batch.create_check_constraint(op.f("ck_wage_payment_period_start_window"), "period_start BETWEEN '2014-01-01' AND '2060-12-31'")


def downgrade() -> None:
    with op.batch_alter_table("wage_payment") as batch:
        batch.drop_constraint(op.f("ck_wage_payment_amount_fen_bounds"), type_="check")
        batch.drop_constraint(op.f("ck_wage_payment_paid_on_window"), type_="check")
        batch.drop_constraint(op.f("ck_wage_payment_period_end_window"), type_="check")
        batch.drop_constraint(op.f("ck_wage_payment_period_start_window"), type_="check")
    with op.batch_alter_table("member_capacity") as batch:
        batch.drop_constraint(op.f("ck_member_capacity_effective_on_window"), type_="check")
    with op.batch_alter_table("employment") as batch:
        batch.drop_constraint(op.f("ck_employment_ended_on_window"), type_="check")
        batch.drop_constraint(op.f("ck_employment_started_on_window"), type_="check")
    with op.batch_alter_table("member") as batch:
        batch.drop_constraint(op.f("ck_member_birth_date_window"), type_="check")
        batch.drop_constraint(op.f("ck_member_joined_on_window"), type_="check")
        batch.drop_constraint(op.f("ck_member_labour_capacity_known"), type_="check")
        batch.drop_constraint(op.f("ck_member_left_on_window"), type_="check")
        batch.drop_constraint(op.f("ck_member_relation_known"), type_="check")
    with op.batch_alter_table("household_status") as batch:
        batch.drop_constraint(op.f("ck_household_status_effective_on_window"), type_="check")
        batch.drop_constraint(op.f("ck_household_status_exit_year_window"), type_="check")
    with op.batch_alter_table("household") as batch:
        batch.drop_constraint(op.f("ck_household_exit_year_window"), type_="check")
        batch.drop_constraint(op.f("ck_household_left_on_window"), type_="check")
        batch.drop_constraint(op.f("ck_household_registered_on_window"), type_="check")
