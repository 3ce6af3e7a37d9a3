"""What the entities routes take (``*In``, the create models) and answer (``*Out``, the public models), on the tables' bases."""

from __future__ import annotations

from pydantic import Field, field_validator

from services.funds.base import EX_ID, EX_VILLAGE, MAX_VILLAGES, Code, Public, county_code_check, examples, village_code_check
from services.funds.domain import credit_code_problem
from services.funds.entities.models import EntityBase
from shared.bounds import Name, StrictInput


class EntityIn(EntityBase, StrictInput):
    model_config = examples(
        {"name": "乳源必背茶叶专业合作社", "kind": "cooperative", "credit_code": "93440232MA4W1234XP", "county_code": "440232", "village_codes": [EX_VILLAGE]}
    )

    @field_validator("credit_code")
    @classmethod
    def _credit(cls, value: str) -> str:
        problem = credit_code_problem(value)
        if problem:
            raise ValueError(f"invalid unified social credit code: {problem}")
        return value

    v_county = field_validator("county_code")(classmethod(lambda cls, v: county_code_check(v)))

    @field_validator("village_codes")
    @classmethod
    def _villages(cls, value: list[str]) -> list[str]:
        for v in value:
            village_code_check(v)
        return value


class EntityUpdateIn(StrictInput):
    model_config = examples({"name": "乳源必背茶叶专业合作社", "village_codes": [EX_VILLAGE, "440232100202"]})

    name: Name | None = None
    village_codes: list[Code] | None = Field(None, max_length=MAX_VILLAGES, description="the villages it works in, replacing the list")

    @field_validator("village_codes")
    @classmethod
    def _villages(cls, value: list[str] | None) -> list[str] | None:
        for v in value or []:
            village_code_check(v)
        return value


class EntityOut(EntityBase, Public):
    model_config = examples(
        {
            "id": EX_ID,
            "name": "乳源必背茶叶专业合作社",
            "kind": "cooperative",
            "credit_code": "93440232MA4W1234XP",
            "county_code": "440232",
            "village_codes": [EX_VILLAGE],
        }
    )

    id: str
