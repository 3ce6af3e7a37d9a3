"""What the notice routes return. The public model holds exactly what was posted: masked names, shares, amounts, the rule."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from services.oversight.cases.models import Category, Status
from shared.events.income import BenefitType
from shared.events.oversight import NoticeKindV2

# A notice's state, as the table's CHECK constraint lists them (services/oversight/notices/models.py).
NoticeStatus = Literal["open", "released", "blocked", "superseded", "posted"]


class PostedLine(BaseModel):
    name: str = Field(description="the household head's name, masked as villages post it (林*国)")
    units: int
    amount_fen: int
    note: str | None = Field(None, description="what is posted besides: a registry entry or exit and its date, the entity's part of a subsidy")


class PostedObjection(BaseModel):
    """An objection's result as the notice publishes it: no complainant, no free text but the official's reasons."""

    category: Category
    category_zh: str
    status: Status
    raised_on: date
    resolution_reason: str | None = None
    resolved_on: date | None = None


class PublicNotice(BaseModel):
    code: str = Field(description="the verification code, as printed (XXXX-XXXX)")
    kind: NoticeKindV2
    title: str
    village_code: str
    village_name: str | None = None
    period: str | None = None
    benefit_type: BenefitType | None = None
    rule: str | None = None
    rule_text: str | None = None
    total_fen: int
    household_count: int
    lines: list[PostedLine]
    lineage: dict[str, str | None]
    gated: bool
    window_seconds: int
    window_note: str
    opened_at: datetime
    closes_at: datetime
    closed_at: datetime | None = None
    status: NoticeStatus
    status_zh: str
    released: bool
    objections: list[PostedObjection]
    digest: str = Field(description="SHA-256 of what was posted; the notice_opened fact in the log carries the same")


class NoticeLineOut(PostedLine):
    household_id: str


class NoticeOut(PublicNotice):
    """The notice as officials see it: the public notice and the ids behind it."""

    id: str
    subject_id: str
    source_key: str | None = None
    supersedes_notice_id: str | None = None
    superseded_reason: str | None = None
    lines: list[NoticeLineOut]  # type: ignore[assignment]  # the officials' lines add the household id to the posted ones
    open_objections: int
