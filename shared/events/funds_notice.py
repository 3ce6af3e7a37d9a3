"""Funds' facts of the village notice (公示): a distribution posted with each household's part, then released.

Apart from ``shared.events.funds`` (the funds service's other facts) so that each file stays one story;
the oversight service (services/oversight, docs/oversight.md) reads these and answers with its own.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.events.contracts import EventData, contract
from shared.events.funds import _A, _D, _E, _F, _G, _H, _P, _V
from shared.events.income import Lineage

# ---- the village notice (公示): money held until it closes (services/oversight, docs/oversight.md) ----


class NoticeLine(BaseModel):
    """One household's part of what is posted: its units and the fen it is to receive."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    household_id: str
    units: int = Field(ge=0)
    amount_fen: int = Field(ge=0)


@contract("funds", "distribution_posted_for_notice", 1, subject="distribution_id")
class DistributionPostedForNotice(EventData):
    """An approved distribution goes on the village notice with each household's part, its lineage and rule.

    ``held`` is true when the money waits for the notice to close (``window_seconds`` > 0); false when the
    gate is off and the income facts were emitted at approval, so the notice is posted for information only.
    """

    distribution_id: str
    project_id: str | None = None
    asset_id: str | None = None
    agreement_id: str | None = None
    entity_id: str | None = None
    village_code: str = Field(min_length=12, max_length=12)
    period: str
    source_key: str = Field(description="project:<id> or asset:<id>: a later distribution of the same source and period supersedes this one")
    total_fen: int = Field(gt=0)
    poor_households_fen: int = Field(ge=0)
    poor_share_bp: int = Field(ge=0, le=10000)
    rule: str = Field(description="the rule whose floor the split satisfies: R9, R10 or R3")
    benefit_type: Literal["equity_dividend", "asset_income"]
    paid_on: date
    lineage: Lineage
    lines: list[NoticeLine]
    held: bool
    window_seconds: int = Field(ge=0)
    approved_by: str
    example = {
        "distribution_id": _D,
        "project_id": _P,
        "asset_id": None,
        "agreement_id": _G,
        "entity_id": _E,
        "village_code": _V,
        "period": "2026",
        "source_key": f"project:{_P}",
        "total_fen": 1_000_000,
        "poor_households_fen": 600_000,
        "poor_share_bp": 6000,
        "rule": "R9",
        "benefit_type": "equity_dividend",
        "paid_on": "2026-12-31",
        "lineage": {"fund_id": _F, "allocation_id": _A, "project_id": _P, "agreement_id": _G, "distribution_id": _D, "entity_id": _E},
        "lines": [{"household_id": _H, "units": 10, "amount_fen": 600_000}],
        "held": True,
        "window_seconds": 604800,
        "approved_by": "officer-440232-02",
    }


@contract("funds", "distribution_released", 1, subject="distribution_id")
class DistributionReleased(EventData):
    """The notice of a held distribution closed with no upheld objection: its income facts follow in the same transaction."""

    distribution_id: str
    notice_id: str
    village_code: str = Field(min_length=12, max_length=12)
    household_count: int = Field(ge=0)
    poor_households_fen: int = Field(ge=0)
    example = {
        "distribution_id": _D,
        "notice_id": "0192f0a4-7c3e-7000-8000-0000000000c9",
        "village_code": _V,
        "household_count": 1,
        "poor_households_fen": 600_000,
    }


# ---- a subsidy split (R15) on the notice: the household's part held like a distribution's ----

_SUB = "0192f0a4-7c3e-7000-8000-0000000000eb"
_LT = "0192f0a4-7c3e-7000-8000-0000000000e5"


@contract("funds", "subsidy_posted_for_notice", 1, subject="subsidy_id")
class SubsidyPostedForNotice(EventData):
    """A subsidy or policy income was recorded and goes on the village notice: the household's part, the entity's (R15).

    ``held`` as for a distribution: its ``subsidy_paid`` (the income fact) follows when the notice closes released;
    false when the gate is off and it was paid at once, the notice posted for information.
    """

    subsidy_id: str
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    name: str
    paid_on: date
    total_fen: int = Field(gt=0)
    household_fen: int = Field(ge=0)
    entity_fen: int = Field(ge=0)
    rule: str | None = Field(None, description="R15 when it is policy income on transferred land, split by the agreed ratio")
    lineage: Lineage
    window_seconds: int = Field(ge=0)
    held: bool
    recorded_by: str
    example = {
        "subsidy_id": _SUB,
        "household_id": _H,
        "village_code": _V,
        "name": "耕地地力保护补贴",
        "paid_on": "2026-06-30",
        "total_fen": 10_001,
        "household_fen": 7_001,
        "entity_fen": 3_000,
        "rule": "R15",
        "lineage": {"subsidy_id": _SUB, "land_transfer_id": _LT, "entity_id": _E},
        "window_seconds": 604800,
        "held": True,
        "recorded_by": "officer-440232-02",
    }


@contract("funds", "subsidy_withdrawn", 1, subject="subsidy_id")
class SubsidyWithdrawn(EventData):
    """A subsidy its notice still held was withdrawn (a correction): nothing was paid; its notice is superseded."""

    subsidy_id: str
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    withdrawn_by: str
    reason: str | None = None
    example = {"subsidy_id": _SUB, "household_id": _H, "village_code": _V, "withdrawn_by": "officer-440232-02", "reason": "流转比例登记错误，更正后重报"}
