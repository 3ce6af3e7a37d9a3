"""Tables of disbursement: each shares its API fields through a ``*Base`` (see ``services/funds/base.py``)."""

from datetime import date
from typing import Any

from sqlalchemy import JSON
from sqlmodel import Field

from services.funds.base import FundsTable, code, fen, fund_fen, key, ref


class PaymentRequest(FundsTable, table=True):
    """拨款报账: a payment against an allocation, backed by vouchers; proposed, approved by another, paid."""

    __tablename__ = "payment_request"
    __table_args__ = (fund_fen("amount_fen"),)

    id: str = key()
    allocation_id: str = ref(index=True, foreign_key="allocation.id")
    region_code: str = code(index=True)
    amount_fen: int = fen()
    vouchers: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    requested_on: date
    status: str = Field("requested", max_length=12)
    requested_by: str = Field(max_length=120)
    approved_by: str | None = Field(default=None, max_length=120)
    paid_on: date | None = None
    # What the payment pays, when it pays a distribution or a subsidy split: payable only once its village notice released it.
    distribution_id: str | None = ref(index=True, default=None)
    subsidy_id: str | None = ref(index=True, default=None)
