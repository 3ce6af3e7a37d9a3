"""What the assets routes take (``*In``, the create models) and answer (``*Out``, the public models), on the tables' bases."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import field_validator

from services.funds.assets.models import AssetBase
from services.funds.base import EX_ID, EX_VILLAGE, Id, Public, examples, village_code_check
from shared.bounds import PaymentFenOrZero, PolicyDate, StrictInput
from shared.events.funds import HandoverMode


class AssetIn(AssetBase, StrictInput):
    model_config = examples({"name": "必背村光伏电站", "village_code": EX_VILLAGE, "value_fen": 30_000_000, "allocation_id": EX_ID, "built_on": "2026-05-20"})

    v_village = field_validator("village_code")(classmethod(lambda cls, v: village_code_check(v)))


class HandoverIn(StrictInput):
    model_config = examples({"mode": "lease", "entity_id": EX_ID, "annual_fee_fen": 2_400_000, "start_on": "2026-06-01", "end_on": "2029-05-31"})

    mode: HandoverMode
    entity_id: Id
    annual_fee_fen: PaymentFenOrZero
    start_on: PolicyDate
    end_on: PolicyDate


class RightsTransferIn(StrictInput):
    model_config = examples({"rights": "property", "transferred_on": "2026-07-01"})

    rights: Literal["property", "management"]
    transferred_on: PolicyDate


class AssetOut(AssetBase, Public):
    model_config = examples(
        {
            "id": EX_ID,
            "name": "必背村光伏电站",
            "village_code": EX_VILLAGE,
            "value_fen": 30_000_000,
            "allocation_id": EX_ID,
            "fund_id": EX_ID,
            "built_on": "2026-05-20",
            "handover_mode": "lease",
            "entity_id": EX_ID,
            "annual_fee_fen": 2_400_000,
            "handover_start": "2026-06-01",
            "handover_end": "2029-05-31",
            "property_rights_to_collective": True,
            "management_rights_to_collective": False,
        }
    )

    id: str
    fund_id: str
    handover_mode: HandoverMode | None
    entity_id: str | None
    annual_fee_fen: int | None
    handover_start: date | None
    handover_end: date | None
    property_rights_to_collective: bool
    management_rights_to_collective: bool
