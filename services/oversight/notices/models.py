"""The notice table: what was posted (as the fact that opened it said), its window and its state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, Integer, String, Text
from sqlmodel import Field

from services.oversight.fields import OversightTable
from shared.db import UTCDateTime
from shared.tables import created, pk

# open → released | blocked (at the window's end, every objection decided); open | blocked → superseded (a correction);
# posted: the gate is off (window 0), the money went at approval, the notice is for information.
NOTICE_STATUSES = ("open", "released", "blocked", "superseded", "posted")


class Notice(OversightTable, table=True):
    __tablename__ = "notice"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'released', 'blocked', 'superseded', 'posted')", name="status_known"),
        CheckConstraint("total_fen >= 0", name="total_fen_not_negative"),
    )

    id: str = pk()
    code: str = Field(sa_type=String(8), unique=True, index=True)
    kind: str = Field(sa_type=String(20))
    # The distribution or subsidy (one notice each), or the household a registry notice is about (one per entry or exit).
    subject_id: str = Field(sa_type=String(36), index=True)
    fact_id: str | None = Field(default=None, sa_type=String(36), unique=True, description="the registry fact that opened it (a redelivery finds it)")
    village_code: str = Field(sa_type=String(12), index=True)
    source_key: str | None = Field(default=None, sa_type=String(45), index=True)
    period: str | None = Field(default=None, sa_type=String(24))
    title: str = Field(sa_type=String(200))
    rule: str | None = Field(default=None, sa_type=String(4))
    benefit_type: str | None = Field(default=None, sa_type=String(20))
    total_fen: int = Field(sa_type=BigInteger)
    household_count: int = Field(sa_type=Integer)
    # [{household_id, units, amount_fen}] as the approval fixed them; names are read (masked) when shown.
    lines: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    lineage: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    gated: bool = Field(sa_type=Boolean)
    window_seconds: int = Field(sa_type=Integer)
    opened_at: datetime = Field(sa_type=UTCDateTime())
    closes_at: datetime = Field(sa_type=UTCDateTime())
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    status: str = Field(sa_type=String(12), index=True)
    digest: str = Field(sa_type=String(64))
    supersedes_notice_id: str | None = Field(default=None, sa_type=String(36))
    superseded_reason: str | None = Field(default=None, sa_type=Text)
    released: bool = Field(default=False, sa_type=Boolean, description="funds confirmed the money went (distribution_released)")
    created_at: datetime = created()
