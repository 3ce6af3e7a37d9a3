"""Villages and members as the households service announced them (never read from its database)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, Integer, String
from sqlmodel import Field

from services.training.fields import (
    TrainingTable,
    pk,
)


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

    id: str = pk()
    household_id: str = Field(sa_type=String(36), index=True)
    village_code: str = Field(sa_type=String(12), index=True)
    name: str = Field(sa_type=String(100))
    birth_year: int = Field(sa_type=Integer)
    labour_capacity: str = Field(sa_type=String(10))
    wishes_to_work_away: bool = Field(default=False, sa_type=Boolean)
    joined_on: date = Field(sa_type=Date)
    left_on: date | None = Field(default=None, sa_type=Date)
