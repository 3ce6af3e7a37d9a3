"""The early warning's use cases: lists per place sorted by severity, a household's file, the case lifecycle.

A list for a day of the judged month reads the flags the consumer stored (``current.py``); any other
day judges the candidates ``repository.py`` selects with the pure rules of ``domain.py`` (the exact
path, slower: it grows with the place). Writes record a case step, emit its fact
(``shared/events/ledger.py``), refresh the household's stored flags' case columns and flush — the
request commits.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from policy.monitoring import Monitoring
from policy.settings import monitoring, thresholds
from services.ledger import service as ledger
from services.ledger.models import LedgerHousehold, col
from services.ledger.monitoring import current as flag_store
from services.ledger.monitoring import domain, repository
from services.ledger.monitoring.models import MonitoringCase
from services.ledger.monitoring.schemas import CaseIn, CaseOut, FlagOut, HouseholdMonitoring, Line, MonitoredHousehold, MonitoringList
from shared.auth import Principal, ensure_different_person, ensure_readable, ensure_writable
from shared.events.ledger import MonitoringCaseAssisted, MonitoringCaseIdentified, MonitoringRiskRemovalProposed, MonitoringRiskRemoved
from shared.ids import new_id
from shared.outbox import emit
from shared.paging import PageParams, decode_cursor, encode_cursor
from shared.problems import Conflict, InvalidInput, NotFound

LIST_LIMIT = 100_000  # a county has ~40,000 households; a list never holds more than this many in memory


def line_of(m: Monitoring, year: int) -> Line:
    line = m.line(year)
    return Line(year=year, fen=line.fen, carried_forward=line.carried_forward)


def _months(row: Any) -> domain.IncomeMonths:
    return domain.IncomeMonths(
        household_id=row.household_id,
        registered_on=row.registered_on,
        members=int(row.members or 0),
        this_year=[int(v) for v in row[5:17]],
        last_year=[int(v) for v in row[17:29]],
    )


def _case_view(c: MonitoringCase) -> domain.CaseView:
    return domain.CaseView(c.case_id, c.status, c.identified_by, c.identified_at.date(), c.removed_by, c.removed_at.date() if c.removed_at else None)


def _flag_out(flag: domain.Flag, judged: tuple[str, domain.CaseView | None]) -> FlagOut:
    status, case = judged
    by = on = None
    if case is not None:
        by, on = (case.removed_by, case.removed_on) if status == "risk_removed" else (case.identified_by, case.identified_on)
    return FlagOut(
        flag_id=flag.flag_id,
        kind=flag.kind,  # type: ignore[arg-type]  # domain.KINDS holds exactly the FlagKind literals
        severity=flag.severity,
        raised_on=flag.raised_on,
        clause=domain.KINDS[flag.kind][1],
        status=status,  # type: ignore[arg-type]  # flag_status answers a FlagStatus
        case_id=case.case_id if case else None,
        status_by=by,
        status_on=on,
        evidence=list(flag.evidence),
        numbers=dict(flag.numbers),
    )


async def _judge(
    session: AsyncSession, level: str, code: str, as_of: date, *, household_id: str | None = None
) -> tuple[list[tuple[Any, domain.IncomeMonths, list[domain.Flag]]], dict[str, list[domain.CaseView]]]:
    m, r7 = monitoring(), thresholds().r7_years
    rows = (await session.execute(repository.household_rows(level, code, as_of, m, r7, household_id=household_id))).all()
    links: dict[str, list[domain.Link]] = {}
    for values in (await session.execute(repository.link_rows(level, code, as_of, m, r7, household_id=household_id))).all():
        link = domain.Link(*values)
        links.setdefault(link.household_id, []).append(link)
    cases: dict[str, list[domain.CaseView]] = {}
    for c in (await session.execute(repository.case_rows(level, code, household_id=household_id))).scalars():
        cases.setdefault(c.household_id, []).append(_case_view(c))
    judged = []
    for row in rows[:LIST_LIMIT]:
        months = _months(row)
        flags = domain.income_flags(months, as_of, m) + domain.link_flags(links.get(row.household_id, []), as_of, m, r7)
        judged.append((row, months, flags))
    return judged, cases


def _household_out(row: Any, months: domain.IncomeMonths, flags: list[FlagOut], as_of: date) -> MonitoredHousehold:
    projected = domain.projected_annual(months, as_of.month)
    return _monitored(row.household_id, row.household_number, row.village_code, months.members, projected, flags)


def _monitored(household_id: str, number: str, village: str, members: int, projected: int, flags: list[FlagOut]) -> MonitoredHousehold:
    active = [f for f in flags if f.status != "risk_removed"]
    return MonitoredHousehold(
        household_id=household_id,
        household_number=number,
        village_code=village,
        members=members,
        projected_fen=projected,
        per_capita_fen=projected // members if members > 0 else 0,
        severity=max((f.severity for f in active), default=0),
        flags=flags,
    )


async def flagged_households(
    *,
    session: AsyncSession,
    principal: Principal,
    level: ledger.Level,
    code: str,
    as_of: date | None,
    include_removed: bool = False,
    start: int = 0,
    limit: int | None = None,
) -> tuple[date, list[MonitoredHousehold], Counter[str], int]:
    """The place's flagged households, most severe first (``start``/``limit`` of them), the flags by kind, and how many in all.

    A day of the judged month reads the stored flags (``_stored``), any other day judges the place (``_exact``);
    the two answer the same (``tests/ledger/test_monitoring_stored.py``). Only the households answered become schemas.
    """
    ledger._check_place(principal, level, code)
    day = as_of or datetime.now(UTC).date()
    read = _stored if await flag_store.judged_month(session) == flag_store.month_of(day) else _exact
    return await read(session, level, code, day, include_removed=include_removed, start=start, limit=limit)


async def _exact(
    session: AsyncSession, level: str, code: str, day: date, *, include_removed: bool, start: int, limit: int | None
) -> tuple[date, list[MonitoredHousehold], Counter[str], int]:
    """Any day's list, judged from the projections on the request: every candidate of the place (grows with the place)."""
    judged, cases = await _judge(session, level, code, day)
    entries = []
    counts: Counter[str] = Counter()
    for row, months, flags in judged:
        if not flags:
            continue
        statuses = [domain.flag_status(f, cases.get(row.household_id, [])) for f in flags]
        active = [f for f, (status, _) in zip(flags, statuses, strict=True) if status != "risk_removed"]
        if not active and not include_removed:
            continue
        counts.update(f.kind for f in (flags if include_removed else active))
        projected = domain.projected_annual(months, day.month)
        per_capita = projected // months.members if months.members > 0 else 0
        entries.append((domain.sort_key(domain.household_severity(active), len(active), per_capita, row.household_id), row, months, flags, statuses))
    entries.sort(key=lambda e: e[0])
    chosen = entries[start : None if limit is None else start + limit]
    items = [_household_out(row, months, [_flag_out(f, st) for f, st in zip(flags, statuses, strict=True)], day) for _, row, months, flags, statuses in chosen]
    return day, items, counts, len(entries)


async def _stored(
    session: AsyncSession, level: str, code: str, day: date, *, include_removed: bool, start: int, limit: int | None
) -> tuple[date, list[MonitoredHousehold], Counter[str], int]:
    """The judged month's list: one read of the stored flags (``current.py``); only the page's households' cases are read."""
    page, counts, total = await flag_store.listing(session, level, code, day, include_removed=include_removed, start=start, limit=limit)
    cases: dict[str, list[domain.CaseView]] = {}
    ids = [row["household_id"] for row, _ in page]
    if ids:
        for c in (
            await session.execute(
                select(MonitoringCase).where(col(MonitoringCase.household_id).in_(ids)).order_by(col(MonitoringCase.identified_at), col(MonitoringCase.case_id))
            )
        ).scalars():
            cases.setdefault(c.household_id, []).append(_case_view(c))
    items = []
    for row, flags in page:
        out = [_flag_out(f, domain.flag_status(f, cases.get(row["household_id"], []))) for f in flags]
        items.append(_monitored(row["household_id"], row["household_number"], row["village_code"], row["members"], row["projected_fen"], out))
    return day, items, counts, total


async def flagged(
    *, session: AsyncSession, principal: Principal, level: ledger.Level, code: str, as_of: date | None, page: PageParams, include_removed: bool = False
) -> MonitoringList:
    """A page of the place's flagged households, most severe first; households whose every flag is risk_removed only when asked."""
    start = _offset(page.cursor)
    day, items, counts, total = await flagged_households(
        session=session, principal=principal, level=level, code=code, as_of=as_of, include_removed=include_removed, start=start, limit=page.limit
    )
    return MonitoringList(
        level=level,
        code=code,
        as_of=day,
        line=line_of(monitoring(), day.year),
        households=total,
        counts=dict(sorted(counts.items())),
        items=items,
        next_cursor=encode_cursor(start + page.limit) if start + page.limit < total else None,
    )


def _offset(cursor: str | None) -> int:
    """A list sorted by severity pages by position: the cursor holds the next item's index."""
    if not cursor:
        return 0
    key = decode_cursor(cursor)
    if type(key) is not int or key < 0:
        raise InvalidInput("分页游标无效", detail_en="invalid cursor", field="cursor")
    return key


async def household_file(*, session: AsyncSession, principal: Principal, household_id: str, as_of: date | None) -> HouseholdMonitoring:
    """A household's flags on its file, each with its evidence (income flags: the entries of the months judged), and its cases."""
    home = await session.get(LedgerHousehold, household_id)
    if home is None:
        raise NotFound("户不存在", detail_en=f"household {household_id} not found")
    ensure_readable(principal, region=home.village_code, what="户")
    day = as_of or datetime.now(UTC).date()
    judged, cases = await _judge(session, "village", home.village_code, day, household_id=household_id)
    row, months, flags = judged[0]
    out = []
    for f in flags:
        window = _income_window(f)
        if window is not None:
            evidence = await repository.income_evidence(session, household_id, *window)
            f = domain.Flag(f.flag_id, f.kind, f.severity, f.raised_on, f.household_id, tuple(evidence), f.numbers)
        out.append(_flag_out(f, domain.flag_status(f, cases.get(household_id, []))))
    rows = (await session.execute(repository.case_rows("village", home.village_code, household_id=household_id))).scalars().all()
    return HouseholdMonitoring(
        household_id=household_id,
        as_of=day,
        line=line_of(monitoring(), day.year),
        household=_household_out(row, months, out, day),
        cases=[CaseOut.model_validate(c, from_attributes=True) for c in rows],
    )


def _income_window(flag: domain.Flag) -> tuple[date, date] | None:
    """The dates of the income entries behind an income flag: the twelve months judged (the drop: both years' months so far)."""
    end = domain.add_months(flag.raised_on, 1)
    if flag.kind in ("below_line", "near_line"):
        return domain.add_months(flag.raised_on, -11), end
    if flag.kind == "income_drop":
        return date(flag.raised_on.year - 1, 1, 1), end
    if flag.kind == "no_income":
        return domain.add_months(flag.raised_on, -23), end  # the window is empty: the last entries before it are what it cites
    return None


# ---- the lifecycle -------------------------------------------------------------------------------


async def _case(session: AsyncSession, principal: Principal, case_id: str) -> MonitoringCase:
    case = await session.get(MonitoringCase, case_id)
    if case is None:
        raise NotFound("监测对象不存在", detail_en=f"monitoring case {case_id} not found")
    ensure_readable(principal, region=case.village_code, what="监测对象")
    ensure_writable(principal, region=case.village_code)
    return case


async def identify(*, session: AsyncSession, principal: Principal, household_id: str, body: CaseIn) -> CaseOut:
    """Identify a household as a monitoring object, citing flags it has today; one open case per household."""
    file = await household_file(session=session, principal=principal, household_id=household_id, as_of=body.as_of)
    ensure_writable(principal, region=file.household.village_code)
    if any(c.status in domain.OPEN_STATUSES for c in file.cases):
        raise Conflict("该户已是监测对象", detail_en="the household already has an open monitoring case")
    current = {f.flag_id: f for f in file.household.flags}
    domain.check_cited_flags(body.flags, current)  # type: ignore[arg-type]  # the check reads only the keys
    now = datetime.now(UTC)
    case = MonitoringCase(
        case_id=new_id(),
        household_id=household_id,
        village_code=file.household.village_code,
        county_code=file.household.village_code[:6],
        status="identified",
        flags=list(body.flags),
        identified_by=principal.subject,
        identified_at=now,
        note=body.note,
        measures=[],
    )
    session.add(case)
    await session.flush()
    await flag_store.refresh_cases(session, household_id)  # an open case: none of its flags is cleared now
    emit(
        session,
        MonitoringCaseIdentified(
            case_id=case.case_id,
            household_id=household_id,
            village_code=case.village_code,
            flags=case.flags,
            kinds=sorted({current[f].kind for f in body.flags}),
            identified_on=now.date(),
            note=body.note,
        ),
    )
    return CaseOut.model_validate(case, from_attributes=True)


async def assist(*, session: AsyncSession, principal: Principal, case_id: str, measure: str) -> CaseOut:
    case = await _case(session, principal, case_id)
    domain.check_transition(case.status, "assist")
    now = datetime.now(UTC)
    case.measures = [*case.measures, {"measure": measure, "by": principal.subject, "at": now.isoformat()}]
    case.status = "assisted"
    await session.flush()
    emit(
        session,
        MonitoringCaseAssisted(case_id=case_id, household_id=case.household_id, village_code=case.village_code, measure=measure, assisted_on=now.date()),
    )
    return CaseOut.model_validate(case, from_attributes=True)


async def propose_removal(*, session: AsyncSession, principal: Principal, case_id: str, note: str | None) -> CaseOut:
    case = await _case(session, principal, case_id)
    domain.check_transition(case.status, "propose_removal")
    now = datetime.now(UTC)
    case.status, case.removal_proposed_by, case.removal_proposed_at, case.removal_note = "removal_proposed", principal.subject, now, note
    await session.flush()
    emit(
        session,
        MonitoringRiskRemovalProposed(case_id=case_id, household_id=case.household_id, village_code=case.village_code, proposed_on=now.date(), note=note),
    )
    return CaseOut.model_validate(case, from_attributes=True)


async def approve_removal(*, session: AsyncSession, principal: Principal, case_id: str) -> CaseOut:
    """Maker-checker: who proposed the removal may not approve it."""
    case = await _case(session, principal, case_id)
    domain.check_transition(case.status, "approve_removal")
    ensure_different_person(case.removal_proposed_by or "", principal, what="风险消除")
    now = datetime.now(UTC)
    case.status, case.removed_by, case.removed_at = "risk_removed", principal.subject, now
    await session.flush()
    await flag_store.refresh_cases(session, case.household_id)  # the removal clears the flags raised on or before today
    emit(
        session,
        MonitoringRiskRemoved(
            case_id=case_id, household_id=case.household_id, village_code=case.village_code, proposed_by=case.removal_proposed_by or "", removed_on=now.date()
        ),
    )
    return CaseOut.model_validate(case, from_attributes=True)
