"""The funds tables: SQLModel classes on a registry of their own, declaring what the migrations made."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, inspect
from sqlmodel import SQLModel

from services.funds.app import SPEC
from services.funds.models import Fund, FundsTable, metadata


def test_funds_tables_have_a_metadata_of_their_own():
    assert FundsTable.metadata is metadata is SPEC.metadata
    assert metadata is not SQLModel.metadata
    assert Fund.__table__.metadata is metadata
    assert not set(metadata.tables) & set(SQLModel.metadata.tables)
    assert {"fund", "allocation", "distribution", "income_payment", "outbox", "idempotency_record"} <= set(metadata.tables)
    assert metadata.info["service"] == "funds"


async def test_models_declare_exactly_the_check_constraints_the_migrations_made(platform):
    """Autogenerate does not compare CHECK constraints: the bounds of c7e1f0a2d3b4 are compared here."""

    def reflected(sync_conn) -> dict[str, set[str]]:
        inspector = inspect(sync_conn)
        return {t: {c["name"] for c in inspector.get_check_constraints(t)} for t in inspector.get_table_names() if t in metadata.tables}

    async with platform.context("funds").engine.connect() as conn:
        in_database = await conn.run_sync(reflected)
    declared = {name: {c.name for c in table.constraints if isinstance(c, CheckConstraint)} for name, table in metadata.tables.items()}
    declared = {t: names for t, names in declared.items() if t in in_database}
    assert declared == in_database
    assert "ck_fund_amount_fen_bounded" in declared["fund"] and "ck_income_payment_amount_fen_bounded" in declared["income_payment"]
