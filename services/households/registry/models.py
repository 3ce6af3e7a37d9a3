"""The registry's tables: households, status history, members, capacity history; shared fields on the bases."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, Index, Integer, String
from sqlmodel import Field, SQLModel

from services.households.fields import (
    Address,
    HouseholdNumber,
    HouseholdsTable,
    Reason,
    Relation,
    Sex,
    VillageCode,
    column,
    created,
    in_window,
    pk,
    year_window,
)
from shared.bounds import BIRTH_MIN, BirthDate, Flag, PersonName, PolicyDate, Year
from shared.events.households import LabourCapacity, PovertyStatus


class HouseholdBase(SQLModel):
    household_number: HouseholdNumber = column(String(40), unique=True)
    village_code: VillageCode = column(String(12), foreign_key="village.code", index=True)
    # The current status; its history is in household_status.
    poverty_status: PovertyStatus = column(String(30), "registered_poor", index=True)
    exit_year: Year | None = column(Integer, None, description="for a household registered as already exited")
    registered_on: PolicyDate = column(Date)
    address: Address | None = column(String(300), None)


class Household(HouseholdBase, HouseholdsTable, table=True):
    __tablename__ = "household"
    __table_args__ = (in_window("registered_on"), in_window("left_on", nullable=True), year_window("exit_year"))

    id: str = pk()
    left_on: date | None = Field(default=None, sa_type=Date)
    left_reason: str | None = Field(default=None, sa_type=String(300))
    created_at: datetime = created()


class StatusBase(SQLModel):
    """One poverty status record: from ``effective_on`` until the next one."""

    poverty_status: PovertyStatus = column(String(30))
    effective_on: PolicyDate = column(Date)
    exit_year: Year | None = column(Integer, None)
    reason: Reason | None = column(String(300), None)


class HouseholdStatus(StatusBase, HouseholdsTable, table=True):
    """Poverty status history: each row holds from ``effective_on`` until the next one."""

    __tablename__ = "household_status"
    __table_args__ = (Index("ix_household_status_household", "household_id", "effective_on"), in_window("effective_on"), year_window("exit_year"))

    id: str = pk()
    household_id: str = Field(sa_type=String(36), foreign_key="household.id")
    recorded_at: datetime = created()


class MemberBase(SQLModel):
    """A member's facts as the API takes and shows them (identity number and phone are never stored in clear)."""

    name: PersonName = column(String(100))
    relation: Relation = column(String(20))
    birth_date: BirthDate = column(Date)
    sex: Sex = column(String(6))
    labour_capacity: LabourCapacity = column(String(10), index=True)
    wishes_to_work_away: Flag = column(Boolean, False)
    is_party_member: Flag = column(Boolean, False)
    is_village_cadre: Flag = column(Boolean, False)


class Member(MemberBase, HouseholdsTable, table=True):
    __tablename__ = "member"
    __table_args__ = (
        Index("ix_member_household", "household_id"),
        in_window("birth_date", low=BIRTH_MIN.isoformat()),
        in_window("joined_on"),
        in_window("left_on", nullable=True),
        CheckConstraint("relation IN ('head', 'spouse', 'child', 'parent', 'grandchild', 'sibling', 'other')", name="relation_known"),
        CheckConstraint("labour_capacity IN ('full', 'partial', 'none')", name="labour_capacity_known"),
    )

    id: str = pk()
    household_id: str = Field(sa_type=String(36), foreign_key="household.id")
    # The identity number is kept as a keyed hash (for lookup) and as ciphertext. Not unique in the
    # table: a person may leave one household and later join another; the service allows one
    # current membership per person.
    id_number_hash: str = Field(sa_type=String(64), index=True)
    # The same hash while the person is a current member of a household in the registry, else NULL:
    # the database itself then refuses one person in two households, even under concurrent writes.
    current_id_hash: str | None = Field(default=None, sa_type=String(64), unique=True)
    id_number_cipher: str = Field(sa_type=String(200))
    # A contact phone, like the identity number only ever stored encrypted.
    phone_cipher: str | None = Field(default=None, sa_type=String(200))
    joined_on: date = Field(sa_type=Date)
    left_on: date | None = Field(default=None, sa_type=Date)
    left_reason: str | None = Field(default=None, sa_type=String(300))


class MemberCapacity(HouseholdsTable, table=True):
    """Labour capacity history of a member: each row holds from ``effective_on``."""

    __tablename__ = "member_capacity"
    __table_args__ = (Index("ix_member_capacity_member", "member_id", "effective_on"), in_window("effective_on"))

    id: str = pk()
    member_id: str = Field(sa_type=String(36), foreign_key="member.id")
    labour_capacity: str = Field(sa_type=String(10))
    effective_on: date = Field(sa_type=Date)
    recorded_at: datetime = created()
