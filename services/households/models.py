"""Tables of the households service (its own database; nobody else writes it)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import UTCDateTime, make_base, utcnow

Base = make_base("households")


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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Household(Base):
    __tablename__ = "household"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_number: Mapped[str] = mapped_column(String(40), unique=True)
    village_code: Mapped[str] = mapped_column(ForeignKey("village.code"), index=True)
    poverty_status: Mapped[str] = mapped_column(String(30))
    registered_on: Mapped[date] = mapped_column(Date)
    address: Mapped[str | None] = mapped_column(String(300))
    left_on: Mapped[date | None] = mapped_column(Date)
    left_reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Member(Base):
    __tablename__ = "member"
    __table_args__ = (Index("ix_member_household", "household_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("household.id"))
    name: Mapped[str] = mapped_column(String(100))
    # The identity number is kept as a keyed hash (unique, for lookup) and as ciphertext.
    id_number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    id_number_cipher: Mapped[str] = mapped_column(String(200))
    relation: Mapped[str] = mapped_column(String(20))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(6))
    labour_capacity: Mapped[str] = mapped_column(String(10))
    wishes_to_work_away: Mapped[bool] = mapped_column(Boolean, default=False)
    is_party_member: Mapped[bool] = mapped_column(Boolean, default=False)
    is_village_cadre: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
