"""What the read models return."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.ledger.lineage import FundVia
from services.ledger.schemas import INDICATOR_EXAMPLE, IndicatorOut
from shared.events.households import EmploymentLink, LabourCapacity, PovertyStatus
from shared.events.income import BenefitType
from shared.events.training import ComplianceStatus
from shared.labels import IndustryCode, VillageCategoryCode

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
    categories: list[VillageCategoryCode] = Field(description="the village's policy categories, as its indicators read them; `other` for a code no table knows")
    households: int = Field(description="households on the register during the year")
    people: int = Field(description="their members at the end of the year")
    households_without_income: int = Field(description="households on the register without any income entry in the year")
    by_type: dict[str, int] = Field(description=BY_TYPE)
    total_fen: int = Field(description="the sum of by_type, integer fen")
    per_capita_fen: int = Field(description="total_fen // people, in whole fen rounded down (floor); 0 without people")
    indicators: list[IndicatorOut] = Field(
        description="the village's indicators: status, numbers and note as GET /ledger/v1/indicators/villages/{code} judges them; "
        "no evidence here (`evidence` and `evidence_items` are empty): that read pages it"
    )


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


class TownshipVillages(BaseModel):
    """A township's villages, each with its aggregates and indicators, as the county overview gives them (not paged)."""

    township_code: str
    year: int
    villages: list[VillageOverview] = Field(description="every village of the township known to the ledger in the year, by code")


class IndicatorCount(BaseModel):
    """How many of a county's villages stand where on one rule."""

    rule: str
    met: int
    not_met: int
    no_data: int


class CountyOverview(BaseModel):
    """One county of the city's overview: the sums of its villages (``VillageOverview``) and its villages' indicators counted."""

    county_code: str
    villages: int = Field(description="villages known to the ledger in the year")
    households: int
    people: int
    households_without_income: int
    by_type: dict[str, int] = Field(description=BY_TYPE)
    total_fen: int = Field(description="the sum of by_type, integer fen")
    per_capita_fen: int = Field(description="total_fen // people, in whole fen rounded down (floor); 0 without people")
    indicators: list[IndicatorCount] = Field(description="for each rule, how many of the county's villages meet it, do not, or have no data")


class CityCounties(BaseModel):
    """The city's counties side by side: the whole city overview in one response (not paged)."""

    city_code: str
    year: int
    counties: list[CountyOverview] = Field(description="every county with a village known to the ledger in the year, by code")


ChannelKind = Literal["school_canteen", "institution_canteen", "restaurant_hotel", "distributor", "wholesale_market", "partner_platform"]
FacilityKind = Literal["pre_cooling", "storage", "transport", "processing"]
MarketLinkType = Literal["direct_supply_channel", "showcase_window", "ecommerce_point", "cold_chain_facility", "order_contract"]


class MarketLink(BaseModel):
    """One market link of a village (R12, R18–R21), as its producer (market) stated it."""

    market_link: MarketLinkType = Field(description="what the link is; `rule` names the policy rule it serves")
    rule: str
    id: str
    name: str = Field(description="counterparty, paired unit, point or facility name, or the contracted product")
    kind: ChannelKind | FacilityKind | None = Field(description="a direct-supply channel's or a cold-chain facility's kind")
    form: Literal["physical", "online"] | None = Field(description="a showcase window's form")
    level: Literal["county_centre", "township_station", "village_shop"] | None = Field(description="an e-commerce point's level")
    detail: str | None
    since: date | None
    until: date | None


class VillageProject(BaseModel):
    """A three-rights project registered in the village (R9), with its entity, funding and latest agreement."""

    project_id: str
    name: str
    industry: IndustryCode | None = Field(description='one of the "453" industries; `other` for a code the catalogue does not have')
    area_tenth_mu: int | None = Field(description="area in tenths of a mu (505 = 50.5 mu)")
    contiguous: bool
    entity_id: str | None
    entity_name: str | None
    led_by: Literal["village_cadre", "party_member", "none"] | None
    funding_fen: int
    fund_ids: list[str] = Field(description="the funds whose allocations finance it")
    fund_names: list[str]
    agreement_id: str | None = Field(description="the latest investment cooperation agreement for it, if signed")
    poor_share_bp: int | None = Field(description="that agreement's share for poor households, basis points")
    term_end: date | None


class VillageLinks(BaseModel):
    """A village's projects and market links in one response."""

    village_code: str
    projects: list[VillageProject]
    market_links: list[MarketLink]


# ---- the household file ------------------------------------------------------------------------

Relation = Literal["head", "spouse", "child", "parent", "grandchild", "sibling", "other"]


class FileTraining(BaseModel):
    """A labourer's R7 (§3.2) standing for the year: training's latest verdict, else the ledger's reading of the sessions."""

    status: ComplianceStatus | None = Field(description="compliant / on_track / behind for the year; null without any training fact for the labourer")
    sessions: int = Field(description="training sessions completed in the year")
    counted_sessions: int = Field(description="of them, those that count towards R7 (at least the required days attended)")
    consecutive_years: int | None = Field(description="the run of years meeting the yearly requirement up to this one, as training reported it")
    has_skill: bool = Field(description="a practical skill certified by the end of the year")
    sessions_required: int = Field(description="sessions a year R7 asks for (policy thresholds)")


class FileEmployment(BaseModel):
    employment_id: str
    entity_id: str
    entity_name: str | None = Field(description="the operating entity's name as registered; null when the ledger has not seen it")
    post: str | None
    link: EmploymentLink | None
    started_on: date | None
    ended_on: date | None


class FileMember(BaseModel):
    """A member as the ledger's facts describe them (no identity number: it never travels in events)."""

    member_id: str
    name: str
    relation: Relation | None
    sex: Literal["male", "female"] | None
    birth_year: int | None
    labour_capacity: LabourCapacity | None
    wishes_to_work_away: bool
    is_party_member: bool
    is_village_cadre: bool
    joined_on: date | None
    left_on: date | None
    labourer: bool = Field(description="has labour capacity (full or partial) and has not left: R7 applies")
    training: FileTraining | None = Field(description="R7 standing; null for a member who is not a labourer")
    employment: list[FileEmployment] = Field(description="employment with operating entities (R13), ended ones included")


class MonthIncome(BaseModel):
    month: int = Field(ge=1, le=12)
    by_type: dict[str, int] = Field(description=BY_TYPE)
    total_fen: int


class IncomeSource(BaseModel):
    """The year's income lines of one benefit type from one source, summed: who paid, through what."""

    benefit_type: BenefitType
    amount_fen: int = Field(description="the lines' sum, integer fen (reversals included)")
    entries: int = Field(description="how many income entries")
    first_on: date
    last_on: date
    fund_ids: list[str] = Field(description="the funds that paid it, directly or through the entity's funded project; empty when none did")
    fund_names: list[str] = Field(description="their names, in the order of fund_ids")
    fund_via: FundVia | None = Field(
        description="how the fund is known: the line names it (line), its allocation (allocation), its project's funding (project), "
        "or the funded projects of the entity it names (entity); null without a fund"
    )
    entity_id: str | None
    entity_name: str | None
    project_id: str | None
    project_name: str | None
    agreement_id: str | None
    distribution_id: str | None


class HouseholdFile(BaseModel):
    """A household's file for one year in one response: members with labour, R7 and employment; income by type, month and source."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "household_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f",
                    "household_number": "4402321002010001",
                    "village_code": "440232100201",
                    "county_code": "440232",
                    "poverty_status": "registered_poor",
                    "registered_on": "2026-03-01",
                    "left_on": None,
                    "head_name": "邓某某",
                    "year": 2026,
                    "members": 4,
                    "labourers": 2,
                    "by_type": _BY_TYPE,
                    "total_fen": 1735000,
                    "per_capita_fen": 433750,
                    "by_month": [
                        {"month": m, "by_type": _BY_TYPE if m == 6 else dict.fromkeys(_BY_TYPE, 0), "total_fen": 1735000 if m == 6 else 0} for m in range(1, 13)
                    ],
                    "sources": [
                        {
                            "benefit_type": "wage_labor",
                            "amount_fen": 1200000,
                            "entries": 6,
                            "first_on": "2026-04-30",
                            "last_on": "2026-09-30",
                            "fund_ids": ["0192f0a4-7c3e-7000-8000-0000000000f1"],
                            "fund_names": ["2026年省级扶贫专项资金（乳源）"],
                            "fund_via": "entity",
                            "entity_id": "0192f0a4-7c3e-7000-8000-000000000001",
                            "entity_name": "乳源瑶族自治县必背茶叶专业合作社",
                            "project_id": None,
                            "project_name": None,
                            "agreement_id": None,
                            "distribution_id": None,
                        }
                    ],
                    "people": [
                        {
                            "member_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e70",
                            "name": "邓某某",
                            "relation": "head",
                            "sex": "male",
                            "birth_year": 1980,
                            "labour_capacity": "full",
                            "wishes_to_work_away": False,
                            "is_party_member": False,
                            "is_village_cadre": False,
                            "joined_on": "2026-03-01",
                            "left_on": None,
                            "labourer": True,
                            "training": {
                                "status": "on_track",
                                "sessions": 1,
                                "counted_sessions": 1,
                                "consecutive_years": 0,
                                "has_skill": False,
                                "sessions_required": 2,
                            },
                            "employment": [
                                {
                                    "employment_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e71",
                                    "entity_id": "0192f0a4-7c3e-7000-8000-000000000001",
                                    "entity_name": "乳源瑶族自治县必背茶叶专业合作社",
                                    "post": "茶园管护",
                                    "link": "production",
                                    "started_on": "2026-04-01",
                                    "ended_on": None,
                                }
                            ],
                        }
                    ],
                }
            ]
        }
    )

    household_id: str
    household_number: str
    village_code: str
    county_code: str
    poverty_status: PovertyStatus
    registered_on: date
    left_on: date | None
    head_name: str | None = Field(description="the head's (户主) name; null until the registry has named a head")
    year: int
    members: int = Field(description="members at the end of the year (the household's size)")
    labourers: int = Field(description="labourers at the end of the year")
    by_type: dict[str, int] = Field(description=BY_TYPE)
    total_fen: int = Field(description="the sum of by_type, integer fen")
    per_capita_fen: int = Field(description=PER_CAPITA)
    by_month: list[MonthIncome] = Field(description="the twelve months of the year, each as /households/{id}/income?year=&month= gives it")
    sources: list[IncomeSource] = Field(
        description="the year's income by benefit type and source (fund, entity, project, agreement), largest first within a type"
    )
    people: list[FileMember] = Field(description="members known to the ledger, the head first, with their R7 standing and employment")
