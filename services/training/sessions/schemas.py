"""What the session routes take and return."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field, field_validator
from sqlmodel import SQLModel

from services.training.fields import MAX_MEMBERS_PER_CALL, CourseIndustry, Ref
from services.training.sessions.models import SessionBase
from shared.bounds import PolicyDate, StrictInput
from shared.events.training import CourseCategory
from shared.regions import division_code_problem


class SessionIn(SessionBase, StrictInput):
    model_config = {
        "json_schema_extra": {
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
    }

    @field_validator("region_code")
    @classmethod
    def _region(cls, value: str) -> str:
        if len(value) not in (6, 9, 12):
            raise ValueError("must be a 6, 9 or 12-digit division code")
        if problem := division_code_problem(value, len(value)):
            raise ValueError(f"invalid division code: {problem}")
        return value


class SessionOut(SessionBase):
    model_config = {
        "json_schema_extra": {
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
    }

    id: str
    course_title: str
    category: CourseCategory
    industry: CourseIndustry
    days: int
    completed_on: date | None
    enrolled: int


class EnrolmentIn(StrictInput):
    model_config = {"json_schema_extra": {"examples": [{"member_ids": ["0192f0a4-7c3e-7000-8000-00000000a001"]}]}}

    member_ids: list[Ref] = Field(min_length=1, max_length=MAX_MEMBERS_PER_CALL)


class EnrolmentOut(SQLModel):
    model_config = {
        "json_schema_extra": {
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
    }

    id: str
    session_id: str
    member_id: str
    member_name: str
    village_code: str
    days_attended: int
    counted: bool | None = Field(description="set when the session completes: ≥5 attended days (R7)")


class AttendanceIn(StrictInput):
    model_config = {"json_schema_extra": {"examples": [{"days": ["2026-04-06", "2026-04-07"], "member_ids": ["0192f0a4-7c3e-7000-8000-00000000a001"]}]}}

    days: list[PolicyDate] = Field(min_length=1, max_length=366)
    member_ids: list[Ref] = Field(min_length=1, max_length=MAX_MEMBERS_PER_CALL)


class AttendanceOut(BaseModel):
    model_config = {"json_schema_extra": {"examples": [{"session_id": "0192f0a4-7c3e-7000-8000-00000000b001", "recorded": 10}]}}

    session_id: str
    recorded: int = Field(description="member-days newly recorded (already recorded ones are not counted twice)")
