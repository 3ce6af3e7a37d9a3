"""The early warning's projections: a household's income by month, its size, its benefit links.

Rebuilt by ``fupin audit replay`` like every projection: the consumer and the replay both derive them
from the rows a batch adds (``projection.py``), and every write is order-independent across sources
(sums, the latest by date, COALESCE merges of one link's own facts, which come from one source in order).
The monitoring cases are not projections: they are decisions people record through the API.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Date, Index, Integer, String, Text
from sqlmodel import Field

from services.ledger.models import LedgerTable, table_of
from shared.db import UTCDateTime

MONTHS = tuple(f"m{m:02d}" for m in range(1, 13))


class HouseholdIncomeYear(LedgerTable, table=True):
    """A household's income of every type by the month of the income's own date (``occurred_on``); reversals subtract."""

    __tablename__ = "household_income_year"

    household_id: str = Field(sa_column=Column(String(36), primary_key=True))
    year: int = Field(sa_column=Column(Integer, primary_key=True))
    m01: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    m02: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    m03: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    m04: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    m05: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    m06: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    m07: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    m08: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    m09: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    m10: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    m11: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    m12: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))


class MonitoringHousehold(LedgerTable, table=True):
    """A household's latest size (by effective date, then recording time): the early warning's per-capita divisor."""

    __tablename__ = "monitoring_household"

    household_id: str = Field(sa_column=Column(String(36), primary_key=True))
    members: int = Field(sa_column=Column(Integer, nullable=False))
    size_on: date = Field(sa_column=Column(Date, nullable=False))
    size_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class BenefitLink(LedgerTable, table=True):
    """One benefit link of a household (an order contract, a job, a loan, a lease-back, an asset that pays, a training year).

    ``link_key`` is ``kind:id`` (``asset:<asset>:<household>``, ``training:<member>:<year>``); each of a
    link's facts fills the columns it knows and leaves the others as they were.
    """

    __tablename__ = "benefit_link"
    __table_args__ = (Index("ix_benefit_link_household_kind", "household_id", "kind"),)

    link_key: str = Field(sa_column=Column(String(200), primary_key=True))
    kind: str = Field(sa_column=Column(String(20), nullable=False))
    household_id: str = Field(sa_column=Column(String(36), nullable=False))
    village_code: str = Field(sa_column=Column(String(12), nullable=False))
    subject_id: str = Field(sa_column=Column(String(80), nullable=False))
    started_on: date | None = Field(default=None, sa_column=Column(Date))
    ends_on: date | None = Field(default=None, sa_column=Column(Date))
    broken_on: date | None = Field(default=None, sa_column=Column(Date))
    closed_on: date | None = Field(default=None, sa_column=Column(Date))
    last_paid_on: date | None = Field(default=None, sa_column=Column(Date))
    run_years: int | None = Field(default=None, sa_column=Column(Integer))
    started_event_id: str | None = Field(default=None, sa_column=Column(String(36)))
    broken_event_id: str | None = Field(default=None, sa_column=Column(String(36)))
    closed_event_id: str | None = Field(default=None, sa_column=Column(String(36)))
    last_paid_event_id: str | None = Field(default=None, sa_column=Column(String(36)))


class MonitoringCase(LedgerTable, table=True):
    """A monitoring object (监测对象): identified → assisted → removal proposed → risk removed, with who and when.

    Not a projection (people decide it; ``fupin audit replay`` leaves it out, like ``checkpoint``);
    each step is also a fact of the ledger's own log (``shared/events/ledger.py``).
    """

    __tablename__ = "monitoring_case"
    __table_args__ = (Index("ix_monitoring_case_household", "household_id"), Index("ix_monitoring_case_county_status", "county_code", "status"))

    case_id: str = Field(sa_column=Column(String(36), primary_key=True))
    household_id: str = Field(sa_column=Column(String(36), nullable=False))
    village_code: str = Field(sa_column=Column(String(12), nullable=False))
    county_code: str = Field(sa_column=Column(String(6), nullable=False))
    status: str = Field(sa_column=Column(String(20), nullable=False))
    flags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    identified_by: str = Field(sa_column=Column(String(120), nullable=False))
    identified_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    note: str | None = Field(default=None, sa_column=Column(Text))
    measures: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    removal_proposed_by: str | None = Field(default=None, sa_column=Column(String(120)))
    removal_proposed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    removal_note: str | None = Field(default=None, sa_column=Column(Text))
    removed_by: str | None = Field(default=None, sa_column=Column(String(120)))
    removed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class MonitoringFlags(LedgerTable, table=True):
    """A household's early-warning flags over a run of days of the judged month (``monitoring_month``): the lists' one read.

    Kept by the consumer (``current.py``): a batch re-judges the households it touches, the month's
    turn re-judges all of them; a household has one row per run of days with the same flags (most
    have one for the whole month) and none when it has no flag. ``flags`` and the columns before it
    follow from the log alone; the ``active_*`` columns also read the monitoring cases (a risk
    removal clears the flags raised on or before it), so the case API refreshes them and the
    replay's comparison leaves them out.
    """

    __tablename__ = "monitoring_flags"

    household_id: str = Field(sa_column=Column(String(36), primary_key=True))
    valid_from: date = Field(sa_column=Column(Date, primary_key=True))
    valid_to: date = Field(sa_column=Column(Date, nullable=False))  # exclusive
    household_number: str = Field(sa_column=Column(String(40), nullable=False))
    village_code: str = Field(sa_column=Column(String(12), nullable=False))
    township_code: str = Field(sa_column=Column(String(9), nullable=False))
    county_code: str = Field(sa_column=Column(String(6), nullable=False))
    members: int = Field(sa_column=Column(Integer, nullable=False))
    projected_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    per_capita_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    severity: int = Field(sa_column=Column(Integer, nullable=False))
    flag_count: int = Field(sa_column=Column(Integer, nullable=False))
    kinds: str = Field(sa_column=Column(String(400), nullable=False))  # "kind=n;…" sorted: the counts by kind, grouped in SQL
    flags: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active_severity: int = Field(sa_column=Column(Integer, nullable=False))
    active_count: int = Field(sa_column=Column(Integer, nullable=False))
    active_kinds: str = Field(sa_column=Column(String(400), nullable=False))


# The lists' order (most severe first, then most flags, lowest per-capita income, id) per place: a page is an index range.
_flags_table = table_of(MonitoringFlags)
for _level in ("county", "township", "village"):
    Index(
        f"ix_monitoring_flags_{_level}_rank",
        _flags_table.c[f"{_level}_code"],
        _flags_table.c.active_severity.desc(),
        _flags_table.c.active_count.desc(),
        _flags_table.c.per_capita_fen,
        _flags_table.c.household_id,
    )


class MonitoringMonth(LedgerTable, table=True):
    """Which month ``monitoring_flags`` holds: the month of the latest envelope time applied; none while a bulk load runs."""

    __tablename__ = "monitoring_month"

    key: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    judged_month: date | None = Field(default=None, sa_column=Column(Date))


class MonitoringFlagCounts(LedgerTable, table=True):
    """How many households of a place have each set of flags over a run of days: the lists' counts by kind, a few rows a place.

    An aggregate of ``monitoring_flags`` kept with it in the same statements (``current.py``): ``dim``
    ``all`` counts ``kinds`` (every flag), ``active`` counts ``active_kinds`` (the flags no removal has
    cleared). The replay's comparison checks ``monitoring_flags``, which this table sums.
    """

    __tablename__ = "monitoring_flag_counts"

    level: str = Field(sa_column=Column(String(8), primary_key=True))
    code: str = Field(sa_column=Column(String(12), primary_key=True))
    dim: str = Field(sa_column=Column(String(6), primary_key=True))
    valid_from: date = Field(sa_column=Column(Date, primary_key=True))
    valid_to: date = Field(sa_column=Column(Date, primary_key=True))
    kinds: str = Field(sa_column=Column(String(400), primary_key=True))
    households: int = Field(sa_column=Column(Integer, nullable=False))
