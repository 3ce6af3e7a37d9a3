"""What the ledger API returns."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class HouseholdIncome(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "household_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f",
                    "year": 2026,
                    "month": None,
                    "as_of": None,
                    "by_type": {
                        "order_production": 360000,
                        "wage_labor": 1200000,
                        "lease_back": 0,
                        "policy_support": 50000,
                        "asset_income": 80000,
                        "equity_dividend": 45000,
                    },
                    "total_fen": 1735000,
                    "household_size": 4,
                    "per_capita_fen": 433750,
                }
            ]
        }
    )

    household_id: str
    year: int
    month: int | None = None
    as_of: date | None = None
    by_type: dict[str, int] = Field(description="all six benefit identifiers, in fen, zeros included")
    total_fen: int
    household_size: int
    per_capita_fen: int
