"""What the registry routes take and return: create and public models of ``models.py``'s bases."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field
from sqlmodel import SQLModel

from services.households.fields import (
    MAX_MEMBERS,
    Address,
    IdNumber,
    Phone,
    Reason,
    Ref,
)
from services.households.registry.models import HouseholdBase, MemberBase, StatusBase
from shared.bounds import Flag, PersonName, PolicyDate, StrictInput
from shared.events.households import LabourCapacity, PovertyStatus
from shared.paging import Page


class MemberIn(MemberBase, StrictInput):
    model_config = {
        "json_schema_extra": {
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
    }

    id_number: IdNumber = Field(description="Resident identity number (GB 11643); stored encrypted, shown masked")
    phone: Phone | None = Field(None, description="Contact phone; stored encrypted, shown masked, never in events")


class MemberJoinIn(MemberIn):
    """A member joining an existing household (birth, marriage, return)."""

    joined_on: PolicyDate
    model_config = {
        "json_schema_extra": {
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
    }


class MemberPatch(StrictInput):
    """A change of a member's labour capacity, wishes or roles (or a name correction) from ``effective_on``."""

    model_config = {"json_schema_extra": {"examples": [{"labour_capacity": "partial", "effective_on": "2026-05-01", "reason": "因病部分丧失劳动能力"}]}}

    name: PersonName | None = None
    labour_capacity: LabourCapacity | None = None
    wishes_to_work_away: Flag | None = None
    is_party_member: Flag | None = None
    is_village_cadre: Flag | None = None
    effective_on: PolicyDate
    reason: Reason | None = None


class LeaveIn(StrictInput):
    model_config = {"json_schema_extra": {"examples": [{"reason": "婚嫁迁出", "effective_on": "2026-07-01"}]}}

    reason: Reason
    effective_on: PolicyDate


class MemberLeaveIn(LeaveIn):
    """A member leaves; when the head leaves, ``new_head_id`` names the current member who becomes head."""

    model_config = {"json_schema_extra": {"examples": [{"reason": "婚嫁迁出", "effective_on": "2026-07-01"}]}}

    new_head_id: Ref | None = Field(None, description="required when the head leaves: a current member of the same household")


class HouseholdIn(HouseholdBase, StrictInput):
    model_config = {
        "json_schema_extra": {
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
    }

    members: list[MemberIn] = Field(min_length=1, max_length=MAX_MEMBERS, description="at least one member, exactly one of them the head")


class HouseholdPatch(StrictInput):
    model_config = {"json_schema_extra": {"examples": [{"address": "必背村二组3号", "reason": "门牌调整"}]}}

    address: Address | None = None
    reason: Reason | None = None


class StatusChangeIn(StatusBase, StrictInput):
    model_config = {"json_schema_extra": {"examples": [{"poverty_status": "exited", "effective_on": "2026-12-20", "exit_year": 2026, "reason": "收入达标"}]}}


class MemberOut(MemberBase):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e70",
                    "household_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f",
                    "name": "邓某某",
                    "id_number": "440232********0011",
                    "relation": "head",
                    "birth_date": "1980-03-15",
                    "sex": "male",
                    "labour_capacity": "full",
                    "wishes_to_work_away": True,
                    "is_party_member": False,
                    "is_village_cadre": False,
                    "joined_on": "2026-03-01",
                    "left_on": None,
                    "left_reason": None,
                }
            ]
        }
    }

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
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f",
                    "household_number": "4402321002010001",
                    "village_code": "440232100201",
                    "township_code": "440232100",
                    "county_code": "440232",
                    "poverty_status": "exited",
                    "exit_year": 2026,
                    "registered_on": "2026-03-01",
                    "address": "必背村一组12号",
                    "left_on": None,
                    "left_reason": None,
                    "in_registry": True,
                    "as_of": "2026-12-31",
                    "members": [
                        {
                            "id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e70",
                            "household_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f",
                            "name": "邓某某",
                            "id_number": "440232********0011",
                            "relation": "head",
                            "birth_date": "1980-03-15",
                            "sex": "male",
                            "labour_capacity": "full",
                            "wishes_to_work_away": True,
                            "is_party_member": False,
                            "is_village_cadre": False,
                            "joined_on": "2026-03-01",
                            "left_on": None,
                            "left_reason": None,
                        }
                    ],
                    "household_size": 1,
                    "labour_count": 1,
                    "status_history": [
                        {"poverty_status": "registered_poor", "effective_on": "2026-03-01", "exit_year": None, "reason": None},
                        {"poverty_status": "exited", "effective_on": "2026-12-20", "exit_year": 2026, "reason": "收入达标"},
                    ],
                }
            ]
        }
    }

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
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f",
                    "household_number": "4402321002010001",
                    "village_code": "440232100201",
                    "poverty_status": "registered_poor",
                    "registered_on": "2026-03-01",
                    "left_on": None,
                    "household_size": 4,
                    "labour_count": 2,
                }
            ]
        }
    }

    """A row of the household list (no members)."""

    id: str
    household_number: str
    village_code: str
    poverty_status: PovertyStatus
    registered_on: date
    left_on: date | None
    household_size: int
    labour_count: int


class HouseholdPage(Page[HouseholdSummary]):
    """A page of the household list or search; ``total`` only when asked for (``include_total=true``)."""

    total: int | None = Field(None, description="how many households match over all pages (only with include_total=true)")


class Stats(BaseModel):
    model_config = {
        "json_schema_extra": {
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
    }

    villages: int
    households: int
    members: int
    labourers: int
    households_by_status: dict[str, int]
    labourers_by_status: dict[str, int]
    members_by_labour_capacity: dict[str, int]
    households_by_category: dict[str, int]
