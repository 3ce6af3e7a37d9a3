"""What the catalogue routes take and return."""

from __future__ import annotations

from pydantic import Field, field_validator

from services.training.catalogue.models import CourseBase
from shared.bounds import Flag, StrictInput
from shared.regions import division_code_problem


class CourseIn(CourseBase, StrictInput):
    model_config = {
        "json_schema_extra": {
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
    }

    requires_labour_capacity: Flag | None = Field(None, description="refuse members without labour capacity; default: true except for cultural literacy")

    @field_validator("county_code")
    @classmethod
    def _county(cls, value: str | None) -> str | None:
        if value is not None and (problem := division_code_problem(value, 6)):
            raise ValueError(f"invalid county code: {problem}")
        return value


class CourseOut(CourseBase):
    model_config = {
        "json_schema_extra": {
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
    }

    id: str
    requires_labour_capacity: bool
