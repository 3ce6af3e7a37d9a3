"""What the villages routes take and return."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from services.households.fields import (
    MAX_HELPERS,
    Reason,
    UnitName,
    VillageCategory,
    VillageName,
)
from services.households.villages.models import VillageBase
from shared.bounds import PersonName, StrictInput
from shared.regions import Industry, division_code_problem


class Helper(StrictInput):
    """第一书记 / 驻村干部 / 技术干部 of a village (§1.2)."""

    role: Literal["first_secretary", "resident_cadre", "technical_cadre"]
    name: PersonName
    department: Literal["agriculture", "forestry", "livestock", "water", "fishery", "ecommerce", "photovoltaic"] | None = None
    unit: UnitName | None = Field(None, description="the unit the helper is sent by")


class VillageIn(VillageBase, StrictInput):
    model_config = {
        "json_schema_extra": {
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
    }

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

    model_config = {"json_schema_extra": {"examples": [{"categories": ["relatively_poor_dongguan"], "paired_unit": "东莞市某局", "reason": "帮扶关系调整"}]}}

    name: VillageName | None = None
    township_name: VillageName | None = None
    categories: list[VillageCategory] | None = Field(None, max_length=4)
    paired_unit: UnitName | None = None
    characteristic_industry: Industry | None = None
    helpers: list[Helper] | None = Field(None, max_length=MAX_HELPERS)
    reason: Reason | None = None


class VillageOut(VillageBase):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "code": "440232100201",
                    "name": "必背村",
                    "township_code": "440232100",
                    "township_name": "必背镇",
                    "county_code": "440232",
                    "county_name": "乳源瑶族自治县",
                    "categories": ["province_poor"],
                    "paired_unit": None,
                    "characteristic_industry": "tea",
                    "helpers": [{"role": "first_secretary", "name": "李某", "department": None, "unit": "东莞市某局"}],
                }
            ]
        }
    }

    township_code: str
    county_code: str
    county_name: str | None = None
    helpers: list[dict[str, Any]] = Field(default_factory=list)
