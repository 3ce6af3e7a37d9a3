"""Ledger queries: household incomes, aggregates by place, policy indicators. Read-only."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from sqlalchemy import Select, String, and_, func, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from policy.settings import thresholds
from services.ledger import domain
from services.ledger.models import HouseholdSize, IncomeEntry, LedgerHousehold, PolicyFact, col
from services.ledger.projector import fact_name
from services.ledger.schemas import (
    Aggregate,
    HouseholdIncome,
    IncomeEntryOut,
    IndicatorOut,
    Indicators,
    NoIncomeHouseholds,
)
from shared.auth import Principal, ensure_readable
from shared.events.contracts import REGISTRY
from shared.paging import Page, PageParams, decode_cursor, encode_cursor, paginate
from shared.problems import InvalidInput, NotFound
from shared.regions import CITY_CODE

Level = Literal["village", "township", "county", "city"]
LEVEL_DIGITS = {"village": 12, "township": 9, "county": 6, "city": 4}


def period(year: int, month: int | None) -> tuple[date, date]:
    if month is None:
        return date(year, 1, 1), date(year + 1, 1, 1)
    if not 1 <= month <= 12:
        raise InvalidInput("月份须在 1–12 之间", detail_en="month must be within 1..12", field="month")
    end = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, 1), end


def known_until(as_of: date) -> datetime:
    """What the ledger knew at the end of ``as_of`` (UTC): facts recorded before the next midnight."""
    return datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=UTC)


async def _household(session: AsyncSession, principal: Principal, household_id: str) -> LedgerHousehold:
    household = await session.get(LedgerHousehold, household_id)
    if household is None:
        raise NotFound("户不存在", detail_en=f"household {household_id} not found")
    ensure_readable(principal, region=household.village_code, what="户")
    return household


async def household_income(
    *, session: AsyncSession, principal: Principal, household_id: str, year: int, month: int | None = None, as_of: date | None = None
) -> HouseholdIncome:
    """One round trip: the household's place, its size at the period's end and its sums by type."""
    start, end = period(year, month)
    size = select(col(HouseholdSize.member_count)).where(col(HouseholdSize.household_id) == household_id, col(HouseholdSize.effective_on) < end)
    sums: Select[*tuple[Any, ...]] = select(col(IncomeEntry.benefit_type).label("k"), func.sum(col(IncomeEntry.amount_fen)).label("v")).where(
        col(IncomeEntry.household_id) == household_id, col(IncomeEntry.occurred_on) >= start, col(IncomeEntry.occurred_on) < end
    )
    if as_of is not None:
        size = size.where(col(HouseholdSize.recorded_at) < known_until(as_of))
        sums = sums.where(col(IncomeEntry.recorded_at) < known_until(as_of))
    latest_size = size.order_by(col(HouseholdSize.effective_on).desc(), col(HouseholdSize.recorded_at).desc()).limit(1).scalar_subquery()
    place: Select[*tuple[Any, ...]] = select(
        literal("@household").label("k"), func.coalesce(latest_size, 0).label("v"), col(LedgerHousehold.village_code).label("w")
    ).where(col(LedgerHousehold.household_id) == household_id)
    stmt = union_all(place, sums.add_columns(literal(None, String).label("w")).group_by(col(IncomeEntry.benefit_type)))
    rows = (await session.execute(stmt)).all()
    village = next((r.w for r in rows if r.k == "@household"), None)
    if village is None:
        raise NotFound("户不存在", detail_en=f"household {household_id} not found")
    ensure_readable(principal, region=village, what="户")
    members = int(next(r.v for r in rows if r.k == "@household") or 0)
    totals = domain.by_type((r.k, int(r.v or 0)) for r in rows if r.k != "@household")
    total = sum(totals.values())
    return HouseholdIncome(
        household_id=household_id,
        year=year,
        month=month,
        as_of=as_of,
        by_type=totals,
        total_fen=total,
        household_size=members,
        per_capita_fen=domain.per_capita(total, members),
    )


def entry_out(e: IncomeEntry) -> IncomeEntryOut:
    return IncomeEntryOut.model_validate(e, from_attributes=True)


async def household_entries(
    *,
    session: AsyncSession,
    principal: Principal,
    household_id: str,
    page: PageParams,
    year: int | None = None,
    month: int | None = None,
    as_of: date | None = None,
) -> Page[IncomeEntryOut]:
    await _household(session, principal, household_id)
    stmt = select(IncomeEntry).where(col(IncomeEntry.household_id) == household_id)
    if year is not None:
        start, end = period(year, month)
        stmt = stmt.where(col(IncomeEntry.occurred_on) >= start, col(IncomeEntry.occurred_on) < end)
    if as_of is not None:
        stmt = stmt.where(col(IncomeEntry.recorded_at) < known_until(as_of))
    return await paginate(session, stmt, key=col(IncomeEntry.event_id), params=page, to_item=entry_out)


# ---- places -------------------------------------------------------------------------------------


def _place_filter(level: Level, code: str, column_of: dict[str, Any]) -> Any:
    if level == "city":
        return column_of["county"].startswith(CITY_CODE)
    return column_of[level] == code


def _check_place(principal: Principal, level: Level, code: str) -> None:
    digits = LEVEL_DIGITS[level]
    if len(code) != digits or not code.isdigit():
        raise InvalidInput(f"{level} 区划代码须为 {digits} 位数字", detail_en=f"a {level} code has {digits} digits", field="code")
    if level == "city" and code != CITY_CODE:
        raise NotFound("市不存在", detail_en=f"city {code} not found")
    ensure_readable(principal, region=code if level != "city" else None, what="区划")


async def _sizes_at(session: AsyncSession, household_ids: list[str], end: date) -> dict[str, tuple[int, int]]:
    """Each household's (members, labourers) as of ``end`` (exclusive): its latest size row before it."""
    out: dict[str, tuple[int, int, date, datetime]] = {}
    for start in range(0, len(household_ids), 900):
        chunk = household_ids[start : start + 900]
        rows = await session.execute(
            select(
                col(HouseholdSize.household_id),
                col(HouseholdSize.member_count),
                col(HouseholdSize.labour_count),
                col(HouseholdSize.effective_on),
                col(HouseholdSize.recorded_at),
            ).where(col(HouseholdSize.household_id).in_(chunk), col(HouseholdSize.effective_on) < end)
        )
        for hid, members, labour, on, at in rows.all():
            best = out.get(hid)
            if best is None or (on, at) > (best[2], best[3]):
                out[hid] = (members, labour, on, at)
    return {k: (v[0], v[1]) for k, v in out.items()}


async def _households_in(session: AsyncSession, level: Level, code: str, start: date, end: date) -> list[LedgerHousehold]:
    columns = {"village": col(LedgerHousehold.village_code), "township": col(LedgerHousehold.township_code), "county": col(LedgerHousehold.county_code)}
    stmt = select(LedgerHousehold).where(
        _place_filter(level, code, columns),
        col(LedgerHousehold.registered_on) < end,
        or_(col(LedgerHousehold.left_on).is_(None), col(LedgerHousehold.left_on) >= start),
    )
    return list((await session.execute(stmt.order_by(col(LedgerHousehold.household_id)))).scalars())


async def aggregate(*, session: AsyncSession, principal: Principal, level: Level, code: str, year: int, page: PageParams) -> Aggregate:
    _check_place(principal, level, code)
    start, end = period(year, None)
    columns = {"village": col(IncomeEntry.village_code), "township": col(IncomeEntry.township_code), "county": col(IncomeEntry.county_code)}
    in_year = and_(_place_filter(level, code, columns), col(IncomeEntry.occurred_on) >= start, col(IncomeEntry.occurred_on) < end)
    rows = (
        await session.execute(
            select(col(IncomeEntry.household_id), col(IncomeEntry.benefit_type), func.sum(col(IncomeEntry.amount_fen)))
            .where(in_year)
            .group_by(col(IncomeEntry.household_id), col(IncomeEntry.benefit_type))
        )
    ).all()
    per_household: dict[str, int] = defaultdict(int)
    entries_of: set[str] = set()
    typed: list[tuple[str, int]] = []
    for hid, benefit, amount in rows:
        per_household[hid] += int(amount or 0)
        entries_of.add(hid)
        typed.append((benefit, int(amount or 0)))
    totals = domain.by_type(typed)
    households = await _households_in(session, level, code, start, end)
    sizes = await _sizes_at(session, [h.household_id for h in households], end)
    per_capita = [domain.per_capita(per_household.get(h.household_id, 0), sizes.get(h.household_id, (0, 0))[0]) for h in households]
    people = sum(sizes.get(h.household_id, (0, 0))[0] for h in households)
    without = [h.household_id for h in households if h.household_id not in entries_of]
    after = decode_cursor(page.cursor) if page.cursor else None
    remaining = [h for h in without if after is None or h > after]
    items = remaining[: page.limit]
    total = sum(totals.values())
    return Aggregate(
        level=level,
        code=code,
        year=year,
        by_type=totals,
        total_fen=total,
        share_bp=domain.shares_bp(totals),
        households=len(households),
        people=people,
        per_capita_fen=domain.per_capita(total, people),
        per_capita_distribution=domain.quartiles(per_capita),
        households_without_income=NoIncomeHouseholds(
            count=len(without), items=items, next_cursor=encode_cursor(items[-1]) if len(remaining) > len(items) and items else None
        ),
    )


# ---- indicators ---------------------------------------------------------------------------------


def _published() -> frozenset[str]:
    return frozenset(fact_name(t) for t in REGISTRY)


async def _facts(session: AsyncSession, *, county: str, village: str | None, year: int) -> domain.Facts:
    start, end = period(year, None)
    if village is not None:
        place = or_(
            col(PolicyFact.village_code) == village,
            and_(col(PolicyFact.village_code).is_(None), or_(col(PolicyFact.county_code) == county, col(PolicyFact.county_code).is_(None))),
        )
    else:
        place = or_(col(PolicyFact.county_code) == county, col(PolicyFact.county_code).is_(None))
    rows = (
        await session.execute(
            select(PolicyFact)
            .where(place, col(PolicyFact.recorded_at) < datetime.combine(end, time.min, tzinfo=UTC))
            .order_by(col(PolicyFact.recorded_at), col(PolicyFact.event_id))
        )
    ).scalars()
    by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in rows:
        by_name[f.fact].append(dict(f.data or {}) | {"event_id": f.event_id})
    level: Level = "village" if village else "county"
    code = village or county
    households = await _households_in(session, level, code, start, end)
    sizes = await _sizes_at(session, [h.household_id for h in households], end)
    columns = {"village": col(IncomeEntry.village_code), "county": col(IncomeEntry.county_code)}
    earning = (
        await session.execute(
            select(col(IncomeEntry.household_id))
            .where(columns[level] == code, col(IncomeEntry.occurred_on) >= start, col(IncomeEntry.occurred_on) < end)
            .group_by(col(IncomeEntry.household_id))
            .having(func.sum(col(IncomeEntry.amount_fen)) > 0)
        )
    ).scalars()
    return domain.Facts(
        by_name=dict(by_name),
        known=_published() | frozenset(by_name),
        households=[
            {"household_id": h.household_id, "poverty_status": h.poverty_status, "left_on": h.left_on, "labour_count": sizes.get(h.household_id, (0, 0))[1]}
            for h in households
        ],
        income_households=frozenset(earning),
        year=year,
    )


EVIDENCE_LIMIT = 500


def _indicator_out(i: domain.Indicator) -> IndicatorOut:
    """A county's evidence can name thousands of households: the first EVIDENCE_LIMIT, and how many there are."""
    numbers = dict(i.numbers)
    if len(i.evidence) > EVIDENCE_LIMIT:
        numbers["evidence_count"] = len(i.evidence)
    return IndicatorOut(rule=i.rule, status=i.status, evidence=i.evidence[:EVIDENCE_LIMIT], numbers=numbers, note=i.note or None)


async def village_indicators(*, session: AsyncSession, principal: Principal, code: str, year: int) -> Indicators:
    _check_place(principal, "village", code)
    facts = await _facts(session, county=code[:6], village=code, year=year)
    facts.county_allocations = await county_allocations(session, code[:6])
    return judge_village(facts, code=code, year=year)


async def county_allocations(session: AsyncSession, county: str) -> list[dict[str, Any]]:
    """The county's allocations (R1 is judged per county, also for each of its villages)."""
    rows = await session.execute(
        select(col(PolicyFact.data), col(PolicyFact.event_id)).where(col(PolicyFact.county_code) == county, col(PolicyFact.fact) == "allocation_recorded")
    )
    return [dict(d or {}) | {"event_id": e} for d, e in rows.all()]


def village_categories(facts: domain.Facts, code: str) -> list[str]:
    registered = [v for v in facts.of("village_registered") + facts.of("village_updated") if v.get("village_code") == code]
    return list(registered[-1].get("categories") or []) if registered else []


def judge_village(facts: domain.Facts, *, code: str, year: int) -> Indicators:
    """A village's indicators from its facts (the one place they are judged, for every view of them)."""
    categories = village_categories(facts, code)
    results = domain.evaluate(facts, thresholds(), village_code=code, categories=categories)
    return Indicators(level="village", code=code, year=year, categories=categories, indicators=[_indicator_out(i) for i in results])


async def county_indicators(*, session: AsyncSession, principal: Principal, code: str, year: int) -> Indicators:
    _check_place(principal, "county", code)
    facts = await _facts(session, county=code, village=None, year=year)
    results = domain.evaluate(facts, thresholds(), village_code=None, categories=[])
    return Indicators(level="county", code=code, year=year, categories=[], indicators=[_indicator_out(i) for i in results])
