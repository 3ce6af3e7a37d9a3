"""What the land routes take (``*In``, the create models) and answer (``*Out``, the public models), on the tables' bases."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from services.funds.base import EX_ID, Public, examples
from services.funds.land.models import LandTransferBase, LeaseBackBase
from shared.bounds import BasisPoints, Note, PaymentFen, PolicyDate, StrictInput, text


class LandTransferIn(LandTransferBase, StrictInput):
    model_config = examples(
        {
            "household_id": EX_ID,
            "entity_id": EX_ID,
            "plot": "三组 12-3 号地块",
            "area_tenth_mu": 35,
            "start_on": "2026-03-01",
            "end_on": "2036-02-28",
            "annual_rent_fen": 210_000,
            "policy_income_household_bp": 7000,
        }
    )

    policy_income_household_bp: BasisPoints | None = Field(None, description="R15: the household's share of policy income on this land")


class LandTransferOut(LandTransferBase, Public):
    id: str
    village_code: str
    policy_income_household_bp: int


class PaymentIn(StrictInput):
    model_config = examples({"period": "2026", "amount_fen": 210_000, "paid_on": "2026-12-20"})

    period: text(20) = Field(  # type: ignore[valid-type]  # text(n) builds the bounded type at run time
        description="what the payment is for: 2026, 2026-H1, 2026-Q3 or 2026-07 is read as that range (its year is the year "
        "the agreed annual amount applies to); any other label counts for the year of paid_on"
    )
    amount_fen: PaymentFen
    paid_on: PolicyDate


class DisasterTermsIn(StrictInput):
    prevention: Note | None = Field(None, description="how major disaster risks are prevented")
    handling: Note | None = Field(None, description="how losses from a major disaster are handled and shared")

    @field_validator("prevention", "handling", mode="before")
    @classmethod
    def _blank_is_missing(cls, value: Any) -> Any:
        # A blank term is a missing term: refused by R14 (naming the rule), not as malformed text.
        return None if isinstance(value, str) and not value.strip() else value


class LeaseBackIn(LeaseBackBase, StrictInput):
    model_config = examples(
        {
            "entity_id": EX_ID,
            "household_id": EX_ID,
            "base_name": "蔬菜基地 3 号棚",
            "area_tenth_mu": 20,
            "start_on": "2026-03-01",
            "end_on": "2028-02-29",
            "disaster_terms": {"prevention": "购买农业保险，基地建设防洪排涝设施", "handling": "受灾损失由保险赔付，不足部分由企业承担，不向农户追偿"},
        }
    )

    disaster_terms: DisasterTermsIn | None = None


class LeaseBackOut(LeaseBackBase, Public):
    id: str
    village_code: str
    disaster_terms: DisasterTermsIn
