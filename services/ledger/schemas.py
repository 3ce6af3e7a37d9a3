"""What the ledger API returns."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.ledger.audit.log import SOURCES
from services.ledger.domain import EvidenceKind
from services.ledger.lineage import FundVia
from services.ledger.models import IncomeEntryFields
from shared.events import REGISTRY
from shared.events.income import BenefitType
from shared.labels import VillageCategoryCode, output_enum

# The service whose log holds an income fact (the envelope's ``source``): each of the ledger's sources one of
# whose contracts carries an ``income`` line (funds, households, market), read back as an enum
# (shared.labels.output_enum: ``other`` for a value no table knows, never a 500).
INCOME_SOURCES = tuple(s for s in SOURCES if any(c.service == s and "income" in c.model_fields for c in REGISTRY.values()))
IncomeSourceCode = output_enum(INCOME_SOURCES)

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
                    "fund_ids": ["0192f0a4-7c3e-7000-8000-000000000010"],
                    "fund_via": "line",
                }
            ]
        }
    )

    fund_ids: list[str] = Field(
        default_factory=list, description="the funds that paid it, named by the line or found through its allocation, project or the entity's funded project"
    )
    fund_via: FundVia | None = Field(default=None, description="how the fund is known (line, allocation, project, entity); null without a fund")
    benefit_type: BenefitType = Field(description="one of the six benefit types (§5); the projector parks a fact of any other")
    source: IncomeSourceCode = Field(description="the service whose log holds the fact")  # type: ignore[valid-type]  # output_enum builds a Literal at run time


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


# An indicator as the API shows it at village level (the examples of Indicators and of the views).
INDICATOR_EXAMPLE: dict[str, Any] = {
    "rule": "R5",
    "status": "met",
    "evidence": ["0192f0a4-7c3e-7000-8000-000000000001"],
    "evidence_items": {
        "items": [
            {
                "kind": "entity",
                "id": "0192f0a4-7c3e-7000-8000-000000000001",
                "label": "乳源瑶族自治县必背茶叶专业合作社",
                "href": "/funds/v1/entities/0192f0a4-7c3e-7000-8000-000000000001",
            }
        ],
        "next_cursor": None,
        "count": 1,
    },
    "numbers": {"entities": 1, "joint_stock_or_cooperative": 1},
    "note": None,
    "places": None,
}


class EvidenceItem(BaseModel):
    """One thing an indicator's answer rests on, and where the public API shows it."""

    kind: EvidenceKind
    id: str
    label: str | None = Field(None, description="its name, number or period as the facts give it")
    href: str = Field(description="a URL of the public API that resolves it (an event: its inclusion proof in the log)")


class EvidencePage(BaseModel):
    items: list[EvidenceItem] = Field(description="the first page, in (kind, id) order")
    next_cursor: str | None = Field(None, description="for GET /ledger/v1/indicators/villages/{code}/evidence/{rule}?cursor=")
    count: int = Field(description="all the evidence there is")


class PlaceRef(BaseModel):
    code: str
    name: str | None = None


class PlaceTally(BaseModel):
    """A rule at a township, county or the city: the villages (R1: the counties) meeting it and those not."""

    unit: Literal["village", "county"]
    met: list[PlaceRef]
    not_met: list[PlaceRef]
    no_data: list[PlaceRef] = Field(description="places where the rule cannot be judged (nothing reported, or not applicable)")
    met_share_bp: int = Field(description="met ÷ (met + not_met), basis points rounded down")


class IndicatorOut(BaseModel):
    rule: str
    status: Literal["met", "not_met", "no_data"]
    evidence: list[str] = Field(description="the ids of evidence_items' first page (kept for older clients)")
    evidence_items: EvidencePage = Field(description="typed evidence, paged; empty above village level (see places)")
    numbers: dict[str, int] = Field(default_factory=dict)
    note: str | None = None
    places: PlaceTally | None = Field(None, description="above village level: which villages (R1: counties) meet the rule and which do not")


class Indicators(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "level": "village",
                    "code": "440232100201",
                    "year": 2026,
                    "as_of": None,
                    "categories": ["province_poor"],
                    "indicators": [
                        INDICATOR_EXAMPLE,
                        {
                            "rule": "R18",
                            "status": "no_data",
                            "evidence": [],
                            "evidence_items": {"items": [], "next_cursor": None, "count": 0},
                            "numbers": {},
                            "note": "waiting for direct_supply_channel_opened from its producer",
                            "places": None,
                        },
                    ],
                }
            ]
        }
    )

    level: Literal["village", "township", "county", "city"]
    code: str
    year: int
    as_of: date | None = Field(None, description="the last day judged, when not the year's end (the span runs from 1 January)")
    categories: list[VillageCategoryCode] = Field(description="the village's policy categories; `other` for a code no table knows")
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
