"""Tables of lineage: each shares its API fields through a ``*Base`` (see ``services/funds/base.py``)."""

from datetime import date

from sqlalchemy import CheckConstraint
from sqlmodel import Field

from services.funds.base import FundsTable, between, code, fen, key, ref
from shared.bounds import MAX_COUNT, MAX_PAYMENT_FEN


class KnownMember(FundsTable, table=True):
    """What funds knows of a household member (a project's leading cadre or Party member), from the households facts."""

    __tablename__ = "known_member"

    id: str = key()
    household_id: str = ref(index=True)
    village_code: str = code(index=True)
    left_on: date | None = None
    # The name the registry last gave (member_registered, renamed by member_updated): a fund's reach names its heads.
    name: str | None = Field(default=None, max_length=100)


class KnownHousehold(FundsTable, table=True):
    """What funds knows of a household, learnt from the households service's facts."""

    __tablename__ = "known_household"

    id: str = key()
    village_code: str = code(index=True)
    poverty_status: str = Field(max_length=30)
    left_on: date | None = None
    # The household's card (lineage/cards.py): its number (户编号) and its head (户主), as the registry last said.
    household_number: str | None = Field(default=None, max_length=40)
    head_member_id: str | None = ref(default=None)


LINEAGE_FIELDS = (
    "fund_id",
    "allocation_id",
    "project_id",
    "asset_id",
    "agreement_id",
    "distribution_id",
    "entity_id",
    "land_transfer_id",
    "lease_back_id",
    "subsidy_id",
    "loan_id",
)


class IncomePayment(FundsTable, table=True):
    """One income line paid to one household: the household end of the lineage, both ways."""

    __tablename__ = "income_payment"
    __table_args__ = (
        CheckConstraint(f"amount_fen <> 0 AND amount_fen >= -{MAX_PAYMENT_FEN} AND amount_fen <= {MAX_PAYMENT_FEN}", name="amount_fen_bounded"),
        between("units", 1, MAX_COUNT, nullable=True),
    )

    id: str = key()
    household_id: str = ref(index=True)
    village_code: str = code(index=True)
    benefit_type: str = Field(max_length=20)
    amount_fen: int = fen()
    occurred_on: date
    units: int | None = None
    distribution_id: str | None = ref(index=True, default=None)
    project_id: str | None = ref(default=None)
    asset_id: str | None = ref(default=None)
    agreement_id: str | None = ref(default=None)
    entity_id: str | None = ref(default=None)
    land_transfer_id: str | None = ref(default=None)
    lease_back_id: str | None = ref(default=None)
    subsidy_id: str | None = ref(default=None)
    loan_id: str | None = ref(default=None)
    fund_id: str | None = ref(default=None)
    allocation_id: str | None = ref(default=None)
    # The year an agreed annual amount (rent, guaranteed return, lease-back income) is counted against.
    period_year: int | None = None
    # A reversing line is negative and names the line it reverses (corrections never edit a line).
    reverses_line_id: str | None = Field(default=None, max_length=36, unique=True)
    reversal_id: str | None = ref(index=True, default=None)

    @property
    def lineage(self) -> dict[str, str]:
        """The lineage references the line holds (the answer's ``lineage``)."""
        return {name: getattr(self, name) for name in LINEAGE_FIELDS if getattr(self, name)}
