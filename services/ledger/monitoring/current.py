"""The early warning's stored judgement: every household's flags for the judged month, kept by the consumer.

The judged month is the month of the latest envelope time the ledger has applied (``monitoring_month``),
so it follows the log, never the clock, and a replay arrives at the same one. Each batch (``apply``,
called from ``projection.apply`` on both the consumer's and the replay's path):

- whose latest envelope time is in a later month than the judged one: re-judges every household for
  the new month (the month's turn: income flags read the month, so all of them may change);
- otherwise re-judges only the households it touches (registered, sized, left, income booked, a link
  fact) for the judged month.

A household's flags are judged for every day of the month (``domain.month_segments``: one row per run of
days with the same flags), so any ``as_of`` in the judged month is one indexed, sorted, paged read of
``monitoring_flags`` (``listing``); any other day takes the slower exact path (``service._judge``). The
table is a function of the log's projections alone (and, for its ``active_*`` columns, of the cases):
which batches carried which facts does not matter, so the consumer and a replay leave the same rows.

The counts by kind come from ``monitoring_flag_counts``, which every change of a stored row adjusts
in the same transaction (−1 for the row removed, +1 for the row written, per place), so a list
counts a few rows however many households it has.

A bulk load (``audit.bulk_load``) defers the judging (``DEFERRED``): the month is cleared when it starts
(the lists take the exact path meanwhile) and every household judged once when it ends (``rejudge_all``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, literal_column, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import aliased

from policy.monitoring import Monitoring
from policy.settings import monitoring, thresholds
from services.ledger.models import IncomeEntry, LedgerHousehold, ParkedFact, PolicyFact, col, table_of
from services.ledger.monitoring import domain
from services.ledger.monitoring.models import (
    MONTHS,
    BenefitLink,
    HouseholdIncomeYear,
    MonitoringCase,
    MonitoringFlagCounts,
    MonitoringFlags,
    MonitoringHousehold,
    MonitoringMonth,
)

if TYPE_CHECKING:
    from services.ledger.projector import Rows

Bind = AsyncSession | AsyncConnection
DEFERRED: ContextVar[bool] = ContextVar("fupin_monitoring_deferred", default=False)
CHUNK = 1000  # households per IN (…) statement
LOCK_KEY = 0x46_55_50_49_4E_46  # "FUPINF": the PostgreSQL advisory lock that orders re-judging and case decisions
_FLAGS = table_of(MonitoringFlags)
_STATE = table_of(MonitoringMonth)
_COUNTS = table_of(MonitoringFlagCounts)
LEVELS = ("village", "township", "county")
_KEYED = (_FLAGS.c.village_code, _FLAGS.c.township_code, _FLAGS.c.county_code, _FLAGS.c.valid_from, _FLAGS.c.valid_to, _FLAGS.c.kinds, _FLAGS.c.active_kinds)


def month_of(day: date) -> date:
    return date(day.year, day.month, 1)


# ---- reading what the rules read -----------------------------------------------------------------


def _home_statement(year: int) -> Any:
    cur, prev = aliased(HouseholdIncomeYear), aliased(HouseholdIncomeYear)
    H = LedgerHousehold
    return (
        select(
            col(H.household_id),
            col(H.household_number),
            col(H.village_code),
            col(H.township_code),
            col(H.county_code),
            col(H.registered_on),
            col(H.left_on),
            func.coalesce(col(MonitoringHousehold.members), 0),
            *[func.coalesce(getattr(cur, m), 0) for m in MONTHS],
            *[func.coalesce(getattr(prev, m), 0) for m in MONTHS],
        )
        .outerjoin(MonitoringHousehold, col(MonitoringHousehold.household_id) == col(H.household_id))
        .outerjoin(cur, (col(cur.household_id) == col(H.household_id)) & (col(cur.year) == year))
        .outerjoin(prev, (col(prev.household_id) == col(H.household_id)) & (col(prev.year) == year - 1))
    )


def _chunks(ids: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


async def _cases(bind: Bind, ids: Sequence[str]) -> dict[str, list[domain.CaseView]]:
    C = MonitoringCase
    columns = (col(C.household_id), col(C.case_id), col(C.status), col(C.identified_by), col(C.identified_at), col(C.removed_by), col(C.removed_at))
    out: dict[str, list[domain.CaseView]] = {}
    for chunk in _chunks(ids):
        stmt = select(*columns).where(col(C.household_id).in_(chunk)).order_by(col(C.identified_at), col(C.case_id))
        for hid, case_id, status, by, at, removed_by, removed_at in (await bind.execute(stmt)).all():
            out.setdefault(hid, []).append(domain.CaseView(case_id, status, by, at.date(), removed_by, removed_at.date() if removed_at else None))
    return out


# ---- judging into rows ---------------------------------------------------------------------------


def _kinds(flags: Iterable[domain.Flag]) -> str:
    counted = Counter(f.kind for f in flags)
    return ";".join(f"{k}={n}" for k, n in sorted(counted.items()))


def parse_kinds(text: str) -> Counter[str]:
    out: Counter[str] = Counter()
    for part in filter(None, text.split(";")):
        kind, _, n = part.partition("=")
        out[kind] += int(n)
    return out


def flag_json(flag: domain.Flag) -> dict[str, Any]:
    return {
        "flag_id": flag.flag_id,
        "kind": flag.kind,
        "severity": flag.severity,
        "raised_on": flag.raised_on.isoformat(),
        "evidence": list(flag.evidence),
        "numbers": dict(flag.numbers),
    }


def flag_of(value: dict[str, Any], household_id: str) -> domain.Flag:
    return domain.Flag(
        value["flag_id"],
        value["kind"],
        int(value["severity"]),
        date.fromisoformat(value["raised_on"]),
        household_id,
        tuple(value["evidence"]),
        value["numbers"],
    )


def active_columns(flags: Sequence[domain.Flag], cases: Sequence[domain.CaseView]) -> dict[str, Any]:
    """The columns the lists sort and count by: the flags a risk removal has not cleared (``domain.flag_status``)."""
    active = [f for f in flags if domain.flag_status(f, cases)[0] != "risk_removed"]
    return {"active_severity": domain.household_severity(active), "active_count": len(active), "active_kinds": _kinds(active)}


def rows_for(
    home: Sequence[Any], links: Sequence[domain.Link], cases: Sequence[domain.CaseView], first: date, m: Monitoring, r7_years: int
) -> list[dict[str, Any]]:
    """One household's ``monitoring_flags`` rows for the month starting ``first`` (none when it has no flag that month)."""
    hid, number, village, township, county, registered_on, left_on, members = home[:8]
    months = domain.IncomeMonths(hid, registered_on, int(members), [int(v) for v in home[8:20]], [int(v) for v in home[20:32]])
    segments = domain.month_segments(months, left_on, links, first, m, r7_years)
    if not segments:
        return []
    projected = domain.projected_annual(months, first.month)
    per_capita = projected // months.members if months.members > 0 else 0
    out = []
    for start, stop, flags in segments:
        out.append(
            {
                "household_id": hid,
                "valid_from": start,
                "valid_to": stop,
                "household_number": number,
                "village_code": village,
                "township_code": township,
                "county_code": county,
                "members": months.members,
                "projected_fen": projected,
                "per_capita_fen": per_capita,
                "severity": domain.household_severity(flags),
                "flag_count": len(flags),
                "kinds": _kinds(flags),
                "flags": [flag_json(f) for f in flags],
                **active_columns(flags, cases),
            }
        )
    return out


async def _lock(bind: Bind) -> None:
    """Re-judging and a case decision about the same household must not interleave (PostgreSQL; SQLite has one writer)."""
    if _dialect(bind) == "postgresql":
        await bind.execute(select(func.pg_advisory_xact_lock(LOCK_KEY)))


def _dialect(bind: Bind) -> str:
    return bind.dialect.name if isinstance(bind, AsyncConnection) else bind.get_bind().dialect.name


def _count(deltas: Counter[tuple[Any, ...]], row: Sequence[Any], sign: int, *, dims: tuple[str, ...] = ("all", "active")) -> None:
    """A stored row's part in the counts (``row`` in ``_KEYED`` order), added (+1) or taken away (−1)."""
    village, township, county, start, stop, kinds, active = row
    for level, code in zip(LEVELS, (village, township, county), strict=True):
        for dim in dims:
            deltas[(level, code, dim, start, stop, kinds if dim == "all" else active)] += sign


def _keyed(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[c.name] for c in _KEYED)


async def _apply_counts(bind: Bind, deltas: Counter[tuple[Any, ...]]) -> None:
    """Add the deltas to ``monitoring_flag_counts`` (in key order) and drop the rows that fell to zero."""
    changed = sorted((k, n) for k, n in deltas.items() if n)
    if not changed:
        return
    names = ("level", "code", "dim", "valid_from", "valid_to", "kinds")
    stmt = (postgresql.insert(_COUNTS) if _dialect(bind) == "postgresql" else sqlite.insert(_COUNTS)).on_conflict_do_update(
        index_elements=list(names), set_={"households": _COUNTS.c.households + literal_column("excluded.households")}
    )
    for i in range(0, len(changed), 5000):
        await bind.execute(stmt, [dict(zip(names, k, strict=True)) | {"households": n} for k, n in changed[i : i + 5000]])
    await bind.execute(delete(_COUNTS).where(_COUNTS.c.households == 0))


async def rejudge(bind: Bind, first: date, household_ids: Sequence[str] | None) -> int:
    """Replace the rows of these households (``None``: of every household) with their judgement for the month ``first``."""
    m, r7 = monitoring(), thresholds().r7_years
    written = 0
    deltas: Counter[tuple[Any, ...]] = Counter()
    if household_ids is None:  # all of them, a chunk at a time (a city's households need not sit in memory at once)
        await bind.execute(delete(_FLAGS))
        await bind.execute(delete(_COUNTS))
        ids = list((await bind.execute(select(col(LedgerHousehold.household_id)).order_by(col(LedgerHousehold.household_id)))).scalars())
    else:
        ids = sorted(set(household_ids))
        for chunk in _chunks(ids):
            for old in (await bind.execute(select(*_KEYED).where(_FLAGS.c.household_id.in_(chunk)))).all():
                _count(deltas, old, -1)
            await bind.execute(delete(_FLAGS).where(_FLAGS.c.household_id.in_(chunk)))
    for chunk in _chunks(ids):
        stmt = _home_statement(first.year).where(col(LedgerHousehold.household_id).in_(chunk))
        link_fields = [getattr(BenefitLink, f) for f in domain.Link.__dataclass_fields__]
        link_stmt = select(*link_fields).where(col(BenefitLink.household_id).in_(chunk))
        links: dict[str, list[domain.Link]] = {}
        for values in (await bind.execute(link_stmt)).all():
            link = domain.Link(*values)
            links.setdefault(link.household_id, []).append(link)
        cases = await _cases(bind, chunk)
        rows: list[dict[str, Any]] = []
        for home in (await bind.execute(stmt)).all():
            for row in rows_for(home, links.get(home[0], []), cases.get(home[0], []), first, m, r7):
                rows.append(row)
                _count(deltas, _keyed(row), +1)
            if len(rows) >= 5000:
                await bind.execute(_FLAGS.insert(), rows)
                written, rows = written + len(rows), []
        if rows:
            await bind.execute(_FLAGS.insert(), rows)
            written += len(rows)
    await _apply_counts(bind, deltas)
    return written


async def judged_month(bind: Bind) -> date | None:
    return (await bind.execute(select(_STATE.c.judged_month).where(_STATE.c.key == 1))).scalar()


async def _set_month(bind: Bind, first: date | None) -> None:
    if (await bind.execute(update(_STATE).where(_STATE.c.key == 1).values(judged_month=first))).rowcount == 0:  # type: ignore[attr-defined]  # a DML result has rowcount
        await bind.execute(_STATE.insert().values(key=1, judged_month=first))


def touched(rows: Rows, links: Iterable[dict[str, Any]], assets: Iterable[dict[str, Any]]) -> set[str]:
    """The households whose judgement a batch may change: anything the rules read about them moved."""
    out = {h["household_id"] for h in rows.households} | set(rows.left) | {s["household_id"] for s in rows.sizes}
    out.update(r[1] for r in rows.incomes)
    out.update(x["household_id"] for x in links)
    out.update(x["household_id"] for x in assets)
    return out


def latest_time_month(rows: Rows) -> date | None:
    """The month of the batch's latest envelope time: every envelope is an income entry, a policy fact or a parked fact."""
    times = [r[5] for r in rows.incomes] + [f["recorded_at"] for f in rows.facts] + [p["recorded_at"] for p in rows.parked]
    return month_of(max(times).date()) if times else None


async def apply(bind: Bind, rows: Rows, households: set[str]) -> None:
    """After the batch's projections: re-judge what it touched, or everything when the log's month has turned."""
    if DEFERRED.get():
        return
    latest = latest_time_month(rows)
    await _lock(bind)
    judged = await judged_month(bind)
    if latest is not None and (judged is None or latest > judged):
        await rejudge(bind, latest, None)
        await _set_month(bind, latest)
    elif judged is not None and households:
        await rejudge(bind, judged, sorted(households))


async def rejudge_all(bind: Bind) -> date | None:
    """Judge every household for the month of the latest envelope time applied (after a bulk load): the month it set."""
    latest = None
    for model in (IncomeEntry, PolicyFact, ParkedFact):
        value = (await bind.execute(select(func.max(col(model.recorded_at))))).scalar()
        if value is not None and (latest is None or value > latest):
            latest = value
    await _lock(bind)
    if latest is None:
        await bind.execute(delete(_FLAGS))
        await bind.execute(delete(_COUNTS))
        await _set_month(bind, None)
        return None
    first = month_of(latest.date())
    await rejudge(bind, first, None)
    await _set_month(bind, first)
    return first


async def invalidate(bind: Bind) -> None:
    """No judged month: the lists take the exact path until ``rejudge_all`` (a bulk load is under way)."""
    await _set_month(bind, None)


async def refresh_cases(session: AsyncSession, household_id: str) -> None:
    """A case decision changed which of the household's stored flags a removal clears: recompute its ``active_*`` columns."""
    await _lock(session)
    cases = (await _cases(session, [household_id])).get(household_id, [])
    stored = (await session.execute(select(_FLAGS.c.flags, *_KEYED).where(_FLAGS.c.household_id == household_id))).all()
    deltas: Counter[tuple[Any, ...]] = Counter()
    for flags, *keyed in stored:
        values = active_columns([flag_of(f, household_id) for f in flags], cases)
        _count(deltas, keyed, -1, dims=("active",))
        _count(deltas, [*keyed[:-1], values["active_kinds"]], +1, dims=("active",))
        where = (_FLAGS.c.household_id == household_id, _FLAGS.c.valid_from == keyed[3])
        await session.execute(update(_FLAGS).where(*where).values(**values))
    await _apply_counts(session, deltas)


# ---- the lists' read -----------------------------------------------------------------------------


def _place(level: str, code: str) -> Any:
    if level == "city":
        return _FLAGS.c.county_code.startswith(code)
    return _FLAGS.c[f"{level}_code"] == code


async def listing(
    session: AsyncSession, level: str, code: str, day: date, *, include_removed: bool, start: int, limit: int | None
) -> tuple[list[tuple[dict[str, Any], list[domain.Flag]]], Counter[str], int]:
    """A page of the place's stored flags on ``day`` (in the judged month), most severe first; the counts by kind; how many in all."""
    t = _FLAGS.c
    where = [_place(level, code), t.valid_from <= day, t.valid_to > day]
    if not include_removed:
        where.append(t.active_count > 0)
    c = _COUNTS.c
    place = c.code.startswith(code) if level == "city" else c.code == code
    summed = (
        select(c.kinds, func.sum(c.households))
        .where(c.level == ("county" if level == "city" else level), place, c.dim == ("all" if include_removed else "active"))
        .where(c.valid_from <= day, c.valid_to > day, c.kinds != "")
        .group_by(c.kinds)
    )
    counts: Counter[str] = Counter()
    total = 0
    for text, n in (await session.execute(summed)).all():  # a few rows a place: the sets of flags its households have
        total += int(n)
        for kind, k in parse_kinds(text).items():
            counts[kind] += k * int(n)
    page = (
        select(t.household_id, t.household_number, t.village_code, t.members, t.projected_fen, t.per_capita_fen, t.flags)
        .where(*where)
        .order_by(t.active_severity.desc(), t.active_count.desc(), t.per_capita_fen, t.household_id)
        .offset(start)
    )
    if limit is not None:
        page = page.limit(limit)
    out = []
    for r in (await session.execute(page)).mappings().all():
        out.append((dict(r), [flag_of(f, r["household_id"]) for f in r["flags"]]))
    return out, counts, total
