"""The course table and the fields a course shares with the API (``CourseBase``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Integer, String
from sqlmodel import Field, SQLModel

from services.training.fields import (
    CountyCode,
    CourseIndustry,
    Level,
    Post,
    StandardDays,
    TrainingTable,
    column,
    created,
    pk,
)
from shared.bounds import Name
from shared.events.training import CourseCategory


class CourseBase(SQLModel):
    title: Name = column(String(200))
    category: CourseCategory = column(
        String(30), description="R8: agricultural_technique (farming at home), employment_skills (working away), cultural_literacy (all)"
    )
    industry: CourseIndustry = column(String(30), index=True, description='a "453" industry, or e_commerce / employment_skills / cultural_literacy')
    level: Level = column(String(20))
    post: Post = column(String(100))
    standard_days: StandardDays = column(Integer)
    # None: the city's catalogue; a county code: that county's own course.
    county_code: CountyCode | None = column(String(6), None, index=True, description="a county's own course; omitted: the city's catalogue")


class Course(CourseBase, TrainingTable, table=True):
    __tablename__ = "course"
    __table_args__ = (CheckConstraint("standard_days BETWEEN 1 AND 365", name="standard_days_bounds"),)

    id: str = pk()
    requires_labour_capacity: bool = Field(sa_type=Boolean)
    created_by: str = Field(sa_type=String(120))
    created_at: datetime = created()
