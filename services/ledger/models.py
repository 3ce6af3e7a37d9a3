"""Projections: everything here but ``checkpoint`` can be rebuilt from the event log (``fupin audit replay``).

``checkpoint`` is what the ledger signed and published about the sources' Merkle trees
(services/ledger/proofs.py); it is evidence kept, not derived, and replay leaves it out.

Every table is insert-mostly and order-independent across sources (within a source the log's
order is kept), so a replay in any interleaving of sources reaches the same rows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Column, Date, Index, Integer, String, Table, Text, inspect
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel, col

from shared.bounds import MAX_PAYMENT_FEN
from shared.db import UTCDateTime, make_base


class LedgerTable(SQLModel, registry=registry(metadata=make_base("ledger").metadata)):
    """The ledger's tables: SQLModel on a registry of its own, whose MetaData (naming convention and
    the infrastructure tables included) is the ledger database's and Alembic's target."""


Base = LedgerTable  # the name the ledger's callers (and its tests) know the tables' base by
__all__ = [
    "Base",
    "Checkpoint",
    "HouseholdSize",
    "IncomeEntry",
    "IncomeEntryFields",
    "LedgerHousehold",
    "LedgerMember",
    "LedgerTable",
    "ParkedFact",
    "PolicyFact",
    "col",
    "table_of",
]


def table_of(model: type[LedgerTable]) -> Table:
    """A table class's ``Table`` (SQLModel's stubs do not declare ``__table__``)."""
    table = inspect(model).local_table
    assert isinstance(table, Table)
    return table


class LedgerHousehold(LedgerTable, table=True):
    __tablename__ = "ledger_household"

    household_id: str = Field(sa_column=Column(String(36), primary_key=True))
    household_number: str = Field(sa_column=Column(String(40), nullable=False))
    village_code: str = Field(sa_column=Column(String(12), index=True, nullable=False))
    township_code: str = Field(sa_column=Column(String(9), index=True, nullable=False))
    county_code: str = Field(sa_column=Column(String(6), index=True, nullable=False))
    poverty_status: str = Field(sa_column=Column(String(30), nullable=False))
    registered_on: date = Field(sa_column=Column(Date, nullable=False))
    left_on: date | None = Field(sa_column=Column(Date))
    head_member_id: str | None = Field(
        default=None, sa_column=Column(String(36))
    )  # the head (户主): a member registered as head, or named by household_head_changed


class LedgerMember(LedgerTable, table=True):
    """A household's members as the read models show them: the name only (the registry keeps the rest).

    From member_registered, renamed by member_updated; the head is ``LedgerHousehold.head_member_id``.
    """

    __tablename__ = "ledger_member"

    member_id: str = Field(sa_column=Column(String(36), primary_key=True))
    household_id: str = Field(sa_column=Column(String(36), index=True, nullable=False))
    name: str = Field(sa_column=Column(String(50), nullable=False))


class HouseholdSize(LedgerTable, table=True):
    """Household size history: the counts hold from ``effective_on`` until the next row."""

    __tablename__ = "household_size"

    event_id: str = Field(sa_column=Column(String(36), primary_key=True))
    household_id: str = Field(sa_column=Column(String(36), index=True, nullable=False))
    effective_on: date = Field(sa_column=Column(Date, nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    member_count: int = Field(sa_column=Column(Integer, nullable=False))
    labour_count: int = Field(sa_column=Column(Integer, nullable=False))


class IncomeEntryFields(SQLModel):
    """The fields an income entry shows the API (``schemas.IncomeEntryOut``) and keeps in its table, declared once."""

    event_id: str = Field(sa_column=Column(String(36), primary_key=True))
    household_id: str = Field(sa_column=Column(String(36), primary_key=True))
    benefit_type: str = Field(sa_column=Column(String(20), primary_key=True))
    amount_fen: int = Field(description="negative for a reversing entry", sa_column=Column(BigInteger, nullable=False))
    occurred_on: date = Field(sa_column=Column(Date, nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    village_code: str = Field(sa_column=Column(String(12), nullable=False))
    county_code: str = Field(sa_column=Column(String(6), nullable=False))
    source: str = Field(sa_column=Column(String(20), nullable=False))
    event_type: str = Field(sa_column=Column(String(120), nullable=False))
    lineage: dict[str, str] = Field(
        description="fund, allocation, project, asset, agreement, contract, order … ids the event carries",
        sa_column=Column(JSON, default=dict, nullable=False),
    )
    reverses_event_id: str | None = Field(default=None, sa_column=Column(String(36)))


class IncomeEntry(IncomeEntryFields, LedgerTable, table=True):
    """One entry per (source event, household, benefit type). Never updated; corrections reverse."""

    __tablename__ = "income_entry"
    __table_args__ = (
        Index("ix_income_household_date", "household_id", "occurred_on"),
        Index("ix_income_village_date", "village_code", "occurred_on"),
        # Each line is bounded like the API's money (shared/bounds.py), so no SUM over them can overflow
        # 64 bits; reversing entries are negative. The projector parks a fact outside it (ParkedFact).
        CheckConstraint(f"amount_fen BETWEEN {-MAX_PAYMENT_FEN} AND {MAX_PAYMENT_FEN}", name="amount_within_bounds"),
    )

    township_code: str = Field(sa_column=Column(String(9), nullable=False))


class PolicyFact(LedgerTable, table=True):
    """Every other fact of the log, kept as it was said, for the policy indicators.

    The indicators read facts by type and place; a contract that lands later needs no migration,
    and a replay rebuilds this table like any other.
    """

    __tablename__ = "policy_fact"
    __table_args__ = (
        Index("ix_policy_fact_village_type", "village_code", "fact"),
        Index("ix_policy_fact_county_type", "county_code", "fact"),
    )

    event_id: str = Field(sa_column=Column(String(36), primary_key=True))
    source: str = Field(sa_column=Column(String(20), nullable=False))
    fact: str = Field(sa_column=Column(String(80), index=True, nullable=False))  # e.g. "village_registered" (type without prefix/version)
    event_type: str = Field(sa_column=Column(String(120), nullable=False))
    subject: str | None = Field(sa_column=Column(String(80)))
    village_code: str | None = Field(sa_column=Column(String(12)))
    county_code: str | None = Field(sa_column=Column(String(6)))
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    data: dict[str, Any] = Field(sa_column=Column(JSON, default=dict, nullable=False))


class Checkpoint(LedgerTable, table=True):
    """A signed checkpoint (C2SP tlog-checkpoint) of a source's Merkle tree, as published."""

    __tablename__ = "checkpoint"

    source: str = Field(sa_column=Column(String(40), primary_key=True))
    tree_size: int = Field(sa_column=Column(BigInteger, primary_key=True))
    root_hash: str = Field(sa_column=Column(String(64), nullable=False))  # hex, for queries; the note carries it in base64
    note: str = Field(sa_column=Column(Text, nullable=False))
    signed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class ParkedFact(LedgerTable, table=True):
    """A fact of the log the projections refuse to book, with the reason (e.g. an amount beyond the bounds).

    An old or foreign event must neither stall the consumer nor poison a sum: it is consumed, kept
    here as it was said, logged, and counted (``SELECT reason, count(*) FROM parked_fact``). A replay
    parks the same facts, so this table is a projection like the others.
    """

    __tablename__ = "parked_fact"

    event_id: str = Field(sa_column=Column(String(36), primary_key=True))
    source: str = Field(sa_column=Column(String(20), nullable=False))
    event_type: str = Field(sa_column=Column(String(120), nullable=False))
    reason: str = Field(sa_column=Column(String(300), nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    data: dict[str, Any] = Field(sa_column=Column(JSON, default=dict, nullable=False))
