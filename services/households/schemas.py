"""What the households API takes and returns: the create and public models of ``models.py``'s bases.

A create model is ``<Base> + StrictInput`` (unknown fields are a 422 naming them); a public model is
``<Base>`` plus what the service adds (ids, masked numbers, derived counts), read from a row with
``Out.model_validate(row, update={...})``. Patches, reports and counts are plain models.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlmodel import SQLModel

from services.households.fields import (
    MAX_HELPERS,
    MAX_MEMBERS,
    Address,
    HouseholdNumber,
    IdNumber,
    Phone,
    Post,
    Reason,
    Ref,
    Relation,
    UnitName,
    VillageCategory,
    VillageCode,
    VillageName,
    WageReporter,
)
from services.households.models import (
    EmploymentBase,
    EntityFields,
    HouseholdBase,
    MemberBase,
    StatusBase,
    VillageBase,
    WageBase,
)
from shared.bounds import Flag, PersonName, PolicyDate, StrictInput
from shared.events.households import LabourCapacity
from shared.regions import Industry, division_code_problem

__all__ = ["Address", "HouseholdNumber", "Post", "Relation", "VillageCategory", "VillageCode", "VillageName"]


class Helper(StrictInput):
    """第一书记 / 驻村干部 / 技术干部 of a village (§1.2)."""

    role: Literal["first_secretary", "resident_cadre", "technical_cadre"]
    name: PersonName
    department: Literal["agriculture", "forestry", "livestock", "water", "fishery", "ecommerce", "photovoltaic"] | None = None
    unit: UnitName | None = Field(None, description="the unit the helper is sent by")


class VillageIn(VillageBase, StrictInput):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "440232100201",
                    "name": "必背村",
                    "township_name": "必背镇",
                    "categories": ["province_poor"],
                    "characteristic_industry": "tea",
                    "helpers": [{"role": "first_secretary", "name": "李某", "unit": "东莞市某局"}],
                }
            ]
        }
    )

    helpers: list[Helper] = Field(default_factory=list, max_length=MAX_HELPERS)

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        problem = division_code_problem(value)
        if problem:
            raise ValueError(f"invalid division code: {problem}")
        return value


class VillagePatch(StrictInput):
    """A correction of a village: only the given fields change."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"categories": ["relatively_poor_dongguan"], "paired_unit": "东莞市某局", "reason": "帮扶关系调整"}]}
    )

    name: VillageName | None = None
    township_name: VillageName | None = None
    categories: list[VillageCategory] | None = Field(None, max_length=4)
    paired_unit: UnitName | None = None
    characteristic_industry: Industry | None = None
    helpers: list[Helper] | None = Field(None, max_length=MAX_HELPERS)
    reason: Reason | None = None


class VillageOut(VillageBase):
    model_config = ConfigDict(json_schema_extra={"examples": [{'code': '440232100201', 'name': '必背村', 'township_code': '440232100', 'township_name': '必背镇', 'county_code': '440232', 'county_name': '乳源瑶族自治县', 'categories': ['province_poor'], 'paired_unit': None, 'characteristic_industry': 'tea', 'helpers': [{'role': 'first_secretary', 'name': '李某', 'department': None, 'unit': '东莞市某局'}]}]})

    township_code: str
    county_code: str
    county_name: str | None = None
    helpers: list[dict[str, Any]] = Field(default_factory=list)


class MemberIn(MemberBase, StrictInput):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "邓某某",
                    "id_number": "440232198003150013",
                    "relation": "head",
                    "birth_date": "1980-03-15",
                    "sex": "male",
                    "labour_capacity": "full",
                    "wishes_to_work_away": True,
                    "phone": "13812345678",
                }
            ]
        }
    )

    id_number: IdNumber = Field(description="Resident identity number (GB 11643); stored encrypted, shown masked")
    phone: Phone | None = Field(None, description="Contact phone; stored encrypted, shown masked, never in events")


class MemberJoinIn(MemberIn):
    """A member joining an existing household (birth, marriage, return)."""

    joined_on: PolicyDate
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "邓小某",
                    "id_number": "440232202001010016",
                    "relation": "child",
                    "birth_date": "2020-01-01",
                    "sex": "male",
                    "labour_capacity": "none",
                    "joined_on": "2026-05-01",
                }
            ]
        }
    )


class MemberPatch(StrictInput):
    """A change of a member's labour capacity, wishes or roles (or a name correction) from ``effective_on``."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"labour_capacity": "partial", "effective_on": "2026-05-01", "reason": "因病部分丧失劳动能力"}]}
    )

    name: PersonName | None = None
    labour_capacity: LabourCapacity | None = None
    wishes_to_work_away: Flag | None = None
    is_party_member: Flag | None = None
    is_village_cadre: Flag | None = None
    effective_on: PolicyDate
    reason: Reason | None = None


class LeaveIn(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "婚嫁迁出", "effective_on": "2026-07-01"}]})

    reason: Reason
    effective_on: PolicyDate


class MemberLeaveIn(LeaveIn):
    """A member leaves; when the head leaves, ``new_head_id`` names the current member who becomes head."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "婚嫁迁出", "effective_on": "2026-07-01"}]})

    new_head_id: Ref | None = Field(None, description="required when the head leaves: a current member of the same household")


class HouseholdIn(HouseholdBase, StrictInput):
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
                            "id_number": "440232198003150013",
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

    members: list[MemberIn] = Field(min_length=1, max_length=MAX_MEMBERS, description="at least one member, exactly one of them the head")


class HouseholdPatch(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"address": "必背村二组3号", "reason": "门牌调整"}]})

    address: Address | None = None
    reason: Reason | None = None


class StatusChangeIn(StatusBase, StrictInput):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"poverty_status": "exited", "effective_on": "2026-12-20", "exit_year": 2026, "reason": "收入达标"}]}
    )



class MemberOut(MemberBase):
    model_config = ConfigDict(json_schema_extra={"examples": [{'id': '0192f0a4-7c3e-7000-8000-1a2b3c4d5e70', 'household_id': '0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f', 'name': '邓某某', 'id_number': '440232********0011', 'relation': 'head', 'birth_date': '1980-03-15', 'sex': 'male', 'labour_capacity': 'full', 'wishes_to_work_away': True, 'is_party_member': False, 'is_village_cadre': False, 'joined_on': '2026-03-01', 'left_on': None, 'left_reason': None}]})

    id: str
    household_id: str
    id_number: str = Field(description="masked unless the caller's role needs the full number")
    phone: str | None = Field(None, description="masked unless the caller's role needs the full number")
    joined_on: date
    left_on: date | None
    left_reason: str | None = None


class StatusRecordOut(StatusBase):
    """One record of the poverty status history."""


class HouseholdOut(HouseholdBase):
    model_config = ConfigDict(json_schema_extra={"examples": [{'id': '0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f', 'household_number': '4402321002010001', 'village_code': '440232100201', 'township_code': '440232100', 'county_code': '440232', 'poverty_status': 'exited', 'exit_year': 2026, 'registered_on': '2026-03-01', 'address': '必背村一组12号', 'left_on': None, 'left_reason': None, 'in_registry': True, 'as_of': '2026-12-31', 'members': [{'id': '0192f0a4-7c3e-7000-8000-1a2b3c4d5e70', 'household_id': '0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f', 'name': '邓某某', 'id_number': '440232********0011', 'relation': 'head', 'birth_date': '1980-03-15', 'sex': 'male', 'labour_capacity': 'full', 'wishes_to_work_away': True, 'is_party_member': False, 'is_village_cadre': False, 'joined_on': '2026-03-01', 'left_on': None, 'left_reason': None}], 'household_size': 1, 'labour_count': 1, 'status_history': [{'poverty_status': 'registered_poor', 'effective_on': '2026-03-01', 'exit_year': None, 'reason': None}, {'poverty_status': 'exited', 'effective_on': '2026-12-20', 'exit_year': 2026, 'reason': '收入达标'}]}]})

    id: str
    township_code: str
    county_code: str
    left_on: date | None
    left_reason: str | None
    in_registry: bool = Field(True, description="false once the household has left the registry (as of the date asked)")
    as_of: date | None = None
    members: list[MemberOut]
    household_size: int
    labour_count: int = 0
    status_history: list[StatusRecordOut] = Field(default_factory=list)


class HouseholdSummary(SQLModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{'id': '0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f', 'household_number': '4402321002010001', 'village_code': '440232100201', 'poverty_status': 'registered_poor', 'registered_on': '2026-03-01', 'left_on': None, 'household_size': 4, 'labour_count': 2}]})

    """A row of the household list (no members)."""

    id: str
    household_number: str
    village_code: str
    poverty_status: str
    registered_on: date
    left_on: date | None
    household_size: int
    labour_count: int


class EmploymentIn(EmploymentBase, StrictInput):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "member_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e70",
                    "entity_id": "0192f0a4-7c3e-7000-8000-000000000001",
                    "post": "茶园管护",
                    "link": "production",
                    "started_on": "2026-04-01",
                }
            ]
        }
    )



class EmploymentEndIn(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"ended_on": "2026-11-30", "reason": "季节性用工结束"}]})

    ended_on: PolicyDate
    reason: Reason | None = None


class EmploymentOut(EmploymentBase):
    model_config = ConfigDict(json_schema_extra={"examples": [{'id': '0192f0a4-7c3e-7000-8000-1a2b3c4d5e71', 'member_id': '0192f0a4-7c3e-7000-8000-1a2b3c4d5e70', 'household_id': '0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f', 'village_code': '440232100201', 'entity_id': '0192f0a4-7c3e-7000-8000-000000000001', 'post': '茶园管护', 'link': 'production', 'started_on': '2026-04-01', 'ended_on': None, 'end_reason': None}]})

    id: str
    household_id: str
    village_code: str
    end_reason: str | None


class WageIn(WageBase, StrictInput):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "employment_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e71",
                    "amount_fen": 240000,
                    "period_start": "2026-04-01",
                    "period_end": "2026-04-30",
                    "paid_on": "2026-05-05",
                }
            ]
        }
    )



class WageOut(WageBase):
    model_config = ConfigDict(json_schema_extra={"examples": [{'id': '0192f0a4-7c3e-7000-8000-1a2b3c4d5e72', 'employment_id': '0192f0a4-7c3e-7000-8000-1a2b3c4d5e71', 'member_id': '0192f0a4-7c3e-7000-8000-1a2b3c4d5e70', 'household_id': '0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f', 'village_code': '440232100201', 'entity_id': '0192f0a4-7c3e-7000-8000-000000000001', 'amount_fen': 240000, 'period_start': '2026-04-01', 'period_end': '2026-04-30', 'paid_on': '2026-05-05', 'reported_by': 'entity'}]})

    id: str
    member_id: str
    household_id: str
    village_code: str
    entity_id: str
    reported_by: WageReporter


class EntityOut(EntityFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{'entity_id': '0192f0a4-7c3e-7000-8000-000000000001', 'name': '乳源瑶族自治县必背茶叶专业合作社', 'kind': 'cooperative', 'county_code': '440232', 'village_codes': ['440232100201']}]})

    """An operating entity as the households service learned it from the funds service's facts."""


class Stats(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "households": 120,
                    "members": 431,
                    "labourers": 210,
                    "households_by_status": {"registered_poor": 80, "exited": 40},
                    "members_by_labour_capacity": {"full": 150, "partial": 60, "none": 221},
                    "households_by_category": {"province_poor": 100, "scattered_poor": 20},
                    "labourers_by_status": {"registered_poor": 140, "exited": 70},
                    "villages": 3,
                }
            ]
        }
    )

    villages: int
    households: int
    members: int
    labourers: int
    households_by_status: dict[str, int]
    labourers_by_status: dict[str, int]
    members_by_labour_capacity: dict[str, int]
    households_by_category: dict[str, int]


class ImportProblem(BaseModel):
    row: int = Field(description="spreadsheet row number (the header is row 1)")
    column: str | None = Field(description="the Chinese column header")
    value: str | None = Field(description="the cell as given (identity numbers masked)")
    reason: str


class ImportReport(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "dry_run": True,
                    "valid": False,
                    "applied": False,
                    "rows": 3,
                    "villages_new": 1,
                    "households": 1,
                    "members": 3,
                    "errors": [{"row": 3, "column": "身份证号", "value": "440232********0011", "reason": "身份证号重复（第 2 行）"}],
                }
            ]
        }
    )

    dry_run: bool
    valid: bool
    applied: bool
    rows: int
    villages_new: int
    households: int
    members: int
    errors: list[ImportProblem] = Field(description="the first 100 problems found (``error_count`` counts them all)")
    error_count: int = Field(0, description="how many problems the file has in all")
