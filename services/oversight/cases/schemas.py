"""What the objection and grievance routes take and return: bounded, strict bodies; the complainant shown masked."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from services.oversight.cases.models import CaseKind, Category, Owner, Ref, Status
from shared.bounds import Note, PersonName, Phone, PolicyDate, StrictInput

MAX_EVENT_IDS = 20


class ConcernsIn(StrictInput):
    """The ids a grievance is about — a household, a payment, an entity, training, an order — any that apply."""

    household_id: Ref | None = None
    member_id: Ref | None = None
    distribution_id: Ref | None = None
    line_id: Ref | None = Field(None, description="an income line (a payment to a household)")
    payment_request_id: Ref | None = None
    entity_id: Ref | None = None
    project_id: Ref | None = None
    asset_id: Ref | None = None
    session_id: Ref | None = Field(None, description="a training session")
    course_id: Ref | None = None
    order_id: Ref | None = None
    contract_id: Ref | None = None


class ObjectionIn(StrictInput):
    """An objection to an open notice, from anyone; name and phone are optional and stored encrypted."""

    model_config = {"json_schema_extra": {"examples": [{"category": "amount", "summary": "我家入股 10 股，公示只列了 5 股", "phone": "13812345678"}]}}

    category: Category
    summary: Note
    name: PersonName | None = None
    phone: Phone | None = None


class GrievanceIn(StrictInput):
    """A grievance an official records about anything; with ``notice_id`` it is an objection to that open notice."""

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "village_code": "440232100201",
                    "category": "payment",
                    "summary": "户主反映 2026 年分红未到账",
                    "concerns": {"household_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f"},
                }
            ]
        }
    }

    village_code: str = Field(min_length=12, max_length=12, pattern=r"^\d{12}$")
    category: Category
    summary: Note
    concerns: ConcernsIn | None = None
    event_ids: list[Ref] = Field(default_factory=list, max_length=MAX_EVENT_IDS)
    notice_id: Ref | None = None
    owner: Owner | None = None
    deadline: PolicyDate | None = None
    complainant_name: PersonName | None = None
    complainant_phone: Phone | None = None


class InvestigationIn(StrictInput):
    model_config = {"json_schema_extra": {"examples": [{"owner": "officer-440232-02", "deadline": "2027-01-15", "note": "已受理，入户核实股数"}]}}

    owner: Owner | None = Field(None, description="default: the caller")
    deadline: PolicyDate | None = None
    note: Note | None = None


class ResolutionIn(StrictInput):
    model_config = {"json_schema_extra": {"examples": [{"outcome": "upheld", "reason": "经核实，该户股数登记错误，须更正后重新公示"}]}}

    outcome: Literal["upheld", "rejected"]
    reason: Note


class ObjectionReceipt(BaseModel):
    """What the public page answers: a reference to ask about, nothing of anyone else's."""

    id: str
    status: Status
    deadline: date
    notice_code: str


class CaseOut(BaseModel):
    id: str
    kind: CaseKind
    notice_id: str | None
    village_code: str
    category: Category
    summary: str
    concerns: dict[str, Any]
    event_ids: list[str]
    status: Status
    owner: str | None
    deadline: date
    overdue: bool
    raised_by: str
    complainant_name: str | None = Field(None, description="masked unless the caller's role needs it")
    complainant_phone: str | None = Field(None, description="masked unless the caller's role needs it")
    history: list[dict[str, Any]]
    resolution_reason: str | None
    resolved_by: str | None
    resolved_on: date | None
    raised_at: datetime


class Counts(BaseModel):
    code: str
    received: int = 0
    investigating: int = 0
    upheld: int = 0
    rejected: int = 0
    overdue: int = 0


class CaseSummary(BaseModel):
    """Counts by status and the overdue, per county and per village, in the caller's scope."""

    counties: list[Counts]
    villages: list[Counts]
    overdue: list[CaseOut] = Field(description="the overdue cases, oldest deadline first (at most 100)")
