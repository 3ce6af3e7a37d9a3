"""What the income categories and production costs take and return."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.bounds import PaymentFen, PolicyDate, StrictInput, text

_FIGURE: dict[str, Any] = {"gross_fen": 360000, "costs_fen": 60000, "net_fen": 300000, "basis": "net"}


class FigureOut(BaseModel):
    gross_fen: int = Field(description="the category's benefit types summed")
    costs_fen: int = Field(description="production costs recorded against it in the year (business only)")
    net_fen: int = Field(description="gross_fen - costs_fen")
    basis: Literal["net", "gross"] = Field(description="net when costs were deducted; gross when none is recorded (an upper bound of the net)")


class HouseholdCategories(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "household_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f",
                    "year": 2026,
                    "by_type": {
                        "order_production": 360000,
                        "wage_labor": 1200000,
                        "lease_back": 0,
                        "policy_support": 50000,
                        "asset_income": 80000,
                        "equity_dividend": 45000,
                    },
                    "total_fen": 1735000,
                    "categories": {
                        "wage": {"gross_fen": 1200000, "costs_fen": 0, "net_fen": 1200000, "basis": "gross"},
                        "business": _FIGURE,
                        "property": {"gross_fen": 125000, "costs_fen": 0, "net_fen": 125000, "basis": "gross"},
                        "transfer": {"gross_fen": 50000, "costs_fen": 0, "net_fen": 50000, "basis": "gross"},
                    },
                    "net_total_fen": 1675000,
                }
            ]
        }
    )

    household_id: str
    year: int
    by_type: dict[str, int] = Field(description="the six benefit types, as GET /households/{id}/income?year= gives them")
    total_fen: int = Field(description="the six types' total; the categories' gross_fen sum to it")
    categories: dict[str, FigureOut] = Field(description="wage 工资性, business 经营净, property 财产净, transfer 转移净 (docs/monitoring.md)")
    net_total_fen: int = Field(description="total_fen less the recorded production costs")


class ProductionCostIn(StrictInput):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"amount_fen": 60000, "occurred_on": "2026-04-10", "item": "茶苗与肥料", "contract_id": "0192f0a4-7c3e-7000-8000-00000000c001"}]
        }
    )

    amount_fen: PaymentFen
    occurred_on: PolicyDate
    item: text(200, description="what was bought (seed, feed, fertiliser …)")  # type: ignore[valid-type]  # text(n) builds the bounded type at run time
    contract_id: str | None = Field(None, min_length=1, max_length=36, description="the order contract the cost was spent on, when known")


class ProductionCostOut(BaseModel):
    cost_id: str
    household_id: str
    village_code: str
    amount_fen: int = Field(description="negative for a reversing entry")
    occurred_on: date
    contract_id: str | None
    item: str
    reverses_cost_id: str | None
    recorded_by: str
    recorded_at: datetime
