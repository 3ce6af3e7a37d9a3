"""What the allocations routes take (``*In``, the create models) and answer (``*Out``, the public models), on the tables' bases."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from services.funds.allocations.models import AllocationBase, FundBase
from services.funds.base import EX_ID, EX_VILLAGE, Id, Public, county_code_check, examples, village_code_check
from shared.bounds import StrictInput
from shared.events.funds import FundKind


class FundIn(FundBase, StrictInput):
    model_config = examples(
        {
            "kind": "provincial_special",
            "name": "2026年省级扶贫专项资金",
            "county_code": "440232",
            "amount_fen": 200_000_000,
            "poor_person_count": 100,
            "received_on": "2026-02-01",
        }
    )

    v_county = field_validator("county_code")(classmethod(lambda cls, v: county_code_check(v)))
    v_village = field_validator("village_code")(classmethod(lambda cls, v: village_code_check(v)))

    @model_validator(mode="after")
    def _village_in_county(self) -> FundIn:
        if self.village_code and not self.village_code.startswith(self.county_code):
            raise ValueError("village_code is not inside county_code")
        return self


class FundOut(FundBase, Public):
    model_config = examples(
        {
            "id": EX_ID,
            "kind": "provincial_special",
            "name": "2026年省级扶贫专项资金",
            "county_code": "440232",
            "village_code": None,
            "amount_fen": 200_000_000,
            "poor_person_count": 100,
            "received_on": "2026-02-01",
            "allocated_fen": 50_000_000,
        }
    )

    id: str
    allocated_fen: int = Field(description="what allocations have taken from the fund")


class AllocationIn(AllocationBase, StrictInput):
    model_config = examples(
        {
            "fund_id": EX_ID,
            "village_code": EX_VILLAGE,
            "purpose": "industry",
            "recipient_kind": "operating_entity",
            "recipient_id": EX_ID,
            "amount_fen": 50_000_000,
            "allocated_on": "2026-03-01",
        }
    )

    recipient_id: Id | None = Field(None, description="entity id (operating entity / platform company), household id, or omitted for the village collective")

    v_village = field_validator("village_code")(classmethod(lambda cls, v: village_code_check(v)))


class AllocationOut(AllocationBase, Public):
    model_config = examples(
        {
            "id": EX_ID,
            "fund_id": EX_ID,
            "fund_kind": "provincial_special",
            "county_code": "440232",
            "village_code": EX_VILLAGE,
            "purpose": "industry",
            "recipient_kind": "operating_entity",
            "recipient_id": EX_ID,
            "entity_id": EX_ID,
            "amount_fen": 50_000_000,
            "committed_fen": 0,
            "requested_fen": 0,
            "paid_fen": 0,
            "allocated_on": "2026-03-01",
        }
    )

    id: str
    fund_kind: FundKind
    county_code: str
    recipient_id: str
    entity_id: str | None
    committed_fen: int
    requested_fen: int
    paid_fen: int


class SpecialFundReport(Public):
    """R1 per county: how the provincial special fund was allocated."""

    model_config = examples(
        {
            "county_code": "440232",
            "received_fen": 200_000_000,
            "allocated_fen": 100_000_000,
            "industry_fen": 70_000_000,
            "education_fen": 10_000_000,
            "medical_fen": 10_000_000,
            "other_fen": 10_000_000,
            "industry_share_bp": 8750,
            "meets_r1": True,
        }
    )

    county_code: str
    received_fen: int
    allocated_fen: int
    industry_fen: int
    education_fen: int
    medical_fen: int
    other_fen: int
    industry_share_bp: int | None = Field(description="industry / (allocated − education − medical), basis points")
    meets_r1: bool
