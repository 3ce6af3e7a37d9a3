"""training bounds as check constraints

The bounds of shared/bounds.py as CHECK constraints (issue 11): dates inside the policy window,
money and counts inside their ceilings, so nothing written another way can poison a projection.

Revision ID: c8d2e3f4a5b6
Revises: 3f902b6d4418
Create Date: 2026-12-01 19:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c8d2e3f4a5b6"
down_revision: str | None = "3f902b6d4418"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("course") as batch:
        batch.create_check_constraint(op.f("ck_course_standard_days_bounds"), "standard_days BETWEEN 1 AND 365")
    with op.batch_alter_table("certificate") as batch:
        batch.create_check_constraint(op.f("ck_certificate_certified_on_window"), "certified_on BETWEEN '2014-01-01' AND '2060-12-31'")
    with op.batch_alter_table("compliance") as batch:
        batch.create_check_constraint(op.f("ck_compliance_year_window"), "year IS NULL OR year BETWEEN 2014 AND 2060")
    with op.batch_alter_table("training_session") as batch:
        batch.create_check_constraint(op.f("ck_training_session_end_date_window"), "end_date >= start_date AND end_date <= '2060-12-31'")
        batch.create_check_constraint(op.f("ck_training_session_start_date_window"), "start_date BETWEEN '2014-01-01' AND '2060-12-31'")
    with op.batch_alter_table("enrolment") as batch:
        batch.create_check_constraint(op.f("ck_enrolment_days_attended_bounds"), "days_attended IS NULL OR days_attended BETWEEN 0 AND 366")
        batch.create_check_constraint(op.f("ck_enrolment_year_window"), "year IS NULL OR year BETWEEN 2014 AND 2060")
    with op.batch_alter_table("attendance") as batch:
        batch.create_check_constraint(op.f("ck_attendance_day_window"), "day BETWEEN '2014-01-01' AND '2060-12-31'")


def downgrade() -> None:
    with op.batch_alter_table("attendance") as batch:
        batch.drop_constraint(op.f("ck_attendance_day_window"), type_="check")
    with op.batch_alter_table("enrolment") as batch:
        batch.drop_constraint(op.f("ck_enrolment_days_attended_bounds"), type_="check")
        batch.drop_constraint(op.f("ck_enrolment_year_window"), type_="check")
    with op.batch_alter_table("training_session") as batch:
        batch.drop_constraint(op.f("ck_training_session_end_date_window"), type_="check")
        batch.drop_constraint(op.f("ck_training_session_start_date_window"), type_="check")
    with op.batch_alter_table("compliance") as batch:
        batch.drop_constraint(op.f("ck_compliance_year_window"), type_="check")
    with op.batch_alter_table("certificate") as batch:
        batch.drop_constraint(op.f("ck_certificate_certified_on_window"), type_="check")
    with op.batch_alter_table("course") as batch:
        batch.drop_constraint(op.f("ck_course_standard_days_bounds"), type_="check")
