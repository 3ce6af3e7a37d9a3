"""The indicators from the projections: a village in a few indexed reads, a township, county or the city in one grouped
read over its villages (the counters), whatever the number of households.

The rules that read only light facts are judged by ``services.ledger.indicators``' own functions over those facts
(``ProjectedFacts``); the rules over households, labourers and their facts are told from the counters of the span's
last day (and, for a village, its runs' evidence), each item having been judged by the rule's ``policy`` function.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from policy.employment import r13_poor_first
from policy.linkage import Span
from policy.settings import thresholds
from policy.thresholds import Thresholds
from services.ledger import domain, indicators
from services.ledger.domain import MET, NO_DATA, NOT_MET, Evidence, Indicator
from services.ledger.indicator_projection.fold import ENTITY_ACT_DAYS
from services.ledger.indicator_projection.models import IndicatorEdge, IndicatorEntityAct, IndicatorFact, IndicatorRun, IndicatorVillage
from services.ledger.indicator_projection.runs import TRAINING
from services.ledger.models import LedgerHousehold, col, table_of
from shared.regions import CITY_CODE

# The rules judged here from counters and runs; every other one by indicators.BY_RULE over the light facts.
COUNTED = ("R6", "R7", "R8", "R11", "R12", "R13", "R14", "every_household_has_income_project", "every_labourer_has_a_way")
# Rules judging each fact in force by its policy function: (fact, key of those judged, key of those failing, note when
# none is in force, numbers → keys); met when none fails, evidence the failing ones or else all judged.
EACH_FACT: dict[str, tuple[str, str, str, str, dict[str, str]]] = {
    "R8": ("session_completed", "R8.sessions", "R8.failing", "no training session completed in the span",
           {"sessions": "R8.sessions", "off_catalogue": "R8.failing"}),
    "R11": ("loan_granted", "R11.entrusted", "R11.failing", "no entrusted loan in force",
            {"loans": "R11.loans", "entrusted": "R11.entrusted", "without_terms": "R11.failing"}),
    "R12": ("order_contract_signed", "R12.contracts", "R12.failing", "no order contract in force",
            {"contracts": "R12.contracts", "without_floor_price": "R12.failing"}),
    "R14": ("lease_back_agreed", "R14.agreements", "R14.failing", "no lease-back agreement in force",
            {"agreements": "R14.agreements", "without_disaster_clause": "R14.failing"}),
}  # fmt: skip


@dataclass
class ProjectedFacts(domain.Facts):
    """A village's light facts, with the household-level facts R4 reads in force in the span given as counted lists
    (their first five as the facts said them, the rest placeholders)."""

    projected: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def in_force(self, name: str, items: Any = None) -> list[dict[str, Any]]:
        if items is None and name in self.projected:
            return self.projected[name]
        return super().in_force(name, items)


@cache
def _published() -> frozenset[str]:
    from services.ledger.service import _published as published

    return published()


def _as_fact(name: str, ev: Evidence, village: str) -> dict[str, Any]:
    """A fact as ``domain.cite`` reads it back from the evidence it gave."""
    kind, key, label = domain.CITES.get(name, domain.Cite("event", "event_id", None))
    out: dict[str, Any] = {"village_code": village}
    if ev.kind == kind and kind != "event":
        out[key] = ev.id
        if label and ev.label:
            out[label] = ev.label
    else:
        out["event_id"] = ev.id
    return out


@dataclass
class Place:
    """What the projections say of a place's villages for a span ending on ``day``."""

    span: Span
    light: list[Any]
    acts: list[Any]
    counts: dict[str, dict[str, int]]  # village → key → items counting on the span's last day
    villages: list[str]
    items: dict[str, dict[str, list[tuple[Evidence, str]]]] = field(default_factory=dict)  # village → key → (evidence, log order)
    labour_holding: dict[str, int] = field(default_factory=dict)  # village → households with labour holding shares (R6)
    _facts: dict[str, ProjectedFacts] = field(default_factory=dict)
    _groups: dict[str | None, list[Any]] | None = None
    _allocations: dict[str, list[dict[str, Any]]] | None = None

    def allocations(self) -> dict[str, list[dict[str, Any]]]:
        """Each county's allocations of the special fund, whatever their village (R1 is the county's), in log order."""
        if self._allocations is None:
            out: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for f in sorted(self.light, key=lambda f: (f.recorded_at, f.event_id)):
                if f.fact == "allocation_recorded" and f.county_code:
                    out[f.county_code].append(dict(f.data or {}) | {"event_id": f.event_id, domain.RECORDED: f.recorded_at.date()})
            self._allocations = dict(out)
        return self._allocations

    def facts(self, code: str) -> ProjectedFacts:
        """One village's light facts (its own, and those of its county or of no place that name no village), in log order."""
        if code not in self._facts:
            self._facts[code] = self._village_facts(code)
        return self._facts[code]

    def _village_facts(self, code: str) -> ProjectedFacts:
        if self._groups is None:
            self._groups = defaultdict(list)
            for f in self.light:
                self._groups[f.village_code or (f"county:{f.county_code}" if f.county_code else None)].append(f)
            for a in self.acts:
                self._groups[f"acts:{a.village_code}"].append(a)
        groups = self._groups
        mine = groups.get(code, []) + groups.get(f"county:{code[:6]}", []) + groups.get(None, [])
        mine.sort(key=lambda f: (f.recorded_at, f.event_id))
        by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for f in mine:
            by_name[f.fact].append(dict(f.data or {}) | {"event_id": f.event_id, domain.RECORDED: f.recorded_at.date()})
        for a in groups.get(f"acts:{code}", []):
            by_name[a.fact].append({"entity_id": a.entity_id, ENTITY_ACT_DAYS[a.fact]: a.since, "event_id": f"act:{a.fact}:{a.entity_id}"})
        counts = self.counts.get(code, {})
        firsts = self.items.get(code, {})
        projected: dict[str, list[dict[str, Any]]] = {}
        for name, key in [(n, f"R4.{n}") for n in TRAINING] + [("order_contract_signed", "R12.contracts")]:
            first = [_as_fact(name, ev, code) for ev, _ in sorted(firsts.get(key, []), key=lambda x: x[1])[:5]]
            projected[name] = first + [{"village_code": code}] * max(0, counts.get(key, 0) - len(first))
        return ProjectedFacts(
            by_name=dict(by_name),
            known=_published() | frozenset(by_name),
            year=self.span.last.year,
            span=self.span,
            county_allocations=self.allocations().get(code[:6], []),
            projected=projected,
        )


async def load(session: AsyncSession, level: str, code: str, span: Span, *, evidence: bool) -> Place:
    """A place's light facts, entity acts, villages and counters on the span's last day (and a village's runs with ``evidence``)."""
    prefix = CITY_CODE if level == "city" else code
    county = prefix[:6]
    fact = table_of(IndicatorFact)
    if level == "village":
        own = or_(
            fact.c.village_code == code,
            and_(fact.c.village_code.is_(None), or_(fact.c.county_code == county, fact.c.county_code.is_(None))),
            and_(fact.c.county_code == county, fact.c.fact == "allocation_recorded"),  # R1 is the county's
        )
    else:
        own = or_(
            fact.c.village_code.startswith(prefix),
            fact.c.county_code.startswith(county),
            and_(fact.c.village_code.is_(None), fact.c.county_code.is_(None)),
        )
    light = list((await session.execute(select(fact).where(own))).all())
    act = table_of(IndicatorEntityAct)
    acts = list((await session.execute(select(act).where(act.c.village_code.startswith(prefix)))).all())
    if level == "village":
        villages = [code]
    else:
        v = table_of(IndicatorVillage)
        villages = list((await session.execute(select(v.c.village_code).where(v.c.village_code.startswith(prefix)).order_by(v.c.village_code))).scalars())
    edge = table_of(IndicatorEdge)
    where = edge.c.village_code == code if level == "village" else edge.c.village_code.startswith(prefix)
    stmt = select(edge.c.village_code, edge.c.key, func.sum(edge.c.n)).where(where, edge.c.day <= span.last).group_by(edge.c.village_code, edge.c.key)
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for village, key, n in (await session.execute(stmt)).all():
        if n:
            counts[village][key] = int(n)
    place = Place(span, light, acts, dict(counts), villages)
    run = table_of(IndicatorRun)
    live = and_(run.c.from_on <= span.last, or_(run.c.to_on.is_(None), run.c.to_on >= span.last))
    if evidence:
        rows = await session.execute(
            select(run.c.village_code, run.c.key, run.c.item_kind, run.c.item_id, run.c.label, run.c.ord).where(run.c.village_code == code, live)
        )
        items: dict[str, list[tuple[Evidence, str]]] = defaultdict(list)
        for _, key, kind, ident, label, ord_ in rows.all():
            items[key].append((Evidence(kind, ident, label), ord_))
        place.items[code] = dict(items)
    await _labour_holding(session, place, villages)
    return place


async def _labour_holding(session: AsyncSession, place: Place, villages: Sequence[str]) -> None:
    """R6: of a village's poor households with labour on the span's last day, those holding shares in force.

    One read for all the villages where shares are: the labour runs of the households their shares name."""
    holding = {v: _holding(place.facts(v)) for v in villages if place.counts.get(v, {}).get("R6.labour")}
    holding = {v: hs for v, hs in holding.items() if hs}
    if not holding:
        return
    run = table_of(IndicatorRun)
    live = and_(run.c.from_on <= place.span.last, or_(run.c.to_on.is_(None), run.c.to_on >= place.span.last))
    stmt = (
        select(run.c.village_code, run.c.item_id)
        .where(run.c.village_code.in_(sorted(holding)), run.c.key == "R6.labour", live, run.c.item_id.in_(sorted(set().union(*holding.values()))))
        .distinct()
    )
    found: dict[str, int] = defaultdict(int)
    for village, item in (await session.execute(stmt)).all():
        if item in holding[village]:
            found[village] += 1
    for village in holding:
        place.labour_holding[village] = found[village]


def _holding(facts: domain.Facts) -> set[str]:
    return {str(s["household_id"]) for s in domain._shares_in_force(facts) if s.get("household_id")}


async def household_numbers(session: AsyncSession, ids: Sequence[str]) -> dict[str, str]:
    rows = await session.execute(
        select(col(LedgerHousehold.household_id), col(LedgerHousehold.household_number)).where(col(LedgerHousehold.household_id).in_(list(ids)))
    )
    return {h: str(n or "") for h, n in rows.all()}


def judge(
    place: Place, code: str, t: Thresholds, numbers: Mapping[str, str] | None = None, *, village_rules_only: bool = False
) -> tuple[list[str], list[Indicator]]:
    """A village's categories and every indicator: light rules by ``indicators.BY_RULE``, the others from counters and runs.
    ``village_rules_only``: not the county's rules (R1), which a higher level judges once per county."""
    from services.ledger.service import village_categories

    facts = place.facts(code)
    categories = village_categories(facts, code)
    out = []
    for rule in indicators.INDICATORS:
        if village_rules_only and rule in domain.COUNTY_RULES:
            continue
        if rule in COUNTED:
            out.append(counted(rule, place, code, facts, t, numbers or {}))
        else:
            out.append(indicators.indicator(rule, facts, t, village_code=code, categories=categories))
    return categories, out


def counted(rule: str, place: Place, code: str, facts: domain.Facts, t: Thresholds, numbers: Mapping[str, str]) -> Indicator:
    """One household-level rule for a village from its counters on the span's last day (and its runs' evidence, if read)."""
    c = place.counts.get(code, {})
    runs = place.items.get(code)

    def n(key: str) -> int:
        return c.get(key, 0)

    def ev(key: str) -> list[Evidence]:
        return sorted({e for e, _ in runs.get(key, [])}) if runs is not None else []

    def ids(key: str) -> set[str]:
        return {e.id for e in ev(key)}

    def pick(first: str, otherwise: str) -> list[Evidence]:
        return ev(first) if n(first) else ev(otherwise)

    if rule == "R6":
        if not n("R6.labour"):
            return Indicator("R6", NO_DATA, note="no poor household with labour")
        if not facts.published("shares_quantified"):
            return domain._unpublished("R6", "shares_quantified")
        holding_n = place.labour_holding.get(code, 0)
        missing_n = n("R6.labour") - holding_n
        evidence: list[Evidence] = []
        if runs is not None:
            holding = _holding(facts)
            labour = {e.id: e for e in ev("R6.labour")}
            missing = sorted(set(labour) - holding)
            evidence = [labour[m] for m in missing] if missing else sorted({Evidence("household", h, numbers.get(h, "")) for h in holding})
        counts = {"households_with_labour": n("R6.labour"), "holding_shares": holding_n}
        return Indicator("R6", NOT_MET if missing_n else MET, evidence, counts)
    if rule == "R7":
        if not n("R7.labourers"):
            return Indicator("R7", NO_DATA, note="no labourer known")
        if not facts.published(*domain.TRAINING_FACTS):
            return domain._unpublished("R7", *domain.TRAINING_FACTS)
        counts = {
            "labourers": n("R7.labourers"),
            "compliant": n("R7.labourers") - n("R7.failing"),
            "sessions_per_year": t.r7_sessions_per_year,
            "days_per_session": t.r7_days_per_session,
            "years": t.r7_years,
        }
        return Indicator("R7", NOT_MET if n("R7.failing") else MET, pick("R7.failing", "R7.labourers"), counts)
    if rule in EACH_FACT:
        name, every, failing, note, named = EACH_FACT[rule]
        if not facts.published(name):
            return domain._unpublished(rule, name)
        if not n(every):
            return Indicator(rule, NO_DATA, note=note)
        return Indicator(rule, NOT_MET if n(failing) else MET, pick(failing, every), {k: n(key) for k, key in named.items()})
    if rule == "R13":
        if not facts.published("allocation_recorded", "project_registered"):
            return domain._unpublished("R13", "allocation_recorded", "project_registered")
        supporting = facts.until("allocation_recorded") + facts.projects()
        supported = {str(f["entity_id"]) for f in supporting if f.get("entity_id") and f.get("village_code") == code}
        if not supported:
            return Indicator("R13", NO_DATA, note="no entity supported by poverty funds")
        missing = sorted(e for e in supported if not r13_poor_first(hires_poor=n(f"R13.poor:{e}") > 0).ok)
        counts = {"supported_entities": len(supported), "hiring_poor": len(supported) - len(missing)}
        evidence = [Evidence("entity", m) for m in missing] or sorted({e for s in supported for e in ev(f"R13.emp:{s}")})
        return Indicator("R13", NOT_MET if missing else MET, evidence, counts)
    if rule == "every_household_has_income_project":
        if not n("H.present"):
            return Indicator(rule, NO_DATA, note="no household")
        without = sorted(ids("H.present") - ids("H.income"))
        present = {e.id: e for e in ev("H.present")}
        counts = {"households": n("H.present"), "with_income": n("H.income")}
        evidence = [present[h] for h in without] if without else sorted(present.values())
        return Indicator(rule, NOT_MET if n("H.present") > n("H.income") else MET, evidence, counts)
    # every_labourer_has_a_way
    if not n("R7.labourers"):
        return Indicator(rule, NO_DATA, note="no labourer known")
    counts = {"labourers": n("R7.labourers"), "employed": n("way.employed"), "without_a_way": n("way.without")}
    return Indicator(rule, NOT_MET if n("way.without") else MET, pick("way.without", "R7.labourers"), counts)


async def village(session: AsyncSession, code: str, span: Span) -> tuple[list[str], list[Indicator]]:
    """A village's indicators from the projections: light facts, counters, its runs (four reads, five with shares)."""
    place = await load(session, "village", code, span, evidence=True)
    t = thresholds()
    holding = sorted(_holding(place.facts(code))) if place.counts.get(code, {}).get("R6.labour") else []
    numbers = await household_numbers(session, holding) if holding else {}
    return judge(place, code, t, numbers)


async def place(session: AsyncSession, level: str, code: str, span: Span) -> tuple[Place, dict[str, list[Indicator]]]:
    """Every village of a township, county or the city judged from the counters: one grouped read over its villages."""
    loaded = await load(session, level, code, span, evidence=False)
    t = thresholds()
    return loaded, {v: judge(loaded, v, t, village_rules_only=True)[1] for v in loaded.villages}


def county_rules(counties: Sequence[str], allocations: Mapping[str, list[dict[str, Any]]], span: Span, t: Thresholds) -> dict[str, dict[str, Indicator]]:
    """Each county's own rules (R1), judged on its allocations alone: the verdict each of its villages and its rollup carry."""
    out = {}
    for county in counties:
        facts = domain.Facts({}, _published(), year=span.last.year, span=span, county_allocations=allocations.get(county, []))
        out[county] = {rule: indicators.indicator(rule, facts, t) for rule in domain.COUNTY_RULES}
    return out


async def villages(session: AsyncSession, level: str, code: str, span: Span) -> tuple[Place, dict[str, tuple[list[str], list[Indicator]]]]:
    """Every village of a place with its categories and every indicator, as ``place`` judges them: the overviews'.

    The county's rules (R1) read only the county's allocations: judged once per county, each of its villages given that verdict."""
    loaded = await load(session, level, code, span, evidence=False)
    t = thresholds()
    by_county = county_rules(sorted({v[:6] for v in loaded.villages}), loaded.allocations(), span, t)
    out: dict[str, tuple[list[str], list[Indicator]]] = {}
    for v in loaded.villages:
        categories, judged = judge(loaded, v, t, village_rules_only=True)
        by_rule = {i.rule: i for i in judged} | by_county[v[:6]]
        out[v] = (categories, [by_rule[rule] for rule in indicators.INDICATORS])
    return loaded, out


def first_day(day: date) -> date:
    return date(day.year, 1, 1)
