"""The policy's indicators, judged over a span of the log's facts: one ``judge_*`` per rule, keyed in ``BY_RULE``.

Pure, like ``services.ledger.domain`` (the facts, their dates, the arithmetic), on which it stands.
A rule more than one service judges is not judged here: each ``judge_rNN`` applies the verdict of
``policy`` (the producers' own function) to every fact in the span and cites what it judged. The
higher levels (township, county, city) report each village rule as the villages meeting it and
those not (``tally``). Semantics of every indicator: docs/indicators.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from policy import funds as policy_funds
from policy import linkage
from policy.employment import r13_poor_first
from policy.funds import poor_share
from policy.market import r12_order_farming
from policy.thresholds import Thresholds
from policy.training import CompletedSession, r7_compliance, r8_course
from policy.verdicts import outcome
from services.ledger.domain import (
    JOINT_STOCK_KINDS,
    MET,
    NO_DATA,
    NOT_MET,
    POOR_STATUSES,
    RELATIVELY_POOR,
    SALES_CHANNEL_FACTS,
    TRAINING_FACTS,
    C,
    Evidence,
    Facts,
    Indicator,
    _as_date,
    _current_entities,
    _distribution_check,
    _shares_in_force,
    _unpublished,
    approved_distributions,
    cite,
    households_cited,
    members_cited,
    share_bp,
)
from shared.events.contracts import EventData
from shared.events.market import (
    ColdChainFacilityRegistered,
    DirectSupplyChannelOpened,
    EcommercePointRegistered,
    ShowcaseWindowOpened,
)
from shared.events.training import (
    CertificateIssued,
    LabourerComplianceChanged,
    SessionCompleted,
)


def judge_r1(facts: Facts, t: Thresholds) -> Indicator:
    """R1 §1.1 over the county's allocations of the special fund made in the span: ``policy.funds.r1_industry_share``, all of it allocated."""
    if not facts.published("allocation_recorded"):
        return _unpublished("R1", "allocation_recorded")
    pool = facts.county_allocations if facts.county_allocations is not None else facts.of("allocation_recorded")
    # The 20,000-yuan-per-poor-person special fund is the provincial one.
    allocations = [
        a
        for a in facts.in_force("allocation_recorded", pool)
        if isinstance(a.get("amount_fen"), int) and a.get("fund_kind", "provincial_special") == "provincial_special"
    ]
    if not allocations:
        return Indicator("R1", NO_DATA, note="no allocation of the special fund recorded")
    by_purpose = {p: sum(a["amount_fen"] for a in allocations if a.get("purpose") == p) for p in ("industry", "education", "medical")}
    total = sum(a["amount_fen"] for a in allocations)
    net = total - by_purpose["education"] - by_purpose["medical"]
    verdict = policy_funds.r1_industry_share(
        received_fen=total, education_fen=by_purpose["education"], medical_fen=by_purpose["medical"], other_fen=net - by_purpose["industry"], t=t
    )
    numbers = {"net_fen": net, "industry_fen": by_purpose["industry"], "share_bp": share_bp(by_purpose["industry"], net), "floor_bp": t.r1_industry_share_bp}
    return Indicator("R1", MET if net > 0 and verdict.ok else NOT_MET, cite("allocation_recorded", allocations), numbers)


def r3_relatively_poor_share(facts: Facts, t: Thresholds, categories: Sequence[str]) -> Indicator:
    """R3 §1.1: in a relatively poor village ≥60% of the income the guidance funds add goes to poor households."""
    if categories and not RELATIVELY_POOR.intersection(categories):
        return Indicator("R3", NO_DATA, note="not a relatively poor village")
    if not facts.published("distribution_approved"):
        return _unpublished("R3", "distribution_approved")
    guided = [d for d in approved_distributions(facts) if d.get("guidance_fund")]
    if not guided:
        return Indicator("R3", NO_DATA, note="no distribution of guidance-fund income")
    return _distribution_check("R3", guided, t.r3_poor_share_bp, lambda share: outcome("R3", poor_share("R3", share, t.r3_poor_share_bp)))


def _training_in_span(facts: Facts) -> list[tuple[str, dict[str, Any]]]:
    return [(n, f) for n in TRAINING_FACTS for f in facts.in_force(n)]


def _channels_in_span(facts: Facts, village_code: str | None) -> list[tuple[str, dict[str, Any]]]:
    return [(n, f) for n in SALES_CHANNEL_FACTS for f in facts.in_force(n) if village_code is None or _covers(f, village_code)]


def r4_characteristic_industry(facts: Facts, t: Thresholds, categories: Sequence[str], village_code: str | None = None) -> Indicator:
    """R4 §1.2: ≥1 contiguous characteristic industry of ≥50 mu with funding, an entity, training and a sales channel, all in the span."""
    if categories and "province_poor" not in categories:
        return Indicator("R4", NO_DATA, note="not a province-designated poor village")
    if not facts.published("project_registered"):
        return _unpublished("R4", "project_registered")
    projects = facts.projects()
    if not projects:
        return Indicator("R4", NOT_MET, note="no project in force")
    large = [p for p in projects if int(p.get("area_tenth_mu") or 0) >= t.r4_min_area_tenth_mu and p.get("contiguous", True)]
    funded = [p for p in large if p.get("funded_by") or int(p.get("funding_fen") or 0) > 0]
    with_entity = [p for p in funded if p.get("entity_id")]
    training = _training_in_span(facts)
    channels = _channels_in_span(facts, village_code)
    numbers = {
        "projects": len(projects),
        "at_least_area": len(large),
        "funded_with_entity": len(with_entity),
        "training_facts": len(training),
        "sales_channels": len(channels),
        "min_area_tenth_mu": t.r4_min_area_tenth_mu,
    }
    ok = bool(with_entity) and bool(training) and bool(channels)
    evidence = cite("project_registered", with_entity or large or projects)
    evidence += [e for n, f in training[:5] for e in cite(n, [f])] + [e for n, f in channels[:5] for e in cite(n, [f])]
    return Indicator("R4", MET if ok else NOT_MET, evidence, numbers)


def r5_joint_stock_entity(facts: Facts, village_code: str | None) -> Indicator:
    """R5 §2.1: the village (or each of its industries) has a joint-stock company or cooperative."""
    if not facts.published("entity_registered"):
        return _unpublished("R5", "entity_registered")
    entities = _current_entities(facts)
    serving = [e for e in entities if village_code is None or village_code in (e.get("village_codes") or [])]
    joint = [e for e in serving if e.get("kind") in JOINT_STOCK_KINDS]
    numbers = {"entities": len(serving), "joint_stock_or_cooperative": len(joint)}
    return Indicator("R5", MET if joint else NOT_MET, cite("entity_registered", joint or serving), numbers)


# Dated facts that name the operating entity acting in them (``entity_id``).
def r6_households_in_joint_stock(facts: Facts) -> Indicator:
    """R6 §2.2: every poor household with labour holds shares (in force in the span) in a joint-stock operating entity."""
    labour = [h for h in facts.households if h.get("poverty_status") in POOR_STATUSES and int(h.get("labour_count") or 0) > 0]
    if not labour:
        return Indicator("R6", NO_DATA, note="no poor household with labour")
    if not facts.published("shares_quantified"):
        return _unpublished("R6", "shares_quantified")
    shares = _shares_in_force(facts)
    holding = {str(s["household_id"]) for s in shares if s.get("household_id")}
    missing = sorted(h["household_id"] for h in labour if h["household_id"] not in holding)
    numbers = {"households_with_labour": len(labour), "holding_shares": len(labour) - len(missing)}
    return Indicator("R6", NOT_MET if missing else MET, households_cited(facts, missing or sorted(holding)), numbers)


def member_as_of(registered: Sequence[Mapping[str, Any]], updated: Sequence[Mapping[str, Any]], has_left: bool) -> dict[str, Any] | None:
    """One member as its facts started by the span's end say (registrations, then updates, each in log order); None
    when not joined by then or left by then. The one reading of a member both the log's path and the projections use."""
    if not registered or has_left:
        return None
    merged: dict[str, Any] = {}
    for m in [*registered, *updated]:
        merged |= m
    return merged


def is_labourer(member: Mapping[str, Any] | None) -> bool:
    return member is not None and member.get("labour_capacity") in ("full", "partial")


def labourers(facts: Facts) -> dict[str, dict[str, Any]]:
    """Members with labour capacity, as their latest facts by the span's end say, who joined by then and had not left by then."""
    registered: dict[str, list[dict[str, Any]]] = {}
    updated: dict[str, list[dict[str, Any]]] = {}
    for m in facts.until("member_registered"):
        registered.setdefault(str(m["member_id"]), []).append(m)
    for m in facts.until("member_updated"):
        updated.setdefault(str(m["member_id"]), []).append(m)
    left = {str(m["member_id"]) for m in facts.until("member_left")}
    out: dict[str, dict[str, Any]] = {}
    for key, regs in registered.items():
        member = member_as_of(regs, updated.get(key, []), key in left)
        if member is not None and is_labourer(member):
            out[key] = member
    return out


def compliance(verdicts: Sequence[str], sessions: Sequence[CompletedSession], certified_on: Sequence[date], year: int, t: Thresholds) -> bool | None:
    """R7 §3.2 for one labourer in ``year``, None if unknown: training's last verdict for the year (log order), else
    ``policy.training.r7_compliance`` over the sessions and certificates known by the span's end."""
    if verdicts:
        return verdicts[-1] == "compliant"
    if not sessions and not certified_on:
        return None
    return r7_compliance(sessions=sessions, skills_certified_on=certified_on, through_year=year, t=t)[-1].status == "compliant"


def training_compliant(member_id: str, facts: Facts, t: Thresholds) -> bool | None:
    """R7 §3.2 for one labourer in the span's year, None if unknown: training's verdict for that year, else policy's R7 over the sessions and certificates."""
    year = facts.days.last.year
    verdicts = [c.status for _, c in facts.typed(LabourerComplianceChanged) if c.member_id == member_id and c.year == year]
    sessions = [s for _, s in facts.typed(SessionCompleted, facts.until("session_completed")) if s.member_id == member_id]
    certificates = [c for _, c in facts.typed(CertificateIssued, facts.until("certificate_issued")) if c.member_id == member_id]
    return compliance(
        verdicts, [CompletedSession(year=s.year, days_attended=s.days_attended) for s in sessions], [c.certified_on for c in certificates], year, t
    )


def _labourers_trained(facts: Facts, t: Thresholds) -> Indicator:
    """R7 §3.2: every labourer has a training file and meets the yearly training and skill requirement."""
    people = labourers(facts)
    if not people:
        return Indicator("R7", NO_DATA, note="no labourer known")
    if not facts.published(*TRAINING_FACTS):
        return _unpublished("R7", *TRAINING_FACTS)
    verdicts = {m: training_compliant(m, facts, t) for m in people}
    failing = sorted(m for m, v in verdicts.items() if v is not True)
    numbers = {
        "labourers": len(people),
        "compliant": len(people) - len(failing),
        "sessions_per_year": t.r7_sessions_per_year,
        "days_per_session": t.r7_days_per_session,
        "years": t.r7_years,
    }
    return Indicator("R7", NOT_MET if failing else MET, members_cited(facts, failing or sorted(people)), numbers)


def judge_r9(facts: Facts, t: Thresholds) -> Indicator:
    """R9 §4.1 for the projects in force: ``policy.funds.r9_three_rights`` of each (an agreement signed) and of each distribution of its profit."""
    if not facts.published("project_registered", "distribution_approved"):
        return _unpublished("R9", "project_registered", "agreement_signed", "distribution_approved")
    projects = facts.projects()
    if not projects:
        return Indicator("R9", NO_DATA, note="no three-rights project in force")
    signed = {str(a.get("project_id")) for a in facts.of("agreement_signed")}
    unsigned = [p for p in projects if not policy_funds.r9_three_rights(has_agreement=str(p.get("project_id")) in signed, t=t).ok]
    distributions = [d for d in approved_distributions(facts) if d.get("project_id")]
    shares = _distribution_check("R9", distributions, t.poor_share_bp, lambda share: policy_funds.r9_three_rights(distribution=share, t=t))
    numbers = {"projects": len(projects), "without_agreement": len(unsigned)} | shares.numbers
    if unsigned:
        return Indicator("R9", NOT_MET, cite("project_registered", unsigned), numbers)
    return Indicator("R9", shares.status if shares.status != NO_DATA else MET, shares.evidence or cite("project_registered", projects), numbers)


def judge_r10(facts: Facts, t: Thresholds) -> Indicator:
    """R10 §4.2 for the assets built by the span's end: ``policy.funds.r10_assets`` of each (its fund, a handover in
    force by an allowed mode) and of each distribution of its income."""
    if not facts.published("asset_registered"):
        return _unpublished("R10", "asset_registered", "asset_handed_over")
    assets = facts.until("asset_registered")
    if not assets:
        return Indicator("R10", NO_DATA, note="no asset registered")
    modes: dict[str, str] = {str(h.get("asset_id")): str(h.get("mode")) for h in facts.in_force("asset_handed_over")}
    idle = [
        a
        for a in assets
        if not policy_funds.r10_assets(
            fund_kind=a.get("fund_kind"), handed_over=str(a.get("asset_id")) in modes, handover_mode=modes.get(str(a.get("asset_id")))
        ).ok
    ]
    distributions = [d for d in approved_distributions(facts) if d.get("asset_id")]
    shares = _distribution_check("R10", distributions, t.poor_share_bp, lambda share: policy_funds.r10_assets(distribution=share, t=t))
    numbers = {"assets": len(assets), "not_handed_over": len(idle)} | shares.numbers
    if idle:
        return Indicator("R10", NOT_MET, cite("asset_registered", idle), numbers)
    return Indicator("R10", shares.status if shares.status != NO_DATA else MET, shares.evidence or cite("asset_registered", assets), numbers)


def judge_r13(facts: Facts, village_code: str | None = None) -> Indicator:
    """R13 §5.2 for every entity supported by poverty funds (allocations by the span's end, projects in force):
    ``policy.employment.r13_poor_first`` — does it employ a member of a poor household on some day of the span?"""
    if not facts.published("allocation_recorded", "project_registered"):
        return _unpublished("R13", "allocation_recorded", "project_registered")
    supporting = facts.until("allocation_recorded") + facts.projects()
    supported = {str(f["entity_id"]) for f in supporting if f.get("entity_id") and (village_code is None or f.get("village_code") == village_code)}
    if not supported:
        return Indicator("R13", NO_DATA, note="no entity supported by poverty funds")
    poor = {h["household_id"] for h in facts.households if h.get("poverty_status") in POOR_STATUSES}
    ended = {str(e.get("employment_id")): e for e in facts.of("employment_ended")}
    employed = [e for e in facts.in_force("employment_started") if not _ended_before(ended.get(str(e.get("employment_id"))), facts.days.first)]
    hiring = {str(e["entity_id"]) for e in employed if str(e.get("household_id")) in poor}
    missing = sorted(e for e in supported if not r13_poor_first(hires_poor=e in hiring).ok)
    numbers = {"supported_entities": len(supported), "hiring_poor": len(supported & hiring)}
    evidence = [Evidence("entity", m) for m in missing] or cite("employment_started", [e for e in employed if str(e.get("entity_id")) in supported])
    return Indicator("R13", NOT_MET if missing else MET, evidence, numbers)


def _ended_before(ended: Mapping[str, Any] | None, day: date) -> bool:
    """An employment whose end (``employment_ended``) came before ``day`` (an end without a date: ended)."""
    if ended is None:
        return False
    on = _as_date(ended.get("ended_on"))
    return on is None or on < day


def judge_r14(facts: Facts) -> Indicator:
    """R14 §5.3 for every reverse-lease-back agreement in force in the span: ``policy.funds.r14_lease_back`` of its disaster terms."""
    if not facts.published("lease_back_agreed"):
        return _unpublished("R14", "lease_back_agreed")
    agreements = facts.in_force("lease_back_agreed")
    if not agreements:
        return Indicator("R14", NO_DATA, note="no lease-back agreement in force")
    stated = [bool(a.get("has_disaster_terms")) for a in agreements]  # the fact says both terms or neither
    uncovered = [a for a, ok in zip(agreements, stated, strict=True) if not policy_funds.r14_lease_back(prevention_stated=ok, handling_stated=ok).ok]
    numbers = {"agreements": len(agreements), "without_disaster_clause": len(uncovered)}
    return Indicator("R14", NOT_MET if uncovered else MET, cite("lease_back_agreed", uncovered or agreements), numbers)


def judge_r17(facts: Facts, t: Thresholds) -> Indicator:
    """R17 §5.6 for dividends on shares for a period in the span: ``policy.funds.r17_dividends`` of each (≥50% to poor households)."""
    if not facts.published("distribution_approved"):
        return _unpublished("R17", "distribution_approved")
    dividends = [d for d in approved_distributions(facts) if d.get("benefit_type") == "equity_dividend"]
    if not dividends:
        return Indicator("R17", NO_DATA, note="no dividend distribution")
    return _distribution_check("R17", dividends, t.poor_share_bp, lambda share: policy_funds.r17_dividends(distribution=share, t=t))


def judge_r8(facts: Facts) -> Indicator:
    """R8 §3.3 for the sessions completed in the span: ``policy.training.r8_course`` of each session's course (category and
    industry; the venue is judged by training when the session is planned — the fact does not carry it)."""
    if not facts.published("session_completed"):
        return _unpublished("R8", "session_completed")
    sessions = {str(s.get("session_id")): s for s in facts.in_force("session_completed")}
    if not sessions:
        return Indicator("R8", NO_DATA, note="no training session completed in the span")
    failing = [s for s in sessions.values() if not r8_course(category=str(s.get("category")), industry=str(s.get("industry"))).ok]
    numbers = {"sessions": len(sessions), "off_catalogue": len(failing)}
    return Indicator("R8", NOT_MET if failing else MET, cite("session_completed", failing or list(sessions.values())), numbers)


def loan_term(loan: Mapping[str, Any]) -> tuple[date, date] | None:
    """A loan's term: ``granted_on`` to the same day ``term_months`` on (the 28th at the latest); None without both."""
    granted = _as_date(loan.get("granted_on"))
    months = loan.get("term_months")
    if granted is None or not isinstance(months, int):
        return None
    y, m = divmod(granted.month - 1 + months, 12)
    return granted, date(granted.year + y, m + 1, min(granted.day, 28))


def _loan_in_force(loan: Mapping[str, Any], facts: Facts) -> bool:
    """A loan from ``granted_on`` for ``term_months`` (to the same day that many months on) meets the span."""
    term = loan_term(loan)
    if term is None:
        return bool(facts.in_force("loan_granted", [dict(loan)]))
    return term[0] <= facts.days.last and term[1] >= facts.days.first


def judge_r11(facts: Facts) -> Indicator:
    """R11 §4.3 for the microcredit loans in force in the span entrusted to an entity: ``policy.funds.r11_microcredit`` of
    their terms (an entity named, a guaranteed return above zero; the responsibility's text is not in the fact)."""
    if not facts.published("loan_granted"):
        return _unpublished("R11", "loan_granted")
    loans = [loan for loan in facts.until("loan_granted") if _loan_in_force(loan, facts)]
    entrusted = [loan for loan in loans if loan.get("use") == "entrusted"]
    if not entrusted:
        return Indicator("R11", NO_DATA, note="no entrusted loan in force")
    failing = [
        loan
        for loan in entrusted
        if not policy_funds.r11_microcredit(
            use="entrusted", entity_id=loan.get("entity_id"), guaranteed_return_fen_per_year=loan.get("guaranteed_return_fen_per_year")
        ).ok
    ]
    numbers = {"loans": len(loans), "entrusted": len(entrusted), "without_terms": len(failing)}
    return Indicator("R11", NOT_MET if failing else MET, cite("loan_granted", failing or entrusted), numbers)


def judge_r12(facts: Facts, village_code: str | None) -> Indicator:
    """R12 §5.1 for the order contracts in force in the span: ``policy.market.r12_order_farming`` of each (a floor price
    above zero; each delivery's term and quantity are judged by market as it is settled)."""
    if not facts.published("order_contract_signed"):
        return _unpublished("R12", "order_contract_signed")
    contracts = [c for c in facts.in_force("order_contract_signed") if village_code is None or c.get("village_code") == village_code]
    if not contracts:
        return Indicator("R12", NO_DATA, note="no order contract in force")
    failing = [c for c in contracts if not r12_order_farming(floor_price_fen=int(c.get("floor_price_fen") or 0)).ok]
    numbers = {"contracts": len(contracts), "without_floor_price": len(failing)}
    return Indicator("R12", NOT_MET if failing else MET, cite("order_contract_signed", failing or contracts), numbers)


# An indicator: (facts, thresholds, village code or None for the county, the village's categories).
Indicate = Callable[[Facts, Thresholds, str | None, Sequence[str]], Indicator]


def _covers(data: Mapping[str, Any], village_code: str) -> bool:
    """A sales-channel fact is the village's: its own ``village_code``, or a village in its ``covered_village_codes``."""
    return data.get("village_code") == village_code or village_code in (data.get("covered_village_codes") or [])


def _market_link(rule: str, contract: type[C], judge: Callable[[list[C], linkage.Span], linkage.Verdict[C]]) -> Indicate:
    """R18–R21 §6: policy.linkage's verdict for the village (or the county) over the span, by the channels' own dates."""
    name = contract.event_type.split(".")[2]

    def indicator(facts: Facts, t: Thresholds, village_code: str | None, categories: Sequence[str]) -> Indicator:
        if not facts.published(name):
            return _unpublished(rule, name)
        raw = {str(d["event_id"]): d for d in facts.of(name)}
        read = [(eid, c) for eid, c in facts.typed(contract) if village_code is None or _place_of(c, village_code)]
        verdict = judge([c for _, c in read], facts.days)
        counted = {id(c) for c in verdict.counted}
        evidence = cite(name, [raw[eid] for eid, c in read if id(c) in counted])
        return Indicator(rule, MET if verdict.met else NOT_MET, evidence, {"count": verdict.count})

    return indicator


def _place_of(fact: EventData, village_code: str) -> bool:
    own = getattr(fact, "village_code", None)
    return own == village_code or village_code in getattr(fact, "covered_village_codes", ())


def r22_cadre_led_project(facts: Facts) -> Indicator:
    """R22 §7.3: ≥1 income project in force in the span led by a village cadre or Party member."""
    if not facts.published("project_registered"):
        return _unpublished("R22", "project_registered")
    leaders = {
        str(m["member_id"]) for m in facts.until("member_registered") + facts.until("member_updated") if m.get("is_party_member") or m.get("is_village_cadre")
    }
    projects = facts.projects()
    led = [p for p in projects if p.get("led_by") in ("village_cadre", "party_member") or str(p.get("leader_member_id")) in leaders]
    return Indicator("R22", MET if led else NOT_MET, cite("project_registered", led), {"projects": len(projects), "cadre_or_party_led": len(led)})


def every_household_has_income_project(facts: Facts) -> Indicator:
    """户户有增收项目: every household on the register in the span has ≥1 income entry dated in it."""
    present = [h for h in facts.households if not h.get("left_on")]
    if not present:
        return Indicator("every_household_has_income_project", NO_DATA, note="no household")
    without = sorted(h["household_id"] for h in present if h["household_id"] not in facts.income_households)
    numbers = {"households": len(present), "with_income": len(present) - len(without)}
    evidence = households_cited(facts, without or sorted(h["household_id"] for h in present))
    return Indicator("every_household_has_income_project", NOT_MET if without else MET, evidence, numbers)


def every_labourer_has_a_way(facts: Facts, t: Thresholds) -> Indicator:
    """人人有脱贫门路: every labourer is employed at the span's end or meets the training requirement (R7)."""
    people = labourers(facts)
    if not people:
        return Indicator("every_labourer_has_a_way", NO_DATA, note="no labourer known")
    ended = {str(e.get("employment_id")): e for e in facts.of("employment_ended")}
    # Employed on the span's last day: a job that ended within the span is no way out at its end.
    employed = {str(e["member_id"]) for e in facts.until("employment_started") if not _ended_before(ended.get(str(e.get("employment_id"))), facts.days.last)}
    without = sorted(m for m in people if m not in employed and training_compliant(m, facts, t) is not True)
    numbers = {"labourers": len(people), "employed": len(employed & set(people)), "without_a_way": len(without)}
    return Indicator("every_labourer_has_a_way", NOT_MET if without else MET, members_cited(facts, without or sorted(people)), numbers)


# Rule id → indicator (facts, thresholds, village code or None for the county, the village's categories).
BY_RULE: dict[str, Indicate] = {
    "R1": lambda f, t, v, c: judge_r1(f, t),
    "R3": lambda f, t, v, c: r3_relatively_poor_share(f, t, c),
    "R4": lambda f, t, v, c: r4_characteristic_industry(f, t, c, v),
    "R5": lambda f, t, v, c: r5_joint_stock_entity(f, v),
    "R6": lambda f, t, v, c: r6_households_in_joint_stock(f),
    "R7": lambda f, t, v, c: _labourers_trained(f, t),
    "R8": lambda f, t, v, c: judge_r8(f),
    "R9": lambda f, t, v, c: judge_r9(f, t),
    "R10": lambda f, t, v, c: judge_r10(f, t),
    "R11": lambda f, t, v, c: judge_r11(f),
    "R12": lambda f, t, v, c: judge_r12(f, v),
    "R13": lambda f, t, v, c: judge_r13(f, v),
    "R14": lambda f, t, v, c: judge_r14(f),
    "R17": lambda f, t, v, c: judge_r17(f, t),
    "R18": _market_link("R18", DirectSupplyChannelOpened, linkage.r18_direct_supply),
    "R19": _market_link("R19", ShowcaseWindowOpened, lambda windows, span: linkage.r19_showcase_window(windows, span)),
    "R20": _market_link("R20", EcommercePointRegistered, linkage.r20_ecommerce_station),
    "R21": _market_link("R21", ColdChainFacilityRegistered, lambda facilities, span: linkage.r21_cold_chain(facilities, span).coverage),
    "R22": lambda f, t, v, c: r22_cadre_led_project(f),
    "every_household_has_income_project": lambda f, t, v, c: every_household_has_income_project(f),
    "every_labourer_has_a_way": lambda f, t, v, c: every_labourer_has_a_way(f, t),
}
INDICATORS = tuple(BY_RULE)


def indicator(rule: str, facts: Facts, t: Thresholds, *, village_code: str | None = None, categories: Sequence[str] = ()) -> Indicator:
    """One indicator by its rule id, for a village (``village_code``) or the county (None)."""
    return BY_RULE[rule](facts, t, village_code, categories)


def evaluate(facts: Facts, t: Thresholds, *, village_code: str | None, categories: Sequence[str]) -> list[Indicator]:
    """Every indicator for one village (``village_code``) or one county (``village_code=None``)."""
    return [indicator(rule, facts, t, village_code=village_code, categories=categories) for rule in INDICATORS]
