"""Tables of the households service (its own database; nobody else writes it), in SQLModel's multiple-models pattern.

Each aggregate's fields that the API also takes or shows are declared once, on a base
(``VillageBase``, ``HouseholdBase``, ``MemberBase``, ``StatusBase``, ``EmploymentBase``,
``WageBase``, ``EntityFields``): their type carries the API's bound, ``column(...)`` the SQL
type. The table (``table=True``) adds what only the database keeps (ids, hashes, ciphertexts,
timestamps); ``schemas.py`` derives the create and public models from the same bases.

Nothing is deleted: members and households carry the dates they joined and left, statuses and
labour capacities keep their history rows, so the registry can answer ``as_of`` any day.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Index,
    Integer,
    String,
)
from sqlmodel import Field, SQLModel

from services.households.fields import (
    Address,
    HouseholdNumber,
    HouseholdsTable,
    Post,
    Reason,
    Ref,
    Relation,
    Sex,
    UnitName,
    VillageCategory,
    VillageCode,
    VillageName,
    column,
    in_window,
    year_window,
)
from shared.bounds import (
    BIRTH_MIN,
    DATE_MAX,
    MAX_PAYMENT_FEN,
    BirthDate,
    Flag,
    PaymentFen,
    PersonName,
    PolicyDate,
    Year,
)
from shared.db import UTCDateTime, utcnow
from shared.events.households import EmploymentLink, LabourCapacity, PovertyStatus
from shared.regions import Industry

Base = HouseholdsTable  # ``Base.metadata``: what Alembic, the outbox and the tests read


def _pk() -> Any:
    return Field(sa_type=String(36), primary_key=True)


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime(), sa_column_kwargs={"default": utcnow})


# ---- villages -----------------------------------------------------------------------------------


class VillageBase(SQLModel):
    code: VillageCode = column(String(12), primary_key=True)
    name: VillageName = column(String(100))
    township_name: VillageName | None = column(String(100), None)
    categories: list[VillageCategory] = column(JSON, default_factory=list, max_length=4, sa_column_kwargs={"default": list})
    paired_unit: UnitName | None = column(String(200), None, description="对口帮扶单位, for relatively poor villages")
    characteristic_industry: Industry | None = column(String(40), None)


class Village(VillageBase, HouseholdsTable, table=True):
    __tablename__ = "village"

    township_code: str = Field(sa_type=String(9), index=True)
    county_code: str = Field(sa_type=String(6), index=True)
    # Stored as given (role, name, department, unit), checked by ``schemas.Helper`` on the way in.
    helpers: list[dict[str, str | None]] = Field(default_factory=list, sa_type=JSON, sa_column_kwargs={"default": list})
    created_at: datetime = _created()


class VillageCategoryRow(HouseholdsTable, table=True):
    """One row per (village, category): lets lists and stats filter by category in plain SQL."""

    __tablename__ = "village_category"

    village_code: str = Field(sa_type=String(12), foreign_key="village.code", primary_key=True)
    category: str = Field(sa_type=String(40), primary_key=True, index=True)


# ---- households ---------------------------------------------------------------------------------


class HouseholdBase(SQLModel):
    household_number: HouseholdNumber = column(String(40), unique=True)
    village_code: VillageCode = column(String(12), foreign_key="village.code", index=True)
    # The current status; its history is in household_status.
    poverty_status: PovertyStatus = column(String(30), "registered_poor", index=True)
    exit_year: Year | None = column(Integer, None, description="for a household registered as already exited")
    registered_on: PolicyDate = column(Date)
    address: Address | None = column(String(300), None)


class Household(HouseholdBase, HouseholdsTable, table=True):
    __tablename__ = "household"
    __table_args__ = (in_window("registered_on"), in_window("left_on", nullable=True), year_window("exit_year"))

    id: str = _pk()
    left_on: date | None = Field(None, sa_type=Date)
    left_reason: str | None = Field(None, sa_type=String(300))
    created_at: datetime = _created()


class StatusBase(SQLModel):
    """One poverty status record: from ``effective_on`` until the next one."""

    poverty_status: PovertyStatus = column(String(30))
    effective_on: PolicyDate = column(Date)
    exit_year: Year | None = column(Integer, None)
    reason: Reason | None = column(String(300), None)


class HouseholdStatus(StatusBase, HouseholdsTable, table=True):
    """Poverty status history: each row holds from ``effective_on`` until the next one."""

    __tablename__ = "household_status"
    __table_args__ = (Index("ix_household_status_household", "household_id", "effective_on"), in_window("effective_on"), year_window("exit_year"))

    id: str = _pk()
    household_id: str = Field(sa_type=String(36), foreign_key="household.id")
    recorded_at: datetime = _created()


# ---- members ------------------------------------------------------------------------------------


class MemberBase(SQLModel):
    """A member's facts as the API takes and shows them (identity number and phone are never stored in clear)."""

    name: PersonName = column(String(100))
    relation: Relation = column(String(20))
    birth_date: BirthDate = column(Date)
    sex: Sex = column(String(6))
    labour_capacity: LabourCapacity = column(String(10), index=True)
    wishes_to_work_away: Flag = column(Boolean, False)
    is_party_member: Flag = column(Boolean, False)
    is_village_cadre: Flag = column(Boolean, False)


class Member(MemberBase, HouseholdsTable, table=True):
    __tablename__ = "member"
    __table_args__ = (
        Index("ix_member_household", "household_id"),
        in_window("birth_date", low=BIRTH_MIN.isoformat()),
        in_window("joined_on"),
        in_window("left_on", nullable=True),
        CheckConstraint("relation IN ('head', 'spouse', 'child', 'parent', 'grandchild', 'sibling', 'other')", name="relation_known"),
        CheckConstraint("labour_capacity IN ('full', 'partial', 'none')", name="labour_capacity_known"),
    )

    id: str = _pk()
    household_id: str = Field(sa_type=String(36), foreign_key="household.id")
    # The identity number is kept as a keyed hash (for lookup) and as ciphertext. Not unique in the
    # table: a person may leave one household and later join another; the service allows one
    # current membership per person.
    id_number_hash: str = Field(sa_type=String(64), index=True)
    # The same hash while the person is a current member of a household in the registry, else NULL:
    # the database itself then refuses one person in two households, even under concurrent writes.
    current_id_hash: str | None = Field(None, sa_type=String(64), unique=True)
    id_number_cipher: str = Field(sa_type=String(200))
    # A contact phone, like the identity number only ever stored encrypted.
    phone_cipher: str | None = Field(None, sa_type=String(200))
    joined_on: date = Field(sa_type=Date)
    left_on: date | None = Field(None, sa_type=Date)
    left_reason: str | None = Field(None, sa_type=String(300))


class MemberCapacity(HouseholdsTable, table=True):
    """Labour capacity history of a member: each row holds from ``effective_on``."""

    __tablename__ = "member_capacity"
    __table_args__ = (Index("ix_member_capacity_member", "member_id", "effective_on"), in_window("effective_on"))

    id: str = _pk()
    member_id: str = Field(sa_type=String(36), foreign_key="member.id")
    labour_capacity: str = Field(sa_type=String(10))
    effective_on: date = Field(sa_type=Date)
    recorded_at: datetime = _created()


# ---- operating entities, employment and wages ---------------------------------------------------


class EntityFields(SQLModel):
    """An operating entity as learned from the funds service's facts (never read from its database)."""

    entity_id: str = Field(sa_type=String(36), primary_key=True)
    name: str = Field(sa_type=String(200))
    kind: str = Field(sa_type=String(40))
    county_code: str | None = Field(None, sa_type=String(6))
    village_codes: list[str] = Field(default_factory=list, sa_type=JSON, sa_column_kwargs={"default": list})


class KnownEntity(EntityFields, HouseholdsTable, table=True):
    __tablename__ = "known_entity"

    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), sa_column_kwargs={"default": utcnow})


class EmploymentBase(SQLModel):
    member_id: Ref = column(String(36), foreign_key="member.id", index=True)
    entity_id: Ref = column(String(36), foreign_key="known_entity.entity_id", index=True)
    post: Post = column(String(100))
    link: EmploymentLink = column(String(20), description="production, processing or distribution (§5.2)")
    started_on: PolicyDate = column(Date)
    ended_on: PolicyDate | None = column(Date, None)


class Employment(EmploymentBase, HouseholdsTable, table=True):
    __tablename__ = "employment"
    __table_args__ = (
        in_window("started_on"),
        CheckConstraint(f"ended_on IS NULL OR (ended_on >= started_on AND ended_on <= '{DATE_MAX.isoformat()}')", name="ended_on_window"),
    )

    id: str = _pk()
    household_id: str = Field(sa_type=String(36), foreign_key="household.id", index=True)
    village_code: str = Field(sa_type=String(12), index=True)
    end_reason: str | None = Field(None, sa_type=String(300))
    created_at: datetime = _created()


class WageBase(SQLModel):
    employment_id: Ref = column(String(36), foreign_key="employment.id", index=True)
    amount_fen: PaymentFen = column(BigInteger)
    period_start: PolicyDate = column(Date)
    period_end: PolicyDate = column(Date)
    paid_on: PolicyDate = column(Date)


class WagePayment(WageBase, HouseholdsTable, table=True):
    __tablename__ = "wage_payment"
    __table_args__ = (
        CheckConstraint(f"amount_fen > 0 AND amount_fen <= {MAX_PAYMENT_FEN}", name="amount_fen_bounds"),
        in_window("period_start"),
        CheckConstraint(f"period_end >= period_start AND period_end <= '{DATE_MAX.isoformat()}'", name="period_end_window"),
        in_window("paid_on"),
    )

    id: str = _pk()
    member_id: str = Field(sa_type=String(36))
    household_id: str = Field(sa_type=String(36), index=True)
    village_code: str = Field(sa_type=String(12), index=True)
    entity_id: str = Field(sa_type=String(36), index=True)
    reported_by: str = Field(sa_type=String(10))
    created_at: datetime = _created()
