"""What the compliance routes take and return."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field
from sqlmodel import SQLModel

from services.training.compliance.models import CertificateBase, ComplianceBase
from services.training.fields import CourseIndustry, VenueKind
from shared.bounds import StrictInput
from shared.events.households import LabourCapacity
from shared.events.training import ComplianceStatus, CourseCategory


class CertificateIn(CertificateBase, StrictInput):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "member_id": "0192f0a4-7c3e-7000-8000-00000000a001",
                    "skill": "茶叶加工",
                    "certified_by": "乳源瑶族自治县农业农村局",
                    "certified_on": "2026-05-20",
                }
            ]
        }
    }


class CertificateOut(CertificateBase):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "id": "0192f0a4-7c3e-7000-8000-00000000d001",
                    "member_id": "0192f0a4-7c3e-7000-8000-00000000a001",
                    "skill": "茶叶加工",
                    "certified_by": "乳源瑶族自治县农业农村局",
                    "certified_on": "2026-05-20",
                }
            ]
        }
    }

    id: str


class AttendedSession(SQLModel):
    session_id: str
    course_id: str
    course_title: str
    category: CourseCategory
    industry: CourseIndustry
    venue_kind: VenueKind
    start_date: date
    end_date: date
    days_attended: int
    completed_on: date | None
    counted: bool | None


class YearStatusOut(ComplianceBase):
    """A labourer's R7 standing in one year."""

    year: int


class Needs(BaseModel):
    """What the labourer still needs in the year (R7)."""

    sessions: int = Field(description="counted sessions still missing this year")
    days: int = Field(description="attended days those sessions need at least (5 each)")
    skill: bool = Field(description="no practical skill certified yet")
    years_remaining: int = Field(description="compliant years still needed to reach three in a row, this one included")


class TrainingFileOut(BaseModel):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "member_id": "0192f0a4-7c3e-7000-8000-00000000a001",
                    "name": "邓某某",
                    "household_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f",
                    "village_code": "440232100201",
                    "labour_capacity": "full",
                    "labourer": True,
                    "year": 2026,
                    "status": "on_track",
                    "needs": {"sessions": 0, "days": 0, "skill": True, "years_remaining": 2},
                    "years": [{"year": 2026, "status": "on_track", "counted_sessions": 2, "consecutive_years": 1, "has_skill": False}],
                    "sessions": [],
                    "certificates": [],
                }
            ]
        }
    }

    member_id: str
    name: str
    household_id: str
    village_code: str
    labour_capacity: LabourCapacity
    labourer: bool
    year: int
    status: ComplianceStatus
    needs: Needs
    years: list[YearStatusOut]
    sessions: list[AttendedSession]
    certificates: list[CertificateOut]


class BehindLabourerOut(BaseModel):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "member_id": "0192f0a4-7c3e-7000-8000-00000000a001",
                    "name": "邓某某",
                    "household_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f",
                    "village_code": "440232100201",
                    "village_name": "必背村",
                    "township_code": "440232100",
                    "county_code": "440232",
                    "year": 2026,
                    "counted_sessions": 1,
                    "consecutive_years": 0,
                    "has_skill": False,
                    "needs": {"sessions": 1, "days": 5, "skill": True, "years_remaining": 3},
                }
            ]
        }
    }

    member_id: str
    name: str
    household_id: str
    village_code: str
    village_name: str | None
    township_code: str
    county_code: str
    year: int
    counted_sessions: int
    consecutive_years: int
    has_skill: bool
    needs: Needs


class ComplianceSummaryOut(BaseModel):
    """R7 in one division for a year: how many labourers are compliant, on track and behind."""

    model_config = {"json_schema_extra": {"examples": [{"code": "440232100", "year": 2026, "labourers": 120, "compliant": 30, "on_track": 50, "behind": 40}]}}

    code: str = Field(description="county (6), township (9) or village (12-digit) code")
    year: int
    labourers: int
    compliant: int
    on_track: int
    behind: int
