"""The read models' queries: a fixed number of statements per request, the figures of the ledger's own reads.

Village dashboard: the page of households with their head's name (1), their sizes (1), their sums by
type (1). County overview: the county's facts (1), households (1), sizes (1), sums by village,
household and type (1), allocations (1) — five, however many villages; each village's indicators are
then judged from its share of those rows by ``service.judge_village``, the function behind
``/indicators/villages/{code}``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.ledger import domain, service
from services.ledger.models import HouseholdSize, IncomeEntry, LedgerHousehold, LedgerMember, PolicyFact, col
from services.ledger.views.schemas import CountyVillages, VillageHousehold, VillageOverview
from shared.auth import Principal
from shared.paging import Page, PageParams, paginate


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


def _of_village(fact: PolicyFact, village: str, county: str) -> bool:
    """``service._facts``'s place filter for one village, over the county's rows."""
    if fact.village_code is not None:
        return fact.village_code == village
    return fact.county_code in (county, None)


async def county_villages(*, session: AsyncSession, principal: Principal, code: str, year: int) -> CountyVillages:
    service._check_place(principal, "county", code)
    start, end = service.period(year, None)
    # 1. Every fact any of the county's villages reads (service._facts, for each village, reads a subset of these).
    facts = list(
        (
            await session.execute(
                select(PolicyFact)
                .where(
                    or_(col(PolicyFact.county_code) == code, col(PolicyFact.county_code).is_(None), col(PolicyFact.village_code).startswith(code)),
                    col(PolicyFact.recorded_at) < datetime.combine(end, time.min, tzinfo=UTC),
                )
                .order_by(col(PolicyFact.recorded_at), col(PolicyFact.event_id))
            )
        ).scalars()
    )
    # 2. The county's households on the register in the year, and 3. their sizes at the year's end.
    households = list(
        (
            await session.execute(
                select(LedgerHousehold).where(col(LedgerHousehold.county_code) == code, _in_year(start, end)).order_by(col(LedgerHousehold.household_id))
            )
        ).scalars()
    )
    size_rows = await session.execute(
        select(
            col(HouseholdSize.household_id),
            col(HouseholdSize.member_count),
            col(HouseholdSize.labour_count),
            col(HouseholdSize.effective_on),
            col(HouseholdSize.recorded_at),
        )
        .join(LedgerHousehold, col(LedgerHousehold.household_id) == col(HouseholdSize.household_id))
        .where(col(LedgerHousehold.county_code) == code, col(HouseholdSize.effective_on) < end)
    )
    latest: dict[str, tuple[int, int, date, datetime]] = {}
    for hid, members, labour, on, at in size_rows.all():
        best = latest.get(hid)
        if best is None or (on, at) > (best[2], best[3]):
            latest[hid] = (members, labour, on, at)
    sizes = {k: (v[0], v[1]) for k, v in latest.items()}
    # 4. The year's income by village, household and type.
    income = await session.execute(
        select(col(IncomeEntry.village_code), col(IncomeEntry.household_id), col(IncomeEntry.benefit_type), func.sum(col(IncomeEntry.amount_fen)))
        .where(col(IncomeEntry.county_code) == code, col(IncomeEntry.occurred_on) >= start, col(IncomeEntry.occurred_on) < end)
        .group_by(col(IncomeEntry.village_code), col(IncomeEntry.household_id), col(IncomeEntry.benefit_type))
    )
    typed: dict[str, list[tuple[str, int]]] = defaultdict(list)
    per_household: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for village, hid, benefit, amount in income.all():
        typed[village].append((benefit, int(amount or 0)))
        per_household[village][hid] += int(amount or 0)
    # 5. The county's allocations, which R1 judges for each village.
    allocations = await service.county_allocations(session, code)

    in_village: dict[str, list[LedgerHousehold]] = defaultdict(list)
    for h in households:
        in_village[h.village_code].append(h)
    registered = {f.village_code for f in facts if f.fact in ("village_registered", "village_updated") and f.village_code and f.village_code.startswith(code)}
    villages = sorted(registered | set(in_village) | set(typed))
    published = service._published()
    out = []
    for village in villages:
        mine = [f for f in facts if _of_village(f, village, code)]
        by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for f in mine:
            by_name[f.fact].append(dict(f.data or {}) | {"event_id": f.event_id})
        homes = in_village.get(village, [])
        village_facts = domain.Facts(
            by_name=dict(by_name),
            known=published | frozenset(by_name),
            households=[
                {"household_id": h.household_id, "poverty_status": h.poverty_status, "left_on": h.left_on, "labour_count": sizes.get(h.household_id, (0, 0))[1]}
                for h in homes
            ],
            income_households=frozenset(hid for hid, fen in per_household.get(village, {}).items() if fen > 0),
            year=year,
            county_allocations=allocations,
        )
        judged = service.judge_village(village_facts, code=village, year=year)
        names = [v.get("name") for v in village_facts.of("village_registered") + village_facts.of("village_updated") if v.get("village_code") == village]
        by_type = domain.by_type(typed.get(village, []))
        total = sum(by_type.values())
        people = sum(sizes.get(h.household_id, (0, 0))[0] for h in homes)
        earning = per_household.get(village, {})
        out.append(
            VillageOverview(
                village_code=village,
                name=str(names[-1]) if names and names[-1] is not None else None,
                categories=judged.categories,
                households=len(homes),
                people=people,
                households_without_income=sum(1 for h in homes if h.household_id not in earning),
                by_type=by_type,
                total_fen=total,
                per_capita_fen=domain.per_capita(total, people),
                indicators=judged.indicators,
            )
        )
    return CountyVillages(county_code=code, year=year, villages=out)
