"""What the microcredit routes take (``*In``, the create models) and answer (``*Out``, the public models), on the tables' bases."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from services.funds.base import EX_ID, Public, examples
from services.funds.microcredit.models import LoanBase
from shared.bounds import FundFen, PaymentFen, PolicyDate, StrictInput, Year


class LoanIn(LoanBase, StrictInput):
    model_config = examples(
        {
            "household_id": EX_ID,
            "bank": "广东省农村信用社",
            "principal_fen": 5_000_000,
            "term_months": 36,
            "annual_rate_bp": 435,
            "interest_subsidy_bp": 435,
            "granted_on": "2026-03-01",
            "use": "entrusted",
            "entity_id": EX_ID,
            "poverty_responsibility": "企业代养生猪，每年保底分红4000元，负责带动该户脱贫",
            "guaranteed_return_fen_per_year": 400_000,
        }
    )


class LoanOut(LoanBase, Public):
    id: str
    village_code: str
    repaid_fen: int
    outstanding_fen: int
    overdue_since: date | None


class RepaymentIn(StrictInput):
    model_config = examples({"amount_fen": 500000, "paid_on": "2026-12-20"})

    amount_fen: FundFen
    paid_on: PolicyDate


class OverdueIn(StrictInput):
    model_config = examples({"overdue_since": "2027-01-10"})

    overdue_since: PolicyDate


class LoanReturnIn(StrictInput):
    model_config = examples({"amount_fen": 240000, "paid_on": "2026-12-31", "year": 2026})

    amount_fen: PaymentFen
    paid_on: PolicyDate
    year: Year | None = Field(None, description="the year the return is for (R11: at most the guaranteed return a year); default the year of paid_on")
