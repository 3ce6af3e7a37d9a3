"""Tables of order contracts and their deliveries (R12)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, Date, String
from sqlmodel import Field

from services.market.base import MarketTable, quantity, unit_price
from shared.bounds import MAX_PAYMENT_FEN
from shared.db import UTCDateTime, utcnow
from shared.events.market import Unit


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
    unit: Unit = Field(sa_column=Column(String(10), nullable=False))
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
    unit: Unit = Field(sa_column=Column(String(10), nullable=False))
    quantity_milli: int = Field(sa_column=Column(BigInteger, nullable=False))
    grade: str = Field(sa_column=Column(String(20), nullable=False))
    delivered_on: date = Field(sa_column=Column(Date, nullable=False))
    market_price_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    floor_price_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    paid_price_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    filled_milli: int = Field(default=0, sa_column=Column(BigInteger, default=0, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), default=utcnow, nullable=False))

    @property
    def floor_applied(self) -> bool:
        """R12: the floor price paid, the market price of the day being below it."""
        return self.floor_price_fen > self.market_price_fen

    @property
    def unallocated_milli(self) -> int:
        """What no partner order line has been filled from yet."""
        return self.quantity_milli - self.filled_milli
