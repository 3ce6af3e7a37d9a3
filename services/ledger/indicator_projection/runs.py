"""The indicators' runs, derived from what one thing's facts say: pure functions, no database (``fold`` stores them).

A run is the days D on which a thing counts for a key of an indicator when the span judged ends on D
(1 January of D's year … D, docs/indicators.md §2): an order contract, lease-back, loan or training fact on its
own (``single_fact_items``), a training session (R8, ``session_items``), a member (R7 and 人人有脱贫门路,
``member_items``), a household (户户有增收项目, R6, R13, ``household_items``). The per-item verdicts are the
rules' ``policy`` functions (R8, R11, R12, R14, R7 via ``indicators.compliance``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from policy import funds as policy_funds
from policy.market import r12_order_farming
from policy.settings import thresholds
from policy.training import CompletedSession, r8_course
from services.ledger import domain, indicators

MIN_DAY = date(1, 1, 1)  # a fact without a date of its own counts on every day
TRAINING = domain.TRAINING_FACTS


class Item(NamedTuple):
    """One run: ``key`` counts ``evidence`` in ``village`` for spans ending on ``from_on`` … ``to_on`` (None: on)."""

    village: str
    key: str
    evidence: domain.Evidence
    from_on: date
    to_on: date | None
    ord: str = ""


def order_of(recorded: datetime, event_id: str) -> str:
    """A fact's place in the log as the indicators read it (recorded time, then event id), as sortable text."""
    return f"{recorded.strftime('%Y%m%dT%H%M%S%f')}|{event_id}"


def year_end(day: date) -> date:
    return date(day.year, 12, 31)


def as_day(value: Any) -> date | None:
    return domain._as_date(value)


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def fact_run(name: str, data: Mapping[str, Any]) -> tuple[date, date | None] | None:
    """The days D a fact is in force in the span ending on D: from its start to 31 December of its end's year."""
    start = domain._start(name, data) or MIN_DAY
    end = domain.fact_dates(name, data)[1]
    if end is None:
        return start, None
    last = year_end(end)
    return (start, last) if last >= start else None


def union(runs: Iterable[tuple[date, date | None]]) -> list[tuple[date, date | None]]:
    """Runs of days merged where they overlap or touch."""
    out: list[tuple[date, date | None]] = []
    for start, end in sorted(runs, key=lambda r: r[0]):
        if out:
            prev_start, prev_end = out[-1]
            if prev_end is None or start <= prev_end + timedelta(days=1):
                out[-1] = (prev_start, None if prev_end is None or end is None else max(prev_end, end))
                continue
        out.append((start, end))
    return out


def meet(a: tuple[date, date | None], b: tuple[date, date | None]) -> tuple[date, date | None] | None:
    start = max(a[0], b[0])
    ends = [e for e in (a[1], b[1]) if e is not None]
    end = min(ends) if ends else None
    return (start, end) if end is None or end >= start else None


def runs_by_evaluation(days: Iterable[date], status: Callable[[date], set[tuple[str, str, domain.Evidence]]]) -> list[Item]:
    """Items from a standing evaluated on each day it can change (``days``); it holds until the next such day."""
    ordered = sorted(set(days))
    open_: dict[tuple[str, str, domain.Evidence], date] = {}
    out: list[Item] = []
    for day in ordered:
        now = status(day)
        for k in [k for k in open_ if k not in now]:
            out.append(Item(k[0], k[1], k[2], open_.pop(k), day - timedelta(days=1)))
        for k in now:
            open_.setdefault(k, day)
    out.extend(Item(k[0], k[1], k[2], start, None) for k, start in open_.items())
    return out


# ---- facts on their own: order contracts, lease-backs, loans, training facts -------------------------


def single_fact_items(name: str, data: dict[str, Any], village: str, ord_: str) -> list[Item]:
    """The runs one household-level fact adds by itself, with the rule's ``policy`` verdict on it."""
    out: list[Item] = []
    if name == "loan_granted":
        term = indicators.loan_term(data)
        run = fact_run(name, data) if term is None else ((term[0], year_end(term[1])) if year_end(term[1]) >= term[0] else None)
    else:
        run = fact_run(name, data)
    if run is None:
        return out
    (ev,) = domain.cite(name, [data]) or [domain.Evidence("event", str(data.get("event_id")))]

    def add(key: str) -> None:
        out.append(Item(village, key, ev, run[0], run[1], ord_))

    if name == "order_contract_signed":
        add("R12.contracts")
        if not r12_order_farming(floor_price_fen=int(data.get("floor_price_fen") or 0)).ok:
            add("R12.failing")
    elif name == "lease_back_agreed":
        add("R14.agreements")
        stated = bool(data.get("has_disaster_terms"))
        if not policy_funds.r14_lease_back(prevention_stated=stated, handling_stated=stated).ok:
            add("R14.failing")
    elif name == "loan_granted":
        add("R11.loans")
        if data.get("use") == "entrusted":
            add("R11.entrusted")
            verdict = policy_funds.r11_microcredit(
                use="entrusted", entity_id=data.get("entity_id"), guaranteed_return_fen_per_year=data.get("guaranteed_return_fen_per_year")
            )
            if not verdict.ok:
                add("R11.failing")
    elif name in TRAINING:
        add(f"R4.{name}")
    return out


# ---- subjects: a training session (R8), a member (R7, 人人有脱贫门路), a household -------------------------


def session_items(key: str, village: str, session_id: str, state: dict[str, Any]) -> list[Item]:
    """R8 for one session: in the span when one of its facts is; judged by its last such fact's course (``r8_course``)."""
    facts = sorted(state.get("f", []), key=lambda f: f[1])  # [start, ord, category, industry, last day]
    runs = [(as_day(f[0]) or MIN_DAY, as_day(f[4])) for f in facts]
    ev = domain.Evidence("session", session_id, "")

    def status(day: date) -> set[tuple[str, str, domain.Evidence]]:
        live = [f for f, (s, e) in zip(facts, runs, strict=True) if s <= day and (e is None or day <= e)]
        if not live:
            return set()
        last = live[-1]
        out = {(village, "R8.sessions", ev)}
        if not r8_course(category=str(last[2]), industry=str(last[3])).ok:
            out.add((village, "R8.failing", ev))
        return out

    days = [s for s, _ in runs] + [e + timedelta(days=1) for _, e in runs if e is not None]
    return runs_by_evaluation(days, status)


def member_items(member_id: str, state: dict[str, Any]) -> list[Item]:
    """R7 and 人人有脱贫门路 for one member, on every day its standing can change."""
    village = state.get("v")
    regs, upds = sorted(state.get("reg", []), key=lambda f: f[1]), sorted(state.get("upd", []), key=lambda f: f[1])
    if not village or not regs or not any(f[2].get("labour_capacity") in ("full", "partial") for f in regs + upds):
        return []
    t = thresholds()
    lefts = state.get("left", [])
    verdicts = sorted(state.get("cmp", []), key=lambda f: f[2])  # [year, status, ord]
    sessions = state.get("ses", [])  # [start, ord, year, days attended]
    certificates = state.get("cert", [])  # [start, ord, certified_on]
    jobs = state.get("emp", {})  # employment id → {"s": [[start, ord]], "e": [ended_on, ord] | None}
    name = ""
    for f in regs + upds:
        if f[2].get("name"):
            name = str(f[2]["name"])
    ev = domain.Evidence("member", member_id, name)

    def until(facts: Sequence[Sequence[Any]], day: date) -> list[Sequence[Any]]:
        return [f for f in facts if f[0] is None or as_day(f[0]) <= day]  # type: ignore[operator]  # a stored start parses

    def status(day: date) -> set[tuple[str, str, domain.Evidence]]:
        member = indicators.member_as_of([f[2] for f in until(regs, day)], [f[2] for f in until(upds, day)], bool(until(lefts, day)))
        if not indicators.is_labourer(member):
            return set()
        ok = indicators.compliance(
            [str(v[1]) for v in verdicts if v[0] == day.year],
            [CompletedSession(year=int(s[2]), days_attended=int(s[3])) for s in until(sessions, day)],
            [d for c in until(certificates, day) if (d := as_day(c[2])) is not None],
            day.year,
            t,
        )
        employed = any(until(job["s"], day) and not _ended_before(job.get("e"), day) for job in jobs.values())
        out = {(village, "R7.labourers", ev)}
        if ok is not True:
            out.add((village, "R7.failing", ev))
        if employed:
            out.add((village, "way.employed", ev))
        elif ok is not True:
            out.add((village, "way.without", ev))
        return out

    starts = [f[0] for f in regs + upds + lefts + sessions + certificates] + [s[0] for job in jobs.values() for s in job["s"]]
    days = [as_day(s) or MIN_DAY for s in starts]
    days += [d + timedelta(days=1) for job in jobs.values() if job.get("e") and (d := as_day(job["e"][0])) is not None]
    years = [d.year for d in days if d != MIN_DAY] + [int(v[0]) for v in verdicts] + [int(s[2]) for s in sessions]
    years += [d.year for c in certificates if (d := as_day(c[2])) is not None]
    if years:
        # The standing depends on the span's year (training's verdict, R7's run of years): each 1 January it can change,
        # until some years after the last fact's (a run of R7's years without sessions is "behind" from then on).
        days += [date(y, 1, 1) for y in range(min(years), max(years) + t.r7_years + 2)]
    return runs_by_evaluation(days, status)


def _ended_before(ended: Sequence[Any] | None, day: date) -> bool:
    return indicators._ended_before({"ended_on": ended[0]} if ended else None, day)


def household_items(
    household_id: str, state: dict[str, Any], earned: Mapping[str, Any], home: Mapping[str, Any] | None, sizes: Sequence[tuple[date, datetime, int]]
) -> list[Item]:
    """A household's runs: on the register (户户有增收项目), with income in the span, poor with labour (R6), its jobs (R13)."""
    out: list[Item] = []
    in_span: tuple[date, date | None] | None = None
    poor = False
    village = ""
    if home is not None:
        village = str(home["village_code"])
        registered: date = home["registered_on"]
        left: date | None = home["left_on"]
        poor = home["poverty_status"] in domain.POOR_STATUSES
        ev = domain.Evidence("household", household_id, str(home.get("household_number") or ""))
        in_span = (registered, year_end(left)) if left is not None else (registered, None)
        if left is not None and year_end(left) < registered:
            in_span = None
        if left is None:
            out.append(Item(village, "H.present", ev, registered, None))
            for year_village, first in earned.items():
                year, _, at = year_village.partition("|")
                if at != village:
                    continue
                for run in income_runs(int(year), first):
                    if (met := meet(run, (registered, None))) is not None:
                        out.append(Item(village, "H.income", ev, *met))
        if poor and in_span is not None:
            labour_runs = []
            ordered = sorted(sizes)
            for i, (on, _, labour) in enumerate(ordered):
                if i + 1 < len(ordered) and ordered[i + 1][0] == on:
                    continue  # a later recording for the same day wins
                later = [o for o, _, _ in ordered if o > on]
                if labour > 0:
                    labour_runs.append((on, min(later) - timedelta(days=1) if later else None))
            for run in union(labour_runs):
                if (met := meet(run, in_span)) is not None:
                    out.append(Item(village, "R6.labour", ev, *met))
    for employment_id, job in state.get("emp", {}).items():
        ended = job.get("e")
        ev = domain.Evidence("employment", employment_id, "")
        for start_text, _, entity, at in job["s"]:
            start = as_day(start_text) or MIN_DAY
            if ended is None:
                job_run: tuple[date, date | None] | None = (start, None)
            else:
                end = as_day(ended[0])
                job_run = (start, year_end(end)) if end is not None and year_end(end) >= start else None
            if job_run is None or not entity:
                continue
            out.append(Item(at, f"R13.emp:{entity}", ev, *job_run))
            if poor and in_span is not None and at == village and (met := meet(job_run, in_span)) is not None:
                out.append(Item(at, f"R13.poor:{entity}", ev, *met))
    return out


def income_runs(year: int, first: Any) -> list[tuple[date, date | None]]:
    """The days of ``year`` a household's income since 1 January is above zero: from its first positive day when no
    amount was negative (``first`` a day), else from the running sum of each day (``first`` a day → fen map)."""
    if isinstance(first, str):
        return [(date.fromisoformat(first), date(year, 12, 31))]
    out: list[tuple[date, date | None]] = []
    total, start = 0, None
    for day_text in sorted(first):
        total += int(first[day_text])
        day = date.fromisoformat(day_text)
        if total > 0 and start is None:
            start = day
        elif total <= 0 and start is not None:
            out.append((start, day - timedelta(days=1)))
            start = None
    if start is not None:
        out.append((start, date(year, 12, 31)))
    return out
