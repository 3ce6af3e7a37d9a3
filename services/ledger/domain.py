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

from policy.funds import PoorShare
from policy.linkage import Span
from policy.periods import period_range
from policy.verdicts import Outcome
from shared.events.contracts import EventData
from shared.events.income import BENEFIT_TYPES

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


# ---- the entities and shares in force ----------------------------------------------------------


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
