"""Production costs recorded against order income, so a household's business income (经营净收入) can be net."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, Date, Index, String
from sqlmodel import Field

from services.ledger.models import LedgerTable
from shared.bounds import MAX_PAYMENT_FEN
from shared.db import UTCDateTime


class ProductionCost(LedgerTable, table=True):
    """One cost, never edited: a correction is a negative entry that reverses it. Not a projection (recorded here)."""

    __tablename__ = "production_cost"
    __table_args__ = (
        Index("ix_production_cost_household_date", "household_id", "occurred_on"),
        CheckConstraint(f"amount_fen BETWEEN {-MAX_PAYMENT_FEN} AND {MAX_PAYMENT_FEN}", name="cost_within_bounds"),
    )

    cost_id: str = Field(sa_column=Column(String(36), primary_key=True))
    household_id: str = Field(sa_column=Column(String(36), nullable=False))
    village_code: str = Field(sa_column=Column(String(12), nullable=False))
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    occurred_on: date = Field(sa_column=Column(Date, nullable=False))
    contract_id: str | None = Field(default=None, sa_column=Column(String(36)))
    item: str = Field(sa_column=Column(String(200), nullable=False))
    reverses_cost_id: str | None = Field(default=None, sa_column=Column(String(36), unique=True))
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
