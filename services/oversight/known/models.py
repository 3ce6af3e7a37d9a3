"""Households and members as the households service announced them (never read from its database); no identity numbers."""

from __future__ import annotations

from sqlalchemy import String
from sqlmodel import Field

from services.oversight.fields import OversightTable
from shared.tables import pk


class KnownHousehold(OversightTable, table=True):
    __tablename__ = "known_household"

    id: str = pk()
    village_code: str = Field(sa_type=String(12), index=True)
    household_number: str = Field(sa_type=String(40))
    poverty_status: str = Field(sa_type=String(24))
    head_member_id: str | None = Field(default=None, sa_type=String(36))


class KnownMember(OversightTable, table=True):
    __tablename__ = "known_member"

    id: str = pk()
    household_id: str = Field(sa_type=String(36), index=True)
    name: str = Field(sa_type=String(100))


class KnownVillage(OversightTable, table=True):
    __tablename__ = "known_village"

    code: str = Field(sa_type=String(12), primary_key=True)
    name: str = Field(sa_type=String(100))
