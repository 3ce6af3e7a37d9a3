"""The certificate and compliance tables; the fields they share with the API (``CertificateBase``, ``ComplianceBase``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Date, Index, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.training.fields import (
    PastPolicyDate,
    Ref,
    Skill,
    TrainingTable,
    column,
    created,
    in_window,
    pk,
    year_window,
)
from shared.bounds import Name
from shared.events.training import ComplianceStatus


class CertificateBase(SQLModel):
    member_id: Ref = column(String(36), foreign_key="known_member.id", index=True)
    skill: Skill = column(String(100))
    certified_by: Name = column(String(200))
    certified_on: PastPolicyDate = column(Date)


class Certificate(CertificateBase, TrainingTable, table=True):
    __tablename__ = "certificate"
    __table_args__ = (UniqueConstraint("member_id", "skill_key", name="uq_certificate_member_skill"), in_window("certified_on"))

    id: str = pk()
    skill_key: str = Field(sa_type=String(100))
    recorded_by: str = Field(sa_type=String(120))
    created_at: datetime = created()


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
