"""Tables of the funds service (its own database; nobody else writes it). Money in fen (BigInteger).

The CHECK constraints repeat the request bounds of ``shared/bounds.py`` (migration ``c7e1f0a2d3b4``), so a row
written any other way (a script, a hand repair) cannot hold an amount whose sum would overflow a projection.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shared.bounds import MAX_AREA_TENTH_MU, MAX_COUNT, MAX_FUND_FEN, MAX_PAYMENT_FEN
from shared.db import UTCDateTime, make_base, utcnow

Base = make_base("funds")


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


class KnownMember(Base):
    """What funds knows of a household member (a project's leading cadre or Party member), from the households facts."""

    __tablename__ = "known_member"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(String(36), index=True)
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    left_on: Mapped[date | None] = mapped_column(Date)


class KnownHousehold(Base):
    """What funds knows of a household, learnt from the households service's facts."""

    __tablename__ = "known_household"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    poverty_status: Mapped[str] = mapped_column(String(30))
    left_on: Mapped[date | None] = mapped_column(Date)


class Fund(Base):
    __tablename__ = "fund"
    __table_args__ = (fund_fen("amount_fen"), between("poor_person_count", 1, MAX_COUNT, nullable=True))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    name: Mapped[str] = mapped_column(String(200))
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    village_code: Mapped[str | None] = mapped_column(String(12))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    poor_person_count: Mapped[int | None] = mapped_column(Integer)
    received_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Allocation(Base):
    __tablename__ = "allocation"
    __table_args__ = (
        fund_fen("amount_fen"),
        CheckConstraint("committed_fen >= 0 AND committed_fen <= amount_fen", name="committed_fen_bounded"),
        CheckConstraint("requested_fen >= 0 AND requested_fen <= amount_fen", name="requested_fen_bounded"),
        CheckConstraint("paid_fen >= 0 AND paid_fen <= amount_fen", name="paid_fen_bounded"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    fund_id: Mapped[str] = mapped_column(ForeignKey("fund.id"), index=True)
    fund_kind: Mapped[str] = mapped_column(String(30))
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    village_code: Mapped[str | None] = mapped_column(String(12))
    # The region column scope filters on: the village where there is one, else the county.
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    recipient_kind: Mapped[str] = mapped_column(String(40))
    recipient_id: Mapped[str] = mapped_column(String(36))
    entity_id: Mapped[str | None] = mapped_column(String(36), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    committed_fen: Mapped[int] = mapped_column(BigInteger, default=0)  # put into projects and assets
    requested_fen: Mapped[int] = mapped_column(BigInteger, default=0)  # payment requests not rejected
    paid_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    allocated_on: Mapped[date] = mapped_column(Date)


class Entity(Base):
    __tablename__ = "entity"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    village_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Project(Base):
    """A three-rights project: ownership to the collective (village), use to the entity, income to households."""

    __tablename__ = "project"
    __table_args__ = (between("area_tenth_mu", 0, MAX_AREA_TENTH_MU),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    industry: Mapped[str] = mapped_column(String(40))
    area_tenth_mu: Mapped[int] = mapped_column(Integer)
    contiguous: Mapped[bool] = mapped_column(Boolean)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entity.id"), index=True)
    led_by: Mapped[str] = mapped_column(String(20))
    leader_member_id: Mapped[str | None] = mapped_column(String(36))
    guidance_fund: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Funding(Base):
    """How much of which allocation went into a project or an asset: the fund end of the lineage."""

    __tablename__ = "funding"
    __table_args__ = (fund_fen("amount_fen"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    allocation_id: Mapped[str] = mapped_column(ForeignKey("allocation.id"), index=True)
    fund_id: Mapped[str] = mapped_column(String(36), index=True)
    project_id: Mapped[str | None] = mapped_column(String(36), index=True)
    asset_id: Mapped[str | None] = mapped_column(String(36), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)


class Agreement(Base):
    """The investment cooperation agreement between the collective and the entity (R9)."""

    __tablename__ = "agreement"
    __table_args__ = (basis_points("poor_share_bp"), CheckConstraint("term_end >= term_start", name="term_ordered"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("project.id"), unique=True)
    signed_on: Mapped[date] = mapped_column(Date)
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date] = mapped_column(Date)
    poor_share_bp: Mapped[int] = mapped_column(Integer)


class Asset(Base):
    __tablename__ = "asset"
    __table_args__ = (fund_fen("value_fen"), payment_fen("annual_fee_fen", low=0, nullable=True))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    value_fen: Mapped[int] = mapped_column(BigInteger)
    allocation_id: Mapped[str] = mapped_column(ForeignKey("allocation.id"))
    fund_id: Mapped[str] = mapped_column(String(36))
    built_on: Mapped[date] = mapped_column(Date)
    # Current handover (contracting / lease / trusteeship) to an entity.
    handover_mode: Mapped[str | None] = mapped_column(String(20))
    entity_id: Mapped[str | None] = mapped_column(String(36), index=True)
    annual_fee_fen: Mapped[int | None] = mapped_column(BigInteger)
    handover_start: Mapped[date | None] = mapped_column(Date)
    handover_end: Mapped[date | None] = mapped_column(Date)
    property_rights_to_collective: Mapped[bool] = mapped_column(Boolean, default=False)
    management_rights_to_collective: Mapped[bool] = mapped_column(Boolean, default=False)


class QuantifiedShare(Base):
    __tablename__ = "quantified_share"
    __table_args__ = (
        UniqueConstraint("project_id", "household_id", name="uq_share_project_household"),
        UniqueConstraint("asset_id", "household_id", name="uq_share_asset_household"),
        between("units", 1, MAX_COUNT),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    project_id: Mapped[str | None] = mapped_column(String(36), index=True)
    asset_id: Mapped[str | None] = mapped_column(String(36), index=True)
    household_id: Mapped[str] = mapped_column(String(36), index=True)
    village_code: Mapped[str] = mapped_column(String(12))
    units: Mapped[int] = mapped_column(Integer)
    contribution: Mapped[str] = mapped_column(String(30))


class Distribution(Base):
    __tablename__ = "distribution"
    __table_args__ = (
        payment_fen("total_fen"),
        CheckConstraint("poor_households_fen >= 0 AND poor_households_fen <= total_fen", name="poor_households_fen_bounded"),
        basis_points("poor_share_bp"),
        CheckConstraint("period_end >= period_start", name="period_ordered"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    project_id: Mapped[str | None] = mapped_column(String(36), index=True)
    asset_id: Mapped[str | None] = mapped_column(String(36), index=True)
    # "project:<id>" or "asset:<id>": the standing distributions of one source never overlap in time.
    source_key: Mapped[str] = mapped_column(String(45), index=True)
    agreement_id: Mapped[str | None] = mapped_column(String(36))
    entity_id: Mapped[str | None] = mapped_column(String(36), index=True)
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    period: Mapped[str] = mapped_column(String(24))  # the label: 2026, 2026-H1, 2026-Q3, 2026-07 or start~end
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    total_fen: Mapped[int] = mapped_column(BigInteger)
    poor_households_fen: Mapped[int] = mapped_column(BigInteger)
    poor_share_bp: Mapped[int] = mapped_column(Integer)
    rule: Mapped[str] = mapped_column(String(4))
    guidance_fund: Mapped[bool] = mapped_column(Boolean, default=False)
    benefit_type: Mapped[str] = mapped_column(String(20))
    paid_on: Mapped[date] = mapped_column(Date)
    # The split as proposed, {household_id: [units, fen]}: the approver approves exactly this.
    split: Mapped[dict[str, list[int]]] = mapped_column(JSON, default=dict)
    # proposed → approved → reversed (by an approved reversal), or proposed → withdrawn. The row stays.
    status: Mapped[str] = mapped_column(String(12), default="proposed")
    proposed_by: Mapped[str] = mapped_column(String(120))
    approved_by: Mapped[str | None] = mapped_column(String(120))
    withdrawn_by: Mapped[str | None] = mapped_column(String(120))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    reversal_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class IncomePayment(Base):
    """One income line paid to one household: the household end of the lineage, both ways."""

    __tablename__ = "income_payment"
    __table_args__ = (
        CheckConstraint(f"amount_fen <> 0 AND amount_fen >= -{MAX_PAYMENT_FEN} AND amount_fen <= {MAX_PAYMENT_FEN}", name="amount_fen_bounded"),
        between("units", 1, MAX_COUNT, nullable=True),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(String(36), index=True)
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    benefit_type: Mapped[str] = mapped_column(String(20))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    occurred_on: Mapped[date] = mapped_column(Date)
    units: Mapped[int | None] = mapped_column(Integer)
    distribution_id: Mapped[str | None] = mapped_column(String(36), index=True)
    project_id: Mapped[str | None] = mapped_column(String(36))
    asset_id: Mapped[str | None] = mapped_column(String(36))
    agreement_id: Mapped[str | None] = mapped_column(String(36))
    entity_id: Mapped[str | None] = mapped_column(String(36))
    land_transfer_id: Mapped[str | None] = mapped_column(String(36))
    lease_back_id: Mapped[str | None] = mapped_column(String(36))
    subsidy_id: Mapped[str | None] = mapped_column(String(36))
    loan_id: Mapped[str | None] = mapped_column(String(36))
    fund_id: Mapped[str | None] = mapped_column(String(36))
    allocation_id: Mapped[str | None] = mapped_column(String(36))
    # The year an agreed annual amount (rent, guaranteed return, lease-back income) is counted against.
    period_year: Mapped[int | None] = mapped_column(Integer)
    # A reversing line is negative and names the line it reverses (corrections never edit a line).
    reverses_line_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    reversal_id: Mapped[str | None] = mapped_column(String(36), index=True)


class Reversal(Base):
    """A correction of an approved distribution or income line: proposed with a reason, approved by another person."""

    __tablename__ = "reversal"
    __table_args__ = (UniqueConstraint("target_kind", "target_id", name="uq_reversal_target"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    target_kind: Mapped[str] = mapped_column(String(20))  # "distribution" | "income_line"
    target_id: Mapped[str] = mapped_column(String(36))
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    entity_id: Mapped[str | None] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="proposed")
    proposed_by: Mapped[str] = mapped_column(String(120))
    approved_by: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LandTransfer(Base):
    __tablename__ = "land_transfer"
    __table_args__ = (
        between("area_tenth_mu", 1, MAX_AREA_TENTH_MU),
        payment_fen("annual_rent_fen", low=0),
        basis_points("policy_income_household_bp"),
        CheckConstraint("end_on >= start_on", name="term_ordered"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(String(36), index=True)
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entity.id"), index=True)
    plot: Mapped[str] = mapped_column(String(200))
    area_tenth_mu: Mapped[int] = mapped_column(Integer)
    as_shares: Mapped[bool] = mapped_column(Boolean, default=False)
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date] = mapped_column(Date)
    annual_rent_fen: Mapped[int] = mapped_column(BigInteger)
    policy_income_household_bp: Mapped[int] = mapped_column(Integer)


class LeaseBack(Base):
    __tablename__ = "lease_back"
    __table_args__ = (
        between("area_tenth_mu", 1, MAX_AREA_TENTH_MU),
        payment_fen("agreed_income_fen_per_year", nullable=True),
        CheckConstraint("end_on >= start_on", name="term_ordered"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entity.id"), index=True)
    household_id: Mapped[str] = mapped_column(String(36), index=True)
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    base_name: Mapped[str] = mapped_column(String(200))
    area_tenth_mu: Mapped[int] = mapped_column(Integer)
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date] = mapped_column(Date)
    disaster_prevention: Mapped[str] = mapped_column(Text)
    disaster_handling: Mapped[str] = mapped_column(Text)
    agreed_income_fen_per_year: Mapped[int | None] = mapped_column(BigInteger)


class Subsidy(Base):
    __tablename__ = "subsidy"
    __table_args__ = (
        payment_fen("total_fen"),
        CheckConstraint("household_fen >= 0 AND entity_fen >= 0 AND household_fen + entity_fen = total_fen", name="parts_sum_to_total"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(String(36), index=True)
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    name: Mapped[str] = mapped_column(String(200))
    total_fen: Mapped[int] = mapped_column(BigInteger)
    household_fen: Mapped[int] = mapped_column(BigInteger)
    entity_fen: Mapped[int] = mapped_column(BigInteger)
    land_transfer_id: Mapped[str | None] = mapped_column(String(36))
    paid_on: Mapped[date] = mapped_column(Date)


class Loan(Base):
    __tablename__ = "loan"
    __table_args__ = (
        fund_fen("principal_fen"),
        between("term_months", 1, 120),
        basis_points("annual_rate_bp"),
        basis_points("interest_subsidy_bp"),
        payment_fen("guaranteed_return_fen_per_year", low=0, nullable=True),
        CheckConstraint("repaid_fen >= 0 AND repaid_fen <= principal_fen", name="repaid_fen_bounded"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(String(36), index=True)
    village_code: Mapped[str] = mapped_column(String(12), index=True)
    bank: Mapped[str] = mapped_column(String(200))
    principal_fen: Mapped[int] = mapped_column(BigInteger)
    term_months: Mapped[int] = mapped_column(Integer)
    annual_rate_bp: Mapped[int] = mapped_column(Integer)
    interest_subsidy_bp: Mapped[int] = mapped_column(Integer)
    granted_on: Mapped[date] = mapped_column(Date)
    use: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[str | None] = mapped_column(String(36), index=True)
    poverty_responsibility: Mapped[str | None] = mapped_column(Text)
    guaranteed_return_fen_per_year: Mapped[int | None] = mapped_column(BigInteger)
    repaid_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    overdue_since: Mapped[date | None] = mapped_column(Date)


class PaymentRequest(Base):
    """拨款报账: a payment against an allocation, backed by vouchers; proposed, approved by another, paid."""

    __tablename__ = "payment_request"
    __table_args__ = (fund_fen("amount_fen"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    allocation_id: Mapped[str] = mapped_column(ForeignKey("allocation.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    vouchers: Mapped[list[dict]] = mapped_column(JSON, default=list)
    requested_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="requested")
    requested_by: Mapped[str] = mapped_column(String(120))
    approved_by: Mapped[str | None] = mapped_column(String(120))
    paid_on: Mapped[date | None] = mapped_column(Date)
