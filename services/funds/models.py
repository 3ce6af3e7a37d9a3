"""Tables of the funds service (its own database; nobody else writes it). Money in fen (BigInteger).

SQLModel's multiple-models pattern: a ``*Base`` declares once the fields a table shares with the API,
with the bounds of ``shared/bounds.py``; the table (``table=True``) adds what only the database holds,
and ``schemas.py`` builds the request (``*In``) and answer (``*Out``) models on the same base. A table
model does not validate: what reaches it was validated as ``*In``. ``FundsTable`` has a registry and so a
MetaData of its own (this service's database only, with the infrastructure tables of ``shared/outbox.py``).

The CHECK constraints repeat the request bounds (migration ``c7e1f0a2d3b4``), so a row written any other
way (a script, a hand repair) cannot hold an amount whose sum would overflow a projection.

No ``from __future__ import annotations`` here: SQLModel resolves relationship annotations at class creation.
"""

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, Strict
from pydantic import Field as PydanticField
from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from shared.bounds import (
    MAX_AREA_TENTH_MU,
    MAX_COUNT,
    MAX_FUND_FEN,
    MAX_PAYMENT_FEN,
    AreaTenthMu,
    AreaTenthMuOrZero,
    BasisPoints,
    Flag,
    FundFen,
    Name,
    Note,
    PaymentFen,
    PaymentFenOrZero,
    PolicyDate,
    PositiveCount,
    clean_text,
)
from shared.db import NAMING, UTCDateTime, utcnow
from shared.events.funds import (
    Contribution,
    EntityKind,
    FundKind,
    LedBy,
    LoanUse,
    Purpose,
    RecipientKind,
)
from shared.outbox import define_infrastructure_tables
from shared.regions import Industry

# Every id a write body names is looked up in the writer's scope (see service._in_scope).
# (``text(36)`` spelt out, so the type checker sees a type.)
Id = Annotated[
    str, Strict(), AfterValidator(clean_text), PydanticField(min_length=1, max_length=36, description="an id; text, 1 … 36 characters, NFC, no control characters")
]
Code = Annotated[str, PydanticField(max_length=12, description="a division code")]
MAX_VILLAGES = 2000  # the city has 1,443 poor villages

metadata = MetaData(naming_convention=NAMING, info={"service": "funds"})
define_infrastructure_tables(metadata)


class FundsTable(SQLModel, registry=registry(metadata=metadata)):
    """Base of every funds table: its own registry, so its own MetaData (not ``SQLModel.metadata``)."""


def between(column: str, low: int, high: int, *, nullable: bool = False, name: str | None = None) -> CheckConstraint:
    """``low <= column <= high`` (or NULL) as a named CHECK constraint, ``ck_<table>_<column>_bounded``."""
    clause = f"{column} >= {low} AND {column} <= {high}"
    return CheckConstraint(f"{column} IS NULL OR ({clause})" if nullable else clause, name=name or f"{column}_bounded")


def fund_fen(column: str, *, low: int = 1, nullable: bool = False) -> CheckConstraint:
    return between(column, low, MAX_FUND_FEN, nullable=nullable)


def payment_fen(column: str, *, low: int = 1, nullable: bool = False) -> CheckConstraint:
    return between(column, low, MAX_PAYMENT_FEN, nullable=nullable)


def basis_points(column: str, *, nullable: bool = False) -> CheckConstraint:
    return between(column, 0, 10_000, nullable=nullable)


def _described(alias: Any, kw: dict[str, Any]) -> dict[str, Any]:
    """SQLModel's ``Field`` sets a description (None) of its own, which would hide the alias's: carry it over."""
    if alias is not None and kw.get("description") is None:
        described = [m.description for m in getattr(alias, "__metadata__", ()) if getattr(m, "description", None)]
        kw["description"] = described[-1] if described else None
    return kw


def key() -> Any:
    """A primary key column: an id of 36 characters (UUIDv7)."""
    return Field(primary_key=True, max_length=36)


def ref(*, index: bool = False, foreign_key: str | None = None, default: Any = ..., api: bool = True, **kw: Any) -> Any:
    """A column holding another object's id (36 characters), nullable when it defaults to None."""
    if foreign_key is not None:
        kw["foreign_key"] = foreign_key
    return Field(default, max_length=36, index=index, **_described(Id if api else None, kw))


def code(length: int = 12, *, index: bool = False, default: Any = ..., **kw: Any) -> Any:
    """A division code column: a village (12 digits) or a county (6)."""
    return Field(default, sa_type=String(length), index=index, **_described(Code, kw))


def fen(default: Any = ..., *, of: Any = None, **kw: Any) -> Any:
    """An amount of fen: a BIGINT column, bounded by ``of`` (``PaymentFen``, ``FundFen``…) on the API."""
    return Field(default, sa_type=BigInteger, **_described(of, kw))


def name_column(alias: Any = Name, length: int = 200) -> Any:
    return Field(sa_type=String(length), **_described(alias, {}))


def literal(length: int, default: Any = ..., **kw: Any) -> Any:
    """A ``Literal`` of the contracts stored as a string column (SQLModel does not map ``Literal`` itself)."""
    return Field(default, sa_type=String(length), **kw)


def created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime())


# ---- households and members known from the households facts --------------------------------------------


class KnownMember(FundsTable, table=True):
    """What funds knows of a household member (a project's leading cadre or Party member), from the households facts."""

    __tablename__ = "known_member"

    id: str = key()
    household_id: str = ref(index=True)
    village_code: str = code(index=True)
    left_on: date | None = None


class KnownHousehold(FundsTable, table=True):
    """What funds knows of a household, learnt from the households service's facts."""

    __tablename__ = "known_household"

    id: str = key()
    village_code: str = code(index=True)
    poverty_status: str = Field(max_length=30)
    left_on: date | None = None


# ---- funds and allocations ----------------------------------------------------------------------------


class FundBase(SQLModel):
    kind: FundKind = literal(30, index=True)
    name: Name = name_column()
    county_code: Code = code(6, index=True)
    village_code: Code | None = code(default=None, description="guidance funds: the relatively poor village they are for")
    amount_fen: FundFen = fen(of=FundFen)
    poor_person_count: PositiveCount | None = Field(None, description="provincial special fund: 20,000 yuan per poor person")
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


# ---- operating entities --------------------------------------------------------------------------------


class EntityBase(SQLModel):
    name: Name = name_column()
    kind: EntityKind = literal(40)
    credit_code: str = Field(max_length=18, unique=True, description="unified social credit code (GB 32100), 18 characters with check character")
    county_code: Code = code(6, index=True)
    village_codes: list[Code] = Field(default_factory=list, max_length=MAX_VILLAGES, sa_type=JSON)


class Entity(EntityBase, FundsTable, table=True):
    __tablename__ = "entity"

    id: str = key()
    created_at: datetime = created()


# ---- three-rights projects, agreements, shares ---------------------------------------------------------


class ProjectBase(SQLModel):
    name: Name = name_column()
    village_code: Code = code(index=True)
    industry: Industry = literal(40, description='one of the "453" industries')
    area_tenth_mu: AreaTenthMuOrZero = Field(description="tenths of a mu")
    contiguous: Flag
    entity_id: Id = ref(index=True, foreign_key="entity.id")
    led_by: LedBy = literal(20, "none")
    leader_member_id: Id | None = ref(default=None, description="the leading village cadre or Party member (a member id of the households service)")


class Project(ProjectBase, FundsTable, table=True):
    """A three-rights project: ownership to the collective (village), use to the entity, income to households."""

    __tablename__ = "project"
    __table_args__ = (between("area_tenth_mu", 0, MAX_AREA_TENTH_MU),)

    id: str = key()
    guidance_fund: bool = False
    created_at: datetime = created()


class Funding(FundsTable, table=True):
    """How much of which allocation went into a project or an asset: the fund end of the lineage."""

    __tablename__ = "funding"
    __table_args__ = (fund_fen("amount_fen"),)

    id: str = key()
    allocation_id: str = ref(index=True, foreign_key="allocation.id")
    fund_id: str = ref(index=True)
    project_id: str | None = ref(index=True, default=None)
    asset_id: str | None = ref(index=True, default=None)
    amount_fen: int = fen()


class AgreementBase(SQLModel):
    signed_on: PolicyDate
    term_start: PolicyDate
    term_end: PolicyDate
    poor_share_bp: BasisPoints = Field(description="poor households' share of distributed profit, basis points (R9: ≥ 5000)")


class Agreement(AgreementBase, FundsTable, table=True):
    """The investment cooperation agreement between the collective and the entity (R9)."""

    __tablename__ = "agreement"
    __table_args__ = (basis_points("poor_share_bp"), CheckConstraint("term_end >= term_start", name="term_ordered"))

    id: str = key()
    project_id: str = Field(max_length=36, foreign_key="project.id", unique=True)


class ShareBase(SQLModel):
    household_id: Id = ref(index=True)
    units: PositiveCount = Field(description="quantified share units")
    contribution: Contribution = literal(30, "funds")


class QuantifiedShare(ShareBase, FundsTable, table=True):
    __tablename__ = "quantified_share"
    __table_args__ = (
        UniqueConstraint("project_id", "household_id", name="uq_share_project_household"),
        UniqueConstraint("asset_id", "household_id", name="uq_share_asset_household"),
        between("units", 1, MAX_COUNT),
    )

    id: str = key()
    project_id: str | None = ref(index=True, default=None)
    asset_id: str | None = ref(index=True, default=None)
    village_code: str = code()


# ---- assets --------------------------------------------------------------------------------------------


class AssetBase(SQLModel):
    name: Name = name_column()
    village_code: Code = code(index=True)
    value_fen: FundFen = fen(of=FundFen)
    allocation_id: Id = ref(foreign_key="allocation.id", description="the allocation of special or assistance funds it was built with")
    built_on: PolicyDate


class Asset(AssetBase, FundsTable, table=True):
    __tablename__ = "asset"
    __table_args__ = (fund_fen("value_fen"), payment_fen("annual_fee_fen", low=0, nullable=True))

    id: str = key()
    fund_id: str = ref()
    # Current handover (contracting / lease / trusteeship) to an entity.
    handover_mode: str | None = Field(None, max_length=20)
    entity_id: str | None = ref(index=True, default=None)
    annual_fee_fen: int | None = fen(None)
    handover_start: date | None = None
    handover_end: date | None = None
    property_rights_to_collective: bool = False
    management_rights_to_collective: bool = False


# ---- distributions and corrections -----------------------------------------------------------------


class DistributionBase(SQLModel):
    """What a distribution holds and answers; the request (``DistributionIn``) names a source and a period instead."""

    project_id: str | None = ref(index=True, default=None)
    asset_id: str | None = ref(index=True, default=None)
    agreement_id: str | None = ref(default=None)
    entity_id: str | None = ref(index=True, default=None)
    village_code: str = code(index=True)
    period: str = Field(max_length=24)  # the label: 2026, 2026-H1, 2026-Q3, 2026-07 or start~end
    period_start: date
    period_end: date
    total_fen: PaymentFen = fen(of=PaymentFen)
    poor_households_fen: PaymentFenOrZero = fen(of=PaymentFenOrZero)
    poor_share_bp: BasisPoints
    rule: str = Field(max_length=4, description="the rule that set the floor: R9, R10 or R3")
    guidance_fund: bool = False
    benefit_type: str = Field(max_length=20)
    paid_on: date
    # proposed → approved → reversed (by an approved reversal), or proposed → withdrawn. The row stays.
    status: str = Field("proposed", max_length=12)
    proposed_by: str = Field(max_length=120)
    approved_by: str | None = Field(None, max_length=120)
    withdrawn_by: str | None = Field(None, max_length=120)
    withdrawal_reason: str | None = Field(None, sa_type=Text)
    reversal_id: str | None = ref(default=None, description="the reversal proposed or approved for this distribution")


class Distribution(DistributionBase, FundsTable, table=True):
    __tablename__ = "distribution"
    __table_args__ = (
        payment_fen("total_fen"),
        CheckConstraint("poor_households_fen >= 0 AND poor_households_fen <= total_fen", name="poor_households_fen_bounded"),
        basis_points("poor_share_bp"),
        CheckConstraint("period_end >= period_start", name="period_ordered"),
    )

    id: str = key()
    # "project:<id>" or "asset:<id>": the standing distributions of one source never overlap in time.
    source_key: str = Field(max_length=45, index=True)
    # The split as proposed, {household_id: [units, fen]}: the approver approves exactly this.
    split: dict[str, list[int]] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = created()


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
    reverses_line_id: str | None = Field(None, max_length=36, unique=True)
    reversal_id: str | None = ref(index=True, default=None)

    @property
    def lineage(self) -> dict[str, str]:
        """The lineage references the line holds (the answer's ``lineage``)."""
        return {name: getattr(self, name) for name in LINEAGE_FIELDS if getattr(self, name)}


class Reversal(FundsTable, table=True):
    """A correction of an approved distribution or income line: proposed with a reason, approved by another person."""

    __tablename__ = "reversal"
    __table_args__ = (UniqueConstraint("target_kind", "target_id", name="uq_reversal_target"),)

    id: str = key()
    target_kind: str = Field(max_length=20)  # "distribution" | "income_line"
    target_id: str = ref()
    village_code: str = code(index=True)
    entity_id: str | None = ref(default=None)
    reason: str = Field(sa_type=Text)
    status: str = Field("proposed", max_length=12)
    proposed_by: str = Field(max_length=120)
    approved_by: str | None = Field(None, max_length=120)
    created_at: datetime = created()


# ---- land, lease-back, subsidies, loans ----------------------------------------------------------------


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
    agreed_income_fen_per_year: PaymentFen | None = fen(None, of=PaymentFen, description="R14: the most the household is paid from the base in a year, when the agreement states one")


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


class LoanBase(SQLModel):
    household_id: Id = ref(index=True)
    bank: Name = name_column()
    principal_fen: FundFen = fen(of=FundFen)
    term_months: PositiveCount = Field(le=120, **_described(PositiveCount, {}))
    annual_rate_bp: BasisPoints
    interest_subsidy_bp: BasisPoints = 0
    granted_on: PolicyDate
    use: LoanUse = literal(20)
    entity_id: Id | None = ref(index=True, default=None)
    poverty_responsibility: Note | None = Field(None, sa_type=Text, description="R11: the entity's responsibility for lifting the household out of poverty")
    guaranteed_return_fen_per_year: PaymentFenOrZero | None = fen(None, of=PaymentFenOrZero, description="R11: the return the entity guarantees a year; returns paid for a year never exceed it")


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


# ---- disbursement ------------------------------------------------------------------------------------


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
    approved_by: str | None = Field(None, max_length=120)
    paid_on: date | None = None
