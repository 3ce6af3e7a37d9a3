"""Tables of market linkage (R18–R21): channels, windows, e-commerce points, cold-chain facilities and what they cover."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, Column, Date, Index, String
from sqlmodel import Field

from services.market.base import MarketTable, quantity
from shared.db import UTCDateTime, utcnow


class DirectSupplyChannel(MarketTable, table=True):
    __tablename__ = "direct_supply_channel"
    __table_args__ = (
        CheckConstraint(quantity("volume_milli"), name="volume_within_bounds"),
        CheckConstraint("period_start <= period_end", name="period_in_order"),
    )

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    village_code: str = Field(sa_column=Column(String(12), index=True, nullable=False))
    kind: str = Field(sa_column=Column(String(30), nullable=False))
    counterparty: str = Field(sa_column=Column(String(200), nullable=False))
    partner: str | None = Field(default=None, sa_column=Column(String(40)))
    product: str | None = Field(default=None, sa_column=Column(String(40)))
    period_start: date = Field(sa_column=Column(Date, nullable=False))
    period_end: date = Field(sa_column=Column(Date, nullable=False))
    volume_milli: int = Field(sa_column=Column(BigInteger, nullable=False))
    unit: str = Field(sa_column=Column(String(10), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), default=utcnow, nullable=False))


class ShowcaseWindow(MarketTable, table=True):
    __tablename__ = "showcase_window"

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    village_code: str = Field(sa_column=Column(String(12), index=True, nullable=False))
    paired_unit: str = Field(sa_column=Column(String(200), nullable=False))
    form: str = Field(sa_column=Column(String(10), nullable=False))
    opened_on: date = Field(sa_column=Column(Date, nullable=False))
    address_or_url: str | None = Field(default=None, sa_column=Column(String(500)))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), default=utcnow, nullable=False))


class EcommercePoint(MarketTable, table=True):
    __tablename__ = "ecommerce_point"

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    level: str = Field(sa_column=Column(String(20), nullable=False))
    name: str = Field(sa_column=Column(String(200), nullable=False))
    county_code: str = Field(sa_column=Column(String(6), index=True, nullable=False))
    township_code: str | None = Field(default=None, sa_column=Column(String(9)))
    village_code: str | None = Field(default=None, sa_column=Column(String(12)))
    covered_village_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, default=list, nullable=False))
    covered_bases: list[dict[str, object]] = Field(default_factory=list, sa_column=Column(JSON, default=list, nullable=False))
    opened_on: date = Field(sa_column=Column(Date, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), default=utcnow, nullable=False))


class ColdChainFacility(MarketTable, table=True):
    __tablename__ = "cold_chain_facility"

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    kind: str = Field(sa_column=Column(String(20), nullable=False))
    name: str = Field(sa_column=Column(String(200), nullable=False))
    county_code: str = Field(sa_column=Column(String(6), index=True, nullable=False))
    township_code: str | None = Field(default=None, sa_column=Column(String(9)))
    capacity: str | None = Field(default=None, sa_column=Column(String(30)))
    capacity_unit: str | None = Field(default=None, sa_column=Column(String(20)))
    covered_village_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, default=list, nullable=False))
    covered_bases: list[dict[str, object]] = Field(default_factory=list, sa_column=Column(JSON, default=list, nullable=False))
    opened_on: date = Field(sa_column=Column(Date, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), default=utcnow, nullable=False))


class Coverage(MarketTable, table=True):
    """One covered village or base of an e-commerce point or cold-chain facility, for per-village lookups."""

    __tablename__ = "coverage"
    __table_args__ = (Index("ix_coverage_village", "village_code"), Index("ix_coverage_base", "base_code"))

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    facility_kind: str = Field(sa_column=Column(String(20), nullable=False))  # "ecommerce_point" | "cold_chain"
    facility_id: str = Field(sa_column=Column(String(36), nullable=False))
    village_code: str | None = Field(default=None, sa_column=Column(String(12)))
    base_code: str | None = Field(default=None, sa_column=Column(String(60)))
