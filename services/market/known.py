"""What market knows of other services' facts (kept by ``consumers.py``): villages and households, operating entities."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Column, Date, String
from sqlmodel import Field

from services.market.base import MarketTable


class KnownVillage(MarketTable, table=True):
    __tablename__ = "known_village"

    code: str = Field(sa_column=Column(String(12), primary_key=True))
    name: str = Field(sa_column=Column(String(100), nullable=False))
    categories: list[str] = Field(default_factory=list, sa_column=Column(JSON, default=list, nullable=False))
    paired_unit: str | None = Field(default=None, sa_column=Column(String(200)))


class KnownHousehold(MarketTable, table=True):
    __tablename__ = "known_household"

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    village_code: str = Field(sa_column=Column(String(12), index=True, nullable=False))
    poverty_status: str = Field(sa_column=Column(String(30), nullable=False))
    left_on: date | None = Field(default=None, sa_column=Column(Date))


class KnownEntity(MarketTable, table=True):
    __tablename__ = "known_entity"

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    name: str = Field(sa_column=Column(String(200), nullable=False))
    kind: str = Field(sa_column=Column(String(40), nullable=False))
    county_code: str | None = Field(default=None, sa_column=Column(String(6)))
    village_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, default=list, nullable=False))
