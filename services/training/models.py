"""Tables of the training service (its own database; nobody else writes it)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shared.bounds import DATE_MAX, DATE_MIN, YEAR_MAX, YEAR_MIN
from shared.db import UTCDateTime, make_base, utcnow

Base = make_base("training")

# The API's bounds (shared/bounds.py), kept by the database too (migration c8d2e3f4a5b6): a
# certificate of year 1 can no longer fan out into two thousand yearly compliance rows.


def in_window(column: str, *, nullable: bool = False) -> CheckConstraint:
    sql = f"{column} BETWEEN '{DATE_MIN.isoformat()}' AND '{DATE_MAX.isoformat()}'"
    return CheckConstraint(f"{column} IS NULL OR {sql}" if nullable else sql, name=f"{column}_window")


def year_window(column: str) -> CheckConstraint:
    return CheckConstraint(f"{column} IS NULL OR {column} BETWEEN {YEAR_MIN} AND {YEAR_MAX}", name=f"{column}_window")


# ---- what training knows of other services, learnt from the households facts ----------------


class KnownVillage(Base):
    """A village as the households service announced it (``village_registered``)."""

    __tablename__ = "known_village"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    township_code: Mapped[str] = mapped_column(String(9), index=True)
    county_code: Mapped[str] = mapped_column(String(6), index=True)


class KnownMember(Base):
    """A household member as the households service announced them; no identity numbers here."""

    __tablename__ = "known_member"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(String(36), index=True)
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    name: Mapped[str] = mapped_column(String(100))
    birth_year: Mapped[int] = mapped_column(Integer)
    labour_capacity: Mapped[str] = mapped_column(String(10))
    wishes_to_work_away: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)


# ---- the catalogue and the sessions (R8) ------------------------------------------------------


class Course(Base):
    __tablename__ = "course"
    __table_args__ = (CheckConstraint("standard_days BETWEEN 1 AND 365", name="standard_days_bounds"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(30))
    industry: Mapped[str] = mapped_column(String(30), index=True)
    level: Mapped[str] = mapped_column(String(20))
    post: Mapped[str] = mapped_column(String(100))
    standard_days: Mapped[int] = mapped_column(Integer)
    requires_labour_capacity: Mapped[bool] = mapped_column(Boolean)
    # None: the city's catalogue; a county code: that county's own course.
    county_code: Mapped[str | None] = mapped_column(String(6), index=True)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TrainingSession(Base):
    __tablename__ = "training_session"
    __table_args__ = (
        in_window("start_date"),
        CheckConstraint(f"end_date >= start_date AND end_date <= '{DATE_MAX.isoformat()}'", name="end_date_window"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    course_id: Mapped[str] = mapped_column(ForeignKey("course.id"), index=True)
    venue_kind: Mapped[str] = mapped_column(String(30))
    venue_name: Mapped[str] = mapped_column(String(200))
    # The division (county, township or village) where it is held: decides who may see and run it.
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    trainer: Mapped[str] = mapped_column(String(100))
    completed_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Enrolment(Base):
    __tablename__ = "enrolment"
    __table_args__ = (
        UniqueConstraint("session_id", "member_id", name="uq_enrolment_session_member"),
        CheckConstraint("days_attended IS NULL OR days_attended BETWEEN 0 AND 366", name="days_attended_bounds"),
        year_window("year"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("training_session.id"))
    member_id: Mapped[str] = mapped_column(ForeignKey("known_member.id"), index=True)
    # Set when the session completes: the days attended and whether they count for R7.
    days_attended: Mapped[int | None] = mapped_column(Integer)
    counted: Mapped[bool | None] = mapped_column(Boolean)
    year: Mapped[int | None] = mapped_column(Integer)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Attendance(Base):
    __tablename__ = "attendance"
    __table_args__ = (in_window("day"),)

    enrolment_id: Mapped[str] = mapped_column(ForeignKey("enrolment.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    recorded_by: Mapped[str] = mapped_column(String(120))


class Certificate(Base):
    __tablename__ = "certificate"
    __table_args__ = (UniqueConstraint("member_id", "skill_key", name="uq_certificate_member_skill"), in_window("certified_on"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("known_member.id"), index=True)
    skill: Mapped[str] = mapped_column(String(100))
    skill_key: Mapped[str] = mapped_column(String(100))
    certified_by: Mapped[str] = mapped_column(String(200))
    certified_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Compliance(Base):
    """A labourer's R7 status per year, as last emitted (``labourer_compliance_changed``)."""

    __tablename__ = "compliance"
    __table_args__ = (Index("ix_compliance_year_status", "year", "status"), year_window("year"))

    member_id: Mapped[str] = mapped_column(ForeignKey("known_member.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(10))
    counted_sessions: Mapped[int] = mapped_column(Integer)
    consecutive_years: Mapped[int] = mapped_column(Integer)
    has_skill: Mapped[bool] = mapped_column(Boolean)
