"""What the households API takes and returns."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.events.households import LabourCapacity, PovertyStatus
from shared.pii import CitizenId
from shared.regions import Industry, division_code_problem

VillageCategory = Literal["province_poor", "relatively_poor_dongguan", "relatively_poor_shaoguan", "scattered_poor"]


class VillageIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "440232100201",
                    "name": "必背村",
                    "township_name": "必背镇",
                    "categories": ["province_poor"],
                    "characteristic_industry": "tea",
                }
            ]
        }
    )

    code: str = Field(description="12-digit statistical division code")
    name: str = Field(min_length=1, max_length=100)
    township_name: str | None = None
    categories: list[VillageCategory] = Field(default_factory=list)
    paired_unit: str | None = Field(None, description="对口帮扶单位, for relatively poor villages")
    characteristic_industry: Industry | None = None

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        problem = division_code_problem(value)
        if problem:
            raise ValueError(f"invalid division code: {problem}")
        return value


class VillageOut(BaseModel):
    code: str
    name: str
    township_code: str
    township_name: str | None
    county_code: str
    categories: list[str]
    paired_unit: str | None
    characteristic_industry: str | None


class MemberIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    id_number: CitizenId = Field(description="Resident identity number (GB 11643); stored encrypted, shown masked")
    relation: Literal["head", "spouse", "child", "parent", "grandchild", "sibling", "other"]
    birth_date: date
    sex: Literal["male", "female"]
    labour_capacity: LabourCapacity
    wishes_to_work_away: bool = False
    is_party_member: bool = False
    is_village_cadre: bool = False

    @field_validator("birth_date")
    @classmethod
    def _not_future(cls, value: date) -> date:
        if value > date.today():
            raise ValueError("birth date is in the future")
        return value


class HouseholdIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "household_number": "4402321002010001",
                    "village_code": "440232100201",
                    "poverty_status": "registered_poor",
                    "registered_on": "2026-03-01",
                    "address": "必背村一组12号",
                    "members": [
                        {
                            "name": "邓某某",
                            "id_number": "440232198003150011",
                            "relation": "head",
                            "birth_date": "1980-03-15",
                            "sex": "male",
                            "labour_capacity": "full",
                        }
                    ],
                }
            ]
        }
    )

    household_number: str = Field(min_length=1, max_length=40)
    village_code: str
    poverty_status: PovertyStatus = "registered_poor"
    registered_on: date
    address: str | None = Field(None, max_length=300)
    members: list[MemberIn] = Field(default_factory=list)


class MemberOut(BaseModel):
    id: str
    name: str
    id_number: str = Field(description="masked unless the caller's role needs the full number")
    relation: str
    birth_date: date
    sex: str
    labour_capacity: str
    wishes_to_work_away: bool
    is_party_member: bool
    is_village_cadre: bool
    joined_on: date
    left_on: date | None


class HouseholdOut(BaseModel):
    id: str
    household_number: str
    village_code: str
    township_code: str
    county_code: str
    poverty_status: str
    registered_on: date
    address: str | None
    left_on: date | None
    left_reason: str | None
    members: list[MemberOut]
    household_size: int
