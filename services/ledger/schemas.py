"""What the ledger API returns."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.ledger.models import IncomeEntryFields

_BY_TYPE_EXAMPLE: dict[str, Any] = {
    "order_production": 360000,
    "wage_labor": 1200000,
    "lease_back": 0,
    "policy_support": 50000,
    "asset_income": 80000,
    "equity_dividend": 45000,
}


class HouseholdIncome(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "household_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f",
                    "year": 2026,
                    "month": None,
                    "as_of": None,
                    "by_type": _BY_TYPE_EXAMPLE,
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
    household_size: int = Field(description="members at the end of the period")
    per_capita_fen: int = Field(description="total_fen // household_size, whole fen rounded down")


# An income entry as the API shows it: the table's fields (models.IncomeEntryFields), declared once.
class IncomeEntryOut(IncomeEntryFields):
    model_config = ConfigDict(  # type: ignore[assignment]  # SQLModel types model_config as its own TypedDict, a superset of ConfigDict
        json_schema_extra={
            "examples": [
                {
                    "event_id": "0192f0a4-7c3e-7000-8000-aaaaaaaaaaaa",
                    "household_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f",
                    "benefit_type": "equity_dividend",
                    "amount_fen": 45000,
                    "occurred_on": "2026-06-30",
                    "recorded_at": "2026-07-01T02:00:00Z",
                    "village_code": "440232100201",
                    "county_code": "440232",
                    "source": "funds",
                    "event_type": "fupin.funds.dividend_paid.v1",
                    "lineage": {"fund_id": "0192f0a4-7c3e-7000-8000-000000000010", "project_id": "0192f0a4-7c3e-7000-8000-000000000020"},
                    "reverses_event_id": None,
                }
            ]
        }
    )


class NoIncomeHouseholds(BaseModel):
    count: int
    items: list[str] = Field(description="household ids, a page of them")
    next_cursor: str | None = None


class Aggregate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "level": "village",
                    "code": "440232100201",
                    "year": 2026,
                    "by_type": _BY_TYPE_EXAMPLE,
                    "total_fen": 1735000,
                    "share_bp": {
                        "order_production": 2075,
                        "wage_labor": 6916,
                        "lease_back": 0,
                        "policy_support": 288,
                        "asset_income": 461,
                        "equity_dividend": 260,
                    },
                    "households": 2,
                    "people": 7,
                    "per_capita_fen": 247857,
                    "per_capita_distribution": {"min": 0, "p25": 0, "p50": 433750, "p75": 433750, "max": 433750},
                    "households_without_income": {"count": 1, "items": ["0192f0a4-7c3e-7000-8000-1a2b3c4d5e70"], "next_cursor": None},
                }
            ]
        }
    )

    level: Literal["village", "township", "county", "city"]
    code: str
    year: int
    by_type: dict[str, int]
    total_fen: int
    share_bp: dict[str, int] = Field(description="each type's share of total_fen in basis points; they sum to 10000 (or all 0)")
    households: int = Field(description="households on the register during the year")
    people: int
    per_capita_fen: int
    per_capita_distribution: dict[str, int] = Field(description="min, quartiles and max of the households' per-capita income, fen")
    households_without_income: NoIncomeHouseholds


class IndicatorOut(BaseModel):
    rule: str
    status: Literal["met", "not_met", "no_data"]
    evidence: list[str] = Field(description="event ids (or household / member / entity ids) behind the answer")
    numbers: dict[str, int] = Field(default_factory=dict)
    note: str | None = None


class Indicators(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "level": "village",
                    "code": "440232100201",
                    "year": 2026,
                    "categories": ["province_poor"],
                    "indicators": [
                        {
                            "rule": "R5",
                            "status": "met",
                            "evidence": ["0192f0a4-7c3e-7000-8000-000000000031"],
                            "numbers": {"entities": 1, "joint_stock_or_cooperative": 1},
                            "note": None,
                        },
                        {
                            "rule": "R18",
                            "status": "no_data",
                            "evidence": [],
                            "numbers": {},
                            "note": "waiting for direct_supply_channel_opened from its producer",
                        },
                    ],
                }
            ]
        }
    )

    level: Literal["village", "county"]
    code: str
    year: int
    categories: list[str]
    indicators: list[IndicatorOut]


class ChainReport(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ok": False,
                    "filtered": False,
                    "counts": {"/fupin/funds": 120, "/fupin/households": 341},
                    "breaks": [
                        {"source": "/fupin/funds", "sequence": 57, "event_id": "0192…", "reason": "hash does not match the content: the event was altered"}
                    ],
                }
            ]
        }
    )

    ok: bool
    filtered: bool = False
    counts: dict[str, int]
    breaks: list[dict[str, str | int | None]] = Field(default_factory=list, description="the first break of each broken source")


class ReplayReport(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ok": False,
                    "events": 1834,
                    "tables": [
                        {
                            "table": "income_entry",
                            "identical": False,
                            "live_rows": 812,
                            "replay_rows": 812,
                            "missing_in_live": [],
                            "only_in_live": [],
                            "changed": [{"key": ["0192…", "0192…", "equity_dividend"], "columns": {"amount_fen": {"live": 701, "replay": 700}}}],
                        }
                    ],
                }
            ]
        }
    )

    ok: bool
    events: int = Field(description="events replayed from the first one")
    tables: list[dict[str, Any]] = Field(description="per projection table: identical?, row counts, and up to 100 differing keys of each kind")
