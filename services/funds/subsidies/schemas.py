"""What the subsidies routes take (``*In``, the create models) and answer (``*Out``, the public models), on the tables' bases."""

from __future__ import annotations

from services.funds.base import EX_ID, Public, examples
from services.funds.subsidies.models import SubsidyBase
from shared.bounds import StrictInput


class SubsidyIn(SubsidyBase, StrictInput):
    model_config = examples({"household_id": EX_ID, "name": "耕地地力保护补贴", "total_fen": 50_000, "paid_on": "2026-06-30", "land_transfer_id": None})


class SubsidyOut(SubsidyBase, Public):
    id: str
    household_fen: int
    entity_fen: int
