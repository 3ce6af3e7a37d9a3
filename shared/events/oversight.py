"""Facts the oversight service publishes (topic ``<prefix>oversight``): village notices (公示) and objections.

No names, identity or phone numbers travel: a notice's households are ids (the posted, masked names are
on its public page), an objection's complainant stays encrypted in the oversight database.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from shared.events.contracts import EventData, contract

NoticeKind = Literal["distribution", "registry_entry", "registry_exit"]
# v2 of the notice facts: a subsidy split (R15) is posted too. What a notice is about, by kind: the distribution,
# the subsidy, or the household whose registry entry or exit it posts.
NoticeKindV2 = Literal["distribution", "subsidy", "registry_entry", "registry_exit"]
NoticeOutcome = Literal["released", "blocked", "superseded"]
CaseKind = Literal["objection", "grievance"]
Resolution = Literal["upheld", "rejected"]

_N = "0192f0a4-7c3e-7000-8000-0000000000c9"
_D = "0192f0a4-7c3e-7000-8000-0000000000d1"
_O = "0192f0a4-7c3e-7000-8000-0000000000ca"
_V = "440232100201"


@contract("oversight", "notice_opened", 1, subject="notice_id")
class NoticeOpened(EventData):
    """A village notice was posted; ``gated`` when money waits for it to close (``closes_at``), else posted for information."""

    notice_id: str
    code: str = Field(description="the short verification code printed on the notice and its public page")
    kind: NoticeKind
    subject_id: str = Field(description="what the notice is about: the distribution, or the household for a registry notice")
    village_code: str = Field(min_length=12, max_length=12)
    title: str
    total_fen: int = Field(ge=0)
    household_count: int = Field(ge=0)
    gated: bool
    window_seconds: int = Field(ge=0)
    opened_at: datetime
    closes_at: datetime
    digest: str = Field(description="SHA-256 of the canonical JSON of what was posted")
    supersedes_notice_id: str | None = None
    example = {
        "notice_id": _N,
        "code": "K7Q2-M9XD",
        "kind": "distribution",
        "subject_id": _D,
        "village_code": _V,
        "title": "必背村茶叶基地 2026 年度收益分配公示",
        "total_fen": 600_000,
        "household_count": 3,
        "gated": True,
        "window_seconds": 604800,
        "opened_at": "2026-12-20T02:00:00Z",
        "closes_at": "2026-12-27T02:00:00Z",
        "digest": "9f2c" + "0" * 60,
        "supersedes_notice_id": None,
    }


@contract("oversight", "notice_closed", 1, subject="notice_id")
class NoticeClosed(EventData):
    """A notice closed: ``released`` (window over, no upheld objection: funds pays), ``blocked`` (an objection upheld), or ``superseded``.

    ``superseded``: a correction (withdrawal, reversal) replaced what it posted; a new proposal gets a notice of its own.
    """

    notice_id: str
    kind: NoticeKind
    subject_id: str
    village_code: str = Field(min_length=12, max_length=12)
    outcome: NoticeOutcome
    upheld_objection_ids: list[str] = Field(default_factory=list)
    closed_at: datetime
    example = {
        "notice_id": _N,
        "kind": "distribution",
        "subject_id": _D,
        "village_code": _V,
        "outcome": "released",
        "upheld_objection_ids": [],
        "closed_at": "2026-12-27T02:00:00Z",
    }


@contract("oversight", "notice_opened", 2, subject="notice_id")
class NoticeOpenedV2(NoticeOpened):
    """As v1, and a notice may be about a subsidy split (``kind`` ``subsidy``); ``gated`` is false for a registry notice."""

    kind: NoticeKindV2  # type: ignore[assignment]  # v2 widens v1's kinds
    example = {**NoticeOpened.example, "kind": "subsidy", "title": "耕地地力保护补贴公示（2026）", "household_count": 1}


@contract("oversight", "notice_closed", 2, subject="notice_id")
class NoticeClosedV2(NoticeClosed):
    """As v1, for every kind of v2: funds releases (or keeps holding) a distribution's or a subsidy's money by it."""

    kind: NoticeKindV2  # type: ignore[assignment]  # v2 widens v1's kinds
    example = {**NoticeClosed.example, "kind": "subsidy"}


@contract("oversight", "objection_raised", 1, subject="objection_id")
class ObjectionRaised(EventData):
    """An objection to an open notice (anyone) or a grievance recorded by an official, with what it concerns."""

    objection_id: str
    kind: CaseKind
    notice_id: str | None = None
    village_code: str = Field(min_length=12, max_length=12)
    category: str
    deadline: date
    concerns: dict[str, str] = Field(
        default_factory=dict, description="the ids it concerns: household_id, distribution_id, line_id, entity_id, session_id, order_id …"
    )
    event_ids: list[str] = Field(default_factory=list, description="the events it concerns")
    example = {
        "objection_id": _O,
        "kind": "objection",
        "notice_id": _N,
        "village_code": _V,
        "category": "amount",
        "deadline": "2027-01-04",
        "concerns": {"distribution_id": _D},
        "event_ids": [],
    }


@contract("oversight", "objection_resolved", 1, subject="objection_id")
class ObjectionResolved(EventData):
    """An objection or grievance was decided, with reasons; an upheld objection blocks its notice's money."""

    objection_id: str
    kind: CaseKind
    notice_id: str | None = None
    village_code: str = Field(min_length=12, max_length=12)
    outcome: Resolution
    reason: str
    resolved_by: str
    resolved_on: date
    example = {
        "objection_id": _O,
        "kind": "objection",
        "notice_id": _N,
        "village_code": _V,
        "outcome": "upheld",
        "reason": "第三组两户的股数登记错误",
        "resolved_by": "officer-440232-02",
        "resolved_on": "2026-12-23",
    }
