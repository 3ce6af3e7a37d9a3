"""The indicators' projections. Rebuilt by ``fupin audit replay`` like every projection (``fold.py``).

Every table is a function of the set of facts, not of the order they came in across sources:
subject states keep their facts in log order (recorded time, event id), runs are derived from the
states, counters are sums of the runs' edges (rows whose sum is zero are deleted).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Column, Date, Index, Integer, String
from sqlmodel import Field

from services.ledger.models import LedgerTable
from shared.db import UTCDateTime


class IndicatorFact(LedgerTable, table=True):
    """A fact the indicators read as the log said it, of the kinds that grow with villages and projects, not households
    (``fold.LIGHT``), and members who are Party members or village cadres (R22)."""

    __tablename__ = "indicator_fact"
    __table_args__ = (Index("ix_indicator_fact_village", "village_code"), Index("ix_indicator_fact_county", "county_code"))

    event_id: str = Field(sa_column=Column(String(36), primary_key=True))
    fact: str = Field(sa_column=Column(String(80), nullable=False))
    village_code: str | None = Field(sa_column=Column(String(12)))
    county_code: str | None = Field(sa_column=Column(String(6)))
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    data: dict[str, Any] = Field(sa_column=Column(JSON, default=dict, nullable=False))


class IndicatorEntityAct(LedgerTable, table=True):
    """The earliest own date of a household-level fact naming an operating entity (a lease-back, loan, job, order
    contract), per village: all ``domain.entities_since`` needs of those facts."""

    __tablename__ = "indicator_entity_act"

    village_code: str = Field(sa_column=Column(String(12), primary_key=True))
    entity_id: str = Field(sa_column=Column(String(80), primary_key=True))
    fact: str = Field(sa_column=Column(String(80), primary_key=True))
    since: date = Field(sa_column=Column(Date, nullable=False))


class IndicatorVillage(LedgerTable, table=True):
    """A village some fact or income line names: the villages a township, county or the city reports."""

    __tablename__ = "indicator_village"

    village_code: str = Field(sa_column=Column(String(12), primary_key=True))


class IndicatorSubject(LedgerTable, table=True):
    """One thing whose standing changes with its facts (a member, a household, a training session): its facts so far."""

    __tablename__ = "indicator_subject"

    subject_key: str = Field(sa_column=Column(String(120), primary_key=True))
    state: dict[str, Any] = Field(sa_column=Column(JSON, default=dict, nullable=False))


class IndicatorRun(LedgerTable, table=True):
    """Days ``from_on`` … ``to_on`` (None: from then on) on which an item counts for an indicator's key, judged for a span
    ending that day: a labourer failing R7, a contract in force, a household with income … ``ord`` is the fact's log
    order (R4's first five)."""

    __tablename__ = "indicator_run"
    __table_args__ = (Index("ix_indicator_run_village_key", "village_code", "key"),)

    subject_key: str = Field(sa_column=Column(String(120), primary_key=True))
    key: str = Field(sa_column=Column(String(120), primary_key=True))
    item_kind: str = Field(sa_column=Column(String(30), primary_key=True))
    item_id: str = Field(sa_column=Column(String(80), primary_key=True))
    from_on: date = Field(sa_column=Column(Date, primary_key=True))
    to_on: date | None = Field(sa_column=Column(Date))
    village_code: str = Field(sa_column=Column(String(12), nullable=False))
    label: str = Field(sa_column=Column(String(200), nullable=False))
    ord: str = Field(sa_column=Column(String(80), nullable=False))


class IndicatorEdge(LedgerTable, table=True):
    """A village's counter for one key changes by ``n`` on ``day``: the number of items counting on day D is the sum up to D."""

    __tablename__ = "indicator_edge"

    village_code: str = Field(sa_column=Column(String(12), primary_key=True))
    key: str = Field(sa_column=Column(String(120), primary_key=True))
    day: date = Field(sa_column=Column(Date, primary_key=True))
    n: int = Field(sa_column=Column(BigInteger, nullable=False))


class IndicatorIncome(LedgerTable, table=True):
    """A household's income of a year in a village: its first day with a positive amount, and whether any amount was
    negative (a reversal: then the running sum is read from its entries). 户户有增收项目 counts it from that day."""

    __tablename__ = "indicator_income"

    household_id: str = Field(sa_column=Column(String(36), primary_key=True))
    year: int = Field(sa_column=Column(Integer, primary_key=True))
    village_code: str = Field(sa_column=Column(String(12), primary_key=True, index=True))
    first_on: date | None = Field(sa_column=Column(Date))
    negative: bool = Field(sa_column=Column(Boolean, nullable=False))


class VillageIncomeYear(LedgerTable, table=True):
    """A village's income of a year by benefit type (the income's own village and date; reversals subtract): what the
    county, township and city overviews show per village, without summing a year of entries per read."""

    __tablename__ = "village_income_year"

    village_code: str = Field(sa_column=Column(String(12), primary_key=True))
    year: int = Field(sa_column=Column(Integer, primary_key=True))
    benefit_type: str = Field(sa_column=Column(String(20), primary_key=True))
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
