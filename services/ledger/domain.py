"""Ledger arithmetic and the policy's indicators, pure: integer fen, basis points, no I/O.

Each indicator of 韶扶组〔2018〕3号 is one entry of ``BY_RULE``, keyed by its rule id. A rule more
than one service judges is not judged here: R7 and R18–R21 wrap the verdict of ``policy`` (the
producers' own implementation), the thresholds are ``policy.thresholds``. Indicators read facts as
the log said them (``Facts``: fact name → list of event data, each with its ``event_id``); the
rules ``policy`` judges read them as their typed contracts (``Facts.typed``), and answer
met / not_met / no_data with the evidence behind the answer (``Evidence``: what kind of thing, its
id). ``no_data`` means the ledger cannot judge: nothing of the kind was ever reported for the
place, or the producing service has not published that fact yet (its contract is not in
``Facts.known``).

**Dates** (docs/indicators.md): an indicator judges a span of days (``Facts.span``: a calendar
year, or 1 January to an ``as_of`` day). Every fact counts by the dates it carries
(``fact_dates``) — the day it happened, the days it is valid from and to, or the period it is
for — never by the day it was typed in: a 2018 project entered in 2019 counts for 2018. A fact that
carries no date of its own (an entity, a project, a village's categories) counts from the day the
ledger recorded it (``RECORDED``), its only date; a project takes the term of its investment
cooperation agreement once one is signed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, NamedTuple, TypeVar

from pydantic import ValidationError

from policy import funds as policy_funds
from policy import linkage
from policy.employment import r13_poor_first
from policy.funds import PoorShare, poor_share
from policy.linkage import Span
from policy.market import r12_order_farming
from policy.periods import period_range
from policy.thresholds import Thresholds
from policy.training import CompletedSession, r7_compliance, r8_course
from policy.verdicts import Outcome, outcome
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
RELATIVELY_POOR = frozenset({"relatively_poor_dongguan", "relatively_poor_shaoguan", "relatively_poor"})
POOR_STATUSES = frozenset({"registered_poor", "returned_to_poverty"})
# The key under which a fact's data carries the day the ledger recorded it (the envelope's time, UTC).
RECORDED = "recorded_on"
# The keys the ledger adds to a fact's data (not the contract's): its event id and the day it was recorded.
LEDGER_KEYS = frozenset({"event_id", RECORDED})
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


# ---- the dates a fact carries ----------------------------------------------------------------

# Fact name → the fields of its own dates: (valid from, valid to). A single field is a day (from = to);
# a None "to" leaves the fact in force from its day on. Facts not named here carry no date of their own.
DATE_FIELDS: dict[str, tuple[str, str | None]] = {
    "fund_received": ("received_on", "received_on"),
    "allocation_recorded": ("allocated_on", "allocated_on"),
    "agreement_signed": ("term_start", "term_end"),
    "asset_registered": ("built_on", None),
    "asset_handed_over": ("start_on", "end_on"),
    "asset_rights_transferred_to_collective": ("transferred_on", None),
    "land_transferred": ("start_on", "end_on"),
    "lease_back_agreed": ("start_on", "end_on"),
    "loan_granted": ("granted_on", None),
    "loan_repaid": ("paid_on", "paid_on"),
    "loan_marked_overdue": ("overdue_since", None),
    "payment_requested": ("requested_on", "requested_on"),
    "payment_made": ("paid_on", "paid_on"),
    "partner_order_received": ("placed_on", "placed_on"),
    "order_contract_signed": ("starts_on", "ends_on"),
    "delivery_settled": ("delivered_on", "delivered_on"),
    "direct_supply_channel_opened": ("period_start", "period_end"),
    "showcase_window_opened": ("opened_on", None),
    "ecommerce_point_registered": ("opened_on", None),
    "cold_chain_facility_registered": ("opened_on", None),
    "session_completed": ("completed_on", "completed_on"),
    "certificate_issued": ("certified_on", None),
    "household_registered": ("registered_on", None),
    "household_size_changed": ("effective_on", None),
    "household_status_changed": ("effective_on", None),
    "household_left_registry": ("effective_on", "effective_on"),
    "household_head_changed": ("effective_on", None),
    "member_registered": ("joined_on", None),
    "member_updated": ("effective_on", None),
    "member_left": ("effective_on", "effective_on"),
    "employment_started": ("started_on", None),
    "employment_ended": ("ended_on", "ended_on"),
    "wage_paid": ("period_start", "period_end"),
}
# Facts for a period (a distribution's profit): ``period_start``/``period_end`` when the contract has them (v2), else the label.
PERIOD_FACTS = frozenset({"distribution_proposed", "distribution_approved", "distribution_withdrawn", "distribution_reversed"})


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def fact_dates(name: str, data: Mapping[str, Any]) -> tuple[date | None, date | None]:
    """The days a fact carries: (valid from, valid to); (None, None) for a fact that carries no date of its own."""
    if name == "labourer_compliance_changed" and isinstance(data.get("year"), int):
        return date(data["year"], 1, 1), date(data["year"], 12, 31)
    if name in PERIOD_FACTS:
        start, end = _as_date(data.get("period_start")), _as_date(data.get("period_end"))
        if start and end:
            return start, end
        try:
            return period_range(str(data.get("period")))
        except ValueError:
            return None, None
    fields_ = DATE_FIELDS.get(name)
    if fields_ is None:
        return None, None
    start = _as_date(data.get(fields_[0]))
    end = _as_date(data.get(fields_[1])) if fields_[1] else None
    return start, end


def _start(name: str, data: Mapping[str, Any]) -> date | None:
    """The day a fact starts counting: its own, else the day it was recorded (None when neither is known: it always counts)."""
    own, _ = fact_dates(name, data)
    return own or _as_date(data.get(RECORDED))


# ---- indicators ---------------------------------------------------------------------------------

EvidenceKind = Literal[
    "event", "household", "member", "village", "project", "entity", "allocation", "distribution", "asset",
    "lease_back", "land_transfer", "loan", "subsidy", "employment", "session", "training_file", "channel", "window",
    "ecommerce_point", "cold_chain_facility", "order_contract", "course",
]  # fmt: skip


class Cite(NamedTuple):
    """What a fact is evidence of: the kind of thing, the field naming it, the field labelling it."""

    kind: EvidenceKind
    key: str
    label: str | None


# Fact name → what it cites. Other facts cite the event itself.
CITES: dict[str, Cite] = {
    "allocation_recorded": Cite("allocation", "allocation_id", "purpose"),
    "project_registered": Cite("project", "project_id", "name"),
    "agreement_signed": Cite("project", "project_id", None),
    "distribution_approved": Cite("distribution", "distribution_id", "period"),
    "asset_registered": Cite("asset", "asset_id", "name"),
    "asset_handed_over": Cite("asset", "asset_id", "mode"),
    "asset_rights_transferred_to_collective": Cite("asset", "asset_id", "rights"),
    "lease_back_agreed": Cite("lease_back", "lease_back_id", "base_name"),
    "land_transferred": Cite("land_transfer", "land_transfer_id", "plot"),
    "loan_granted": Cite("loan", "loan_id", "bank"),
    "subsidy_paid": Cite("subsidy", "subsidy_id", "name"),
    "entity_registered": Cite("entity", "entity_id", "name"),
    "entity_updated": Cite("entity", "entity_id", "name"),
    "employment_started": Cite("employment", "employment_id", None),
    "session_completed": Cite("session", "session_id", None),
    "certificate_issued": Cite("training_file", "member_id", "skill"),
    "labourer_compliance_changed": Cite("training_file", "member_id", "status"),
    "direct_supply_channel_opened": Cite("channel", "channel_id", "counterparty"),
    "showcase_window_opened": Cite("window", "window_id", "paired_unit"),
    "ecommerce_point_registered": Cite("ecommerce_point", "point_id", "name"),
    "cold_chain_facility_registered": Cite("cold_chain_facility", "facility_id", "name"),
    "order_contract_signed": Cite("order_contract", "contract_id", None),
    "shares_quantified": Cite("household", "household_id", None),
    "member_registered": Cite("member", "member_id", "name"),
}


@dataclass(frozen=True, order=True)
class Evidence:
    """One thing an indicator's answer rests on: its kind, its id and, where the facts say it, a label."""

    kind: EvidenceKind
    id: str
    label: str = ""


@dataclass(frozen=True)
class Indicator:
    rule: str
    status: Status
    evidence: list[Evidence] = field(default_factory=list)
    numbers: dict[str, int] = field(default_factory=dict)
    note: str = ""


@dataclass
class Facts:
    """The facts one place's indicators read, whatever their dates; ``span`` is the days judged.

    ``known`` holds the fact names some producer publishes. Each fact's data carries its
    ``event_id`` and, from the ledger's table, ``recorded_on`` (``RECORDED``).
    """

    by_name: dict[str, list[dict[str, Any]]]
    known: frozenset[str]
    households: list[dict[str, Any]] = field(default_factory=list)  # ledger households: id, number, poverty_status, labour_count, left_on
    income_households: frozenset[str] = frozenset()  # households with income in the span
    year: int = 0
    county_allocations: list[dict[str, Any]] | None = None  # R1 is judged per county, also for a village
    span: Span | None = None  # None: the calendar year ``year``

    @property
    def days(self) -> Span:
        return self.span or Span.year(self.year)

    def of(self, name: str) -> list[dict[str, Any]]:
        """Every fact of one name the place has, whatever its dates (the rules that read a history use this)."""
        return self.by_name.get(name, [])

    def until(self, name: str) -> list[dict[str, Any]]:
        """The facts of one name that started by the span's last day (the history known at its end)."""
        last = self.days.last
        return [d for d in self.of(name) if (s := _start(name, d)) is None or s <= last]

    def in_force(self, name: str, items: Iterable[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
        """The facts of one name in force on some day of the span: started by its end, not ended before its start."""
        first, last = self.days.first, self.days.last
        out = []
        for d in self.of(name) if items is None else items:
            start, end = _start(name, d), fact_dates(name, d)[1]
            if (start is None or start <= last) and (end is None or end >= first):
                out.append(d)
        return out

    def published(self, *names: str) -> bool:
        return any(n in self.known for n in names)

    def typed(self, contract: type[C], items: Iterable[dict[str, Any]] | None = None) -> list[tuple[str, C]]:
        """The facts of one contract (or ``items`` of it) read back; one it cannot read is logged and left out."""
        out: list[tuple[str, C]] = []
        for data in self.of(contract.event_type.split(".")[2]) if items is None else items:
            fields_ = {k: v for k, v in data.items() if k not in LEDGER_KEYS}
            try:
                out.append((str(data["event_id"]), contract.model_validate(fields_)))
            except ValidationError as exc:
                log.warning("fact not read as %s: %s", contract.event_type, exc.errors()[:3], extra={"event_id": data.get("event_id")})
        return out

    def projects(self) -> list[dict[str, Any]]:
        """Projects in force in the span: during the term of an agreement signed for them, else from the day they were recorded."""
        terms: dict[str, list[dict[str, Any]]] = {}
        for a in self.of("agreement_signed"):
            terms.setdefault(str(a.get("project_id")), []).append(a)
        out = []
        for p in self.of("project_registered"):
            signed = terms.get(str(p.get("project_id")))
            if signed:
                if self.in_force("agreement_signed", signed):
                    out.append(p)
            elif self.in_force("project_registered", [p]):
                out.append(p)
        return out


def approved_distributions(facts: Facts) -> list[dict[str, Any]]:
    """Approved distributions for a period overlapping the span, less those an approved reversal took back: a correction, not an edit."""
    reversed_ids = {str(r.get("distribution_id")) for r in facts.of("distribution_reversed")}
    return [d for d in facts.in_force("distribution_approved") if str(d.get("distribution_id")) not in reversed_ids]


def cite(name: str, items: Iterable[Mapping[str, Any]]) -> list[Evidence]:
    """The evidence facts of one name give: the thing each is about (``CITES``), else the event itself; sorted, once each."""
    kind, key, label = CITES.get(name, Cite("event", "event_id", None))
    out: dict[tuple[str, str], Evidence] = {}
    for i in items:
        ident = i.get(key) if i.get(key) else i.get("event_id")
        k: EvidenceKind = kind if i.get(key) else "event"
        if ident is None:
            continue
        text = i.get(label) if label else None
        out.setdefault((k, str(ident)), Evidence(k, str(ident), str(text) if text is not None else ""))
    return sorted(out.values())


def households_cited(facts: Facts, ids: Iterable[str]) -> list[Evidence]:
    numbers = {str(h["household_id"]): str(h.get("household_number") or "") for h in facts.households}
    return sorted({Evidence("household", i, numbers.get(i, "")) for i in ids})


def members_cited(facts: Facts, ids: Iterable[str]) -> list[Evidence]:
    names: dict[str, str] = {}
    for m in facts.of("member_registered") + facts.of("member_updated"):
        if m.get("name"):
            names[str(m["member_id"])] = str(m["name"])
    return sorted({Evidence("member", i, names.get(i, "")) for i in ids})


def _unpublished(rule: str, *names: str) -> Indicator:
    return Indicator(rule, NO_DATA, note=f"waiting for {', '.join(names)} from its producer")


def _distribution_check(rule: str, distributions: list[dict[str, Any]], floor_bp: int, judge: Callable[[PoorShare], Outcome]) -> Indicator:
    """Every distribution gives poor households at least ``floor_bp`` of what it distributes: the rule's ``policy`` verdict, one distribution at a time."""
    judged = [d for d in distributions if isinstance(d.get("total_fen"), int) and isinstance(d.get("poor_households_fen"), int)]
    if not judged:
        return Indicator(rule, NO_DATA, cite("distribution_approved", distributions), note="no distribution with amounts")
    failing = [d for d in judged if not judge(PoorShare(d["total_fen"], d["poor_households_fen"])).ok]
    total = sum(d["total_fen"] for d in judged)
    poor = sum(d["poor_households_fen"] for d in judged)
    numbers = {"distributions": len(judged), "total_fen": total, "poor_households_fen": poor, "poor_share_bp": share_bp(poor, total), "floor_bp": floor_bp}
    if failing:
        return Indicator(rule, NOT_MET, cite("distribution_approved", failing), numbers | {"failing": len(failing)})
    return Indicator(rule, MET, cite("distribution_approved", judged), numbers)


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
ENTITY_ACTS = (
    "allocation_recorded", "agreement_signed", "asset_handed_over", "lease_back_agreed", "land_transferred", "loan_granted",
    "employment_started", "order_contract_signed", "distribution_approved",
)  # fmt: skip


def entities_since(facts: Facts) -> dict[str, date]:
    """The first day each entity is known to act: the earliest own date of a fact naming it (an agreement's term, a
    handover, a lease, an allocation, an employment …). An entity's registration carries no date of its own."""
    since: dict[str, date] = {}
    for name in ENTITY_ACTS:
        for d in facts.of(name):
            if not d.get("entity_id"):
                continue
            own = fact_dates(name, d)[0]
            if own is not None and (str(d["entity_id"]) not in since or own < since[str(d["entity_id"])]):
                since[str(d["entity_id"])] = own
    return since


def _current_entities(facts: Facts) -> list[dict[str, Any]]:
    """Entities known by the span's end (registered, or acting by then: ``entities_since``), as their latest update says."""
    since = entities_since(facts)
    last = facts.days.last
    latest: dict[str, dict[str, Any]] = {}
    for e in facts.of("entity_registered") + facts.of("entity_updated"):
        key = str(e.get("entity_id"))
        started = _start("entity_registered", e)
        if started is None or started <= last or (key in since and since[key] <= last):
            latest[key] = latest.get(key, {}) | e
    registered = {str(e.get("entity_id")) for e in facts.of("entity_registered")}
    return [e for k, e in latest.items() if k in registered]


def _shares_in_force(facts: Facts) -> list[dict[str, Any]]:
    """Quantified shares whose project is in force (or whose asset was built) in the span; others from the day they were recorded."""
    projects = {str(p.get("project_id")) for p in facts.projects()}
    known_projects = {str(p.get("project_id")) for p in facts.of("project_registered")}
    assets = {str(a.get("asset_id")) for a in facts.until("asset_registered")}
    known_assets = {str(a.get("asset_id")) for a in facts.of("asset_registered")}
    recorded = {str(s.get("event_id")) for s in facts.until("shares_quantified")}
    out = []
    for s in facts.of("shares_quantified"):
        project, asset = str(s.get("project_id")), str(s.get("asset_id"))
        if s.get("project_id") and project in known_projects:
            ok = project in projects
        elif s.get("asset_id") and asset in known_assets:
            ok = asset in assets
        else:
            ok = str(s.get("event_id")) in recorded
        if ok:
            out.append(s)
    return out


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


def labourers(facts: Facts) -> dict[str, dict[str, Any]]:
    """Members with labour capacity, as their latest facts by the span's end say, who joined by then and had not left by then."""
    members: dict[str, dict[str, Any]] = {}
    joined = {str(m["member_id"]) for m in facts.until("member_registered")}
    for m in facts.until("member_registered") + facts.until("member_updated"):
        if str(m["member_id"]) in joined:
            members[str(m["member_id"])] = members.get(str(m["member_id"]), {}) | m
    for m in facts.until("member_left"):
        members.pop(str(m["member_id"]), None)
    return {k: v for k, v in members.items() if v.get("labour_capacity") in ("full", "partial")}


def training_compliant(member_id: str, facts: Facts, t: Thresholds) -> bool | None:
    """R7 §3.2 for one labourer in the span's year, None if unknown: training's verdict for that year, else policy's R7 over the sessions and certificates."""
    year = facts.days.last.year
    verdicts = [c for _, c in facts.typed(LabourerComplianceChanged) if c.member_id == member_id and c.year == year]
    if verdicts:
        return verdicts[-1].status == "compliant"  # facts come in log order: the year's last word
    sessions = [s for _, s in facts.typed(SessionCompleted, facts.until("session_completed")) if s.member_id == member_id]
    certificates = [c for _, c in facts.typed(CertificateIssued, facts.until("certificate_issued")) if c.member_id == member_id]
    if not sessions and not certificates:
        return None
    years = r7_compliance(
        sessions=[CompletedSession(year=s.year, days_attended=s.days_attended) for s in sessions],
        skills_certified_on=[c.certified_on for c in certificates],
        through_year=year,
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


def _loan_in_force(loan: Mapping[str, Any], facts: Facts) -> bool:
    """A loan from ``granted_on`` for ``term_months`` (to the same day that many months on) meets the span."""
    granted = _as_date(loan.get("granted_on"))
    months = loan.get("term_months")
    if granted is None or not isinstance(months, int):
        return bool(facts.in_force("loan_granted", [dict(loan)]))
    y, m = divmod(granted.month - 1 + months, 12)
    ends = date(granted.year + y, m + 1, min(granted.day, 28))
    return granted <= facts.days.last and ends >= facts.days.first


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


# ---- higher levels: villages, not "any village" ----------------------------------------------------

# Rules judged for a county as a whole (R1: the county's special fund); every other indicator is a village's.
COUNTY_RULES = frozenset({"R1"})


@dataclass(frozen=True)
class Tally:
    """A rule over a township's, county's or the city's places: which meet it, which do not, which cannot be judged."""

    status: Status
    met: list[str]
    not_met: list[str]
    no_data: list[str]

    @property
    def met_share_bp(self) -> int:
        """Of the places the rule can be judged in (met or not), the share meeting it, in basis points rounded down."""
        return share_bp(len(self.met), len(self.met) + len(self.not_met))


def tally(rule: str, statuses: Mapping[str, Status]) -> Tally:
    """A place meets a village rule only when every village it can be judged in meets it (and one does); one short is not met."""
    met = sorted(k for k, s in statuses.items() if s == MET)
    not_met = sorted(k for k, s in statuses.items() if s == NOT_MET)
    no_data = sorted(k for k, s in statuses.items() if s == NO_DATA)
    status: Status = NOT_MET if not_met else MET if met else NO_DATA
    return Tally(status, met, not_met, no_data)
