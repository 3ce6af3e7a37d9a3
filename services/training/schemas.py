"""What the training API takes and returns: the create and public models of ``models.py``'s bases.

A create model is ``<Base> + StrictInput`` (unknown fields are a 422 naming them); a public model is
``<Base>`` plus what the service adds, read from a row with ``Out.model_validate(row, update={...})``.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlmodel import SQLModel

from services.training.fields import MAX_MEMBERS_PER_CALL, Ref
from services.training.models import (
    CertificateBase,
    ComplianceBase,
    CourseBase,
    SessionBase,
)
from shared.bounds import Flag, PolicyDate, StrictInput
from shared.events.training import ComplianceStatus
from shared.regions import division_code_problem


class CourseIn(CourseBase, StrictInput):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "茶叶种植与加工（初级）",
                    "category": "agricultural_technique",
                    "industry": "tea",
                    "level": "primary",
                    "post": "采茶制茶工",
                    "standard_days": 5,
                }
            ]
        }
    )

    requires_labour_capacity: Flag | None = Field(
        None, description="refuse members without labour capacity; default: true except for cultural literacy"
    )

    @field_validator("county_code")
    @classmethod
    def _county(cls, value: str | None) -> str | None:
        if value is not None and (problem := division_code_problem(value, 6)):
            raise ValueError(f"invalid county code: {problem}")
        return value


class CourseOut(CourseBase):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0192f0a4-7c3e-7000-8000-00000000c001",
                    "title": "茶叶种植与加工（初级）",
                    "category": "agricultural_technique",
                    "industry": "tea",
                    "level": "primary",
                    "post": "采茶制茶工",
                    "standard_days": 5,
                    "requires_labour_capacity": True,
                    "county_code": None,
                }
            ]
        }
    )

    id: str
    requires_labour_capacity: bool


class SessionIn(SessionBase, StrictInput):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "course_id": "0192f0a4-7c3e-7000-8000-00000000c001",
                    "venue_kind": "industry_project_area",
                    "venue_name": "必背村茶叶基地",
                    "region_code": "440232100201",
                    "start_date": "2026-04-06",
                    "end_date": "2026-04-10",
                    "trainer": "李老师",
                }
            ]
        }
    )


    @field_validator("region_code")
    @classmethod
    def _region(cls, value: str) -> str:
        if len(value) not in (6, 9, 12):
            raise ValueError("must be a 6, 9 or 12-digit division code")
        if problem := division_code_problem(value, len(value)):
            raise ValueError(f"invalid division code: {problem}")
        return value


class SessionOut(SessionBase):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0192f0a4-7c3e-7000-8000-00000000b001",
                    "course_id": "0192f0a4-7c3e-7000-8000-00000000c001",
                    "course_title": "茶叶种植与加工（初级）",
                    "category": "agricultural_technique",
                    "industry": "tea",
                    "venue_kind": "industry_project_area",
                    "venue_name": "必背村茶叶基地",
                    "region_code": "440232100201",
                    "start_date": "2026-04-06",
                    "end_date": "2026-04-10",
                    "days": 5,
                    "trainer": "李老师",
                    "completed_on": None,
                    "enrolled": 12,
                }
            ]
        }
    )

    id: str
    course_title: str
    category: str
    industry: str
    days: int
    completed_on: date | None
    enrolled: int


class EnrolmentIn(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"member_ids": ["0192f0a4-7c3e-7000-8000-00000000a001"]}]})

    member_ids: list[Ref] = Field(min_length=1, max_length=MAX_MEMBERS_PER_CALL)


class EnrolmentOut(SQLModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0192f0a4-7c3e-7000-8000-00000000e001",
                    "session_id": "0192f0a4-7c3e-7000-8000-00000000b001",
                    "member_id": "0192f0a4-7c3e-7000-8000-00000000a001",
                    "member_name": "邓某某",
                    "village_code": "440232100201",
                    "days_attended": 5,
                    "counted": True,
                }
            ]
        }
    )

    id: str
    session_id: str
    member_id: str
    member_name: str
    village_code: str
    days_attended: int
    counted: bool | None = Field(description="set when the session completes: ≥5 attended days (R7)")


class AttendanceIn(StrictInput):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"days": ["2026-04-06", "2026-04-07"], "member_ids": ["0192f0a4-7c3e-7000-8000-00000000a001"]}]
        }
    )

    days: list[PolicyDate] = Field(min_length=1, max_length=366)
    member_ids: list[Ref] = Field(min_length=1, max_length=MAX_MEMBERS_PER_CALL)


class AttendanceOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"session_id": "0192f0a4-7c3e-7000-8000-00000000b001", "recorded": 10}]})

    session_id: str
    recorded: int = Field(description="member-days newly recorded (already recorded ones are not counted twice)")


class CertificateIn(CertificateBase, StrictInput):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "member_id": "0192f0a4-7c3e-7000-8000-00000000a001",
                    "skill": "茶叶加工",
                    "certified_by": "乳源瑶族自治县农业农村局",
                    "certified_on": "2026-05-20",
                }
            ]
        }
    )



class CertificateOut(CertificateBase):
    model_config = ConfigDict(
        json_schema_extra={
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
    )

    id: str


class AttendedSession(SQLModel):
    session_id: str
    course_id: str
    course_title: str
    category: str
    industry: str
    venue_kind: str
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
    model_config = ConfigDict(
        json_schema_extra={
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
    )

    member_id: str
    name: str
    household_id: str
    village_code: str
    labour_capacity: str
    labourer: bool
    year: int
    status: ComplianceStatus
    needs: Needs
    years: list[YearStatusOut]
    sessions: list[AttendedSession]
    certificates: list[CertificateOut]


class BehindLabourerOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
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
    )

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

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"code": "440232100", "year": 2026, "labourers": 120, "compliant": 30, "on_track": 50, "behind": 40}]
        }
    )

    code: str = Field(description="county (6), township (9) or village (12-digit) code")
    year: int
    labourers: int
    compliant: int
    on_track: int
    behind: int
