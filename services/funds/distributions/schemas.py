"""What the distributions routes take (``*In``, the create models) and answer (``*Out``, the public models), on the tables' bases."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from services.funds.base import EX_ID, EX_VILLAGE, Id, Public, examples
from services.funds.distributions.models import DistributionBase
from services.funds.domain import PERIOD_LABEL_PATTERN, period_range
from shared.bounds import DATE_MAX, DATE_MIN, Note, PaymentFen, PaymentFenOrZero, PolicyDate, StrictInput
from shared.events.income import BenefitType


class DistributionIn(StrictInput):
    model_config = examples(
        {"project_id": EX_ID, "period": "2026", "total_fen": 1_000_000, "paid_on": "2026-12-31"},
        {"asset_id": EX_ID, "period_start": "2026-04-01", "period_end": "2027-03-31", "total_fen": 1_000_000, "paid_on": "2027-04-15"},
    )

    project_id: Id | None = None
    asset_id: Id | None = None
    period: str | None = Field(
        None,
        min_length=4,
        max_length=7,
        pattern=PERIOD_LABEL_PATTERN,
        description="2026, 2026-H1, 2026-Q3 or 2026-07 (the date range is derived from it); or give period_start and period_end",
    )
    period_start: PolicyDate | None = Field(None, description="first day of the period the profit was made in")
    period_end: PolicyDate | None = Field(None, description="last day of the period (inclusive)")
    total_fen: PaymentFen = Field(description="profit or asset income declared for the period, fen")
    poor_households_fen: PaymentFenOrZero | None = Field(None, description="omit to take the floor the rules set")
    paid_on: PolicyDate

    @model_validator(mode="after")
    def _one_source_one_period(self) -> DistributionIn:
        if (self.project_id is None) == (self.asset_id is None):
            raise ValueError("give exactly one of project_id and asset_id")
        if self.period is not None:
            start, end = period_range(self.period)  # the pattern admits 2026-13: refused here
            if (self.period_start or start, self.period_end or end) != (start, end):
                raise ValueError(f"period {self.period} is {start} … {end}; period_start and period_end disagree with it")
            self.period_start, self.period_end = start, end
        elif self.period_start is None or self.period_end is None:
            raise ValueError("give period, or both period_start and period_end")
        elif self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        else:
            self.period = None
        return self

    @field_validator("period")
    @classmethod
    def _period_label(cls, value: str | None) -> str | None:
        if value is not None:
            start, end = period_range(value)
            if start < DATE_MIN or end > DATE_MAX:
                raise ValueError(f"period must lie within {DATE_MIN} … {DATE_MAX}")
        return value


class SplitLine(Public):
    household_id: str
    units: int
    amount_fen: int


class DistributionOut(DistributionBase, Public):
    model_config = examples(
        {
            "id": EX_ID,
            "project_id": EX_ID,
            "asset_id": None,
            "agreement_id": EX_ID,
            "entity_id": EX_ID,
            "village_code": EX_VILLAGE,
            "period": "2026",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "total_fen": 1_000_000,
            "poor_households_fen": 600_000,
            "poor_share_bp": 6000,
            "rule": "R9",
            "guidance_fund": False,
            "benefit_type": "equity_dividend",
            "paid_on": "2026-12-31",
            "status": "proposed",
            "proposed_by": "dev-entity_operator",
            "approved_by": None,
            "split": [{"household_id": EX_ID, "units": 10, "amount_fen": 600_000}],
        }
    )

    id: str
    benefit_type: BenefitType = Field(description="equity_dividend or asset_income (R9, R16–R17): what the split pays")
    status: Literal["proposed", "approved", "withdrawn", "reversed"]  # the table holds it as a string
    release: Literal["held", "released", "blocked", "cancelled"] | None = Field(
        description="held, released, blocked or cancelled while a village notice gates it; null: paid at approval (no notice window)"
    )
    split: list[SplitLine]

    @field_validator("split", mode="before")
    @classmethod
    def _split_lines(cls, value: Any) -> Any:
        """The table keeps the split as ``{household_id: [units, fen]}``: answered as lines, by household."""
        if isinstance(value, dict):
            return [{"household_id": h, "units": int(u), "amount_fen": int(a)} for h, (u, a) in sorted(value.items())]
        return value


class WithdrawalIn(StrictInput):
    model_config = examples({"reason": "利润数字填错，撤回重报"})

    reason: Note | None = Field(None, description="why the proposal is withdrawn")


class ReversalIn(StrictInput):
    model_config = examples({"reason": "分红重复发放，冲正"})

    reason: Note = Field(description="why the approved payment is reversed (kept with the reversal)")


class ReversalOut(Public):
    model_config = examples(
        {
            "id": EX_ID,
            "target_kind": "distribution",
            "target_id": EX_ID,
            "village_code": EX_VILLAGE,
            "reason": "分红重复发放，冲正",
            "status": "proposed",
            "proposed_by": "dev-village_cadre-440232100201",
            "approved_by": None,
            "reversing_line_ids": [],
        }
    )

    id: str
    target_kind: Literal["distribution", "income_line"]
    target_id: str
    village_code: str
    reason: str
    status: Literal["proposed", "approved"]
    proposed_by: str
    approved_by: str | None
    reversing_line_ids: list[str] = Field(description="the negative income lines the approval booked")
