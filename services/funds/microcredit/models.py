"""Tables of microcredit: each shares its API fields through a ``*Base`` (see ``services/funds/base.py``)."""

from datetime import date

from sqlalchemy import CheckConstraint, Text
from sqlmodel import Field, SQLModel

from services.funds.base import FundsTable, Id, basis_points, between, code, fen, fund_fen, key, literal, name_column, payment_fen, ref
from shared.bounds import BasisPoints, FundFen, Name, Note, PaymentFenOrZero, PolicyDate, PositiveCount
from shared.events.funds import LoanUse
from shared.tables import description_of


class LoanBase(SQLModel):
    household_id: Id = ref(index=True)
    bank: Name = name_column()
    principal_fen: FundFen = fen(of=FundFen)
    term_months: PositiveCount = Field(le=120, description=description_of(PositiveCount))
    annual_rate_bp: BasisPoints
    interest_subsidy_bp: BasisPoints = 0
    granted_on: PolicyDate
    use: LoanUse = literal(20)
    entity_id: Id | None = ref(index=True, default=None)
    poverty_responsibility: Note | None = Field(
        default=None, sa_type=Text, description="R11: the entity's responsibility for lifting the household out of poverty"
    )
    guaranteed_return_fen_per_year: PaymentFenOrZero | None = fen(
        None, of=PaymentFenOrZero, description="R11: the return the entity guarantees a year; returns paid for a year never exceed it"
    )


class Loan(LoanBase, FundsTable, table=True):
    __tablename__ = "loan"
    __table_args__ = (
        fund_fen("principal_fen"),
        between("term_months", 1, 120),
        basis_points("annual_rate_bp"),
        basis_points("interest_subsidy_bp"),
        payment_fen("guaranteed_return_fen_per_year", low=0, nullable=True),
        CheckConstraint("repaid_fen >= 0 AND repaid_fen <= principal_fen", name="repaid_fen_bounded"),
    )

    id: str = key()
    village_code: str = code(index=True)
    repaid_fen: int = fen(0)
    overdue_since: date | None = None

    @property
    def outstanding_fen(self) -> int:
        return self.principal_fen - self.repaid_fen
