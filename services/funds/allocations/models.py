"""Tables of allocations: each shares its API fields through a ``*Base`` (see ``services/funds/base.py``)."""

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from services.funds.base import Code, FundsTable, Id, between, code, created, fen, fund_fen, key, literal, name_column, ref
from shared.bounds import MAX_COUNT, FundFen, Name, PolicyDate, PositiveCount
from shared.events.funds import FundKind, Purpose, RecipientKind


class FundBase(SQLModel):
    kind: FundKind = literal(30, index=True)
    name: Name = name_column()
    county_code: Code = code(6, index=True)
    village_code: Code | None = code(default=None, description="guidance funds: the relatively poor village they are for")
    amount_fen: FundFen = fen(of=FundFen)
    poor_person_count: PositiveCount | None = Field(default=None, description="provincial special fund: 20,000 yuan per poor person")
    received_on: PolicyDate


class Fund(FundBase, FundsTable, table=True):
    __tablename__ = "fund"
    __table_args__ = (fund_fen("amount_fen"), between("poor_person_count", 1, MAX_COUNT, nullable=True))

    id: str = key()
    created_at: datetime = created()


class AllocationBase(SQLModel):
    fund_id: Id = ref(index=True, foreign_key="fund.id")
    village_code: Code | None = code(default=None, description="omit for an allocation to the county")
    purpose: Purpose = literal(20)
    recipient_kind: RecipientKind = literal(40)
    amount_fen: FundFen = fen(of=FundFen)
    allocated_on: PolicyDate


class Allocation(AllocationBase, FundsTable, table=True):
    __tablename__ = "allocation"
    __table_args__ = (
        fund_fen("amount_fen"),
        CheckConstraint("committed_fen >= 0 AND committed_fen <= amount_fen", name="committed_fen_bounded"),
        CheckConstraint("requested_fen >= 0 AND requested_fen <= amount_fen", name="requested_fen_bounded"),
        CheckConstraint("paid_fen >= 0 AND paid_fen <= amount_fen", name="paid_fen_bounded"),
    )

    id: str = key()
    fund_kind: str = Field(max_length=30)
    county_code: str = code(6, index=True)
    # The region column scope filters on: the village where there is one, else the county.
    region_code: str = code(index=True)
    recipient_id: str = ref()
    entity_id: str | None = ref(index=True, default=None)
    committed_fen: int = fen(0)  # put into projects and assets
    requested_fen: int = fen(0)  # payment requests not rejected
    paid_fen: int = fen(0)
