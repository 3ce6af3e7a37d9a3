"""The read models' queries: a fixed number of statements per request, the figures of the ledger's own reads.

Village dashboard: the page of households with their head's name (1), their sizes (1), their sums by
type (1). County, township and city overviews (``region_villages``): the indicator projections' four — light
facts, entity acts, villages, counters on the span's last day (a fifth where shares are) — each village judged
from them as ``/indicators/{level}s/{code}`` judges it; then households, people and those without income (1) and
income by type (1) from their projections, however many villages or households.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from policy.linkage import Span
from services.ledger import domain, service
from services.ledger.indicator_projection import read as projected
from services.ledger.indicator_projection.models import IndicatorIncome, VillageIncomeYear
from services.ledger.models import HouseholdSize, IncomeEntry, LedgerHousehold, LedgerMember, col, table_of
from services.ledger.schemas import EvidencePage, IndicatorOut
from services.ledger.views.schemas import (
    CityCounties,
    CountyOverview,
    CountyVillages,
    IndicatorCount,
    TownshipVillages,
    VillageHousehold,
    VillageOverview,
)
from shared.auth import Principal
from shared.paging import Page, PageParams, paginate
from shared.regions import CITY_CODE


def _in_year(start: date, end: date) -> Any:
    return and_(
        col(LedgerHousehold.registered_on) < end,
        or_(col(LedgerHousehold.left_on).is_(None), col(LedgerHousehold.left_on) >= start),
    )


async def village_households(*, session: AsyncSession, principal: Principal, code: str, year: int, page: PageParams) -> Page[VillageHousehold]:
    service._check_place(principal, "village", code)
    start, end = service.period(year, None)
    stmt: Select[*tuple[Any, ...]] = (
        select(
            col(LedgerHousehold.household_id),
            col(LedgerHousehold.household_number),
            col(LedgerHousehold.poverty_status),
            col(LedgerHousehold.left_on),
            col(LedgerMember.name).label("head_name"),
        )
        .outerjoin(LedgerMember, col(LedgerMember.member_id) == col(LedgerHousehold.head_member_id))
        .where(col(LedgerHousehold.village_code) == code, _in_year(start, end))
    )
    rows: Page[Any] = await paginate(session, stmt, key=col(LedgerHousehold.household_id), params=page, to_item=lambda r: r, scalars=False)
    ids = [r.household_id for r in rows.items]
    sizes = await service._sizes_at(session, ids, end) if ids else {}
    sums: dict[str, list[tuple[str, int]]] = defaultdict(list)
    if ids:
        # As /households/{id}/income sums them: the household's entries dated in the year, whatever their village.
        result = await session.execute(
            select(col(IncomeEntry.household_id), col(IncomeEntry.benefit_type), func.sum(col(IncomeEntry.amount_fen)))
            .where(col(IncomeEntry.household_id).in_(ids), col(IncomeEntry.occurred_on) >= start, col(IncomeEntry.occurred_on) < end)
            .group_by(col(IncomeEntry.household_id), col(IncomeEntry.benefit_type))
        )
        for hid, benefit, amount in result.all():
            sums[hid].append((benefit, int(amount or 0)))
    items = []
    for r in rows.items:
        members, labourers = sizes.get(r.household_id, (0, 0))
        by_type = domain.by_type(sums.get(r.household_id, []))
        total = sum(by_type.values())
        items.append(
            VillageHousehold(
                household_id=r.household_id,
                household_number=r.household_number,
                head_name=r.head_name,
                poverty_status=r.poverty_status,
                left_on=r.left_on,
                members=members,
                labourers=labourers,
                by_type=by_type,
                total_fen=total,
                per_capita_fen=domain.per_capita(total, members),
            )
        )
    return Page[VillageHousehold](items=items, next_cursor=rows.next_cursor)


async def county_villages(*, session: AsyncSession, principal: Principal, code: str, year: int) -> CountyVillages:
    service._check_place(principal, "county", code)
    return CountyVillages(county_code=code, year=year, villages=await region_villages(session, level="county", code=code, year=year))


async def township_villages(*, session: AsyncSession, principal: Principal, code: str, year: int) -> TownshipVillages:
    service._check_place(principal, "township", code)
    return TownshipVillages(township_code=code, year=year, villages=await region_villages(session, level="township", code=code, year=year))


async def city_counties(*, session: AsyncSession, principal: Principal, year: int) -> CityCounties:
    """The city's counties, each the sum of its villages (as ``region_villages`` gives them) with its indicators counted by status."""
    service._check_place(principal, "city", CITY_CODE)
    villages = await region_villages(session, level="city", code=CITY_CODE, year=year)
    by_county: dict[str, list[VillageOverview]] = defaultdict(list)
    for v in villages:
        by_county[v.village_code[:6]].append(v)
    counties = []
    for county, mine in sorted(by_county.items()):
        by_type = domain.by_type((b, fen) for v in mine for b, fen in v.by_type.items())
        total = sum(by_type.values())
        people = sum(v.people for v in mine)
        counted: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for v in mine:
            for i in v.indicators:
                counted[i.rule][i.status] += 1
        counties.append(
            CountyOverview(
                county_code=county,
                villages=len(mine),
                households=sum(v.households for v in mine),
                people=people,
                households_without_income=sum(v.households_without_income for v in mine),
                by_type=by_type,
                total_fen=total,
                per_capita_fen=domain.per_capita(total, people),
                indicators=[IndicatorCount(rule=rule, **{k: n.get(k, 0) for k in ("met", "not_met", "no_data")}) for rule, n in counted.items()],
            )
        )
    return CityCounties(city_code=CITY_CODE, year=year, counties=counties)


async def region_villages(session: AsyncSession, *, level: Literal["township", "county", "city"], code: str, year: int) -> list[VillageOverview]:
    """Every village of a township, county or the city with its aggregates and indicators, from the projections.

    Each village is judged as ``/indicators/{level}s/{code}`` judges it (``indicator_projection.read.villages``: the light
    facts, entity acts, villages and counters, four reads, a fifth where shares are); its households, people and those
    without income in one grouped read, its income by type in another. However many villages or households: no fact is
    read twice and none is judged per household. The indicators carry their status, numbers and note; their evidence
    is the village's own read (``/indicators/villages/{code}``), as above village level.
    """
    span = Span.year(year)
    place, judged = await projected.villages(session, level, code, span)
    prefix = CITY_CODE if level == "city" else code
    homes, typed = await _village_sums(session, prefix, span)
    out = []
    for village in place.villages:
        categories, results = judged[village]
        name = service.village_name(place.facts(village), village)
        out.append(_overview(village, name, categories, homes.get(village, (0, 0, 0)), typed.get(village, []), [verdict(i) for i in results]))
    return out


def _overview(
    village: str, name: str | None, categories: list[str], homes: tuple[int, int, int], typed: list[tuple[str, int]], judged: list[IndicatorOut]
) -> VillageOverview:
    """One village of an overview from its households, people and those without income, and its income lines by type."""
    households, people, without = homes
    by_type = domain.by_type(typed)
    total = sum(by_type.values())
    return VillageOverview(
        village_code=village,
        name=name,
        categories=categories,
        households=households,
        people=people,
        households_without_income=without,
        by_type=by_type,
        total_fen=total,
        per_capita_fen=domain.per_capita(total, people),
        indicators=judged,
    )


def verdict(i: domain.Indicator) -> IndicatorOut:
    """An indicator as an overview carries it: its status, numbers and note; no evidence (the village's read has it).

    Constructed, not validated: ~2,800 of them in a county's overview, and the response is validated as it is sent."""
    empty = EvidencePage.model_construct(items=[], next_cursor=None, count=0)
    return IndicatorOut.model_construct(
        rule=i.rule, status=i.status, evidence=[], evidence_items=empty, numbers=dict(i.numbers), note=i.note or None, places=None
    )


async def _village_sums(session: AsyncSession, prefix: str, span: Span) -> tuple[dict[str, tuple[int, int, int]], dict[str, list[tuple[str, int]]]]:
    """Per village of a year's span: households on the register in it, their members at its end, those without income
    dated in it (``indicator_income``: a row per household, year and village with any entry); its income by type
    (``village_income_year``)."""
    end = span.last + timedelta(days=1)
    h, s, earned = table_of(LedgerHousehold), table_of(HouseholdSize), table_of(IndicatorIncome)
    homes = select(h.c.household_id, h.c.village_code).where(h.c.village_code.startswith(prefix), _in_year(span.first, end)).subquery("homes")
    # Each household's size on the span's last day: its latest row by effective date, then recording time.
    latest = func.row_number().over(partition_by=s.c.household_id, order_by=(s.c.effective_on.desc(), s.c.recorded_at.desc()))
    ranked = (
        select(s.c.household_id, s.c.member_count, latest.label("nth"))
        .join(homes, homes.c.household_id == s.c.household_id)
        .where(s.c.effective_on < end)
        .subquery("ranked")
    )
    sizes = select(ranked.c.household_id, ranked.c.member_count).where(ranked.c.nth == 1).subquery("sizes")
    has_income = (
        select(earned.c.household_id)
        .where(earned.c.household_id == homes.c.household_id, earned.c.village_code == homes.c.village_code, earned.c.year == span.last.year)
        .exists()
    )
    stmt = (
        select(homes.c.village_code, func.count(), func.coalesce(func.sum(sizes.c.member_count), 0), func.count().filter(~has_income))
        .select_from(homes.outerjoin(sizes, sizes.c.household_id == homes.c.household_id))
        .group_by(homes.c.village_code)
    )
    counted = {v: (int(n), int(people), int(without)) for v, n, people, without in (await session.execute(stmt)).all()}
    v = table_of(VillageIncomeYear)
    in_year = and_(v.c.village_code.startswith(prefix), v.c.year == span.last.year)
    sums = await session.execute(select(v.c.village_code, v.c.benefit_type, v.c.amount_fen).where(in_year))
    typed: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for village, benefit, fen in sums.all():
        typed[village].append((benefit, int(fen)))
    return counted, dict(typed)


async def region_villages_from_log(session: AsyncSession, *, level: Literal["township", "county", "city"], code: str, year: int) -> list[VillageOverview]:
    """The same, from every fact of the place (``service.load_place``) and each village judged from them (``service.judge_village``):
    the reference ``region_villages`` is tested against (``tests/ledger/test_indicator_projection.py``)."""
    loaded = await service.load_place(session, level, code, Span.year(year))
    typed: dict[str, list[tuple[str, int]]] = defaultdict(list)
    per_household: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for village, hid, benefit, amount in loaded.income:
        typed[village].append((benefit, amount))
        per_household[village][hid] += amount
    out = []
    for village in loaded.villages:
        village_facts = loaded.village(village)
        judged = service.judge_village(village_facts, code=village, year=year)
        homes = loaded.homes(village)
        people = sum(loaded.sizes.get(h.household_id, (0, 0))[0] for h in homes)
        earning = per_household.get(village, {})
        without = sum(1 for h in homes if h.household_id not in earning)
        name = service.village_name(village_facts, village)
        out.append(_overview(village, name, judged.categories, (len(homes), people, without), typed.get(village, []), judged.indicators))
    return out
