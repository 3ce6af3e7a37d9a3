"""Use cases of objections and grievances: raise, investigate, decide; counts and the overdue, in the caller's scope."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from services.oversight import domain
from services.oversight.cases.models import Case
from services.oversight.cases.schemas import CaseOut, CaseSummary, Counts, GrievanceIn, InvestigationIn, ObjectionIn, ObjectionReceipt, ResolutionIn
from services.oversight.clock import Clock
from services.oversight.notices import service as notices
from services.oversight.notices.models import Notice
from shared.auth import Principal, ensure_readable, ensure_writable, visible
from shared.events.oversight import ObjectionRaised, ObjectionResolved
from shared.ids import new_id
from shared.outbox import emit
from shared.paging import Page, PageParams, paginate
from shared.pii import PiiVault, mask_name, mask_phone
from shared.problems import Conflict, InvalidInput, NotFound

MAX_OVERDUE_LISTED = 100


def _complainant(c: Case, vault: PiiVault, name: str | None, phone: str | None) -> Case:
    """Who raised it, when they said: encrypted (and the phone's keyed hash, to find their other cases), like the registry's PII."""
    c.complainant_name_ciphertext = vault.encrypt(name) if name else None
    c.complainant_phone_ciphertext = vault.encrypt(phone) if phone else None
    c.complainant_phone_hash = vault.lookup_hash(phone) if phone else None
    return c


def case_out(c: Case, *, today: date, vault: PiiVault | None = None, principal: Principal | None = None) -> CaseOut:
    full = principal is not None and principal.sees_full_pii
    name = vault.decrypt(c.complainant_name_ciphertext) if vault and c.complainant_name_ciphertext else None
    phone = vault.decrypt(c.complainant_phone_ciphertext) if vault and c.complainant_phone_ciphertext else None
    return CaseOut(
        id=c.id,
        kind=c.kind,  # type: ignore[arg-type]  # the row holds one of the answer's codes (the table's CHECK, the contract it came from)
        notice_id=c.notice_id,
        village_code=c.village_code,
        category=c.category,  # type: ignore[arg-type]  # the row holds one of the answer's codes (the table's CHECK, the contract it came from)
        summary=c.summary,
        concerns=c.concerns,
        event_ids=c.event_ids,
        status=c.status,  # type: ignore[arg-type]  # the row holds one of the answer's codes (the table's CHECK, the contract it came from)
        owner=c.owner,
        deadline=c.deadline,
        overdue=domain.is_overdue(status=c.status, deadline=c.deadline, today=today),
        raised_by=c.raised_by,
        complainant_name=(name if full else mask_name(name)) if name else None,
        complainant_phone=(phone if full else mask_phone(phone)) if phone else None,
        history=c.history,
        resolution_reason=c.resolution_reason,
        resolved_by=c.resolved_by,
        resolved_on=c.resolved_on,
        raised_at=c.raised_at,
    )


def concerned(notice: Notice) -> str:
    """What an objection to a notice concerns, by the notice's kind: its distribution, its subsidy, or the household (registry)."""
    return {"distribution": "distribution_id", "subsidy": "subsidy_id"}.get(notice.kind, "household_id")


async def _open_notice(session: AsyncSession, notice: Notice | None, clock: Clock, *, field: str) -> Notice:
    if notice is None:
        raise NotFound("公示不存在", detail_en="no such notice", field=field)
    if notice.status != "open" or clock.now() >= notice.closes_at:
        raise Conflict(
            "公示期已结束或公示已关闭，不能再提出异议", detail_en=f"the notice is {notice.status} and its window is over", code="notice_not_open", field=field
        )
    return notice


def _raised(c: Case) -> ObjectionRaised:
    return ObjectionRaised(
        objection_id=c.id,
        kind=c.kind,  # type: ignore[arg-type]  # objection or grievance, by the two callers
        notice_id=c.notice_id,
        village_code=c.village_code,
        category=c.category,
        deadline=c.deadline,
        concerns={k: str(v) for k, v in c.concerns.items()},
        event_ids=c.event_ids,
    )


async def raise_objection(*, session: AsyncSession, vault: PiiVault, clock: Clock, days: int, code: str, data: ObjectionIn) -> ObjectionReceipt:
    """Anyone, without signing in, while the notice is open; the complainant is stored encrypted and never shown publicly."""
    found = (await session.execute(select(Notice).where(col(Notice.code) == domain.normalise_code(code)).with_for_update())).scalar_one_or_none()
    notice = await _open_notice(session, found, clock, field="code")
    now = clock.now()
    c = Case(
        id=new_id(),
        kind="objection",
        notice_id=notice.id,
        village_code=notice.village_code,
        category=data.category,
        summary=data.summary,
        concerns={concerned(notice): notice.subject_id},
        deadline=domain.deadline_for(now.date(), days),
        raised_by="public",
        history=[{"status": "received", "by": "public", "at": now.isoformat()}],
        raised_at=now,
    )
    session.add(_complainant(c, vault, data.name, data.phone))
    await session.flush()
    emit(session, _raised(c))
    return ObjectionReceipt(id=c.id, status=c.status, deadline=c.deadline, notice_code=domain.display_code(notice.code))  # type: ignore[arg-type]  # the row holds one of the answer's codes (the table's CHECK, the contract it came from)


async def record_grievance(*, session: AsyncSession, principal: Principal, vault: PiiVault, clock: Clock, days: int, data: GrievanceIn) -> CaseOut:
    """An official records a grievance in their scope (with ``notice_id``: an objection to that open notice, e.g. one handed in on paper)."""
    ensure_writable(principal, region=data.village_code)
    notice = None
    if data.notice_id:
        found = await session.get(Notice, data.notice_id, with_for_update=True)
        if found is not None and found.village_code != data.village_code:
            raise InvalidInput("公示不属于该村", detail_en="the notice is another village's", field="notice_id")
        notice = await _open_notice(session, found, clock, field="notice_id")
    now = clock.now()
    concerns = data.concerns.model_dump(exclude_none=True) if data.concerns else {}
    if notice is not None:
        concerns.setdefault(concerned(notice), notice.subject_id)
    c = Case(
        id=new_id(),
        kind="objection" if notice else "grievance",
        notice_id=notice.id if notice else None,
        village_code=data.village_code,
        category=data.category,
        summary=data.summary,
        concerns=concerns,
        event_ids=list(dict.fromkeys(data.event_ids)),
        owner=data.owner,
        deadline=data.deadline or domain.deadline_for(now.date(), days),
        raised_by=principal.subject,
        history=[{"status": "received", "by": principal.subject, "at": now.isoformat()}],
        raised_at=now,
    )
    session.add(_complainant(c, vault, data.complainant_name, data.complainant_phone))
    await session.flush()
    emit(session, _raised(c))
    return case_out(c, today=now.date(), vault=vault, principal=principal)


async def _for_handling(session: AsyncSession, principal: Principal, case_id: str) -> Case:
    c = await session.get(Case, case_id, with_for_update=True)
    if c is None:
        raise NotFound("异议或投诉不存在", detail_en="not found")
    ensure_readable(principal, region=c.village_code, what="异议或投诉")  # outside the scope: as if absent
    ensure_writable(principal, region=c.village_code)
    return c


async def investigate(*, session: AsyncSession, principal: Principal, vault: PiiVault, clock: Clock, case_id: str, data: InvestigationIn) -> CaseOut:
    c = await _for_handling(session, principal, case_id)
    domain.check_transition(c.status, "investigating")
    now = clock.now()
    c.status, c.owner = "investigating", data.owner or c.owner or principal.subject
    if data.deadline:
        c.deadline = data.deadline
    c.history = [*c.history, {"status": "investigating", "by": principal.subject, "at": now.isoformat(), "owner": c.owner, "note": data.note}]
    await session.flush()
    return case_out(c, today=now.date(), vault=vault, principal=principal)


async def resolve(*, session: AsyncSession, principal: Principal, vault: PiiVault, clock: Clock, case_id: str, data: ResolutionIn) -> CaseOut:
    """Upheld or rejected, with reasons, published on the notice; an objection's notice may then close (``close_if_due``)."""
    c = await _for_handling(session, principal, case_id)
    domain.check_transition(c.status, data.outcome)
    now = clock.now()
    c.status, c.resolution_reason, c.resolved_by, c.resolved_on = data.outcome, data.reason, principal.subject, now.date()
    c.history = [*c.history, {"status": data.outcome, "by": principal.subject, "at": now.isoformat(), "note": data.reason}]
    await session.flush()
    emit(
        session,
        ObjectionResolved(
            objection_id=c.id,
            kind=c.kind,  # type: ignore[arg-type]  # objection or grievance
            notice_id=c.notice_id,
            village_code=c.village_code,
            outcome=data.outcome,
            reason=data.reason,
            resolved_by=principal.subject,
            resolved_on=now.date(),
        ),
    )
    if c.notice_id:
        notice = await session.get(Notice, c.notice_id, with_for_update=True)
        if notice is not None:
            await notices.close_if_due(session, notice, now=now)
    return case_out(c, today=now.date(), vault=vault, principal=principal)


async def get_case(*, session: AsyncSession, principal: Principal, vault: PiiVault, clock: Clock, case_id: str) -> CaseOut:
    c = await session.get(Case, case_id)
    if c is None:
        raise NotFound("异议或投诉不存在", detail_en="not found")
    ensure_readable(principal, region=c.village_code, what="异议或投诉")
    return case_out(c, today=clock.today(), vault=vault, principal=principal)


async def list_cases(
    *,
    session: AsyncSession,
    principal: Principal,
    vault: PiiVault,
    clock: Clock,
    page: PageParams,
    region: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    notice_id: str | None = None,
    overdue: bool | None = None,
) -> Page[CaseOut]:
    today = clock.today()
    stmt = select(Case).where(visible(principal, region=col(Case.village_code)))
    if region:
        stmt = stmt.where(col(Case.village_code).startswith(region, autoescape=True))
    if status:
        stmt = stmt.where(col(Case.status) == status)
    if kind:
        stmt = stmt.where(col(Case.kind) == kind)
    if notice_id:
        stmt = stmt.where(col(Case.notice_id) == notice_id)
    if overdue is not None:
        late = col(Case.status).in_(domain.OPEN_STATUSES) & (col(Case.deadline) < today)
        stmt = stmt.where(late if overdue else ~late)
    return await paginate(session, stmt, key=col(Case.id), params=page, to_item=lambda c: case_out(c, today=today, vault=vault, principal=principal))


async def summary(*, session: AsyncSession, principal: Principal, vault: PiiVault, clock: Clock, region: str | None = None) -> CaseSummary:
    """Counts by status and the overdue per county and village: two grouped statements and one list, whatever the numbers."""
    today = clock.today()
    scope = visible(principal, region=col(Case.village_code))
    if region:
        scope = scope & col(Case.village_code).startswith(region, autoescape=True)
    rows = (
        await session.execute(select(col(Case.village_code), col(Case.status), func.count()).where(scope).group_by(col(Case.village_code), col(Case.status)))
    ).all()
    late_clause = scope & col(Case.status).in_(domain.OPEN_STATUSES) & (col(Case.deadline) < today)
    late_rows = (await session.execute(select(col(Case.village_code), func.count()).where(late_clause).group_by(col(Case.village_code)))).all()
    villages: dict[str, Counts] = {}
    counties: dict[str, Counts] = {}
    for village, status, n in rows:
        for bucket, code in ((villages, village), (counties, village[:6])):
            counts = bucket.setdefault(code, Counts(code=code))
            setattr(counts, status, getattr(counts, status) + int(n))
    for village, n in late_rows:
        for bucket, code in ((villages, village), (counties, village[:6])):
            counts = bucket.setdefault(code, Counts(code=code))
            counts.overdue += int(n)
    late: list[Any] = list(
        (await session.execute(select(Case).where(late_clause).order_by(col(Case.deadline), col(Case.id)).limit(MAX_OVERDUE_LISTED))).scalars()
    )
    return CaseSummary(
        counties=sorted(counties.values(), key=lambda c: c.code),
        villages=sorted(villages.values(), key=lambda c: c.code),
        overdue=[case_out(c, today=today, vault=vault, principal=principal) for c in late],
    )
