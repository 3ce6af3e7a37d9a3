"""Projections: everything here but ``checkpoint`` can be rebuilt from the event log (``fupin audit replay``).

``checkpoint`` is what the ledger signed and published about the sources' Merkle trees
(services/ledger/proofs.py); it is evidence kept, not derived, and replay leaves it out.

Every table is insert-mostly and order-independent across sources (within a source the log's
order is kept), so a replay in any interleaving of sources reaches the same rows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shared.bounds import MAX_PAYMENT_FEN
from shared.db import UTCDateTime, make_base

Base = make_base("ledger")


class LedgerHousehold(Base):
    __tablename__ = "ledger_household"

    household_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_number: Mapped[str] = mapped_column(String(40))
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    township_code: Mapped[str] = mapped_column(String(9), index=True)
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    poverty_status: Mapped[str] = mapped_column(String(30))
    registered_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)


class HouseholdSize(Base):
    """Household size history: the counts hold from ``effective_on`` until the next row."""

    __tablename__ = "household_size"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(String(36), index=True)
    effective_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    member_count: Mapped[int] = mapped_column(Integer)
    labour_count: Mapped[int] = mapped_column(Integer)


class IncomeEntry(Base):
    """One entry per (source event, household, benefit type). Never updated; corrections reverse."""

    __tablename__ = "income_entry"
    __table_args__ = (
        Index("ix_income_household_date", "household_id", "occurred_on"),
        Index("ix_income_village_date", "village_code", "occurred_on"),
        # Each line is bounded like the API's money (shared/bounds.py), so no SUM over them can overflow
        # 64 bits; reversing entries are negative. The projector parks a fact outside it (ParkedFact).
        CheckConstraint(f"amount_fen BETWEEN {-MAX_PAYMENT_FEN} AND {MAX_PAYMENT_FEN}", name="amount_within_bounds"),
    )

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    benefit_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    occurred_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    village_code: Mapped[str] = mapped_column(String(12))
    township_code: Mapped[str] = mapped_column(String(9))
    county_code: Mapped[str] = mapped_column(String(6))
    source: Mapped[str] = mapped_column(String(20))
    event_type: Mapped[str] = mapped_column(String(120))
    lineage: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    reverses_event_id: Mapped[str | None] = mapped_column(String(36))


class PolicyFact(Base):
    """Every other fact of the log, kept as it was said, for the policy indicators.

    The indicators read facts by type and place; a contract that lands later needs no migration,
    and a replay rebuilds this table like any other.
    """

    __tablename__ = "policy_fact"
    __table_args__ = (
        Index("ix_policy_fact_village_type", "village_code", "fact"),
        Index("ix_policy_fact_county_type", "county_code", "fact"),
    )

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    fact: Mapped[str] = mapped_column(String(80), index=True)  # e.g. "village_registered" (type without prefix/version)
    event_type: Mapped[str] = mapped_column(String(120))
    subject: Mapped[str | None] = mapped_column(String(80))
    village_code: Mapped[str | None] = mapped_column(String(12))
    county_code: Mapped[str | None] = mapped_column(String(6))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Checkpoint(Base):
    """A signed checkpoint (C2SP tlog-checkpoint) of a source's Merkle tree, as published."""

    __tablename__ = "checkpoint"

    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    tree_size: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    root_hash: Mapped[str] = mapped_column(String(64))  # hex, for queries; the note carries it in base64
    note: Mapped[str] = mapped_column(Text)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ParkedFact(Base):
    """A fact of the log the projections refuse to book, with the reason (e.g. an amount beyond the bounds).

    An old or foreign event must neither stall the consumer nor poison a sum: it is consumed, kept
    here as it was said, logged, and counted (``SELECT reason, count(*) FROM parked_fact``). A replay
    parks the same facts, so this table is a projection like the others.
    """

    __tablename__ = "parked_fact"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    event_type: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(String(300))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
