"""The employment tables: known operating entities, employments, wage payments; shared fields on the bases."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, Date, String
from sqlmodel import Field, SQLModel

from services.households.fields import (
    HouseholdsTable,
    Post,
    Ref,
    column,
    created,
    in_window,
    pk,
)
from shared.bounds import DATE_MAX, MAX_PAYMENT_FEN, PaymentFen, PolicyDate
from shared.db import UTCDateTime, utcnow
from shared.events.households import EmploymentLink


class EntityFields(SQLModel):
    """An operating entity as learned from the funds service's facts (never read from its database)."""

    entity_id: str = Field(sa_type=String(36), primary_key=True)
    name: str = Field(sa_type=String(200))
    kind: str = Field(sa_type=String(40))
    county_code: str | None = Field(default=None, sa_type=String(6))
    village_codes: list[str] = Field(default_factory=list, sa_type=JSON, sa_column_kwargs={"default": list})


class KnownEntity(EntityFields, HouseholdsTable, table=True):
    __tablename__ = "known_entity"

    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), sa_column_kwargs={"default": utcnow})


class EmploymentBase(SQLModel):
    member_id: Ref = column(String(36), foreign_key="member.id", index=True)
    entity_id: Ref = column(String(36), foreign_key="known_entity.entity_id", index=True)
    post: Post = column(String(100))
    link: EmploymentLink = column(String(20), description="production, processing or distribution (§5.2)")
    started_on: PolicyDate = column(Date)
    ended_on: PolicyDate | None = column(Date, None)


class Employment(EmploymentBase, HouseholdsTable, table=True):
    __tablename__ = "employment"
    __table_args__ = (
        in_window("started_on"),
        CheckConstraint(f"ended_on IS NULL OR (ended_on >= started_on AND ended_on <= '{DATE_MAX.isoformat()}')", name="ended_on_window"),
    )

    id: str = pk()
    household_id: str = Field(sa_type=String(36), foreign_key="household.id", index=True)
    village_code: str = Field(sa_type=String(12), index=True)
    end_reason: str | None = Field(default=None, sa_type=String(300))
    created_at: datetime = created()


class WageBase(SQLModel):
    employment_id: Ref = column(String(36), foreign_key="employment.id", index=True)
    amount_fen: PaymentFen = column(BigInteger)
    period_start: PolicyDate = column(Date)
    period_end: PolicyDate = column(Date)
    paid_on: PolicyDate = column(Date)


class WagePayment(WageBase, HouseholdsTable, table=True):
    __tablename__ = "wage_payment"
    __table_args__ = (
        CheckConstraint(f"amount_fen > 0 AND amount_fen <= {MAX_PAYMENT_FEN}", name="amount_fen_bounds"),
        in_window("period_start"),
        CheckConstraint(f"period_end >= period_start AND period_end <= '{DATE_MAX.isoformat()}'", name="period_end_window"),
        in_window("paid_on"),
    )

    id: str = pk()
    member_id: str = Field(sa_type=String(36))
    household_id: str = Field(sa_type=String(36), index=True)
    village_code: str = Field(sa_type=String(12), index=True)
    entity_id: str = Field(sa_type=String(36), index=True)
    reported_by: str = Field(sa_type=String(10))
    created_at: datetime = created()
