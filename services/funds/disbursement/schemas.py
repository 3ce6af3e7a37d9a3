"""What the disbursement routes take (``*In``, the create models) and answer (``*Out``, the public models), on the tables' bases."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from services.funds.base import EX_ID, Id, Public, examples
from shared.bounds import FundFen, PolicyDate, StrictInput, text


class VoucherIn(StrictInput):
    number: text(60)  # type: ignore[valid-type]  # text(n) builds the bounded type at run time
    description: text(300)  # type: ignore[valid-type]  # text(n) builds the bounded type at run time
    amount_fen: FundFen


class PaymentRequestIn(StrictInput):
    model_config = examples(
        {
            "amount_fen": 1_200_000,
            "requested_on": "2026-04-02",
            "vouchers": [
                {"number": "FP-001", "description": "茶苗采购发票", "amount_fen": 800_000},
                {"number": "FP-002", "description": "灌溉设施工程款", "amount_fen": 400_000},
            ],
        }
    )

    amount_fen: FundFen
    requested_on: PolicyDate
    vouchers: list[VoucherIn] = Field(min_length=1, max_length=1000)
    distribution_id: Id | None = Field(None, description="the distribution (dividends, asset income) this pays: payable once its village notice released it")
    subsidy_id: Id | None = Field(None, description="the subsidy split this pays: payable once its village notice released it")

    @model_validator(mode="after")
    def _vouchers_cover_amount(self) -> PaymentRequestIn:
        if sum(v.amount_fen for v in self.vouchers) != self.amount_fen:
            raise ValueError("the vouchers must add up to amount_fen")
        if self.distribution_id and self.subsidy_id:
            raise ValueError("give at most one of distribution_id and subsidy_id")
        return self


class PayIn(StrictInput):
    model_config = examples({"paid_on": "2026-06-30"})

    paid_on: PolicyDate


class PaymentRequestOut(Public):
    model_config = examples(
        {
            "id": EX_ID,
            "allocation_id": EX_ID,
            "amount_fen": 1_200_000,
            "requested_on": "2026-04-02",
            "status": "requested",
            "requested_by": "dev-county_officer-440232",
            "approved_by": None,
            "paid_on": None,
            "vouchers": [{"number": "FP-001", "description": "茶苗采购发票", "amount_fen": 1_200_000}],
        }
    )

    id: str
    allocation_id: str
    amount_fen: int
    requested_on: date
    status: Literal["requested", "approved", "paid"]
    requested_by: str
    approved_by: str | None
    paid_on: date | None
    vouchers: list[VoucherIn]
    distribution_id: str | None = Field(None, description="the distribution it pays (payable once its notice released it)")
    subsidy_id: str | None = Field(None, description="the subsidy split it pays (payable once its notice released it)")
