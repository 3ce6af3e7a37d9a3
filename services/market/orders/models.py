"""Tables of partner orders: the webhook messages accepted, the orders and their lines, the fills."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlmodel import Field

from services.market.base import MarketTable, quantity, unit_price
from services.market.domain import MAX_LINES
from shared.db import UTCDateTime, utcnow
from shared.events.market import Unit


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
    unit: Unit = Field(sa_column=Column(String(10), nullable=False))
    unit_price_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    filled_milli: int = Field(default=0, sa_column=Column(BigInteger, default=0, nullable=False))


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
