"""Ledger arithmetic and the policy's indicators, pure: integer fen, basis points, no I/O.

Each indicator of 韶扶组〔2018〕3号 is one entry of ``BY_RULE``, keyed by its rule id. A rule more
than one service judges is not judged here: R7 and R18–R21 wrap the verdict of ``policy`` (the
producers' own implementation), the thresholds are ``policy.thresholds``. Indicators read facts as
the log said them (``Facts``: fact name → list of event data, each with its ``event_id``); the
rules ``policy`` judges read them as their typed contracts (``Facts.typed``), and answer
met / not_met / no_data with the ids behind the answer. ``no_data``
means the ledger cannot judge: nothing of the kind was ever reported for the place, or the
producing service has not published that fact yet (its contract is not in ``Facts.known``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from pydantic import ValidationError

from policy import linkage
from policy.thresholds import Thresholds
from policy.training import CompletedSession, r7_compliance
from shared.events.contracts import EventData
from shared.events.income import BENEFIT_TYPES
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

log = logging.getLogger("fupin.ledger")
C = TypeVar("C", bound=EventData)

Status = Literal["met", "not_met", "no_data"]
MET: Status = "met"
NOT_MET: Status = "not_met"
NO_DATA: Status = "no_data"

TRAINING_FACTS = ("session_completed", "certificate_issued", "labourer_compliance_changed")
SALES_CHANNEL_FACTS = ("direct_supply_channel_opened", "ecommerce_point_registered", "order_contract_signed", "showcase_window_opened")
JOINT_STOCK_KINDS = frozenset({"joint_stock_company", "cooperative"})
HANDOVER_MODES = frozenset({"contracting", "lease", "trusteeship"})
RELATIVELY_POOR = frozenset({"relatively_poor_dongguan", "relatively_poor_shaoguan", "relatively_poor"})
POOR_STATUSES = frozenset({"registered_poor", "returned_to_poverty"})


# ---- incomes -----------------------------------------------------------------------------------


def by_type(amounts: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Sum (benefit type, fen) pairs into all six identifiers, zeros included."""
    totals = dict.fromkeys(BENEFIT_TYPES, 0)
    for benefit, fen in amounts:
        totals[benefit] += int(fen)
    return totals


def per_capita(total_fen: int, household_size: int) -> int:
    """Per-capita income in whole fen (rounded down); zero for a household without members."""
    return total_fen // household_size if household_size > 0 else 0


def share_bp(part: int, whole: int) -> int:
    """``part / whole`` in integer basis points, rounded down (a floor is never overstated); 0 of 0 is 0."""
    return (part * 10000) // whole if whole > 0 else 0


def shares_bp(totals: Mapping[str, int]) -> dict[str, int]:
    """Each type's share of the total in basis points (largest remainder, so they sum to 10000)."""
    whole = sum(totals.values())
    if whole <= 0:
        return dict.fromkeys(totals, 0)
    raw = {k: (v * 10000) // whole for k, v in totals.items()}
    rest = 10000 - sum(raw.values())
    order = sorted(totals, key=lambda k: (-((totals[k] * 10000) % whole), k))
    for k in order[:rest]:
        raw[k] += 1
    return raw


def quartiles(values: Sequence[int]) -> dict[str, int]:
    """Min, quartiles (nearest rank) and max of integer fen values; zeros for an empty list."""
    if not values:
        return {"min": 0, "p25": 0, "p50": 0, "p75": 0, "max": 0}
    s = sorted(values)

    def rank(p: int) -> int:
        return s[max(0, -(-p * len(s) // 100) - 1)]

    return {"min": s[0], "p25": rank(25), "p50": rank(50), "p75": rank(75), "max": s[-1]}


# ---- thresholds ---------------------------------------------------------------------------------


# ---- indicators ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    rule: str
    status: Status
    evidence: list[str] = field(default_factory=list)
    numbers: dict[str, int] = field(default_factory=dict)
    note: str = ""


@dataclass
class Facts:
    """The facts one place's indicators read. ``known`` holds the fact names some producer publishes."""

    by_name: dict[str, list[dict[str, Any]]]
    known: frozenset[str]
    households: list[dict[str, Any]] = field(default_factory=list)  # ledger households: id, poverty_status, labour_count
    income_households: frozenset[str] = frozenset()  # households with ≥1 income entry in the year
    year: int = 0
    county_allocations: list[dict[str, Any]] | None = None  # R1 is judged per county, also for a village

    def of(self, name: str) -> list[dict[str, Any]]:
        return self.by_name.get(name, [])

    def published(self, *names: str) -> bool:
        return any(n in self.known for n in names)

    def typed(self, contract: type[C]) -> list[tuple[str, C]]:
        """The facts of one contract as (event id, the contract read back); one it cannot read is logged and left out."""
        out: list[tuple[str, C]] = []
        for data in self.of(contract.event_type.split(".")[2]):
            fields = {k: v for k, v in data.items() if k != "event_id"}
            try:
                out.append((str(data["event_id"]), contract.model_validate(fields)))
            except ValidationError as exc:
                log.warning("fact not read as %s: %s", contract.event_type, exc.errors()[:3], extra={"event_id": data.get("event_id")})
        return out


def approved_distributions(facts: Facts) -> list[dict[str, Any]]:
    """Approved distributions less those an approved reversal took back (``distribution_reversed``): a correction, not an edit."""
    reversed_ids = {str(r.get("distribution_id")) for r in facts.of("distribution_reversed")}
    return [d for d in facts.of("distribution_approved") if str(d.get("distribution_id")) not in reversed_ids]


def _ids(items: Iterable[Mapping[str, Any]]) -> list[str]:
    return sorted({str(i["event_id"]) for i in items})


def _unpublished(rule: str, *names: str) -> Indicator:
    return Indicator(rule, NO_DATA, note=f"waiting for {', '.join(names)} from its producer")


def _distribution_check(rule: str, distributions: list[dict[str, Any]], floor_bp: int) -> Indicator:
    """Every distribution gives poor households at least ``floor_bp`` of what it distributes."""
    judged = [d for d in distributions if isinstance(d.get("total_fen"), int) and isinstance(d.get("poor_households_fen"), int)]
    if not judged:
        return Indicator(rule, NO_DATA, _ids(distributions), note="no distribution with amounts")
    failing = [d for d in judged if share_bp(d["poor_households_fen"], d["total_fen"]) < floor_bp]
    total = sum(d["total_fen"] for d in judged)
    poor = sum(d["poor_households_fen"] for d in judged)
    numbers = {"distributions": len(judged), "total_fen": total, "poor_households_fen": poor, "poor_share_bp": share_bp(poor, total), "floor_bp": floor_bp}
    if failing:
        return Indicator(rule, NOT_MET, _ids(failing), numbers | {"failing": len(failing)})
    return Indicator(rule, MET, _ids(judged), numbers)


def r1_industry_share(facts: Facts, t: Thresholds) -> Indicator:
    """R1 §1.1: of the special fund net of education and medical care, ≥60% to industries (per county)."""
    if not facts.published("allocation_recorded"):
        return _unpublished("R1", "allocation_recorded")
    pool = facts.county_allocations if facts.county_allocations is not None else facts.of("allocation_recorded")
    # The 20,000-yuan-per-poor-person special fund is the provincial one.
    allocations = [a for a in pool if isinstance(a.get("amount_fen"), int) and a.get("fund_kind", "provincial_special") == "provincial_special"]
    if not allocations:
        return Indicator("R1", NO_DATA, note="no allocation of the special fund recorded")
    net = sum(a["amount_fen"] for a in allocations if a.get("purpose") not in ("education", "medical"))
    industry = sum(a["amount_fen"] for a in allocations if a.get("purpose") == "industry")
    share = share_bp(industry, net)
    numbers = {"net_fen": net, "industry_fen": industry, "share_bp": share, "floor_bp": t.r1_industry_share_bp}
    return Indicator("R1", MET if net > 0 and share >= t.r1_industry_share_bp else NOT_MET, _ids(allocations), numbers)


def r3_relatively_poor_share(facts: Facts, t: Thresholds, categories: Sequence[str]) -> Indicator:
    """R3 §1.1: in a relatively poor village ≥60% of the income the guidance funds add goes to poor households."""
    if categories and not RELATIVELY_POOR.intersection(categories):
        return Indicator("R3", NO_DATA, note="not a relatively poor village")
    if not facts.published("distribution_approved"):
        return _unpublished("R3", "distribution_approved")
    guided = [d for d in approved_distributions(facts) if d.get("guidance_fund")]
    if not guided:
        return Indicator("R3", NO_DATA, note="no distribution of guidance-fund income")
    return _distribution_check("R3", guided, t.r3_poor_share_bp)


def r4_characteristic_industry(facts: Facts, t: Thresholds, categories: Sequence[str], village_code: str | None = None) -> Indicator:
    """R4 §1.2: ≥1 contiguous characteristic industry of ≥50 mu with funding, an entity, training and a sales channel."""
    if categories and "province_poor" not in categories:
        return Indicator("R4", NO_DATA, note="not a province-designated poor village")
    if not facts.published("project_registered"):
        return _unpublished("R4", "project_registered")
    projects = facts.of("project_registered")
    if not projects:
        return Indicator("R4", NOT_MET, note="no project registered")
    large = [p for p in projects if int(p.get("area_tenth_mu") or 0) >= t.r4_min_area_tenth_mu and p.get("contiguous", True)]
    funded = [p for p in large if p.get("funded_by") or int(p.get("funding_fen") or 0) > 0]
    with_entity = [p for p in funded if p.get("entity_id")]
    training = [f for n in TRAINING_FACTS for f in facts.of(n)]
    channels = [f for n in SALES_CHANNEL_FACTS for f in facts.of(n) if village_code is None or _covers(f, village_code)]
    numbers = {
        "projects": len(projects),
        "at_least_area": len(large),
        "funded_with_entity": len(with_entity),
        "training_facts": len(training),
        "sales_channels": len(channels),
        "min_area_tenth_mu": t.r4_min_area_tenth_mu,
    }
    ok = bool(with_entity) and bool(training) and bool(channels)
    evidence = _ids(with_entity or large or projects) + _ids(training[:5]) + _ids(channels[:5])
    return Indicator("R4", MET if ok else NOT_MET, evidence, numbers)


def r5_joint_stock_entity(facts: Facts, village_code: str | None) -> Indicator:
    """R5 §2.1: the village (or each of its industries) has a joint-stock company or cooperative."""
    if not facts.published("entity_registered"):
        return _unpublished("R5", "entity_registered")
    entities = _current_entities(facts)
    serving = [e for e in entities if village_code is None or village_code in (e.get("village_codes") or [])]
    joint = [e for e in serving if e.get("kind") in JOINT_STOCK_KINDS]
    numbers = {"entities": len(serving), "joint_stock_or_cooperative": len(joint)}
    return Indicator("R5", MET if joint else NOT_MET, _ids(joint or serving), numbers)


def _current_entities(facts: Facts) -> list[dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for e in facts.of("entity_registered") + facts.of("entity_updated"):
        latest[str(e.get("entity_id"))] = latest.get(str(e.get("entity_id")), {}) | e
    return list(latest.values())


def r6_households_in_joint_stock(facts: Facts) -> Indicator:
    """R6 §2.2: every poor household with labour holds shares in a joint-stock operating entity."""
    labour = [h for h in facts.households if h.get("poverty_status") in POOR_STATUSES and int(h.get("labour_count") or 0) > 0]
    if not labour:
        return Indicator("R6", NO_DATA, note="no poor household with labour")
    if not facts.published("shares_quantified"):
        return _unpublished("R6", "shares_quantified")
    holding: set[str] = set()
    for s in facts.of("shares_quantified"):
        for hid in _households_named(s):
            holding.add(hid)
    missing = sorted(h["household_id"] for h in labour if h["household_id"] not in holding)
    numbers = {"households_with_labour": len(labour), "holding_shares": len(labour) - len(missing)}
    return Indicator("R6", NOT_MET if missing else MET, missing or _ids(facts.of("shares_quantified")), numbers)


def _households_named(data: Mapping[str, Any]) -> list[str]:
    return [str(data["household_id"])] if data.get("household_id") else []


def labourers(facts: Facts) -> dict[str, dict[str, Any]]:
    """Members with labour capacity, as their latest facts say, who have not left."""
    members: dict[str, dict[str, Any]] = {}
    for m in facts.of("member_registered") + facts.of("member_updated"):
        members[str(m["member_id"])] = members.get(str(m["member_id"]), {}) | m
    for m in facts.of("member_left"):
        members.pop(str(m["member_id"]), None)
    return {k: v for k, v in members.items() if v.get("labour_capacity") in ("full", "partial")}


def training_compliant(member_id: str, facts: Facts, t: Thresholds) -> bool | None:
    """R7 §3.2 for one labourer, None if unknown: training's latest verdict for the year, else policy's R7 over the sessions and certificates."""
    verdicts = [c for _, c in facts.typed(LabourerComplianceChanged) if c.member_id == member_id and c.year <= facts.year]
    if verdicts:
        latest = max(c.year for c in verdicts)  # facts come in log order: the latest year's last word
        return [c for c in verdicts if c.year == latest][-1].status == "compliant"
    sessions = [s for _, s in facts.typed(SessionCompleted) if s.member_id == member_id]
    certificates = [c for _, c in facts.typed(CertificateIssued) if c.member_id == member_id]
    if not sessions and not certificates:
        return None
    years = r7_compliance(
        sessions=[CompletedSession(year=s.year, days_attended=s.days_attended) for s in sessions],
        skills_certified_on=[c.certified_on for c in certificates],
        through_year=facts.year,
        t=t,
    )
    return years[-1].status == "compliant"


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
    return Indicator("R7", NOT_MET if failing else MET, failing or sorted(people), numbers)


def r9_three_rights(facts: Facts, t: Thresholds) -> Indicator:
    """R9 §4.1: three-rights projects have a signed cooperation agreement and give ≥50% of profit to poor households."""
    if not facts.published("project_registered", "distribution_approved"):
        return _unpublished("R9", "project_registered", "agreement_signed", "distribution_approved")
    projects = facts.of("project_registered")
    if not projects:
        return Indicator("R9", NO_DATA, note="no three-rights project")
    signed = {str(a.get("project_id")) for a in facts.of("agreement_signed")}
    unsigned = [p for p in projects if str(p.get("project_id")) not in signed]
    shares = _distribution_check("R9", [d for d in approved_distributions(facts) if d.get("project_id")], t.poor_share_bp)
    numbers = {"projects": len(projects), "without_agreement": len(unsigned)} | shares.numbers
    if unsigned:
        return Indicator("R9", NOT_MET, _ids(unsigned), numbers)
    return Indicator("R9", shares.status if shares.status != NO_DATA else MET, shares.evidence or _ids(projects), numbers)


def r10_assets(facts: Facts, t: Thresholds) -> Indicator:
    """R10 §4.2: assets are handed over by contracting, lease or trusteeship, and ≥50% of their income goes to poor households."""
    if not facts.published("asset_registered"):
        return _unpublished("R10", "asset_registered", "asset_handed_over")
    assets = facts.of("asset_registered")
    if not assets:
        return Indicator("R10", NO_DATA, note="no asset registered")
    handed = {str(h.get("asset_id")) for h in facts.of("asset_handed_over") if h.get("mode") in HANDOVER_MODES}
    idle = [a for a in assets if str(a.get("asset_id")) not in handed]
    shares = _distribution_check("R10", [d for d in approved_distributions(facts) if d.get("asset_id")], t.poor_share_bp)
    numbers = {"assets": len(assets), "not_handed_over": len(idle)} | shares.numbers
    if idle:
        return Indicator("R10", NOT_MET, _ids(idle), numbers)
    return Indicator("R10", shares.status if shares.status != NO_DATA else MET, shares.evidence or _ids(assets), numbers)


def r13_supported_entities_hire_poor(facts: Facts, village_code: str | None = None) -> Indicator:
    """R13 §5.2: every entity supported by poverty funds (in the village, or the county) employs poor household members."""
    if not facts.published("allocation_recorded", "project_registered"):
        return _unpublished("R13", "allocation_recorded", "project_registered")
    supported = {
        str(f["entity_id"])
        for n in ("allocation_recorded", "project_registered")
        for f in facts.of(n)
        if f.get("entity_id") and (village_code is None or f.get("village_code") == village_code)
    }
    if not supported:
        return Indicator("R13", NO_DATA, note="no entity supported by poverty funds")
    poor = {h["household_id"] for h in facts.households if h.get("poverty_status") in POOR_STATUSES}
    hiring = {str(e["entity_id"]) for e in facts.of("employment_started") if str(e.get("household_id")) in poor}
    missing = sorted(supported - hiring)
    numbers = {"supported_entities": len(supported), "hiring_poor": len(supported & hiring)}
    evidence = missing or _ids(e for e in facts.of("employment_started") if str(e.get("entity_id")) in supported)
    return Indicator("R13", NOT_MET if missing else MET, evidence, numbers)


def r14_lease_back_risk(facts: Facts) -> Indicator:
    """R14 §5.3: every reverse-lease-back agreement covers prevention and handling of major disaster risks."""
    if not facts.published("lease_back_agreed"):
        return _unpublished("R14", "lease_back_agreed")
    agreements = facts.of("lease_back_agreed")
    if not agreements:
        return Indicator("R14", NO_DATA, note="no lease-back agreement")
    uncovered = [a for a in agreements if not a.get("has_disaster_terms")]
    return Indicator(
        "R14", NOT_MET if uncovered else MET, _ids(uncovered or agreements), {"agreements": len(agreements), "without_disaster_clause": len(uncovered)}
    )


def r17_dividends(facts: Facts, t: Thresholds) -> Indicator:
    """R17 §5.6: dividends on shares give ≥50% to poor households."""
    if not facts.published("distribution_approved"):
        return _unpublished("R17", "distribution_approved")
    dividends = [d for d in approved_distributions(facts) if d.get("benefit_type") == "equity_dividend"]
    if not dividends:
        return Indicator("R17", NO_DATA, note="no dividend distribution")
    return _distribution_check("R17", dividends, t.poor_share_bp)


# An indicator: (facts, thresholds, village code or None for the county, the village's categories).
Indicate = Callable[[Facts, Thresholds, str | None, Sequence[str]], Indicator]


def _covers(data: Mapping[str, Any], village_code: str) -> bool:
    """A sales-channel fact is the village's: its own ``village_code``, or a village in its ``covered_village_codes``."""
    return data.get("village_code") == village_code or village_code in (data.get("covered_village_codes") or [])


def _market_link(rule: str, contract: type[C], judge: Callable[[list[C], linkage.Span], linkage.Verdict[C]]) -> Indicate:
    """R18–R21 §6: policy.linkage's verdict for the village (or the county) over the indicators' year."""
    name = contract.event_type.split(".")[2]

    def indicator(facts: Facts, t: Thresholds, village_code: str | None, categories: Sequence[str]) -> Indicator:
        if not facts.published(name):
            return _unpublished(rule, name)
        read = [(eid, c) for eid, c in facts.typed(contract) if village_code is None or _place_of(c, village_code)]
        verdict = judge([c for _, c in read], linkage.Span.year(facts.year))
        counted = {id(c) for c in verdict.counted}
        return Indicator(rule, MET if verdict.met else NOT_MET, sorted({eid for eid, c in read if id(c) in counted}), {"count": verdict.count})

    return indicator


def _place_of(fact: EventData, village_code: str) -> bool:
    own = getattr(fact, "village_code", None)
    return own == village_code or village_code in getattr(fact, "covered_village_codes", ())


def r22_cadre_led_project(facts: Facts) -> Indicator:
    """R22 §7.3: ≥1 income project led by a village cadre or Party member."""
    if not facts.published("project_registered"):
        return _unpublished("R22", "project_registered")
    leaders = {str(m["member_id"]) for m in facts.of("member_registered") + facts.of("member_updated") if m.get("is_party_member") or m.get("is_village_cadre")}
    led = [p for p in facts.of("project_registered") if p.get("led_by") in ("village_cadre", "party_member") or str(p.get("leader_member_id")) in leaders]
    return Indicator("R22", MET if led else NOT_MET, _ids(led), {"projects": len(facts.of("project_registered")), "cadre_or_party_led": len(led)})


def every_household_has_income_project(facts: Facts) -> Indicator:
    """户户有增收项目: every household on the register has ≥1 income entry in the year."""
    present = [h for h in facts.households if not h.get("left_on")]
    if not present:
        return Indicator("every_household_has_income_project", NO_DATA, note="no household")
    without = sorted(h["household_id"] for h in present if h["household_id"] not in facts.income_households)
    numbers = {"households": len(present), "with_income": len(present) - len(without)}
    return Indicator("every_household_has_income_project", NOT_MET if without else MET, without or sorted(h["household_id"] for h in present), numbers)


def every_labourer_has_a_way(facts: Facts, t: Thresholds) -> Indicator:
    """人人有脱贫门路: every labourer is employed or meets the training requirement (R7)."""
    people = labourers(facts)
    if not people:
        return Indicator("every_labourer_has_a_way", NO_DATA, note="no labourer known")
    ended = {str(e["employment_id"]) for e in facts.of("employment_ended")}
    employed = {str(e["member_id"]) for e in facts.of("employment_started") if str(e.get("employment_id")) not in ended}
    without = sorted(m for m in people if m not in employed and training_compliant(m, facts, t) is not True)
    numbers = {"labourers": len(people), "employed": len(employed & set(people)), "without_a_way": len(without)}
    return Indicator("every_labourer_has_a_way", NOT_MET if without else MET, without or sorted(people), numbers)


# Rule id → indicator (facts, thresholds, village code or None for the county, the village's categories).
BY_RULE: dict[str, Indicate] = {
    "R1": lambda f, t, v, c: r1_industry_share(f, t),
    "R3": lambda f, t, v, c: r3_relatively_poor_share(f, t, c),
    "R4": lambda f, t, v, c: r4_characteristic_industry(f, t, c, v),
    "R5": lambda f, t, v, c: r5_joint_stock_entity(f, v),
    "R6": lambda f, t, v, c: r6_households_in_joint_stock(f),
    "R7": lambda f, t, v, c: _labourers_trained(f, t),
    "R9": lambda f, t, v, c: r9_three_rights(f, t),
    "R10": lambda f, t, v, c: r10_assets(f, t),
    "R13": lambda f, t, v, c: r13_supported_entities_hire_poor(f, v),
    "R14": lambda f, t, v, c: r14_lease_back_risk(f),
    "R17": lambda f, t, v, c: r17_dividends(f, t),
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
