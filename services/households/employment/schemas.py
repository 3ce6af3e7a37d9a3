"""What the employment routes take and return."""

from __future__ import annotations

from pydantic import Field

from services.households.employment.models import EmploymentBase, EntityFields, WageBase
from services.households.fields import (
    Reason,
)
from shared.bounds import PolicyDate, StrictInput
from shared.events.funds import EntityKind


class EmploymentIn(EmploymentBase, StrictInput):
    model_config = {
        "json_schema_extra": {
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
    }


class EmploymentEndIn(StrictInput):
    model_config = {"json_schema_extra": {"examples": [{"ended_on": "2026-11-30", "reason": "季节性用工结束"}]}}

    ended_on: PolicyDate
    reason: Reason | None = None


class EmploymentOut(EmploymentBase):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e71",
                    "member_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e70",
                    "household_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f",
                    "village_code": "440232100201",
                    "entity_id": "0192f0a4-7c3e-7000-8000-000000000001",
                    "post": "茶园管护",
                    "link": "production",
                    "started_on": "2026-04-01",
                    "ended_on": None,
                    "end_reason": None,
                }
            ]
        }
    }

    id: str
    household_id: str
    village_code: str
    end_reason: str | None


class WageIn(WageBase, StrictInput):
    model_config = {
        "json_schema_extra": {
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
    }


class WageOut(WageBase):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e72",
                    "employment_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e71",
                    "member_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e70",
                    "household_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f",
                    "village_code": "440232100201",
                    "entity_id": "0192f0a4-7c3e-7000-8000-000000000001",
                    "amount_fen": 240000,
                    "period_start": "2026-04-01",
                    "period_end": "2026-04-30",
                    "paid_on": "2026-05-05",
                    "reported_by": "entity",
                }
            ]
        }
    }

    id: str
    member_id: str
    household_id: str
    village_code: str
    entity_id: str
    reported_by: str = Field(description="who reported it: entity, village or city")


class EntityOut(EntityFields):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "entity_id": "0192f0a4-7c3e-7000-8000-000000000001",
                    "name": "乳源瑶族自治县必背茶叶专业合作社",
                    "kind": "cooperative",
                    "county_code": "440232",
                    "village_codes": ["440232100201"],
                }
            ]
        }
    }

    """An operating entity as the households service learned it from the funds service's facts."""

    kind: EntityKind  # the table keeps a string; the funds facts it comes from carry one of these
