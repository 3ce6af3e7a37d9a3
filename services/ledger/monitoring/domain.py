"""The early warning's rules (防返贫动态监测), pure: which flags a household's months and links raise on a day.

Every flag names its kind, its severity, the day it was raised and the events behind it; its id
(``kind:household:subject``) is stable, so a monitoring case can cite it and a later read finds it again.
``docs/monitoring.md`` states each flag's facts, dates, thresholds and clause.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from policy.monitoring import Monitoring
from shared.errors import Conflict, InvalidInput

Severity = Literal[1, 2, 3]
HIGH, MEDIUM, LOW = 3, 2, 1

# The kinds, their severity and the clause whose link they watch (§ of 韶扶组〔2018〕3号, or the monitoring mechanism).
KINDS: dict[str, tuple[int, str]] = {
    "below_line": (HIGH, "monitoring line"),
    "no_income": (HIGH, "户户有增收项目"),
    "loan_overdue": (HIGH, "§4.3 R11"),
    "near_line": (MEDIUM, "monitoring line ×1.5"),
    "income_drop": (MEDIUM, "monitoring: income fall"),
    "employment_ended": (MEDIUM, "§5.2 R13"),
    "order_contract_expired": (MEDIUM, "§5.1 R12"),
    "lease_back_ended": (MEDIUM, "§5.3 R14"),
    "asset_income_stopped": (MEDIUM, "§5.5 R16"),
    "training_run_broken": (LOW, "§3.2 R7"),
}
RECENT = timedelta(days=365)  # a link that broke more than a year before the day asked about no longer raises a flag

# Case lifecycle: identified → assisted (any number of measures) → removal proposed → risk removed (by another person).
OPEN_STATUSES = ("identified", "assisted", "removal_proposed")
CaseStatus = Literal["identified", "assisted", "removal_proposed", "risk_removed"]


@dataclass(frozen=True)
class Flag:
    flag_id: str
    kind: str
    severity: int
    raised_on: date
    household_id: str
    evidence: tuple[str, ...] = ()
    numbers: Mapping[str, int] = field(default_factory=dict)


def _flag(kind: str, household_id: str, subject: str, raised_on: date, evidence: Iterable[str | None] = (), /, **numbers: int) -> Flag:
    return Flag(f"{kind}:{household_id}:{subject}", kind, KINDS[kind][0], raised_on, household_id, tuple(e for e in evidence if e), numbers)


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the month's last day (a 36-month loan of 31 January ends on 31 January)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for last in (31, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


# ---- income --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncomeMonths:
    """One household's income by month for the year asked about and the year before (12 fen each), and its size."""

    household_id: str
    registered_on: date
    members: int
    this_year: Sequence[int]
    last_year: Sequence[int]


def projected_annual(months: IncomeMonths, month: int) -> int:
    """The year's income so far and, for the months still to come, what the same months brought last year.

    Equal to the income of the twelve months ending with ``month`` (so a seasonal income is not annualised away).
    """
    return sum(months.this_year[:month]) + sum(months.last_year[month:])


def window(months: IncomeMonths, month: int, n: int) -> int:
    """The income of the ``n`` whole months ending with ``month`` (``n`` ≤ 12: this year's and last year's months)."""
    return sum(([*months.last_year, *months.this_year[:month]])[-n:])


def income_flags(months: IncomeMonths, as_of: date, m: Monitoring) -> list[Flag]:
    """below_line / near_line (projected per capita), income_drop (against the same months of last year), no_income (N months)."""
    month, hid, out = as_of.month, months.household_id, []
    assessed = date(as_of.year, month, 1)
    subject = f"{as_of.year}-{month:02d}"
    line = m.line(as_of.year).fen
    projected = projected_annual(months, month)
    per_capita = projected // months.members if months.members > 0 else 0
    numbers = {"projected_fen": projected, "per_capita_fen": per_capita, "line_fen": line, "members": months.members}
    if months.members > 0 and per_capita < line:
        out.append(_flag("below_line", hid, subject, assessed, **numbers))
    elif months.members > 0 and per_capita * 10_000 < line * m.near_line_bp:
        out.append(_flag("near_line", hid, subject, assessed, **numbers, near_line_bp=m.near_line_bp))
    so_far, before = sum(months.this_year[:month]), sum(months.last_year[:month])
    if before > 0 and (before - so_far) * 10_000 > m.drop_bp * before:
        drop_bp = (before - so_far) * 10_000 // before
        out.append(_flag("income_drop", hid, subject, assessed, this_year_fen=so_far, last_year_fen=before, drop_bp=drop_bp, threshold_bp=m.drop_bp))
    start = add_months(assessed, -(m.no_income_months - 1))
    if months.registered_on <= start and window(months, month, m.no_income_months) <= 0:
        out.append(_flag("no_income", hid, subject, assessed, months=m.no_income_months))
    return out


def income_candidate(months: IncomeMonths, as_of: date, m: Monitoring) -> bool:
    return bool(income_flags(months, as_of, m))


# ---- benefit links -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """A ``benefit_link`` row as the rules read it."""

    kind: str
    subject_id: str
    household_id: str
    started_on: date | None = None
    ends_on: date | None = None
    broken_on: date | None = None
    closed_on: date | None = None
    last_paid_on: date | None = None
    run_years: int | None = None
    started_event_id: str | None = None
    broken_event_id: str | None = None
    closed_event_id: str | None = None
    last_paid_event_id: str | None = None
    link_key: str = ""


def _in_force(link: Link, day: date) -> bool:
    started = link.started_on is None or link.started_on <= day
    ended = (link.ends_on is not None and link.ends_on < day) or (link.broken_on is not None and link.broken_on <= day)
    return started and not ended


def link_flags(links: Sequence[Link], as_of: date, m: Monitoring, r7_years: int) -> list[Flag]:
    """Flags from one household's links on ``as_of``; a link of the same kind in force on that day restores the household's."""
    out: list[Flag] = []
    by_kind: dict[str, list[Link]] = {}
    for link in links:
        by_kind.setdefault(link.kind, []).append(link)
    for kind, expired_kind in (("order_contract", "order_contract_expired"), ("lease_back", "lease_back_ended")):
        mine = by_kind.get(kind, [])
        if any(_in_force(x, as_of) for x in mine):
            continue
        for x in mine:
            if x.ends_on is not None and as_of - RECENT <= x.ends_on < as_of:
                out.append(_flag(expired_kind, x.household_id, x.subject_id, x.ends_on + timedelta(days=1), [x.started_event_id], term_days=_days(x)))
    jobs = by_kind.get("employment", [])
    if not any(_in_force(x, as_of) for x in jobs):
        for x in jobs:
            if x.broken_on is not None and as_of - RECENT <= x.broken_on <= as_of:
                out.append(_flag("employment_ended", x.household_id, x.subject_id, x.broken_on, [x.started_event_id, x.broken_event_id]))
    for x in by_kind.get("loan", []):
        if x.broken_on is not None and x.broken_on <= as_of and (x.closed_on is None or x.closed_on > as_of):
            out.append(_flag("loan_overdue", x.household_id, x.subject_id, x.broken_on, [x.started_event_id, x.broken_event_id]))
    for x in by_kind.get("asset", []):
        if x.last_paid_on is None:
            continue
        due = add_months(x.last_paid_on, m.asset_gap_months)
        if due < as_of and add_months(due, 12) >= as_of:
            out.append(_flag("asset_income_stopped", x.household_id, x.subject_id, due, [x.last_paid_event_id], gap_months=m.asset_gap_months))
    runs: dict[str, dict[int, Link]] = {}
    for x in by_kind.get("training", []):
        member, _, year = x.subject_id.partition(":")
        if x.started_on is not None:
            runs.setdefault(member, {})[x.started_on.year] = x
    for member, years in runs.items():
        two, one = years.get(as_of.year - 2), years.get(as_of.year - 1)
        if two is not None and 1 <= (two.run_years or 0) < r7_years and (one is None or not one.run_years):
            evidence = [two.started_event_id, one.started_event_id if one else None]
            out.append(_flag("training_run_broken", two.household_id, member, date(as_of.year, 1, 1), evidence, run_years=two.run_years or 0))
    return out


def _days(link: Link) -> int:
    return (link.ends_on - link.started_on).days + 1 if link.ends_on and link.started_on else 0


# ---- one household on one day, and the days its judgement can change ----------------------------


def judge(months: IncomeMonths, left_on: date | None, links: Sequence[Link], as_of: date, m: Monitoring, r7_years: int) -> list[Flag]:
    """Every flag of one household on ``as_of`` (none when it is not on the register that day): income flags, then link flags."""
    if months.registered_on > as_of or (left_on is not None and left_on <= as_of):
        return []
    return income_flags(months, as_of, m) + link_flags(links, as_of, m, r7_years)


def change_days(registered_on: date, left_on: date | None, links: Sequence[Link], m: Monitoring) -> set[date]:
    """A superset of the days on which ``judge`` can answer differently from the day before, its months unchanged.

    Within one month the income flags are constant (they read the month, never the day), and so is
    the training rule (it reads the year); every other comparison is "day ≥ v" or "day > v" for a
    date v of the register or a link: v, v + 1 day, v + 366 days (the RECENT window closing) and,
    for an asset, the day after its income was due and the day after that window's year.
    ``tests/ledger/test_monitoring_stored.py`` checks it day by day against ``judge``.
    """
    one, past = timedelta(days=1), RECENT + timedelta(days=1)
    days = {registered_on}
    if left_on is not None:
        days.add(left_on)
    for x in links:
        for v in (x.started_on, x.ends_on, x.broken_on, x.closed_on):
            if v is not None:
                days.update((v, v + one, v + past))
        if x.last_paid_on is not None:
            due = add_months(x.last_paid_on, m.asset_gap_months)
            days.update((due + one, add_months(due, 12) + one))
    return days


def month_segments(
    months: IncomeMonths, left_on: date | None, links: Sequence[Link], first: date, m: Monitoring, r7_years: int
) -> list[tuple[date, date, list[Flag]]]:
    """The household's flags over the month starting ``first``: ``(from, to, flags)`` runs, ``to`` exclusive, only runs with flags.

    ``judge`` is asked once per run, on its first day: the month's first day and every change day in it.
    """
    end = add_months(first, 1)
    starts = sorted({first} | {d for d in change_days(months.registered_on, left_on, links, m) if first < d < end})
    out: list[tuple[date, date, list[Flag]]] = []
    previous: list[Flag] | None = None
    for i, start in enumerate(starts):
        stop = starts[i + 1] if i + 1 < len(starts) else end
        flags = judge(months, left_on, links, start, m, r7_years)
        if previous is not None and flags == previous and out and out[-1][1] == start:
            out[-1] = (out[-1][0], stop, flags)
        elif flags:
            out.append((start, stop, flags))
        previous = flags
    return out


# ---- flags and cases -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseView:
    case_id: str
    status: str
    identified_by: str
    identified_on: date
    removed_by: str | None
    removed_on: date | None


def flag_status(flag: Flag, cases: Sequence[CaseView]) -> tuple[str, CaseView | None]:
    """``risk_removed`` when a removal on or after the day the flag was raised closed a case; else the open case's status; else ``open``."""
    for case in cases:
        if case.status in OPEN_STATUSES:
            return case.status, case
    removed = [c for c in cases if c.status == "risk_removed" and c.removed_on is not None and c.removed_on >= flag.raised_on]
    if removed:
        return "risk_removed", max(removed, key=lambda c: (c.removed_on or date.min, c.case_id))
    return "open", None


def household_severity(flags: Sequence[Flag]) -> int:
    return max((f.severity for f in flags), default=0)


def sort_key(severity: int, flags: int, per_capita: int, household_id: str) -> tuple[int, int, int, str]:
    """Most severe first, then most flags, then the lowest per-capita income, then by id (stable)."""
    return (-severity, -flags, per_capita, household_id)


# ---- the lifecycle's rules -----------------------------------------------------------------------

NEXT: dict[str, tuple[str, ...]] = {
    "assist": ("identified", "assisted"),
    "propose_removal": ("identified", "assisted"),
    "approve_removal": ("removal_proposed",),
}


def check_transition(status: str, action: str) -> None:
    """A case moves forward only: assist or propose from identified/assisted, approve a proposal; a removed case is closed."""
    if status not in NEXT[action]:
        raise Conflict(
            f"监测对象当前状态为 {status}，不能执行 {action}",
            detail_en=f"a case that is {status} cannot {action.replace('_', ' ')} (allowed from: {', '.join(NEXT[action])})",
        )


def check_cited_flags(cited: Sequence[str], current: Mapping[str, Flag]) -> None:
    """A case cites flags the household has on the day it is identified, by id."""
    unknown = [f for f in cited if f not in current]
    if unknown:
        raise InvalidInput(
            f"该户当前没有预警 {unknown[0]}",
            detail_en=f"the household has no current flag {unknown[0]}",
            field=f"flags[{list(cited).index(unknown[0])}]",
        )
