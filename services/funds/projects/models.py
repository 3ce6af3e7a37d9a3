"""Tables of projects: each shares its API fields through a ``*Base`` (see ``services/funds/base.py``)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from services.funds.base import Code, FundsTable, Id, basis_points, between, code, created, fen, fund_fen, key, literal, name_column, ref
from shared.bounds import MAX_AREA_TENTH_MU, MAX_COUNT, AreaTenthMuOrZero, BasisPoints, Flag, Name, PolicyDate, PositiveCount
from shared.events.funds import Contribution, LedBy
from shared.regions import Industry


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
    # Read side only (view-only, never loaded lazily): the repository loads both for an answer, a query each per page.
    funded_by: list[Funding] = Relationship(
        sa_relationship_kwargs={"primaryjoin": "foreign(Funding.project_id) == Project.id", "order_by": "Funding.id", "viewonly": True, "lazy": "raise"}
    )
    agreement: Agreement | None = Relationship(
        sa_relationship_kwargs={"primaryjoin": "Agreement.project_id == Project.id", "viewonly": True, "lazy": "raise", "uselist": False}
    )


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
