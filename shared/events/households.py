"""Facts the households service publishes (topic ``<prefix>households``). No identity numbers, ever."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from shared.events.contracts import EventData, contract
from shared.events.income import IncomeLine

PovertyStatus = Literal["registered_poor", "exited", "returned_to_poverty", "not_poor"]
LabourCapacity = Literal["full", "partial", "none"]
EmploymentLink = Literal["production", "processing", "distribution"]

_HID = "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f"
_MID = "0192f0a4-7c3e-7000-8000-1a2b3c4d5e70"
_EMP = "0192f0a4-7c3e-7000-8000-1a2b3c4d5e71"
_ENT = "0192f0a4-7c3e-7000-8000-000000000001"
_PAY = "0192f0a4-7c3e-7000-8000-1a2b3c4d5e72"


@contract("households", "village_registered", 1, subject="village_code")
class VillageRegistered(EventData):
    village_code: str = Field(min_length=12, max_length=12)
    name: str
    township_code: str
    county_code: str
    categories: list[str] = Field(default_factory=list)
    paired_unit: str | None = None
    characteristic_industry: str | None = None
    township_name: str | None = None
    helpers: list[dict[str, str | None]] = Field(default_factory=list, description="first secretary, resident and technical cadres")
    example = {
        "village_code": "440232100201",
        "name": "必背村",
        "township_code": "440232100",
        "county_code": "440232",
        "categories": ["province_poor"],
        "paired_unit": "东莞市某局",
        "characteristic_industry": "tea",
        "township_name": "必背镇",
        "helpers": [{"role": "first_secretary", "name": "李某", "department": None, "unit": "东莞市某局"}],
    }


@contract("households", "village_updated", 1, subject="village_code")
class VillageUpdated(EventData):
    """A village's categories, pairing, helpers or characteristic industry were corrected; the full new state."""

    village_code: str = Field(min_length=12, max_length=12)
    name: str
    categories: list[str] = Field(default_factory=list)
    paired_unit: str | None = None
    characteristic_industry: str | None = None
    helpers: list[dict[str, str | None]] = Field(default_factory=list)
    example = {
        "village_code": "440232100201",
        "name": "必背村",
        "categories": ["province_poor", "relatively_poor_dongguan"],
        "paired_unit": "东莞市某局",
        "characteristic_industry": "tea",
        "helpers": [{"role": "technical_cadre", "name": "王某", "department": "agriculture", "unit": "乳源县农业局"}],
    }


@contract("households", "household_registered", 1, subject="household_id")
class HouseholdRegistered(EventData):
    household_id: str
    household_number: str
    village_code: str = Field(min_length=12, max_length=12)
    poverty_status: PovertyStatus
    registered_on: date
    member_count: int = Field(ge=0)
    labour_count: int = Field(ge=0)
    example = {
        "household_id": _HID,
        "household_number": "4402321002010001",
        "village_code": "440232100201",
        "poverty_status": "registered_poor",
        "registered_on": "2026-03-01",
        "member_count": 4,
        "labour_count": 2,
    }


@contract("households", "household_corrected", 1, subject="household_id")
class HouseholdCorrected(EventData):
    """A registry correction of a household's own fields (not its status or members)."""

    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    changed: list[str] = Field(description="names of the corrected fields")
    address: str | None = None
    reason: str | None = None
    example = {"household_id": _HID, "village_code": "440232100201", "changed": ["address"], "address": "必背村二组3号", "reason": "门牌调整"}


@contract("households", "household_size_changed", 1, subject="household_id")
class HouseholdSizeChanged(EventData):
    """The household's members (or their labour capacity) changed; the new counts hold from ``effective_on``."""

    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    member_count: int = Field(ge=0)
    labour_count: int = Field(ge=0)
    effective_on: date
    example = {"household_id": _HID, "village_code": "440232100201", "member_count": 5, "labour_count": 2, "effective_on": "2026-06-01"}


@contract("households", "household_status_changed", 1, subject="household_id")
class HouseholdStatusChanged(EventData):
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    poverty_status: PovertyStatus
    effective_on: date
    exit_year: int | None = None
    reason: str | None = None
    previous_status: PovertyStatus | None = None
    example = {
        "household_id": _HID,
        "village_code": "440232100201",
        "poverty_status": "exited",
        "effective_on": "2026-12-20",
        "exit_year": 2026,
        "reason": "人均可支配收入达标",
        "previous_status": "registered_poor",
    }


@contract("households", "household_left_registry", 1, subject="household_id")
class HouseholdLeftRegistry(EventData):
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    reason: str
    effective_on: date
    example = {"household_id": _HID, "village_code": "440232100201", "reason": "整户迁出", "effective_on": "2026-09-30"}


@contract("households", "member_registered", 1, subject="member_id")
class MemberRegistered(EventData):
    """A member joined a household. Names travel; identity numbers never do."""

    member_id: str
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    name: str
    birth_year: int
    sex: Literal["male", "female"]
    labour_capacity: LabourCapacity
    wishes_to_work_away: bool = False
    is_party_member: bool = False
    is_village_cadre: bool = False
    joined_on: date
    relation: str | None = None
    example = {
        "member_id": _MID,
        "household_id": _HID,
        "village_code": "440232100201",
        "name": "邓某某",
        "birth_year": 1980,
        "sex": "male",
        "labour_capacity": "full",
        "wishes_to_work_away": True,
        "is_party_member": False,
        "is_village_cadre": False,
        "joined_on": "2026-03-01",
        "relation": "head",
    }


@contract("households", "member_updated", 1, subject="member_id")
class MemberUpdated(EventData):
    """A member's labour capacity, wishes or roles changed (or a correction); the full new state from ``effective_on``."""

    member_id: str
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    labour_capacity: LabourCapacity
    wishes_to_work_away: bool
    is_party_member: bool
    is_village_cadre: bool
    effective_on: date
    changed: list[str] = Field(default_factory=list, description="names of the fields that changed")
    name: str | None = None
    reason: str | None = None
    example = {
        "member_id": _MID,
        "household_id": _HID,
        "village_code": "440232100201",
        "labour_capacity": "partial",
        "wishes_to_work_away": False,
        "is_party_member": False,
        "is_village_cadre": False,
        "effective_on": "2026-05-01",
        "changed": ["labour_capacity"],
        "name": "邓某某",
        "reason": "因病部分丧失劳动能力",
    }


@contract("households", "member_left", 1, subject="member_id")
class MemberLeft(EventData):
    member_id: str
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    reason: str
    effective_on: date
    example = {"member_id": _MID, "household_id": _HID, "village_code": "440232100201", "reason": "婚嫁迁出", "effective_on": "2026-07-01"}


@contract("households", "household_head_changed", 1, subject="household_id")
class HouseholdHeadChanged(EventData):
    """Another current member became the head (户主), e.g. when the head left; a household has exactly one."""

    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    head_member_id: str
    previous_head_member_id: str | None = None
    effective_on: date
    example = {"household_id": _HID, "village_code": "440232100201", "head_member_id": _MID, "previous_head_member_id": None, "effective_on": "2026-07-01"}


@contract("households", "employment_started", 1, subject="employment_id")
class EmploymentStarted(EventData):
    """R13: a member is employed by an operating entity."""

    employment_id: str
    member_id: str
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    entity_id: str
    post: str
    link: EmploymentLink
    started_on: date
    example = {
        "employment_id": _EMP,
        "member_id": _MID,
        "household_id": _HID,
        "village_code": "440232100201",
        "entity_id": _ENT,
        "post": "茶园管护",
        "link": "production",
        "started_on": "2026-04-01",
    }


@contract("households", "employment_ended", 1, subject="employment_id")
class EmploymentEnded(EventData):
    employment_id: str
    member_id: str
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    entity_id: str
    ended_on: date
    reason: str | None = None
    example = {
        "employment_id": _EMP,
        "member_id": _MID,
        "household_id": _HID,
        "village_code": "440232100201",
        "entity_id": _ENT,
        "ended_on": "2026-11-30",
        "reason": "季节性用工结束",
    }


@contract("households", "wage_paid", 1, subject="payment_id")
class WagePaid(EventData):
    """A wage payment; the ledger books ``income`` as ``wage_labor``."""

    payment_id: str
    employment_id: str
    member_id: str
    entity_id: str
    period_start: date
    period_end: date
    income: IncomeLine
    reported_by: Literal["entity", "village", "city"] = "entity"
    example = {
        "payment_id": _PAY,
        "employment_id": _EMP,
        "member_id": _MID,
        "entity_id": _ENT,
        "period_start": "2026-04-01",
        "period_end": "2026-04-30",
        "income": {
            "household_id": _HID,
            "village_code": "440232100201",
            "benefit_type": "wage_labor",
            "amount_fen": 240000,
            "occurred_on": "2026-05-05",
            "lineage": {"entity_id": _ENT, "employment_id": _EMP, "payment_id": _PAY},
        },
        "reported_by": "entity",
    }
