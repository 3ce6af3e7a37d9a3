"""The training tables: SQLModel classes on a registry of their own, declaring what the migrations made."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, inspect
from sqlmodel import SQLModel

from services.training.app import SPEC
from services.training.fields import TrainingTable, metadata
from services.training.models import Compliance, Course


def test_training_tables_have_a_metadata_of_their_own():
    assert TrainingTable.metadata is metadata is SPEC.metadata
    assert metadata is not SQLModel.metadata and not set(metadata.tables) & set(SQLModel.metadata.tables)
    assert Course.__table__.metadata is metadata
    assert [c.name for c in Compliance.__table__.primary_key.columns] == ["member_id", "year"]
    assert {"course", "training_session", "enrolment", "certificate", "compliance", "outbox"} <= set(metadata.tables)
    assert metadata.info["service"] == "training"


async def test_models_declare_exactly_the_check_constraints_the_migrations_made(platform):
    """Autogenerate does not compare CHECK constraints: the bounds of c8d2e3f4a5b6 are compared here."""

    def reflected(sync_conn) -> dict[str, set[str]]:
        inspector = inspect(sync_conn)
        return {t: {c["name"] for c in inspector.get_check_constraints(t)} for t in inspector.get_table_names() if t in metadata.tables}

    async with platform.context("training").engine.connect() as conn:
        in_database = await conn.run_sync(reflected)
    declared = {name: {c.name for c in table.constraints if isinstance(c, CheckConstraint)} for name, table in metadata.tables.items()}
    assert {t: names for t, names in declared.items() if t in in_database} == in_database
    assert "ck_course_standard_days_bounds" in declared["course"] and "ck_compliance_year_window" in declared["compliance"]
