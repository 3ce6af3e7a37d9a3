"""Objections (to an open notice, by anyone) and grievances (about anything, recorded by officials): one table, one workflow."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import JSON, CheckConstraint, Date, String, Text
from sqlmodel import Field

from services.oversight.fields import OversightTable
from shared.bounds import text
from shared.db import UTCDateTime
from shared.tables import created, pk

CaseKind = Literal["objection", "grievance"]
Status = Literal["received", "investigating", "upheld", "rejected"]
# What it is about, in the words officials file it under.
Category = Literal["eligibility", "amount", "share", "name", "procedure", "payment", "entity", "training", "order", "other"]


Ref = text(64, description="an id")
Owner = text(120, description="who investigates: an official's account")


class Case(OversightTable, table=True):
    __tablename__ = "oversight_case"
    __table_args__ = (
        CheckConstraint("status IN ('received', 'investigating', 'upheld', 'rejected')", name="status_known"),
        CheckConstraint("kind IN ('objection', 'grievance')", name="kind_known"),
        CheckConstraint("kind = 'grievance' OR notice_id IS NOT NULL", name="objection_has_notice"),
    )

    id: str = pk()
    kind: str = Field(sa_type=String(10))
    notice_id: str | None = Field(default=None, sa_type=String(36), index=True)
    village_code: str = Field(sa_type=String(12), index=True)
    category: str = Field(sa_type=String(12))
    summary: str = Field(sa_type=Text)
    # The ids it concerns ({"household_id": …, "line_id": …}) and the events, so a reader can find the facts.
    concerns: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    event_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    status: str = Field(default="received", sa_type=String(14), index=True)
    owner: str | None = Field(default=None, sa_type=String(120))
    deadline: date = Field(sa_type=Date, index=True)
    raised_by: str = Field(sa_type=String(120), description="the official's subject, or 'public'")
    # The complainant, when they gave themselves: AES-GCM ciphertext (shared/pii.py), never in events or logs.
    complainant_name_ciphertext: str | None = Field(default=None, sa_type=Text)
    complainant_phone_ciphertext: str | None = Field(default=None, sa_type=Text)
    complainant_phone_hash: str | None = Field(default=None, sa_type=String(64), index=True)
    # [{status, by, at, note}], oldest first: who moved it and why.
    history: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    resolution_reason: str | None = Field(default=None, sa_type=Text)
    resolved_by: str | None = Field(default=None, sa_type=String(120))
    resolved_on: date | None = Field(default=None, sa_type=Date)
    raised_at: datetime = Field(sa_type=UTCDateTime())
    created_at: datetime = created()
