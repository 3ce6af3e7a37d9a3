"""What the read models return."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from services.ledger.schemas import INDICATOR_EXAMPLE, IndicatorOut
from shared.events.households import PovertyStatus

_BY_TYPE: dict[str, Any] = {
    "order_production": 360000,
    "wage_labor": 1200000,
    "lease_back": 0,
    "policy_support": 50000,
    "asset_income": 80000,
    "equity_dividend": 45000,
}
BY_TYPE = "the year's income by each of the six benefit types (all six identifiers, zeros included), integer fen"
PER_CAPITA = "total_fen // the number of members, in whole fen rounded down (floor); 0 without members"


class VillageHousehold(BaseModel):
    """One household of a village's dashboard: the same figures as ``GET /ledger/v1/households/{id}/income?year=``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "household_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f",
                    "household_number": "4402321002010001",
                    "head_name": "邓某某",
                    "poverty_status": "registered_poor",
                    "left_on": None,
                    "members": 4,
                    "labourers": 2,
                    "by_type": _BY_TYPE,
                    "total_fen": 1735000,
                    "per_capita_fen": 433750,
                }
            ]
        }
    )

    household_id: str
    household_number: str
    head_name: str | None = Field(description="the head's (户主) name; null until the registry has named a head")
    poverty_status: PovertyStatus
    left_on: date | None = Field(description="the day it left the register, if it left during the year")
    members: int = Field(description="members at the end of the year (the household's size)")
    labourers: int = Field(description="labourers at the end of the year")
    by_type: dict[str, int] = Field(description=BY_TYPE)
    total_fen: int = Field(description="the sum of by_type, integer fen")
    per_capita_fen: int = Field(description=PER_CAPITA)


class VillageOverview(BaseModel):
    """One village of a county's overview: ``/aggregates?level=village`` and ``/indicators/villages/{code}`` side by side."""

    village_code: str
    name: str | None = Field(description="the village's name as registered; null for a place known only from its households")
    categories: list[str] = Field(description="the village's policy categories, as its indicators read them")
    households: int = Field(description="households on the register during the year")
    people: int = Field(description="their members at the end of the year")
    households_without_income: int = Field(description="households on the register without any income entry in the year")
    by_type: dict[str, int] = Field(description=BY_TYPE)
    total_fen: int = Field(description="the sum of by_type, integer fen")
    per_capita_fen: int = Field(description="total_fen // people, in whole fen rounded down (floor); 0 without people")
    indicators: list[IndicatorOut] = Field(description="the village's indicators, judged as GET /ledger/v1/indicators/villages/{code} judges them")


class CountyVillages(BaseModel):
    """A county's villages, each with its aggregates and indicators: the whole overview in one response (not paged)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "county_code": "440232",
                    "year": 2026,
                    "villages": [
                        {
                            "village_code": "440232100201",
                            "name": "必背村",
                            "categories": ["province_poor"],
                            "households": 32,
                            "people": 121,
                            "households_without_income": 1,
                            "by_type": _BY_TYPE,
                            "total_fen": 1735000,
                            "per_capita_fen": 14338,
                            "indicators": [INDICATOR_EXAMPLE],
                        }
                    ],
                }
            ]
        }
    )

    county_code: str
    year: int
    villages: list[VillageOverview] = Field(description="every village of the county known to the ledger in the year, by code")
