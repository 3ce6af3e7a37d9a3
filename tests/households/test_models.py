"""The households tables: SQLModel classes on a registry of their own, declaring what the migrations made."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, inspect
from sqlmodel import SQLModel

from services.households.app import SPEC
from services.households.fields import HouseholdsTable, metadata
from services.households.models import Household, Member


def test_households_tables_have_a_metadata_of_their_own():
    assert HouseholdsTable.metadata is metadata is SPEC.metadata
    assert metadata is not SQLModel.metadata and not set(metadata.tables) & set(SQLModel.metadata.tables)
    assert Household.__table__.metadata is metadata and Member.__table__.metadata is metadata
    assert {"village", "household", "member", "employment", "wage_payment", "outbox", "idempotency_record"} <= set(metadata.tables)
    assert metadata.info["service"] == "households"


async def test_models_declare_exactly_the_check_constraints_the_migrations_made(platform):
    """Autogenerate does not compare CHECK constraints: the bounds of b7c1d2e3f4a5 are compared here."""

    def reflected(sync_conn) -> dict[str, set[str]]:
        inspector = inspect(sync_conn)
        return {t: {c["name"] for c in inspector.get_check_constraints(t)} for t in inspector.get_table_names() if t in metadata.tables}

    async with platform.context("households").engine.connect() as conn:
        in_database = await conn.run_sync(reflected)
    declared = {name: {c.name for c in table.constraints if isinstance(c, CheckConstraint)} for name, table in metadata.tables.items()}
    assert {t: names for t, names in declared.items() if t in in_database} == in_database
    assert "ck_member_relation_known" in declared["member"] and "ck_wage_payment_amount_fen_bounds" in declared["wage_payment"]
