"""The village tables: the fields a village shares with the API (``VillageBase``) and the tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlmodel import Field, SQLModel

from services.households.fields import (
    HouseholdsTable,
    UnitName,
    VillageCategory,
    VillageCode,
    VillageName,
    column,
    created,
)
from shared.regions import Industry


class VillageBase(SQLModel):
    code: VillageCode = column(String(12), primary_key=True)
    name: VillageName = column(String(100))
    township_name: VillageName | None = column(String(100), None)
    categories: list[VillageCategory] = column(JSON, default_factory=list, max_length=4, sa_column_kwargs={"default": list})
    paired_unit: UnitName | None = column(String(200), None, description="对口帮扶单位, for relatively poor villages")
    characteristic_industry: Industry | None = column(String(40), None)


class Village(VillageBase, HouseholdsTable, table=True):
    __tablename__ = "village"

    township_code: str = Field(sa_type=String(9), index=True)
    county_code: str = Field(sa_type=String(6), index=True)
    # Stored as given (role, name, department, unit), checked by ``schemas.Helper`` on the way in.
    helpers: list[dict[str, str | None]] = Field(default_factory=list, sa_type=JSON, sa_column_kwargs={"default": list})
    created_at: datetime = created()


class VillageCategoryRow(HouseholdsTable, table=True):
    """One row per (village, category): lets lists and stats filter by category in plain SQL."""

    __tablename__ = "village_category"

    village_code: str = Field(sa_type=String(12), foreign_key="village.code", primary_key=True)
    category: str = Field(sa_type=String(40), primary_key=True, index=True)
