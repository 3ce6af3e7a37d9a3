"""The early warning's statements: three per list, whatever the size of the place.

1. the place's households on the register that day which the income rules or a link may flag, with
   their size and their months of this year and last (the income prefilter is the rules' own
   arithmetic in SQL, so only candidates leave the database); 2. the links of the households a link
   may flag; 3. the place's monitoring cases. ``service.py`` then judges each candidate with the
   pure rules of ``domain.py``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Select, and_, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from policy.monitoring import Monitoring
from services.ledger.models import IncomeEntry, LedgerHousehold, col
from services.ledger.monitoring.domain import RECENT, Link, add_months
from services.ledger.monitoring.models import MONTHS, BenefitLink, HouseholdIncomeYear, MonitoringCase, MonitoringHousehold

Level = str  # "village" | "township" | "county" | "city"
# The columns statement 2 reads, in domain.Link's field order: plain rows, no ORM objects.
LINK_FIELDS = tuple(Link.__dataclass_fields__)
_PLACE = {"village": LedgerHousehold.village_code, "township": LedgerHousehold.township_code, "county": LedgerHousehold.county_code}


def place_filter(level: Level, code: str) -> Any:
    if level == "city":
        return col(LedgerHousehold.county_code).startswith(code)
    return col(_PLACE[level]) == code


def on_register(as_of: date) -> Any:
    return and_(col(LedgerHousehold.registered_on) <= as_of, or_(col(LedgerHousehold.left_on).is_(None), col(LedgerHousehold.left_on) > as_of))


def _link_breaks(as_of: date, m: Monitoring, r7_years: int) -> Any:
    """The link rows that may raise a flag on ``as_of`` (``domain.link_flags`` decides; this is its prefilter)."""
    L = BenefitLink
    since = as_of - RECENT
    return or_(
        and_(col(L.kind).in_(("order_contract", "lease_back")), col(L.ends_on) < as_of, col(L.ends_on) >= since),
        and_(col(L.kind) == "employment", col(L.broken_on) <= as_of, col(L.broken_on) >= since),
        and_(col(L.kind) == "loan", col(L.broken_on) <= as_of, or_(col(L.closed_on).is_(None), col(L.closed_on) > as_of)),
        and_(
            col(L.kind) == "asset",
            # ≤, not <: a month's end clamps (paid 28 Feb + 3 months is due 28 May, flagged on 31 May, when as_of − 3 months is 28 Feb)
            col(L.last_paid_on) <= add_months(as_of, -m.asset_gap_months),
            col(L.last_paid_on) >= add_months(as_of, -m.asset_gap_months - 12) - timedelta(days=1),
        ),
        and_(col(L.kind) == "training", col(L.started_on) == date(as_of.year - 2, 1, 1), col(L.run_years) >= 1, col(L.run_years) < r7_years),
    )


def _months(alias: Any) -> list[Any]:
    return [func.coalesce(getattr(alias, name), 0) for name in MONTHS]


def _big(value: int) -> ColumnElement[int]:
    """A constant as a 64-bit parameter: products of fen and basis points pass 2³¹ (PostgreSQL would take a bare int as int4)."""
    return literal(value, BigInteger)


def _sum(terms: list[Any]) -> ColumnElement[int]:
    total: ColumnElement[int] = literal(0, BigInteger)
    for t in terms:
        total = total + t
    return total


def household_rows(level: Level, code: str, as_of: date, m: Monitoring, r7_years: int, *, household_id: str | None = None) -> Select[Any]:
    """Statement 1: the candidates (or one household, flagged or not) with size and months."""
    cur, prev = aliased(HouseholdIncomeYear), aliased(HouseholdIncomeYear)
    this_year, last_year = _months(cur), _months(prev)
    month = as_of.month
    members = func.coalesce(col(MonitoringHousehold.members), 0)
    stmt = (
        select(
            col(LedgerHousehold.household_id),
            col(LedgerHousehold.household_number),
            col(LedgerHousehold.village_code),
            col(LedgerHousehold.registered_on),
            members.label("members"),
            *[t.label(f"c{i}") for i, t in enumerate(this_year)],
            *[t.label(f"p{i}") for i, t in enumerate(last_year)],
        )
        .outerjoin(MonitoringHousehold, col(MonitoringHousehold.household_id) == col(LedgerHousehold.household_id))
        .outerjoin(cur, and_(col(cur.household_id) == col(LedgerHousehold.household_id), col(cur.year) == as_of.year))
        .outerjoin(prev, and_(col(prev.household_id) == col(LedgerHousehold.household_id), col(prev.year) == as_of.year - 1))
    )
    if household_id is not None:
        return stmt.where(col(LedgerHousehold.household_id) == household_id)
    projected = _sum(this_year[:month] + last_year[month:])
    so_far, before = _sum(this_year[:month]), _sum(last_year[:month])
    n = m.no_income_months
    recent = _sum((last_year + this_year[:month])[-n:])
    start = add_months(date(as_of.year, month, 1), -(n - 1))
    line = m.line(as_of.year).fen
    linked = (
        select(col(BenefitLink.household_id))
        .join(LedgerHousehold, col(LedgerHousehold.household_id) == col(BenefitLink.household_id))
        .where(place_filter(level, code), _link_breaks(as_of, m, r7_years))
    )
    candidate = or_(
        # per_capita < line, or per_capita·10⁴ < line·bp, with per_capita = projected // members ⇔ projected < members·⌈line·bp / 10⁴⌉
        and_(members > 0, projected < members * _big(max(line, -(-line * m.near_line_bp // 10_000)))),
        and_(before > 0, (before - so_far) * _big(10_000) > before * _big(m.drop_bp)),
        and_(col(LedgerHousehold.registered_on) <= start, recent <= 0),
        col(LedgerHousehold.household_id).in_(linked),
    )
    return stmt.where(place_filter(level, code), on_register(as_of), candidate)


def link_rows(level: Level, code: str, as_of: date, m: Monitoring, r7_years: int, *, household_id: str | None = None) -> Select[Any]:
    """Statement 2: every link of the households a link may flag (the others of their kind may restore them)."""
    columns = [getattr(BenefitLink, f) for f in LINK_FIELDS]
    if household_id is not None:
        return select(*columns).where(col(BenefitLink.household_id) == household_id)
    breaking = (
        select(col(BenefitLink.household_id))
        .join(LedgerHousehold, col(LedgerHousehold.household_id) == col(BenefitLink.household_id))
        .where(place_filter(level, code), on_register(as_of), _link_breaks(as_of, m, r7_years))
    )
    return select(*columns).where(col(BenefitLink.household_id).in_(breaking))


def case_rows(level: Level, code: str, *, household_id: str | None = None) -> Select[Any]:
    """Statement 3: the place's monitoring cases (or one household's), oldest first."""
    C = MonitoringCase
    if household_id is not None:
        where = col(C.household_id) == household_id
    elif level == "village":
        where = col(C.village_code) == code
    elif level == "township":
        where = col(C.village_code).startswith(code)
    elif level == "county":
        where = col(C.county_code) == code
    else:
        where = col(C.county_code).startswith(code)
    return select(C).where(where).order_by(col(C.identified_at), col(C.case_id))


async def income_evidence(session: AsyncSession, household_id: str, start: date, end: date, limit: int = 200) -> list[str]:
    """The household's income entries dated in [start, end): the events behind an income flag on its file."""
    rows = await session.execute(
        select(col(IncomeEntry.event_id))
        .where(col(IncomeEntry.household_id) == household_id, col(IncomeEntry.occurred_on) >= start, col(IncomeEntry.occurred_on) < end)
        .order_by(col(IncomeEntry.occurred_on), col(IncomeEntry.event_id))
        .limit(limit)
    )
    return list(rows.scalars())
