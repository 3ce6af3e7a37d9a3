"""Tables of land: each shares its API fields through a ``*Base`` (see ``services/funds/base.py``)."""

from sqlalchemy import CheckConstraint, Text
from sqlmodel import Field, SQLModel

from services.funds.base import FundsTable, Id, basis_points, between, code, fen, key, name_column, payment_fen, ref
from shared.bounds import MAX_AREA_TENTH_MU, AreaTenthMu, Flag, Name, PaymentFen, PaymentFenOrZero, PolicyDate


class LandTransferBase(SQLModel):
    household_id: Id = ref(index=True)
    entity_id: Id = ref(index=True, foreign_key="entity.id")
    plot: Name = name_column()
    area_tenth_mu: AreaTenthMu
    as_shares: Flag = False
    start_on: PolicyDate
    end_on: PolicyDate
    annual_rent_fen: PaymentFenOrZero = fen(of=PaymentFenOrZero, description="R16: the agreed rent per year; rent paid for a year never exceeds it")


class LandTransfer(LandTransferBase, FundsTable, table=True):
    __tablename__ = "land_transfer"
    __table_args__ = (
        between("area_tenth_mu", 1, MAX_AREA_TENTH_MU),
        payment_fen("annual_rent_fen", low=0),
        basis_points("policy_income_household_bp"),
        CheckConstraint("end_on >= start_on", name="term_ordered"),
    )

    id: str = key()
    village_code: str = code(index=True)
    policy_income_household_bp: int


class LeaseBackBase(SQLModel):
    entity_id: Id = ref(index=True, foreign_key="entity.id")
    household_id: Id = ref(index=True)
    base_name: Name = name_column()
    area_tenth_mu: AreaTenthMu
    start_on: PolicyDate
    end_on: PolicyDate
    agreed_income_fen_per_year: PaymentFen | None = fen(
        None, of=PaymentFen, description="R14: the most the household is paid from the base in a year, when the agreement states one"
    )


class LeaseBack(LeaseBackBase, FundsTable, table=True):
    __tablename__ = "lease_back"
    __table_args__ = (
        between("area_tenth_mu", 1, MAX_AREA_TENTH_MU),
        payment_fen("agreed_income_fen_per_year", nullable=True),
        CheckConstraint("end_on >= start_on", name="term_ordered"),
    )

    id: str = key()
    village_code: str = code(index=True)
    disaster_prevention: str = Field(sa_type=Text)
    disaster_handling: str = Field(sa_type=Text)

    @property
    def disaster_terms(self) -> dict[str, str]:
        return {"prevention": self.disaster_prevention, "handling": self.disaster_handling}
