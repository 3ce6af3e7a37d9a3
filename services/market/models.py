"""Tables of the market service (its own database; nobody else writes it).

Quantities are integers in thousandths of the unit (``*_milli``); money is integer fen. The CHECK
constraints repeat the API's bounds (``services/market/domain.py``, ``shared/bounds.py``), so a row
written another way cannot hold what the API would refuse.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, Date, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.market.domain import MAX_LINES, MAX_QUANTITY_MILLI
from shared.bounds import MAX_PAYMENT_FEN, MAX_UNIT_PRICE_FEN
from shared.db import UTCDateTime, make_base, utcnow

Base = make_base("market")


def quantity(column: str) -> str:
    return f"{column} BETWEEN 1 AND {MAX_QUANTITY_MILLI}"


def unit_price(column: str, low: int = 0) -> str:
    return f"{column} BETWEEN {low} AND {MAX_UNIT_PRICE_FEN}"


# ---- what market knows of other services' facts (kept by consumers.py) ----------------------


class KnownVillage(Base):
    __tablename__ = "known_village"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    paired_unit: Mapped[str | None] = mapped_column(String(200))


class KnownHousehold(Base):
    __tablename__ = "known_household"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    poverty_status: Mapped[str] = mapped_column(String(30))
    left_on: Mapped[date | None] = mapped_column(Date)


class KnownEntity(Base):
    __tablename__ = "known_entity"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    county_code: Mapped[str | None] = mapped_column(String(6))
    village_codes: Mapped[list[str]] = mapped_column(JSON, default=list)


# ---- partner platforms and their signed webhooks ---------------------------------------------


class Partner(Base):
    __tablename__ = "partner"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    allowed_products: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PartnerSecret(Base):
    __tablename__ = "partner_secret"
    __table_args__ = (Index("ix_partner_secret_partner", "partner"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    partner: Mapped[str] = mapped_column(String(40))
    # ``whsec_…`` encrypted with the service's vault; only the last characters are ever shown.
    secret_cipher: Mapped[str] = mapped_column(String(300))
    hint: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WebhookMessage(Base):
    """A webhook accepted once: a redelivery with the same ``webhook-id`` gets this response again."""

    __tablename__ = "webhook_message"

    partner: Mapped[str] = mapped_column(String(40), primary_key=True)
    webhook_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    body_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[bytes] = mapped_column(LargeBinary)
    order_id: Mapped[str | None] = mapped_column(String(36))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PartnerOrder(Base):
    __tablename__ = "partner_order"
    __table_args__ = (
        UniqueConstraint("partner", "partner_order_id", name="uq_partner_order_partner_order"),
        CheckConstraint("total_fen >= 0", name="total_not_negative"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    partner: Mapped[str] = mapped_column(String(40))
    partner_order_id: Mapped[str] = mapped_column(String(100))
    body_hash: Mapped[str] = mapped_column(String(64))
    buyer_kind: Mapped[str] = mapped_column(String(40))
    buyer_name: Mapped[str | None] = mapped_column(String(200))
    village_code: Mapped[str | None] = mapped_column(String(12), index=True)
    entity_id: Mapped[str | None] = mapped_column(String(36), index=True)
    total_fen: Mapped[int] = mapped_column(BigInteger)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PartnerOrderLine(Base):
    __tablename__ = "partner_order_line"
    __table_args__ = (
        CheckConstraint(f"line_no BETWEEN 1 AND {MAX_LINES}", name="line_no_within_bounds"),
        CheckConstraint(quantity("quantity_milli"), name="quantity_within_bounds"),
        CheckConstraint(unit_price("unit_price_fen"), name="unit_price_within_bounds"),
        CheckConstraint("amount_fen >= 0", name="amount_not_negative"),
        CheckConstraint("filled_milli BETWEEN 0 AND quantity_milli", name="filled_within_line"),
    )

    order_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    product: Mapped[str] = mapped_column(String(40))
    product_name: Mapped[str | None] = mapped_column(String(200))
    quantity_milli: Mapped[int] = mapped_column(BigInteger)
    unit: Mapped[str] = mapped_column(String(10))
    unit_price_fen: Mapped[int] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    filled_milli: Mapped[int] = mapped_column(BigInteger, default=0)


# ---- order farming (R12) ----------------------------------------------------------------------


class OrderContract(Base):
    __tablename__ = "order_contract"
    __table_args__ = (
        CheckConstraint(quantity("quantity_milli"), name="quantity_within_bounds"),
        CheckConstraint(unit_price("floor_price_fen", low=1), name="floor_price_within_bounds"),  # R12: above zero
        CheckConstraint("delivered_milli BETWEEN 0 AND quantity_milli", name="delivered_within_contract"),
        CheckConstraint("settled_fen >= 0", name="settled_not_negative"),
        CheckConstraint("starts_on <= ends_on", name="term_in_order"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    household_id: Mapped[str] = mapped_column(String(36), index=True)
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    product: Mapped[str] = mapped_column(String(40))
    quantity_milli: Mapped[int] = mapped_column(BigInteger)
    unit: Mapped[str] = mapped_column(String(10))
    floor_price_fen: Mapped[int] = mapped_column(BigInteger)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    delivered_milli: Mapped[int] = mapped_column(BigInteger, default=0)
    settled_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    signed_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Delivery(Base):
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

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contract_id: Mapped[str] = mapped_column(String(36), index=True)
    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    household_id: Mapped[str] = mapped_column(String(36))
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    product: Mapped[str] = mapped_column(String(40))
    unit: Mapped[str] = mapped_column(String(10))
    quantity_milli: Mapped[int] = mapped_column(BigInteger)
    grade: Mapped[str] = mapped_column(String(20))
    delivered_on: Mapped[date] = mapped_column(Date)
    market_price_fen: Mapped[int] = mapped_column(BigInteger)
    floor_price_fen: Mapped[int] = mapped_column(BigInteger)
    paid_price_fen: Mapped[int] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    filled_milli: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OrderFill(Base):
    """Which household's delivery filled which partner order line, and how much of it."""

    __tablename__ = "order_fill"
    __table_args__ = (
        Index("ix_order_fill_order", "order_id", "line_no"),
        Index("ix_order_fill_delivery", "delivery_id"),
        CheckConstraint(quantity("quantity_milli"), name="quantity_within_bounds"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    order_id: Mapped[str] = mapped_column(String(36))
    line_no: Mapped[int] = mapped_column(Integer)
    delivery_id: Mapped[str] = mapped_column(String(36))
    contract_id: Mapped[str] = mapped_column(String(36))
    household_id: Mapped[str] = mapped_column(String(36))
    village_code: Mapped[str] = mapped_column(String(12))
    entity_id: Mapped[str] = mapped_column(String(36))
    quantity_milli: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# ---- market linkage (R18–R21) -----------------------------------------------------------------


class DirectSupplyChannel(Base):
    __tablename__ = "direct_supply_channel"
    __table_args__ = (
        CheckConstraint(quantity("volume_milli"), name="volume_within_bounds"),
        CheckConstraint("period_start <= period_end", name="period_in_order"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    counterparty: Mapped[str] = mapped_column(String(200))
    partner: Mapped[str | None] = mapped_column(String(40))
    product: Mapped[str | None] = mapped_column(String(40))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    volume_milli: Mapped[int] = mapped_column(BigInteger)
    unit: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ShowcaseWindow(Base):
    __tablename__ = "showcase_window"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    paired_unit: Mapped[str] = mapped_column(String(200))
    form: Mapped[str] = mapped_column(String(10))
    opened_on: Mapped[date] = mapped_column(Date)
    address_or_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EcommercePoint(Base):
    __tablename__ = "ecommerce_point"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    level: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    township_code: Mapped[str | None] = mapped_column(String(9))
    village_code: Mapped[str | None] = mapped_column(String(12))
    covered_village_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    covered_bases: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    opened_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ColdChainFacility(Base):
    __tablename__ = "cold_chain_facility"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    township_code: Mapped[str | None] = mapped_column(String(9))
    capacity: Mapped[str | None] = mapped_column(String(30))
    capacity_unit: Mapped[str | None] = mapped_column(String(20))
    covered_village_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    covered_bases: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    opened_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Coverage(Base):
    """One covered village or base of an e-commerce point or cold-chain facility, for per-village lookups."""

    __tablename__ = "coverage"
    __table_args__ = (Index("ix_coverage_village", "village_code"), Index("ix_coverage_base", "base_code"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    facility_kind: Mapped[str] = mapped_column(String(20))  # "ecommerce_point" | "cold_chain"
    facility_id: Mapped[str] = mapped_column(String(36))
    village_code: Mapped[str | None] = mapped_column(String(12))
    base_code: Mapped[str | None] = mapped_column(String(60))
