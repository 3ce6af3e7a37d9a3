"""What the projects routes take (``*In``, the create models) and answer (``*Out``, the public models), on the tables' bases."""

from __future__ import annotations

from pydantic import Field, field_validator

from services.funds.base import EX_ID, EX_VILLAGE, Id, Public, examples, village_code_check
from services.funds.projects.models import AgreementBase, ProjectBase, ShareBase
from shared.bounds import FundFen, StrictInput


class FundingIn(StrictInput):
    allocation_id: Id
    amount_fen: FundFen


class AgreementIn(AgreementBase, StrictInput):
    model_config = examples({"signed_on": "2026-03-10", "term_start": "2026-04-01", "term_end": "2031-03-31", "poor_share_bp": 6000})


class ProjectIn(ProjectBase, StrictInput):
    model_config = examples(
        {
            "name": "必背村茶叶基地",
            "village_code": EX_VILLAGE,
            "industry": "tea",
            "area_tenth_mu": 805,
            "contiguous": True,
            "entity_id": EX_ID,
            "led_by": "party_member",
            "funded_by": [{"allocation_id": EX_ID, "amount_fen": 50_000_000}],
            "agreement": {"signed_on": "2026-03-10", "term_start": "2026-04-01", "term_end": "2031-03-31", "poor_share_bp": 6000},
        }
    )

    funded_by: list[FundingIn] = Field(default_factory=list, max_length=100)
    agreement: AgreementIn

    v_village = field_validator("village_code")(classmethod(lambda cls, v: village_code_check(v)))


class AgreementOut(AgreementBase, Public):
    id: str


class FundingOut(Public):
    allocation_id: str
    fund_id: str
    amount_fen: int


class ProjectOut(ProjectBase, Public):
    model_config = examples(
        {
            "id": EX_ID,
            "name": "必背村茶叶基地",
            "village_code": EX_VILLAGE,
            "industry": "tea",
            "area_tenth_mu": 805,
            "contiguous": True,
            "entity_id": EX_ID,
            "led_by": "party_member",
            "leader_member_id": None,
            "guidance_fund": False,
            "funded_by": [{"allocation_id": EX_ID, "fund_id": EX_ID, "amount_fen": 50_000_000}],
            "agreement": {"id": EX_ID, "signed_on": "2026-03-10", "term_start": "2026-04-01", "term_end": "2031-03-31", "poor_share_bp": 6000},
        }
    )

    id: str
    guidance_fund: bool
    funded_by: list[FundingOut]
    agreement: AgreementOut | None


class ShareIn(ShareBase, StrictInput):
    model_config = examples({"household_id": EX_ID, "units": 10, "contribution": "funds"})


class ShareOut(ShareBase, Public):
    model_config = examples(
        {"id": EX_ID, "household_id": EX_ID, "village_code": EX_VILLAGE, "units": 10, "contribution": "funds", "project_id": EX_ID, "asset_id": None}
    )

    id: str
    village_code: str
    project_id: str | None
    asset_id: str | None
