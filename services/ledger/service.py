"""Ledger queries: household incomes, aggregates by place, policy indicators. Read-only."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from sqlalchemy import Select, String, and_, func, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from policy.linkage import Span
from policy.settings import thresholds
from services.ledger import domain, indicators, lineage
from services.ledger.indicator_projection import read as projected
from services.ledger.models import HouseholdSize, IncomeEntry, LedgerHousehold, PolicyFact, col
from services.ledger.projector import fact_name
from services.ledger.schemas import (
    Aggregate,
    EvidenceItem,
    EvidencePage,
    HouseholdIncome,
    IncomeEntryOut,
    IndicatorOut,
    Indicators,
    NoIncomeHouseholds,
    PlaceRef,
    PlaceTally,
)
from shared.auth import Principal, ensure_readable
from shared.events.contracts import REGISTRY
from shared.paging import Page, PageParams, decode_cursor, encode_cursor, paginate
from shared.problems import InvalidInput, NotFound
from shared.regions import CITY_CODE, COUNTIES

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
    household = await _household(session, principal, household_id)
    stmt = select(IncomeEntry).where(col(IncomeEntry.household_id) == household_id)
    if year is not None:
        start, end = period(year, month)
        stmt = stmt.where(col(IncomeEntry.occurred_on) >= start, col(IncomeEntry.occurred_on) < end)
    if as_of is not None:
        stmt = stmt.where(col(IncomeEntry.recorded_at) < known_until(as_of))
    entries = await paginate(session, stmt, key=col(IncomeEntry.event_id), params=page, to_item=entry_out)
    if entries.items:
        # Each entry names the fund that paid it, directly or through its allocation, project or the entity's funded project.
        sources = await lineage.county_sources(session, household.county_code)
        for item in entries.items:
            item.fund_ids, item.fund_via = lineage.funds_of_line(dict(item.lineage or {}), sources)
    return entries


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


def _size_rows() -> Select[str, int, int, date, datetime]:
    """Size history rows: household, members, labourers, from when, recorded when (the latest before a day wins)."""
    return select(
        col(HouseholdSize.household_id),
        col(HouseholdSize.member_count),
        col(HouseholdSize.labour_count),
        col(HouseholdSize.effective_on),
        col(HouseholdSize.recorded_at),
    )


async def _sizes_at(session: AsyncSession, household_ids: list[str], end: date) -> dict[str, tuple[int, int]]:
    """Each household's (members, labourers) as of ``end`` (exclusive): its latest size row before it."""
    out: dict[str, tuple[int, int, date, datetime]] = {}
    for start in range(0, len(household_ids), 900):
        chunk = household_ids[start : start + 900]
        rows = await session.execute(_size_rows().where(col(HouseholdSize.household_id).in_(chunk), col(HouseholdSize.effective_on) < end))
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
#
# Every level reads its place's facts whatever their dates (domain.Facts windows them by the dates
# they carry) in a fixed number of statements — facts, households, their sizes, the households with
# income in the span, the counties' allocations — then judges each village from its share of them.


def _published() -> frozenset[str]:
    return frozenset(fact_name(t) for t in REGISTRY)


def indicator_span(year: int | None, as_of: date | None) -> Span:
    """The days an indicator judges: the calendar year, or 1 January of ``as_of``'s year to ``as_of``."""
    if as_of is None:
        if year is None:
            raise InvalidInput("须给出 year 或 as_of", detail_en="give year or as_of", field="year")
        return Span.year(year)
    if year is not None and year != as_of.year:
        raise InvalidInput("as_of 须在 year 之内", detail_en=f"as_of {as_of} is not in {year}", field="as_of")
    return Span(date(as_of.year, 1, 1), as_of)


def _prefix(level: Level, code: str) -> str:
    return CITY_CODE if level == "city" else code


@dataclass
class PlaceFacts:
    """What one place's indicators read, loaded once; ``village`` cuts out one village's share."""

    span: Span
    facts: list[PolicyFact]
    households: list[LedgerHousehold]
    sizes: dict[str, tuple[int, int]]
    income: list[tuple[str, str, str, int]]  # village, household, benefit type, fen: the span's sums
    allocations: dict[str, list[dict[str, Any]]]  # county → its allocation_recorded facts (R1)
    villages: list[str] = field(default_factory=list)
    _own: dict[str, list[PolicyFact]] = field(default_factory=dict)
    _shared: dict[str | None, list[PolicyFact]] = field(default_factory=dict)
    _homes: dict[str, list[LedgerHousehold]] = field(default_factory=dict)
    _earning: dict[str, dict[str, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for f in self.facts:
            if f.village_code:
                self._own.setdefault(f.village_code, []).append(f)
            else:
                self._shared.setdefault(f.county_code, []).append(f)
        for h in self.households:
            self._homes.setdefault(h.village_code, []).append(h)
        for village, hid, _, fen in self.income:
            self._earning.setdefault(village, {}).setdefault(hid, 0)
            self._earning[village][hid] += fen

    def village(self, code: str) -> domain.Facts:
        """One village's facts: its own, and those of its county (or of no place) that name no village, in log order."""
        mine = sorted(self._own.get(code, []) + self._shared.get(code[:6], []) + self._shared.get(None, []), key=lambda f: (f.recorded_at, f.event_id))
        by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for f in mine:
            by_name[f.fact].append(dict(f.data or {}) | {"event_id": f.event_id, domain.RECORDED: f.recorded_at.date()})
        return domain.Facts(
            by_name=dict(by_name),
            known=_published() | frozenset(by_name),
            households=[
                {
                    "household_id": h.household_id,
                    "household_number": h.household_number,
                    "poverty_status": h.poverty_status,
                    "left_on": h.left_on,
                    "labour_count": self.sizes.get(h.household_id, (0, 0))[1],
                }
                for h in self._homes.get(code, [])
            ],
            income_households=frozenset(hid for hid, fen in self._earning.get(code, {}).items() if fen > 0),
            year=self.span.last.year,
            span=self.span,
            county_allocations=self.allocations.get(code[:6], []),
        )

    def homes(self, code: str) -> list[LedgerHousehold]:
        return self._homes.get(code, [])


async def load_place(session: AsyncSession, level: Level, code: str, span: Span) -> PlaceFacts:
    """A place's facts (all dates), households on the register in the span, their sizes at its end, income sums, allocations: five statements."""
    prefix = _prefix(level, code)
    county_prefix = prefix[:6]
    if level == "village":
        place = or_(
            col(PolicyFact.village_code) == code,
            and_(col(PolicyFact.village_code).is_(None), or_(col(PolicyFact.county_code) == county_prefix, col(PolicyFact.county_code).is_(None))),
        )
    else:
        place = or_(
            col(PolicyFact.village_code).startswith(prefix),
            and_(col(PolicyFact.village_code).is_(None), or_(col(PolicyFact.county_code).startswith(county_prefix), col(PolicyFact.county_code).is_(None))),
        )
    # 1. The facts, whatever their dates, in log order.
    facts = list((await session.execute(select(PolicyFact).where(place).order_by(col(PolicyFact.recorded_at), col(PolicyFact.event_id)))).scalars())
    end = span.last + timedelta(days=1)
    # 2. Households on the register on some day of the span, 3. their sizes at its end.
    in_place = col(LedgerHousehold.village_code).startswith(prefix)
    households = list(
        (
            await session.execute(
                select(LedgerHousehold)
                .where(
                    in_place,
                    col(LedgerHousehold.registered_on) < end,
                    or_(col(LedgerHousehold.left_on).is_(None), col(LedgerHousehold.left_on) >= span.first),
                )
                .order_by(col(LedgerHousehold.household_id))
            )
        ).scalars()
    )
    size_rows = await session.execute(
        _size_rows()
        .join(LedgerHousehold, col(LedgerHousehold.household_id) == col(HouseholdSize.household_id))
        .where(in_place, col(HouseholdSize.effective_on) < end)
    )
    latest: dict[str, tuple[int, int, date, datetime]] = {}
    for hid, members, labour, on, at in size_rows.all():
        best = latest.get(hid)
        if best is None or (on, at) > (best[2], best[3]):
            latest[hid] = (members, labour, on, at)
    # 4. Income dated in the span, by village, household and type.
    income = await session.execute(
        select(col(IncomeEntry.village_code), col(IncomeEntry.household_id), col(IncomeEntry.benefit_type), func.sum(col(IncomeEntry.amount_fen)))
        .where(col(IncomeEntry.village_code).startswith(prefix), col(IncomeEntry.occurred_on) >= span.first, col(IncomeEntry.occurred_on) < end)
        .group_by(col(IncomeEntry.village_code), col(IncomeEntry.household_id), col(IncomeEntry.benefit_type))
    )
    sums = [(v, h, b, int(fen or 0)) for v, h, b, fen in income.all()]
    # 5. The counties' allocations, whatever their village (R1 is judged per county, for each of its villages).
    allocations = await county_allocations(session, county_prefix)
    loaded = PlaceFacts(span, facts, households, {k: (v[0], v[1]) for k, v in latest.items()}, sums, allocations)
    registered = {f.village_code for f in facts if f.village_code and len(f.village_code) == 12 and f.village_code.startswith(prefix)}
    loaded.villages = [code] if level == "village" else sorted(registered | {h.village_code for h in households} | {v for v, *_ in sums})
    return loaded


async def county_allocations(session: AsyncSession, county_prefix: str) -> dict[str, list[dict[str, Any]]]:
    """Each county's allocations of the special fund (under a prefix of county codes), whatever their village, in log order."""
    rows = await session.execute(
        select(col(PolicyFact.county_code), col(PolicyFact.data), col(PolicyFact.event_id), col(PolicyFact.recorded_at))
        .where(col(PolicyFact.county_code).startswith(county_prefix), col(PolicyFact.fact) == "allocation_recorded")
        .order_by(col(PolicyFact.recorded_at), col(PolicyFact.event_id))
    )
    allocations: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for county, data, event_id, at in rows.all():
        allocations[str(county)].append(dict(data or {}) | {"event_id": event_id, domain.RECORDED: at.date()})
    return dict(allocations)


EVIDENCE_PAGE = 20
EVIDENCE_HREF: dict[str, str] = {
    "household": "/households/v1/households/{id}",
    "member": "/households/v1/members/{id}",
    "village": "/households/v1/villages/{id}",
    "employment": "/households/v1/employments/{id}",
    "project": "/funds/v1/projects/{id}",
    "entity": "/funds/v1/entities/{id}",
    "allocation": "/funds/v1/allocations/{id}",
    "distribution": "/funds/v1/distributions/{id}",
    "asset": "/funds/v1/assets/{id}",
    "lease_back": "/funds/v1/lease-backs/{id}",
    "land_transfer": "/funds/v1/land-transfers/{id}",
    "loan": "/funds/v1/loans/{id}",
    "subsidy": "/funds/v1/subsidies/{id}",
    "session": "/training/v1/sessions/{id}",
    "training_file": "/training/v1/members/{id}/training-file",
    "course": "/training/v1/courses/{id}",
    "order_contract": "/market/v1/contracts/{id}",
    "channel": "/market/v1/villages/{village}/market-links",
    "window": "/market/v1/villages/{village}/market-links",
    "ecommerce_point": "/market/v1/villages/{village}/market-links",
    "cold_chain_facility": "/market/v1/villages/{village}/market-links",
    "event": "/ledger/v1/audit/proofs/inclusion?event_id={id}",
}


def evidence_item(e: domain.Evidence, village: str) -> EvidenceItem:
    return EvidenceItem(kind=e.kind, id=e.id, label=e.label or None, href=EVIDENCE_HREF[e.kind].format(id=e.id, village=village))


def evidence_page(i: domain.Indicator, village: str, page: PageParams) -> Page[EvidenceItem]:
    """A page of an indicator's evidence in (kind, id) order; the cursor names the last item's kind and id."""
    ordered = sorted(i.evidence)
    if page.cursor:
        kind, _, ident = str(decode_cursor(page.cursor)).partition(":")
        ordered = [e for e in ordered if (e.kind, e.id) > (kind, ident)]
    items = ordered[: page.limit]
    more = len(ordered) > len(items)
    return Page[EvidenceItem](items=[evidence_item(e, village) for e in items], next_cursor=encode_cursor(f"{items[-1].kind}:{items[-1].id}") if more else None)


def _indicator_out(i: domain.Indicator, village: str) -> IndicatorOut:
    """An indicator with the first page of its evidence (``evidence_items``; the rest through ``/evidence/{rule}``)."""
    first = evidence_page(i, village, PageParams(limit=EVIDENCE_PAGE, cursor=None))
    return IndicatorOut(
        rule=i.rule,
        status=i.status,
        evidence=[e.id for e in first.items],
        evidence_items=EvidencePage(items=first.items, next_cursor=first.next_cursor, count=len(i.evidence)),
        numbers=dict(i.numbers),
        note=i.note or None,
        places=None,
    )


def village_categories(facts: domain.Facts, code: str) -> list[str]:
    registered = [v for v in facts.until("village_registered") + facts.until("village_updated") if v.get("village_code") == code]
    if not registered:  # a village registered after the span still has the categories it was registered with
        registered = [v for v in facts.of("village_registered") + facts.of("village_updated") if v.get("village_code") == code][:1]
    return list(registered[-1].get("categories") or []) if registered else []


def village_name(facts: domain.Facts, code: str) -> str | None:
    names = [v.get("name") for v in facts.of("village_registered") + facts.of("village_updated") if v.get("village_code") == code and v.get("name")]
    return str(names[-1]) if names else None


def judge(facts: domain.Facts, code: str) -> tuple[list[str], list[domain.Indicator]]:
    """A village's categories and indicators from its facts: the one place they are judged, for every view of them."""
    categories = village_categories(facts, code)
    return categories, indicators.evaluate(facts, thresholds(), village_code=code, categories=categories)


def judge_village(facts: domain.Facts, *, code: str, year: int) -> Indicators:
    categories, results = judge(facts, code)
    span = facts.days
    return Indicators(
        level="village",
        code=code,
        year=year,
        as_of=span.last if span != Span.year(year) else None,
        categories=categories,
        indicators=[_indicator_out(i, code) for i in results],
    )


def _indicators(level: Level, code: str, span: Span, categories: list[str], out: list[IndicatorOut]) -> Indicators:
    return Indicators(
        level=level, code=code, year=span.last.year, as_of=span.last if span != Span.year(span.last.year) else None, categories=categories, indicators=out
    )


async def village_indicators(*, session: AsyncSession, principal: Principal, code: str, year: int | None, as_of: date | None = None) -> Indicators:
    """A village's indicators from the consumer's projections (``indicator_projection``): a few indexed reads."""
    _check_place(principal, "village", code)
    span = indicator_span(year, as_of)
    categories, results = await projected.village(session, code, span)
    return _indicators("village", code, span, categories, [_indicator_out(i, code) for i in results])


async def village_indicators_from_log(*, session: AsyncSession, code: str, span: Span) -> Indicators:
    """The same, judged from every fact of the village (``load_place``): the reference the projections are tested against."""
    loaded = await load_place(session, "village", code, span)
    return judge_village(loaded.village(code), code=code, year=span.last.year)


async def indicator_evidence(
    *, session: AsyncSession, principal: Principal, code: str, rule: str, year: int | None, as_of: date | None, page: PageParams
) -> Page[EvidenceItem]:
    """One indicator's evidence for a village, paged."""
    if rule not in indicators.BY_RULE:
        raise NotFound("指标不存在", detail_en=f"no indicator {rule}; one of {', '.join(indicators.INDICATORS)}")
    _check_place(principal, "village", code)
    span = indicator_span(year, as_of)
    _, results = await projected.village(session, code, span)
    return evidence_page(next(i for i in results if i.rule == rule), code, page)


async def place_indicators(*, session: AsyncSession, principal: Principal, level: Level, code: str, year: int | None, as_of: date | None = None) -> Indicators:
    """A township's, county's or the city's indicators: each village rule as the villages meeting it and not; R1 by county.

    From the projections: every village judged from the counters of the span's last day, one grouped read."""
    _check_place(principal, level, code)
    span = indicator_span(year, as_of)
    loaded, judged = await projected.place(session, level, code, span)
    names = {v: village_name(loaded.facts(v), v) for v in loaded.villages}
    return _place_out(level, code, span, loaded.villages, names, judged, loaded.allocations())


async def place_indicators_from_log(*, session: AsyncSession, level: Level, code: str, span: Span) -> Indicators:
    """The same, judged from every fact of the place (``load_place``): the reference the projections are tested against."""
    loaded = await load_place(session, level, code, span)
    names: dict[str, str | None] = {}
    judged: dict[str, list[domain.Indicator]] = {}
    for village in loaded.villages:
        facts = loaded.village(village)
        names[village] = village_name(facts, village)
        judged[village] = judge(facts, village)[1]
    return _place_out(level, code, span, loaded.villages, names, judged, loaded.allocations)


def _place_out(
    level: Level,
    code: str,
    span: Span,
    villages: list[str],
    names: dict[str, str | None],
    judged: dict[str, list[domain.Indicator]],
    allocations: dict[str, list[dict[str, Any]]],
) -> Indicators:
    verdicts: dict[str, dict[str, domain.Indicator]] = defaultdict(dict)
    for village, results in judged.items():
        for i in results:
            verdicts[i.rule][village] = i
    counties = sorted({v[:6] for v in villages} | ({code[:6]} if level in ("county", "township") else set()))
    county_verdicts = projected.county_rules(counties, allocations, span, thresholds())
    out = []
    for rule in indicators.INDICATORS:
        if rule in domain.COUNTY_RULES:
            by_county = {c: county_verdicts[c][rule] for c in counties}
            out.append(_rollup(rule, by_county, names={c: COUNTIES.get(c) for c in by_county}, unit="county"))
        else:
            out.append(_rollup(rule, verdicts.get(rule, {}), names=names, unit="village"))
    return _indicators(level, code, span, [], out)


def _rollup(rule: str, verdicts: dict[str, domain.Indicator], *, names: dict[str, str | None], unit: Literal["village", "county"]) -> IndicatorOut:
    tally = domain.tally(rule, {k: v.status for k, v in verdicts.items()})

    def refs(codes: list[str]) -> list[PlaceRef]:
        return [PlaceRef(code=c, name=names.get(c)) for c in codes]

    return IndicatorOut(
        rule=rule,
        status=tally.status,
        evidence=[],
        evidence_items=EvidencePage(items=[], next_cursor=None, count=0),
        numbers={
            "places": len(verdicts),
            "met": len(tally.met),
            "not_met": len(tally.not_met),
            "no_data": len(tally.no_data),
            "met_share_bp": tally.met_share_bp,
        },
        note=None,
        places=PlaceTally(unit=unit, met=refs(tally.met), not_met=refs(tally.not_met), no_data=refs(tally.no_data), met_share_bp=tally.met_share_bp),
    )
