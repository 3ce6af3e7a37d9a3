"""Tables of partner platforms and their webhook secrets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Column, Index, String
from sqlmodel import Field

from services.market.base import MarketTable
from shared.db import UTCDateTime, utcnow


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

    @property
    def masked(self) -> str:
        """The secret as it may be shown: its prefix and its last characters."""
        return f"whsec_…{self.hint}"
