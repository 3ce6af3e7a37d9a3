"""Facts the households service publishes (topic ``<prefix>households``). No identity numbers, ever."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from shared.events.contracts import EventData, contract
from shared.events.income import IncomeLine

PovertyStatus = Literal["registered_poor", "exited", "returned_to_poverty", "not_poor"]
LabourCapacity = Literal["full", "partial", "none"]


@contract("households", "village_registered", 1, subject="village_code")
class VillageRegistered(EventData):
    village_code: str = Field(min_length=12, max_length=12)
    name: str
    township_code: str
    county_code: str
    categories: list[str] = Field(default_factory=list)
    paired_unit: str | None = None
    characteristic_industry: str | None = None
    example = {
        "village_code": "440232100201",
        "name": "必背村",
        "township_code": "440232100",
        "county_code": "440232",
        "categories": ["province_poor"],
        "paired_unit": "东莞市某局",
        "characteristic_industry": "tea",
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
        "household_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f",
        "household_number": "4402321002010001",
        "village_code": "440232100201",
        "poverty_status": "registered_poor",
        "registered_on": "2026-03-01",
        "member_count": 4,
        "labour_count": 2,
    }


@contract("households", "household_size_changed", 1, subject="household_id")
class HouseholdSizeChanged(EventData):
    """The household's members (or their labour capacity) changed; the new counts hold from ``effective_on``."""

    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    member_count: int = Field(ge=0)
    labour_count: int = Field(ge=0)
    effective_on: date


@contract("households", "household_status_changed", 1, subject="household_id")
class HouseholdStatusChanged(EventData):
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    poverty_status: PovertyStatus
    effective_on: date
    exit_year: int | None = None
    reason: str | None = None


@contract("households", "household_left_registry", 1, subject="household_id")
class HouseholdLeftRegistry(EventData):
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    reason: str
    effective_on: date


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


@contract("households", "member_updated", 1, subject="member_id")
class MemberUpdated(EventData):
    member_id: str
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    labour_capacity: LabourCapacity
    wishes_to_work_away: bool
    is_party_member: bool
    is_village_cadre: bool
    effective_on: date


@contract("households", "member_left", 1, subject="member_id")
class MemberLeft(EventData):
    member_id: str
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    reason: str
    effective_on: date


@contract("households", "employment_started", 1, subject="employment_id")
class EmploymentStarted(EventData):
    """R13: a member is employed by an operating entity."""

    employment_id: str
    member_id: str
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    entity_id: str
    post: str
    link: Literal["production", "processing", "distribution"]
    started_on: date


@contract("households", "employment_ended", 1, subject="employment_id")
class EmploymentEnded(EventData):
    employment_id: str
    member_id: str
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    entity_id: str
    ended_on: date


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
