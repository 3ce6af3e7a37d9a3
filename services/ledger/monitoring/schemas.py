"""What the early warning takes and returns."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.bounds import Note, PolicyDate, StrictInput, text
from shared.events.ledger import FlagKind

FlagStatus = Literal["open", "identified", "assisted", "removal_proposed", "risk_removed"]
FlagId = Annotated[str, Field(min_length=3, max_length=200)]

_H = "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f"
_FLAG: dict[str, Any] = {
    "flag_id": f"employment_ended:{_H}:0192f0a4-7c3e-7000-8000-0000000e0001",
    "kind": "employment_ended",
    "severity": 2,
    "raised_on": "2026-11-30",
    "clause": "§5.2 R13",
    "status": "open",
    "case_id": None,
    "status_by": None,
    "status_on": None,
    "evidence": ["0192f0a4-7c3e-7000-8000-00000000e101", "0192f0a4-7c3e-7000-8000-00000000e102"],
    "numbers": {},
}


class FlagOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_FLAG]})

    flag_id: str = Field(description="kind:household:subject — stable: a case cites it, a later read finds it again")
    kind: FlagKind
    severity: int = Field(description="3 high, 2 medium, 1 low (docs/monitoring.md)")
    raised_on: date = Field(description="the day the flag stands from: the link's break, or the first day of the month the income was judged for")
    clause: str = Field(description="the clause or mechanism the flag watches")
    status: FlagStatus = Field(description="open (not yet a case), the open case's status, or risk_removed by a removal on or after raised_on")
    case_id: str | None = None
    status_by: str | None = Field(None, description="who identified the open case, or who approved the removal")
    status_on: date | None = None
    evidence: list[str] = Field(description="event ids behind the flag (income flags list theirs on the household's file)")
    numbers: dict[str, int] = Field(default_factory=dict)


class MonitoredHousehold(BaseModel):
    household_id: str
    household_number: str
    village_code: str
    members: int
    projected_fen: int = Field(description="the year's income so far plus last year's for the months to come (= the twelve months ending with as_of's month)")
    per_capita_fen: int = Field(description="projected_fen // members, whole fen rounded down")
    severity: int = Field(description="the highest severity among its flags that are not risk_removed (0 when all are)")
    flags: list[FlagOut]


class Line(BaseModel):
    year: int
    fen: int = Field(description="the monitoring line: per-capita annual income, fen")
    carried_forward: bool = Field(description="true when the year has no figure of its own and the latest earlier one is used")


class MonitoringList(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "level": "county",
                    "code": "440232",
                    "as_of": "2026-11-30",
                    "line": {"year": 2026, "fen": 690000, "carried_forward": True},
                    "households": 1,
                    "counts": {"employment_ended": 1},
                    "items": [
                        {
                            "household_id": _H,
                            "household_number": "4402321002010001",
                            "village_code": "440232100201",
                            "members": 4,
                            "projected_fen": 3_200_000,
                            "per_capita_fen": 800_000,
                            "severity": 2,
                            "flags": [_FLAG],
                        }
                    ],
                    "next_cursor": None,
                }
            ]
        }
    )

    level: Literal["village", "township", "county", "city"]
    code: str
    as_of: date
    line: Line
    households: int = Field(description="households listed in all (every page)")
    counts: dict[str, int] = Field(description="flags by kind, over every page")
    items: list[MonitoredHousehold] = Field(description="most severe first, then most flags, then lowest per-capita income")
    next_cursor: str | None = None


class CaseOut(BaseModel):
    case_id: str
    household_id: str
    village_code: str
    status: Literal["identified", "assisted", "removal_proposed", "risk_removed"]
    flags: list[str]
    identified_by: str
    identified_at: datetime
    note: str | None
    measures: list[dict[str, Any]] = Field(description="each assistance measure with who and when")
    removal_proposed_by: str | None
    removal_proposed_at: datetime | None
    removal_note: str | None
    removed_by: str | None
    removed_at: datetime | None


class HouseholdMonitoring(BaseModel):
    household_id: str
    as_of: date
    line: Line
    household: MonitoredHousehold
    cases: list[CaseOut]


class CaseIn(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"flags": [_FLAG["flag_id"]], "note": "务工中断，收入下降"}]})

    flags: list[FlagId] = Field(min_length=1, max_length=50, description="ids of the household's current flags this case answers")
    as_of: PolicyDate | None = Field(None, description="the day of the list the flags were read from (default: today)")
    note: Note | None = None


class AssistanceIn(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"measure": "安排公益性岗位"}]})

    measure: text(500, description="the assistance measure (帮扶措施) taken")  # type: ignore[valid-type]  # text(n) builds the bounded type at run time


class RemovalIn(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"note": "连续三个月务工收入稳定"}]})

    note: Note | None = None
