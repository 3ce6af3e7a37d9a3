"""Tables of the households service (its own database; nobody else writes it).

Nothing is deleted: members and households carry the dates they joined and left, statuses and
labour capacities keep their history rows, so the registry can answer ``as_of`` any day.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.bounds import BIRTH_MIN, DATE_MAX, DATE_MIN, MAX_PAYMENT_FEN, YEAR_MAX, YEAR_MIN
from shared.db import UTCDateTime, make_base, utcnow

Base = make_base("households")

# The API's bounds (shared/bounds.py), kept by the database too (migration b7c1d2e3f4a5): nothing
# written another way can put a year-1 date or an int64-sized wage into a projection.


def in_window(column: str, *, low: str = DATE_MIN.isoformat(), nullable: bool = False) -> CheckConstraint:
    sql = f"{column} BETWEEN '{low}' AND '{DATE_MAX.isoformat()}'"
    return CheckConstraint(f"{column} IS NULL OR {sql}" if nullable else sql, name=f"{column}_window")


def year_window(column: str) -> CheckConstraint:
    return CheckConstraint(f"{column} IS NULL OR {column} BETWEEN {YEAR_MIN} AND {YEAR_MAX}", name=f"{column}_window")


class Village(Base):
    __tablename__ = "village"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    township_code: Mapped[str] = mapped_column(String(9), index=True)
    township_name: Mapped[str | None] = mapped_column(String(100))
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    paired_unit: Mapped[str | None] = mapped_column(String(200))
    characteristic_industry: Mapped[str | None] = mapped_column(String(40))
    helpers: Mapped[list[dict[str, str | None]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class VillageCategoryRow(Base):
    """One row per (village, category): lets lists and stats filter by category in plain SQL."""

    __tablename__ = "village_category"

    village_code: Mapped[str] = mapped_column(ForeignKey("village.code"), primary_key=True)
    category: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class Household(Base):
    __tablename__ = "household"
    __table_args__ = (in_window("registered_on"), in_window("left_on", nullable=True), year_window("exit_year"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_number: Mapped[str] = mapped_column(String(40), unique=True)
    village_code: Mapped[str] = mapped_column(ForeignKey("village.code"), index=True)
    # The current status; its history is in household_status.
    poverty_status: Mapped[str] = mapped_column(String(30), index=True)
    exit_year: Mapped[int | None] = mapped_column(Integer)
    registered_on: Mapped[date] = mapped_column(Date)
    address: Mapped[str | None] = mapped_column(String(300))
    left_on: Mapped[date | None] = mapped_column(Date)
    left_reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class HouseholdStatus(Base):
    """Poverty status history: each row holds from ``effective_on`` until the next one."""

    __tablename__ = "household_status"
    __table_args__ = (Index("ix_household_status_household", "household_id", "effective_on"), in_window("effective_on"), year_window("exit_year"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("household.id"))
    poverty_status: Mapped[str] = mapped_column(String(30))
    effective_on: Mapped[date] = mapped_column(Date)
    exit_year: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(300))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Member(Base):
    __tablename__ = "member"
    __table_args__ = (
        Index("ix_member_household", "household_id"),
        in_window("birth_date", low=BIRTH_MIN.isoformat()),
        in_window("joined_on"),
        in_window("left_on", nullable=True),
        CheckConstraint("relation IN ('head', 'spouse', 'child', 'parent', 'grandchild', 'sibling', 'other')", name="relation_known"),
        CheckConstraint("labour_capacity IN ('full', 'partial', 'none')", name="labour_capacity_known"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("household.id"))
    name: Mapped[str] = mapped_column(String(100))
    # The identity number is kept as a keyed hash (for lookup) and as ciphertext. Not unique in the
    # table: a person may leave one household and later join another; the service allows one
    # current membership per person.
    id_number_hash: Mapped[str] = mapped_column(String(64), index=True)
    # The same hash while the person is a current member of a household in the registry, else NULL:
    # the database itself then refuses one person in two households, even under concurrent writes.
    current_id_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    id_number_cipher: Mapped[str] = mapped_column(String(200))
    # A contact phone, like the identity number only ever stored encrypted.
    phone_cipher: Mapped[str | None] = mapped_column(String(200))
    relation: Mapped[str] = mapped_column(String(20))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(6))
    labour_capacity: Mapped[str] = mapped_column(String(10), index=True)
    wishes_to_work_away: Mapped[bool] = mapped_column(Boolean, default=False)
    is_party_member: Mapped[bool] = mapped_column(Boolean, default=False)
    is_village_cadre: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    left_reason: Mapped[str | None] = mapped_column(String(300))


class MemberCapacity(Base):
    """Labour capacity history of a member: each row holds from ``effective_on``."""

    __tablename__ = "member_capacity"
    __table_args__ = (Index("ix_member_capacity_member", "member_id", "effective_on"), in_window("effective_on"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("member.id"))
    labour_capacity: Mapped[str] = mapped_column(String(10))
    effective_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class KnownEntity(Base):
    """Operating entities as learned from the funds service's facts (never read from its database)."""

    __tablename__ = "known_entity"

    entity_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    county_code: Mapped[str | None] = mapped_column(String(6))
    village_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Employment(Base):
    __tablename__ = "employment"
    __table_args__ = (
        in_window("started_on"),
        CheckConstraint(f"ended_on IS NULL OR (ended_on >= started_on AND ended_on <= '{DATE_MAX.isoformat()}')", name="ended_on_window"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("member.id"), index=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("household.id"), index=True)
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("known_entity.entity_id"), index=True)
    post: Mapped[str] = mapped_column(String(100))
    link: Mapped[str] = mapped_column(String(20))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WagePayment(Base):
    __tablename__ = "wage_payment"
    __table_args__ = (
        CheckConstraint(f"amount_fen > 0 AND amount_fen <= {MAX_PAYMENT_FEN}", name="amount_fen_bounds"),
        in_window("period_start"),
        CheckConstraint(f"period_end >= period_start AND period_end <= '{DATE_MAX.isoformat()}'", name="period_end_window"),
        in_window("paid_on"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    employment_id: Mapped[str] = mapped_column(ForeignKey("employment.id"), index=True)
    member_id: Mapped[str] = mapped_column(String(36))
    household_id: Mapped[str] = mapped_column(String(36), index=True)
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    paid_on: Mapped[date] = mapped_column(Date)
    reported_by: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
