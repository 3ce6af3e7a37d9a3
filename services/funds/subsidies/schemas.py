"""What the subsidies routes take (``*In``, the create models) and answer (``*Out``, the public models), on the tables' bases."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from services.funds.base import EX_ID, Public, examples
from services.funds.subsidies.models import SubsidyBase
from shared.bounds import StrictInput


class SubsidyIn(SubsidyBase, StrictInput):
    model_config = examples({"household_id": EX_ID, "name": "耕地地力保护补贴", "total_fen": 50_000, "paid_on": "2026-06-30", "land_transfer_id": None})


class SubsidyOut(SubsidyBase, Public):
    id: str
    household_fen: int
    entity_fen: int
    status: Literal["approved", "withdrawn"] = Field(description="recording a subsidy approves it; withdrawn while its notice held it")
    release: Literal["held", "released", "blocked", "cancelled"] | None = Field(
        description="held while its village notice runs; released when it closed with no upheld objection (the income fact then); "
        "blocked by an upheld objection; cancelled when withdrawn; null: paid at once (no notice window)"
    )
    recorded_by: str | None
