"""Tables of subsidies: each shares its API fields through a ``*Base`` (see ``services/funds/base.py``)."""

from sqlalchemy import CheckConstraint, Text
from sqlmodel import Field, SQLModel

from services.funds.base import FundsTable, Id, code, fen, key, name_column, payment_fen, ref
from shared.bounds import Name, PaymentFen, PolicyDate


class SubsidyBase(SQLModel):
    household_id: Id = ref(index=True)
    name: Name = name_column()
    total_fen: PaymentFen = fen(of=PaymentFen)
    paid_on: PolicyDate
    land_transfer_id: Id | None = ref(default=None, description="policy income earned on transferred land: split by the agreed ratio (R15)")


class Subsidy(SubsidyBase, FundsTable, table=True):
    __tablename__ = "subsidy"
    __table_args__ = (
        payment_fen("total_fen"),
        CheckConstraint("household_fen >= 0 AND entity_fen >= 0 AND household_fen + entity_fen = total_fen", name="parts_sum_to_total"),
    )

    id: str = key()
    village_code: str = code(index=True)
    household_fen: int = fen()
    entity_fen: int = fen()
    # Recording a subsidy is its approval (an official in scope); approved → withdrawn while its notice holds it.
    status: str = Field("approved", max_length=12)
    recorded_by: str | None = Field(default=None, max_length=120)
    withdrawn_by: str | None = Field(default=None, max_length=120)
    withdrawal_reason: str | None = Field(default=None, sa_type=Text)
    # The village notice's hold (services/funds/distributions/gate.py): held → released | blocked | cancelled; null: paid at once.
    release: str | None = Field(default=None, max_length=10)
