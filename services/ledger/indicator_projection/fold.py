"""The consumer's share of the indicators: each batch's rows folded into the indicator projections (``models.py``).

Called with the rows ``projector.Rows`` gathered for a batch, by the consumer (``Rows.write``) and by the
replay (``audit.replay._copy``), so both paths keep the same tables.

* **Light facts** (``LIGHT``: villages, allocations, projects, agreements, entities, distributions, assets,
  shares, the market's channels) are kept as the log said them (``IndicatorFact``); the indicators that read
  only them are judged at read time by ``services.ledger.indicators``' own functions.
* **Things that grow with households** — each household, labourer, training session, and each order
  contract, lease-back, loan and training fact — become *runs*: the days D on which the thing counts
  for a key when the span judged ends on D (1 January of D's year … D, docs/indicators.md §2). A fact in
  force from ``s`` to ``e`` counts for spans ending on ``s`` … 31 December of ``e``'s year; a labourer's
  standing is evaluated by ``indicators.member_as_of`` / ``compliance`` on each day it can change.
  The runs themselves are ``runs.py``'s pure functions, with the rules' ``policy`` verdicts; here they are
  gathered from a batch, compared with the stored ones and written.
* **Counters**: each run adds +1 on its first day and −1 the day after its last to ``IndicatorEdge``
  (village, key, day); the count on day D is the sum up to D. A subject whose facts change is re-derived
  and only the difference of its runs is written.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Awaitable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, case, delete, insert, or_, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from services.ledger import domain
from services.ledger.indicator_projection.models import (
    IndicatorEdge,
    IndicatorEntityAct,
    IndicatorFact,
    IndicatorIncome,
    IndicatorRun,
    IndicatorSubject,
    IndicatorVillage,
    VillageIncomeYear,
)
from services.ledger.indicator_projection.runs import (
    TRAINING,
    Item,
    as_day,
    fact_run,
    household_items,
    iso,
    member_items,
    order_of,
    session_items,
    single_fact_items,
)
from services.ledger.models import HouseholdSize, LedgerHousehold, table_of

if TYPE_CHECKING:
    from services.ledger.projector import Rows

Bind = AsyncSession | AsyncConnection
CHUNK = 900
# A bulk load (``audit.bulk_load``) derives the subjects once at its end (``bulk.derive_all``), not batch by batch.
DEFERRED: ContextVar[bool] = ContextVar("fupin_indicators_deferred", default=False)

# The facts the indicators read as the log said them: they grow with villages and projects, not households.
LIGHT = frozenset(
    {
        "village_registered", "village_updated", "allocation_recorded", "project_registered", "agreement_signed",
        "entity_registered", "entity_updated", "distribution_approved", "distribution_reversed", "asset_registered",
        "asset_handed_over", "land_transferred", "shares_quantified", "direct_supply_channel_opened",
        "showcase_window_opened", "ecommerce_point_registered", "cold_chain_facility_registered",
    }
)  # fmt: skip
LEADER_FACTS = ("member_registered", "member_updated")
# Household-level facts naming the entity acting in them (domain.ENTITY_ACTS not in LIGHT): their earliest own date.
ENTITY_ACT_DAYS = {"lease_back_agreed": "start_on", "loan_granted": "granted_on", "employment_started": "started_on", "order_contract_signed": "starts_on"}
R4_FIRST = 5  # R4 cites the first five training facts in force (indicators.r4_characteristic_industry)
MEMBER_FACTS = frozenset({"member_registered", "member_updated", "member_left", *TRAINING, "employment_started", "employment_ended"})


# ---- the batch ---------------------------------------------------------------------------------------


def _insert(bind: Bind, model: Any) -> Any:
    table = table_of(model)
    dialect = bind.dialect.name if isinstance(bind, AsyncConnection) else bind.get_bind().dialect.name
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), CHUNK):
        yield values[i : i + CHUNK]


async def _states(bind: Bind, keys: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    t = table_of(IndicatorSubject)
    for chunk in _chunks(keys):
        for key, state in (await bind.execute(select(t.c.subject_key, t.c.state).where(t.c.subject_key.in_(chunk)))).all():
            out[key] = state if isinstance(state, dict) else json.loads(state)
    return out


async def _old_runs(bind: Bind, keys: list[str]) -> dict[str, set[Item]]:
    out: dict[str, set[Item]] = defaultdict(set)
    t = table_of(IndicatorRun)
    for chunk in _chunks(keys):
        for r in (await bind.execute(select(t).where(t.c.subject_key.in_(chunk)))).mappings():
            out[r["subject_key"]].add(
                Item(r["village_code"], r["key"], domain.Evidence(r["item_kind"], r["item_id"], r["label"]), r["from_on"], r["to_on"], r["ord"])
            )
    return out


class Changes:
    """The runs a batch adds and takes away, and the counters' differences they make."""

    def __init__(self) -> None:
        self.added: list[tuple[str, Item]] = []
        self.removed: list[tuple[str, Item]] = []
        self.edges: dict[tuple[str, str, date], int] = defaultdict(int)

    def add(self, subject: str, item: Item, *, counted: bool = True, stored: bool = True) -> None:
        if stored:
            self.added.append((subject, item))
        if counted:
            self._edge(item, 1)

    def remove(self, subject: str, item: Item, *, counted: bool = True, stored: bool = True) -> None:
        if stored:
            self.removed.append((subject, item))
        if counted:
            self._edge(item, -1)

    def _edge(self, item: Item, sign: int) -> None:
        self.edges[(item.village, item.key, item.from_on)] += sign
        if item.to_on is not None:
            self.edges[(item.village, item.key, item.to_on + timedelta(days=1))] -= sign

    def replace(self, subject: str, old: set[Item], new: Iterable[Item]) -> None:
        fresh = set(new)
        for item in old - fresh:
            self.remove(subject, item)
        for item in fresh - old:
            self.add(subject, item)


def _row(subject: str, item: Item) -> dict[str, Any]:
    ev = item.evidence
    return {
        "subject_key": subject, "key": item.key, "item_kind": ev.kind, "item_id": ev.id[:80], "from_on": item.from_on, "to_on": item.to_on,
        "village_code": item.village, "label": ev.label[:200], "ord": item.ord,
    }  # fmt: skip


def _village_of(f: Mapping[str, Any]) -> str | None:
    village = f.get("village_code")
    return village if isinstance(village, str) and len(village) == 12 else None


@dataclass
class Gathered:
    """What a run of policy facts says for the indicator projections, grouped by the subject it changes."""

    changes: Changes = field(default_factory=lambda: Changes())
    light: list[dict[str, Any]] = field(default_factory=list)
    acts: dict[tuple[str, str, str], date] = field(default_factory=dict)
    villages: set[str] = field(default_factory=set)
    members: dict[str, list[tuple[str, dict[str, Any], str]]] = field(default_factory=lambda: defaultdict(list))
    sessions: dict[str, list[list[Any]]] = field(default_factory=lambda: defaultdict(list))
    jobs: dict[str, list[tuple[str, dict[str, Any], str]]] = field(default_factory=lambda: defaultdict(list))
    training_top: list[tuple[str, Item]] = field(default_factory=list)

    def subject_facts(self, f: Mapping[str, Any], name: str, data: dict[str, Any], village: str) -> None:
        """The member, session and household a household-level fact changes."""
        full = data | {"event_id": f["event_id"], domain.RECORDED: f["recorded_at"].date()}
        ord_ = order_of(f["recorded_at"], f["event_id"])
        if name == "session_completed" and data.get("session_id"):
            run = fact_run(name, full)
            if run is not None:
                start = domain._start(name, full)
                self.sessions[f"s:{village}:{data['session_id']}"].append([iso(start), ord_, data.get("category"), data.get("industry"), iso(run[1])])
        if name in MEMBER_FACTS and data.get("member_id"):
            self.members[str(data["member_id"])].append((name, full, ord_))
        if name in ("employment_started", "employment_ended") and data.get("household_id"):
            self.jobs[str(data["household_id"])].append((name, full, ord_))

    def fact(self, f: Mapping[str, Any]) -> None:
        name, data, village = f["fact"], f["data"] if isinstance(f["data"], dict) else {}, _village_of(f)
        if village:
            self.villages.add(village)
        leader = name in LEADER_FACTS and (data.get("is_party_member") or data.get("is_village_cadre"))
        if name in LIGHT or leader:
            self.light.append({k: f[k] for k in ("event_id", "fact", "village_code", "county_code", "recorded_at")} | {"data": data})
        if village is None or name in LIGHT:
            return
        full = data | {"event_id": f["event_id"], domain.RECORDED: f["recorded_at"].date()}
        try:
            if name in ENTITY_ACT_DAYS and data.get("entity_id") and (own := domain.fact_dates(name, data)[0]) is not None:
                act = (village, str(data["entity_id"]), name)
                self.acts[act] = min(own, self.acts.get(act, own))
            for item in single_fact_items(name, full, village, order_of(f["recorded_at"], f["event_id"])):
                if name in TRAINING:
                    self.changes.add(f"f:{f['event_id']}", item, stored=False)
                    self.training_top.append((f"f:{f['event_id']}", item))
                else:
                    self.changes.add(f"f:{f['event_id']}", item)
            if not DEFERRED.get():
                self.subject_facts(f, name, data, village)
        except (KeyError, ValueError, TypeError):
            return  # a fact this reading cannot place is still kept as a policy fact


async def apply(bind: Bind, rows: Rows) -> None:
    """Fold one batch into the indicator projections, in the batch's transaction.

    In a bulk load (``DEFERRED``) the subjects (members, sessions, households) are derived once at its end
    (``bulk.derive_all``), from the facts and rows the load wrote: the same tables as batch by batch."""
    g = Gathered()
    for f in rows.facts:
        g.fact(f)
    incomes: dict[tuple[str, int, str], tuple[date | None, bool]] = {}
    village_sums: dict[tuple[str, int, str], int] = defaultdict(int)
    for r in rows.incomes:
        hid, fen, on, village = r[1], int(r[3]), r[4], r[6]
        g.villages.add(village)
        village_sums[(village, on.year, r[2])] += fen
        first, negative = incomes.get((hid, on.year, village), (None, False))
        if fen > 0 and (first is None or on < first):
            first = on
        incomes[(hid, on.year, village)] = (first, negative or fen < 0)
    if g.light:
        await bind.execute(_insert(bind, IndicatorFact).on_conflict_do_nothing(index_elements=["event_id"]), g.light)
    if g.acts:
        stmt = _insert(bind, IndicatorEntityAct)
        t = table_of(IndicatorEntityAct)
        stmt = stmt.on_conflict_do_update(
            index_elements=["village_code", "entity_id", "fact"], set_={"since": stmt.excluded.since}, where=stmt.excluded.since < t.c.since
        )
        await bind.execute(stmt, [{"village_code": v, "entity_id": e, "fact": n, "since": d} for (v, e, n), d in g.acts.items()])
    if g.villages:
        named = [{"village_code": v} for v in sorted(g.villages)]
        await bind.execute(_insert(bind, IndicatorVillage).on_conflict_do_nothing(index_elements=["village_code"]), named)
    if incomes:
        stmt = _insert(bind, IndicatorIncome)
        c, x = table_of(IndicatorIncome).c, stmt.excluded
        earlier = case((c.first_on.is_(None), x.first_on), (x.first_on.is_(None), c.first_on), (x.first_on < c.first_on, x.first_on), else_=c.first_on)
        stmt = stmt.on_conflict_do_update(
            index_elements=["household_id", "year", "village_code"], set_={"first_on": earlier, "negative": or_(c.negative, x.negative)}
        )
        await bind.execute(stmt, [{"household_id": h, "year": y, "village_code": v, "first_on": f, "negative": n} for (h, y, v), (f, n) in incomes.items()])
    if village_sums:
        stmt = _insert(bind, VillageIncomeYear)
        stmt = stmt.on_conflict_do_update(
            index_elements=["village_code", "year", "benefit_type"], set_={"amount_fen": table_of(VillageIncomeYear).c.amount_fen + stmt.excluded.amount_fen}
        )
        # In key order, as the monitoring upserts: two transactions adding to one village's rows cannot deadlock.
        await bind.execute(stmt, [{"village_code": v, "year": y, "benefit_type": b, "amount_fen": n} for (v, y, b), n in sorted(village_sums.items())])
    new_states: dict[str, dict[str, Any]] = {}
    if not DEFERRED.get():
        homes = {h["household_id"] for h in rows.households} | set(rows.status) | set(rows.left) | {s["household_id"] for s in rows.sizes}
        homes |= set(g.jobs) | {h for h, _, _ in incomes}
        states = await _states(bind, sorted(g.sessions) + [f"m:{m}" for m in g.members] + [f"h:{h}" for h in homes])
        await derive(bind, g, states, sorted(homes), new_states)
    await write(bind, g.changes, new_states, g.training_top)


async def derive(
    bind: Bind,
    g: Gathered,
    states: dict[str, dict[str, Any]],
    homes: list[str],
    new_states: dict[str, dict[str, Any]],
    *,
    entries_ready: Awaitable[Any] | None = None,
) -> None:
    """Merge the gathered facts into their subjects' states and replace the subjects' runs by those the states give.

    ``entries_ready``: awaited before the income entries are read by household (a bulk load's end, while their
    index is still being built: ``bulk.derive_all``)."""
    subjects = sorted(g.sessions) + [f"m:{m}" for m in g.members] + [f"h:{h}" for h in homes]
    old = await _old_runs(bind, subjects)
    changes = g.changes
    for key, said in g.sessions.items():
        state = states.get(key, {"f": []})
        seen = {f[1] for f in state["f"]}
        state["f"] = sorted(state["f"] + [f for f in said if f[1] not in seen], key=lambda f: f[1])
        new_states[key] = state
        village, _, session_id = key[2:].partition(":")
        changes.replace(key, old.get(key, set()), session_items(key, village, session_id, state))
    for member_id, member_facts in g.members.items():
        key = f"m:{member_id}"
        state = states.get(key, {})
        _merge_member(state, member_facts)
        new_states[key] = state
        changes.replace(key, old.get(key, set()), member_items(member_id, state))
    if homes:
        await _fold_households(bind, homes, states, old, new_states, g.jobs, changes, entries_ready)


def _merge_member(state: dict[str, Any], facts: list[tuple[str, dict[str, Any], str]]) -> None:
    """Add a batch's facts of one member to its state, each once, in log order."""
    for name, data, ord_ in facts:
        if ord_ in state.setdefault("seen", []):
            continue
        state["seen"].append(ord_)
        start = iso(domain._start(name, data))
        if name in ("member_registered", "member_updated"):
            if name == "member_registered" or not state.get("v"):
                state["v"] = data.get("village_code")
            kept = {k: data[k] for k in ("labour_capacity", "name") if k in data}
            state.setdefault("reg" if name == "member_registered" else "upd", []).append([start, ord_, kept])
        elif name == "member_left":
            state.setdefault("left", []).append([start, ord_])
        elif name == "labourer_compliance_changed":
            if isinstance(data.get("year"), int):
                state.setdefault("cmp", []).append([data["year"], data.get("status"), ord_])
        elif name == "session_completed":
            state.setdefault("ses", []).append([start, ord_, int(data["year"]), int(data["days_attended"])])
        elif name == "certificate_issued":
            state.setdefault("cert", []).append([start, ord_, data.get("certified_on")])
        elif name in ("employment_started", "employment_ended"):
            job = state.setdefault("emp", {}).setdefault(str(data.get("employment_id")), {"s": [], "e": None})
            if name == "employment_started":
                job["s"].append([start, ord_])
            elif job["e"] is None or ord_ > job["e"][1]:
                job["e"] = [iso(as_day(data.get("ended_on"))), ord_]
    state["seen"].sort()
    for k in ("reg", "upd", "left", "cmp", "ses", "cert"):
        if k in state:
            state[k].sort(key=lambda f: f[2] if k == "cmp" else f[1])


async def _fold_households(
    bind: Bind,
    homes: list[str],
    states: dict[str, dict[str, Any]],
    old: dict[str, set[Item]],
    new_states: dict[str, dict[str, Any]],
    jobs: dict[str, list[tuple[str, dict[str, Any], str]]],
    changes: Changes,
    entries_ready: Awaitable[Any] | None = None,
) -> None:
    h, s, inc = table_of(LedgerHousehold), table_of(HouseholdSize), table_of(IndicatorIncome)
    register: dict[str, dict[str, Any]] = {}
    sizes: dict[str, list[tuple[date, datetime, int]]] = defaultdict(list)
    earned: dict[str, dict[str, Any]] = defaultdict(dict)  # household → "year|village" → first positive day, or each day's sum
    exact: list[tuple[str, str]] = []
    for chunk in _chunks(homes):
        for r in (await bind.execute(select(h).where(h.c.household_id.in_(chunk)))).mappings():
            register[r["household_id"]] = dict(r)
        stmt = select(s.c.household_id, s.c.effective_on, s.c.recorded_at, s.c.labour_count).where(s.c.household_id.in_(chunk))
        for hid, on, at, labour in (await bind.execute(stmt)).all():
            sizes[hid].append((on, at, labour))
        for hid, year, village, first, negative in (await bind.execute(select(inc).where(inc.c.household_id.in_(chunk)))).all():
            if negative:
                exact.append((hid, f"{year}|{village}"))
            elif first is not None:
                earned[hid][f"{year}|{village}"] = first.isoformat()
    if exact:
        if entries_ready is not None:
            await entries_ready
        await _exact_income(bind, exact, earned)
    for hid in homes:
        key = f"h:{hid}"
        state = states.get(key, {})
        for name, data, ord_ in jobs.get(hid, []):
            job = state.setdefault("emp", {}).setdefault(str(data.get("employment_id")), {"s": [], "e": None})
            if name == "employment_started":
                start = iso(domain._start(name, data))
                if all(x[1] != ord_ for x in job["s"]):
                    job["s"] = sorted(job["s"] + [[start, ord_, data.get("entity_id"), data.get("village_code")]], key=lambda x: x[1])
            elif job["e"] is None or ord_ > job["e"][1]:
                job["e"] = [iso(as_day(data.get("ended_on"))), ord_]
        if state or key in states:
            new_states[key] = state
        items = household_items(hid, state, earned.get(hid, {}), register.get(hid), sizes.get(hid, []))
        changes.replace(key, old.get(key, set()), items)


async def _exact_income(bind: Bind, pairs: list[tuple[str, str]], earned: dict[str, dict[str, Any]]) -> None:
    """A household's year with a negative amount (a reversal): each day's sum from its income entries, for the running total."""
    from services.ledger.models import IncomeEntry

    t = table_of(IncomeEntry)
    for hid, year_village in pairs:
        year, _, village = year_village.partition("|")
        stmt = select(t.c.occurred_on, t.c.amount_fen).where(
            t.c.household_id == hid, t.c.village_code == village, t.c.occurred_on >= date(int(year), 1, 1), t.c.occurred_on <= date(int(year), 12, 31)
        )
        days: dict[str, int] = defaultdict(int)
        for on, fen in (await bind.execute(stmt)).all():
            days[on.isoformat()] += int(fen)
        earned[hid][year_village] = dict(sorted(days.items()))


async def write(bind: Bind, changes: Changes, states: dict[str, dict[str, Any]], training_top: list[tuple[str, Item]]) -> None:
    run = table_of(IndicatorRun)
    if changes.removed:
        keys = [(s, i.key, i.evidence.kind, i.evidence.id[:80], i.from_on) for s, i in changes.removed]
        cols = (run.c.subject_key, run.c.key, run.c.item_kind, run.c.item_id, run.c.from_on)
        for chunk in _chunks(keys):
            await bind.execute(delete(run).where(or_(*[and_(*[c == v for c, v in zip(cols, k, strict=True)]) for k in chunk])))
    if changes.added:
        await bind.execute(insert(run), [_row(s, i) for s, i in changes.added])
    if training_top:
        await _keep_first(bind, training_top)
    if states:
        stmt = _insert(bind, IndicatorSubject)
        stmt = stmt.on_conflict_do_update(index_elements=["subject_key"], set_={"state": stmt.excluded.state})
        await bind.execute(stmt, [{"subject_key": k, "state": v} for k, v in states.items()])
    deltas = [{"village_code": v, "key": k, "day": d, "n": n} for (v, k, d), n in changes.edges.items() if n]
    if deltas:
        stmt = _insert(bind, IndicatorEdge)
        edge = table_of(IndicatorEdge)
        stmt = stmt.on_conflict_do_update(index_elements=["village_code", "key", "day"], set_={"n": edge.c.n + stmt.excluded.n})
        await bind.execute(stmt, deltas)
        touched = sorted({(d["village_code"], d["key"]) for d in deltas})
        for chunk in _chunks(touched):
            await bind.execute(delete(edge).where(edge.c.n == 0, tuple_(edge.c.village_code, edge.c.key).in_(chunk)))


async def _keep_first(bind: Bind, candidates: list[tuple[str, Item]]) -> None:
    """R4's training facts: of those sharing a village, key and days, only the first five in log order are kept as runs
    (the first five in force on any day are among them); all of them are counted."""
    run = table_of(IndicatorRun)
    groups: dict[tuple[str, str, date, date | None], list[tuple[str, str, Item]]] = defaultdict(list)
    for subject, item in candidates:
        groups[(item.village, item.key, item.from_on, item.to_on)].append((item.ord, subject, item))
    pairs = sorted({(g[0], g[1]) for g in groups})
    existing: dict[tuple[str, str, date, date | None], list[tuple[str, str, Item]]] = defaultdict(list)
    for chunk in _chunks(pairs):
        stmt = select(run).where(tuple_(run.c.village_code, run.c.key).in_(chunk))
        for r in (await bind.execute(stmt)).mappings():
            group = (r["village_code"], r["key"], r["from_on"], r["to_on"])
            if group in groups:
                ev = domain.Evidence(r["item_kind"], r["item_id"], r["label"])
                existing[group].append((r["ord"], r["subject_key"], Item(r["village_code"], r["key"], ev, r["from_on"], r["to_on"], r["ord"])))
    drop: list[str] = []
    add: list[dict[str, Any]] = []
    for group, fresh in groups.items():
        kept = sorted(existing.get(group, []) + fresh, key=lambda x: x[0])[:R4_FIRST]
        keep_subjects = {s for _, s, _ in kept}
        drop += [s for _, s, _ in existing.get(group, []) if s not in keep_subjects]
        add += [_row(s, i) for _, s, i in fresh if s in keep_subjects]
    for chunk in _chunks(drop):
        await bind.execute(delete(run).where(run.c.subject_key.in_(chunk)))
    if add:
        await bind.execute(insert(run), add)
