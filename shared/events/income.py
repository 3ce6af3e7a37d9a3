"""The six benefit types (§5 of the policy) and the income line every income fact carries."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator


class BenefitType(StrEnum):
    order_production = "order_production"  # 订单生产收益 §5.1
    wage_labor = "wage_labor"  # 劳动务工收益 §5.2
    lease_back = "lease_back"  # 反租倒包收益 §5.3
    policy_support = "policy_support"  # 政策扶持收益 §5.4
    asset_income = "asset_income"  # 资产扶贫收益 §5.5
    equity_dividend = "equity_dividend"  # 入股分红收益 §5.6


BENEFIT_TYPES: tuple[str, ...] = tuple(b.value for b in BenefitType)

BENEFIT_NAMES_ZH = {
    BenefitType.order_production: "订单生产收益",
    BenefitType.wage_labor: "劳动务工收益",
    BenefitType.lease_back: "反租倒包收益",
    BenefitType.policy_support: "政策扶持收益",
    BenefitType.asset_income: "资产扶贫收益",
    BenefitType.equity_dividend: "入股分红收益",
}


class Lineage(BaseModel):
    """Where a yuan came from: each reference the producing service knows, for tracing both ways."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fund_id: str | None = None
    allocation_id: str | None = None
    project_id: str | None = None
    asset_id: str | None = None
    agreement_id: str | None = None
    distribution_id: str | None = None
    entity_id: str | None = None
    contract_id: str | None = None
    delivery_id: str | None = None
    order_id: str | None = None
    land_transfer_id: str | None = None
    lease_back_id: str | None = None
    subsidy_id: str | None = None
    loan_id: str | None = None
    employment_id: str | None = None
    payment_id: str | None = None


class IncomeLine(BaseModel):
    """One household's income of one benefit type. A negative amount reverses an earlier line."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    benefit_type: BenefitType
    amount_fen: int
    occurred_on: date
    lineage: Lineage = Field(default_factory=Lineage)
    reverses_event_id: str | None = None

    @field_validator("amount_fen", mode="before")
    @classmethod
    def _integer_fen(cls, value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("amount_fen must be an integer number of fen")
        return value
