"""Tables of the market service (its own database; nobody else writes it).

Quantities are integers in thousandths of the unit (``*_milli``); money is integer fen. The CHECK
constraints repeat the API's bounds (``services/market/domain.py``, ``shared/bounds.py``), so a row
written another way cannot hold what the API would refuse.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, Column, Date, Index, Integer, LargeBinary, String, Table, UniqueConstraint, inspect
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel, col

from services.market.domain import MAX_LINES, MAX_QUANTITY_MILLI
from shared.bounds import MAX_PAYMENT_FEN, MAX_UNIT_PRICE_FEN
from shared.db import UTCDateTime, make_base, utcnow


class MarketTable(SQLModel, registry=registry(metadata=make_base("market").metadata)):
    """The market's tables: SQLModel on a registry of its own, whose MetaData (naming convention and
    the infrastructure tables included) is the market database's and Alembic's target."""


Base = MarketTable  # the name the market's callers (and its tests) know the tables' base by
__all__ = ["Base", "MarketTable", "col", "table_of"]


def table_of(model: type[MarketTable]) -> Table:
    """A table class's ``Table`` (SQLModel's stubs do not declare ``__table__``)."""
    table = inspect(model).local_table
    assert isinstance(table, Table)
    return table


def quantity(column: str) -> str:
    return f"{column} BETWEEN 1 AND {MAX_QUANTITY_MILLI}"


def unit_price(column: str, low: int = 0) -> str:
    return f"{column} BETWEEN {low} AND {MAX_UNIT_PRICE_FEN}"


# ---- what market knows of other services' facts (kept by consumers.py) ----------------------


class KnownVillage(MarketTable, table=True):
    __tablename__ = "known_village"

    code: str = Field(sa_column=Column(String(12), primary_key=True))
    name: str = Field(sa_column=Column(String(100), nullable=False))
    categories: list[str] = Field(default_factory=list, sa_column=Column(JSON, default=list, nullable=False))
    paired_unit: str | None = Field(default=None, sa_column=Column(String(200)))


class KnownHousehold(MarketTable, table=True):
    __tablename__ = "known_household"

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    village_code: str = Field(sa_column=Column(String(12), index=True, nullable=False))
    poverty_status: str = Field(sa_column=Column(String(30), nullable=False))
    left_on: date | None = Field(default=None, sa_column=Column(Date))


class KnownEntity(MarketTable, table=True):
    __tablename__ = "known_entity"

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    name: str = Field(sa_column=Column(String(200), nullable=False))
    kind: str = Field(sa_column=Column(String(40), nullable=False))
    county_code: str | None = Field(default=None, sa_column=Column(String(6)))
    village_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, default=list, nullable=False))


# ---- partner platforms and their signed webhooks ---------------------------------------------


class Partner(MarketTable, table=True):
    __tablename__ = "partner"

    code: str = Field(sa_column=Column(String(40), primary_key=True))
    name: str = Field(sa_column=Column(String(100), nullable=False))
    enabled: bool = Field(default=True, sa_column=Column(Boolean, default=True, nullable=False))
    allowed_products: list[str] = Field(default_factory=list, sa_column=Column(JSON, default=list, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), default=utcnow, nullable=False))


class PartnerSecret(MarketTable, table=True):
    __tablename__ = "partner_secret"
    __table_args__ = (Index("ix_partner_secret_partner", "partner"),)

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    partner: str = Field(sa_column=Column(String(40), nullable=False))
    # ``whsec_…`` encrypted with the service's vault; only the last characters are ever shown.
    secret_cipher: str = Field(sa_column=Column(String(300), nullable=False))
    hint: str = Field(sa_column=Column(String(12), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), default=utcnow, nullable=False))
    created_by: str = Field(sa_column=Column(String(100), nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class WebhookMessage(MarketTable, table=True):
    """A webhook accepted once: a redelivery with the same ``webhook-id`` gets this response again."""

    __tablename__ = "webhook_message"

    partner: str = Field(sa_column=Column(String(40), primary_key=True))
    webhook_id: str = Field(sa_column=Column(String(200), primary_key=True))
    body_hash: str = Field(sa_column=Column(String(64), nullable=False))
    status_code: int = Field(sa_column=Column(Integer, nullable=False))
    response: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    order_id: str | None = Field(default=None, sa_column=Column(String(36)))
    received_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), default=utcnow, nullable=False))


class PartnerOrder(MarketTable, table=True):
    __tablename__ = "partner_order"
    __table_args__ = (
        UniqueConstraint("partner", "partner_order_id", name="uq_partner_order_partner_order"),
        CheckConstraint("total_fen >= 0", name="total_not_negative"),
    )

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    partner: str = Field(sa_column=Column(String(40), nullable=False))
    partner_order_id: str = Field(sa_column=Column(String(100), nullable=False))
    body_hash: str = Field(sa_column=Column(String(64), nullable=False))
    buyer_kind: str = Field(sa_column=Column(String(40), nullable=False))
    buyer_name: str | None = Field(default=None, sa_column=Column(String(200)))
    village_code: str | None = Field(default=None, sa_column=Column(String(12), index=True))
    entity_id: str | None = Field(default=None, sa_column=Column(String(36), index=True))
    total_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    placed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    received_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), default=utcnow, nullable=False))


class PartnerOrderLine(MarketTable, table=True):
    __tablename__ = "partner_order_line"
    __table_args__ = (
        CheckConstraint(f"line_no BETWEEN 1 AND {MAX_LINES}", name="line_no_within_bounds"),
        CheckConstraint(quantity("quantity_milli"), name="quantity_within_bounds"),
        CheckConstraint(unit_price("unit_price_fen"), name="unit_price_within_bounds"),
        CheckConstraint("amount_fen >= 0", name="amount_not_negative"),
        CheckConstraint("filled_milli BETWEEN 0 AND quantity_milli", name="filled_within_line"),
    )

    order_id: str = Field(sa_column=Column(String(36), primary_key=True))
    line_no: int = Field(sa_column=Column(Integer, primary_key=True))
    product: str = Field(sa_column=Column(String(40), nullable=False))
    product_name: str | None = Field(default=None, sa_column=Column(String(200)))
    quantity_milli: int = Field(sa_column=Column(BigInteger, nullable=False))
    unit: str = Field(sa_column=Column(String(10), nullable=False))
    unit_price_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    filled_milli: int = Field(default=0, sa_column=Column(BigInteger, default=0, nullable=False))


# ---- order farming (R12) ----------------------------------------------------------------------


class OrderContract(MarketTable, table=True):
    __tablename__ = "order_contract"
    __table_args__ = (
        CheckConstraint(quantity("quantity_milli"), name="quantity_within_bounds"),
        CheckConstraint(unit_price("floor_price_fen", low=1), name="floor_price_within_bounds"),  # R12: above zero
        CheckConstraint("delivered_milli BETWEEN 0 AND quantity_milli", name="delivered_within_contract"),
        CheckConstraint("settled_fen >= 0", name="settled_not_negative"),
        CheckConstraint("starts_on <= ends_on", name="term_in_order"),
    )

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    entity_id: str = Field(sa_column=Column(String(36), index=True, nullable=False))
    household_id: str = Field(sa_column=Column(String(36), index=True, nullable=False))
    village_code: str = Field(sa_column=Column(String(12), index=True, nullable=False))
    product: str = Field(sa_column=Column(String(40), nullable=False))
    quantity_milli: int = Field(sa_column=Column(BigInteger, nullable=False))
    unit: str = Field(sa_column=Column(String(10), nullable=False))
    floor_price_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    starts_on: date = Field(sa_column=Column(Date, nullable=False))
    ends_on: date = Field(sa_column=Column(Date, nullable=False))
    delivered_milli: int = Field(default=0, sa_column=Column(BigInteger, default=0, nullable=False))
    settled_fen: int = Field(default=0, sa_column=Column(BigInteger, default=0, nullable=False))
    signed_by: str = Field(sa_column=Column(String(100), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), default=utcnow, nullable=False))


class Delivery(MarketTable, table=True):
    __tablename__ = "delivery"
    __table_args__ = (
        CheckConstraint(quantity("quantity_milli"), name="quantity_within_bounds"),
        CheckConstraint(unit_price("market_price_fen"), name="market_price_within_bounds"),
        CheckConstraint(unit_price("floor_price_fen", low=1), name="floor_price_within_bounds"),
        CheckConstraint(unit_price("paid_price_fen"), name="paid_price_within_bounds"),
        # One settlement is one income line: at most one payment's ceiling, so no ledger SUM can overflow.
        CheckConstraint(f"amount_fen BETWEEN 0 AND {MAX_PAYMENT_FEN}", name="amount_within_bounds"),
        CheckConstraint("filled_milli BETWEEN 0 AND quantity_milli", name="filled_within_delivery"),
    )

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    contract_id: str = Field(sa_column=Column(String(36), index=True, nullable=False))
    entity_id: str = Field(sa_column=Column(String(36), index=True, nullable=False))
    household_id: str = Field(sa_column=Column(String(36), nullable=False))
    village_code: str = Field(sa_column=Column(String(12), index=True, nullable=False))
    product: str = Field(sa_column=Column(String(40), nullable=False))
    unit: str = Field(sa_column=Column(String(10), nullable=False))
    quantity_milli: int = Field(sa_column=Column(BigInteger, nullable=False))
    grade: str = Field(sa_column=Column(String(20), nullable=False))
    delivered_on: date = Field(sa_column=Column(Date, nullable=False))
    market_price_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    floor_price_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    paid_price_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    filled_milli: int = Field(default=0, sa_column=Column(BigInteger, default=0, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), default=utcnow, nullable=False))


class OrderFill(MarketTable, table=True):
    """Which household's delivery filled which partner order line, and how much of it."""

    __tablename__ = "order_fill"
    __table_args__ = (
        Index("ix_order_fill_order", "order_id", "line_no"),
        Index("ix_order_fill_delivery", "delivery_id"),
        CheckConstraint(quantity("quantity_milli"), name="quantity_within_bounds"),
    )

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    order_id: str = Field(sa_column=Column(String(36), nullable=False))
    line_no: int = Field(sa_column=Column(Integer, nullable=False))
    delivery_id: str = Field(sa_column=Column(String(36), nullable=False))
    contract_id: str = Field(sa_column=Column(String(36), nullable=False))
    household_id: str = Field(sa_column=Column(String(36), nullable=False))
    village_code: str = Field(sa_column=Column(String(12), nullable=False))
    entity_id: str = Field(sa_column=Column(String(36), nullable=False))
    quantity_milli: int = Field(sa_column=Column(BigInteger, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), default=utcnow, nullable=False))


# ---- market linkage (R18–R21) -----------------------------------------------------------------


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
