"""The session, enrolment and attendance tables; the fields a session shares with the API (``SessionBase``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.training.fields import (
    Ref,
    RegionCode,
    Trainer,
    TrainingTable,
    VenueKind,
    column,
    created,
    in_window,
    pk,
    year_window,
)
from shared.bounds import DATE_MAX, Name, PolicyDate
from shared.db import UTCDateTime, utcnow


class SessionBase(SQLModel):
    course_id: Ref = column(String(36), foreign_key="course.id", index=True)
    venue_kind: VenueKind = column(String(30))
    venue_name: Name = column(String(200))
    # The division (county, township or village) where it is held: decides who may see and run it.
    region_code: RegionCode = column(String(12), index=True)
    start_date: PolicyDate = column(Date)
    end_date: PolicyDate = column(Date)
    trainer: Trainer = column(String(100))


class TrainingSession(SessionBase, TrainingTable, table=True):
    __tablename__ = "training_session"
    __table_args__ = (
        in_window("start_date"),
        CheckConstraint(f"end_date >= start_date AND end_date <= '{DATE_MAX.isoformat()}'", name="end_date_window"),
    )

    id: str = pk()
    completed_on: date | None = Field(default=None, sa_type=Date)
    created_by: str = Field(sa_type=String(120))
    created_at: datetime = created()


class Enrolment(TrainingTable, table=True):
    __tablename__ = "enrolment"
    __table_args__ = (
        UniqueConstraint("session_id", "member_id", name="uq_enrolment_session_member"),
        CheckConstraint("days_attended IS NULL OR days_attended BETWEEN 0 AND 366", name="days_attended_bounds"),
        year_window("year"),
    )

    id: str = pk()
    session_id: str = Field(sa_type=String(36), foreign_key="training_session.id")
    member_id: str = Field(sa_type=String(36), foreign_key="known_member.id", index=True)
    # Set when the session completes: the days attended and whether they count for R7.
    days_attended: int | None = Field(default=None, sa_type=Integer)
    counted: bool | None = Field(default=None, sa_type=Boolean)
    year: int | None = Field(default=None, sa_type=Integer)
    enrolled_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), sa_column_kwargs={"default": utcnow})


class Attendance(TrainingTable, table=True):
    __tablename__ = "attendance"
    __table_args__ = (in_window("day"),)

    enrolment_id: str = Field(sa_type=String(36), foreign_key="enrolment.id", primary_key=True)
    day: date = Field(sa_type=Date, primary_key=True)
    recorded_by: str = Field(sa_type=String(120))
