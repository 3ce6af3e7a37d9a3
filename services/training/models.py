"""Tables of the training service (its own database; nobody else writes it), in SQLModel's multiple-models pattern.

The fields a table shares with the API are declared once, on a base (``CourseBase``,
``SessionBase``, ``CertificateBase``, ``ComplianceBase``): their type carries the API's bound,
``column(...)`` the SQL type. The table (``table=True``) adds what only the database keeps;
``schemas.py`` derives the create and public models from the same bases.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from services.training.fields import (
    CountyCode,
    CourseIndustry,
    Level,
    PastPolicyDate,
    Post,
    Ref,
    RegionCode,
    Skill,
    StandardDays,
    Trainer,
    TrainingTable,
    VenueKind,
    column,
    in_window,
    year_window,
)
from shared.bounds import DATE_MAX, Name, PolicyDate
from shared.db import UTCDateTime, utcnow
from shared.events.training import ComplianceStatus, CourseCategory

Base = TrainingTable  # ``Base.metadata``: what Alembic, the outbox and the tests read


def _pk() -> Any:
    return Field(sa_type=String(36), primary_key=True)


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime(), sa_column_kwargs={"default": utcnow})


# ---- what training knows of other services, learnt from the households facts ----------------


class KnownVillage(TrainingTable, table=True):
    """A village as the households service announced it (``village_registered``)."""

    __tablename__ = "known_village"

    code: str = Field(sa_type=String(12), primary_key=True)
    name: str = Field(sa_type=String(100))
    township_code: str = Field(sa_type=String(9), index=True)
    county_code: str = Field(sa_type=String(6), index=True)


class KnownMember(TrainingTable, table=True):
    """A household member as the households service announced them; no identity numbers here."""

    __tablename__ = "known_member"

    id: str = _pk()
    household_id: str = Field(sa_type=String(36), index=True)
    village_code: str = Field(sa_type=String(12), index=True)
    name: str = Field(sa_type=String(100))
    birth_year: int = Field(sa_type=Integer)
    labour_capacity: str = Field(sa_type=String(10))
    wishes_to_work_away: bool = Field(False, sa_type=Boolean)
    joined_on: date = Field(sa_type=Date)
    left_on: date | None = Field(None, sa_type=Date)


# ---- the catalogue and the sessions (R8) ------------------------------------------------------


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

    id: str = _pk()
    requires_labour_capacity: bool = Field(sa_type=Boolean)
    created_by: str = Field(sa_type=String(120))
    created_at: datetime = _created()


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

    id: str = _pk()
    completed_on: date | None = Field(None, sa_type=Date)
    created_by: str = Field(sa_type=String(120))
    created_at: datetime = _created()


class Enrolment(TrainingTable, table=True):
    __tablename__ = "enrolment"
    __table_args__ = (
        UniqueConstraint("session_id", "member_id", name="uq_enrolment_session_member"),
        CheckConstraint("days_attended IS NULL OR days_attended BETWEEN 0 AND 366", name="days_attended_bounds"),
        year_window("year"),
    )

    id: str = _pk()
    session_id: str = Field(sa_type=String(36), foreign_key="training_session.id")
    member_id: str = Field(sa_type=String(36), foreign_key="known_member.id", index=True)
    # Set when the session completes: the days attended and whether they count for R7.
    days_attended: int | None = Field(None, sa_type=Integer)
    counted: bool | None = Field(None, sa_type=Boolean)
    year: int | None = Field(None, sa_type=Integer)
    enrolled_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), sa_column_kwargs={"default": utcnow})


class Attendance(TrainingTable, table=True):
    __tablename__ = "attendance"
    __table_args__ = (in_window("day"),)

    enrolment_id: str = Field(sa_type=String(36), foreign_key="enrolment.id", primary_key=True)
    day: date = Field(sa_type=Date, primary_key=True)
    recorded_by: str = Field(sa_type=String(120))


# ---- certificates and R7 compliance ------------------------------------------------------------


class CertificateBase(SQLModel):
    member_id: Ref = column(String(36), foreign_key="known_member.id", index=True)
    skill: Skill = column(String(100))
    certified_by: Name = column(String(200))
    certified_on: PastPolicyDate = column(Date)


class Certificate(CertificateBase, TrainingTable, table=True):
    __tablename__ = "certificate"
    __table_args__ = (UniqueConstraint("member_id", "skill_key", name="uq_certificate_member_skill"), in_window("certified_on"))

    id: str = _pk()
    skill_key: str = Field(sa_type=String(100))
    recorded_by: str = Field(sa_type=String(120))
    created_at: datetime = _created()


class ComplianceBase(SQLModel):
    """A labourer's R7 standing in one year (the year itself is part of the table's key)."""

    status: ComplianceStatus = Field(sa_type=String(10))
    counted_sessions: int = Field(sa_type=Integer)
    consecutive_years: int = Field(sa_type=Integer)
    has_skill: bool = Field(sa_type=Boolean)


class Compliance(ComplianceBase, TrainingTable, table=True):
    """A labourer's R7 status per year, as last emitted (``labourer_compliance_changed``)."""

    __tablename__ = "compliance"
    __table_args__ = (Index("ix_compliance_year_status", "year", "status"), year_window("year"))

    member_id: str = Field(sa_type=String(36), foreign_key="known_member.id", primary_key=True)
    year: int = Field(sa_type=Integer, primary_key=True)
