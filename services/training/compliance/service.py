"""Certificate and R7 use cases: keyword-only functions over a session; they flush and emit, never commit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from sqlalchemy import ColumnElement, Row, Select, and_, case, exists, func, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from services.training import domain
from services.training.catalogue.models import Course
from services.training.compliance.models import Certificate, CertificateBase, Compliance, ComplianceBase
from services.training.compliance.schemas import (
    AttendedSession,
    BehindLabourerOut,
    CertificateIn,
    CertificateOut,
    ComplianceSummaryOut,
    Needs,
    TrainingFileOut,
    YearStatusOut,
)
from services.training.fields import shared_fields, this_year
from services.training.members.models import KnownMember, KnownVillage
from services.training.sessions.models import Enrolment, TrainingSession
from services.training.sessions.repository import _days_by_enrolment
from shared.auth import Principal, can_read, ensure_readable, ensure_writable, visible
from shared.events.households import LabourCapacity
from shared.events.training import CertificateIssued, LabourerComplianceChanged
from shared.ids import new_id
from shared.outbox import emit
from shared.paging import Page, PageParams, paginate
from shared.problems import InvalidInput, NotFound
from shared.regions import county_of, township_of


def compliance_row(member_id: str, st: domain.YearStatus) -> Compliance:
    """The stored R7 status of one year, from the domain's reckoning of it."""
    return Compliance(member_id=member_id, year=st.year, **ComplianceBase.model_validate(st).model_dump())


async def issue_certificate(*, session: AsyncSession, principal: Principal, data: CertificateIn) -> CertificateOut:
    member = await session.get(KnownMember, data.member_id)
    if member is None or not can_read(principal, region=member.village_code):
        raise InvalidInput("成员不存在", detail_en=f"unknown member {data.member_id}", field="member_id")
    ensure_writable(principal, region=member.village_code)
    key = domain.skill_key(data.skill)
    if (await session.execute(select(Certificate.id).where(Certificate.member_id == member.id, col(Certificate.skill_key) == key))).first():
        raise InvalidInput(
            "该成员已有此技能证书", detail_en=f"member already holds a certificate for {data.skill!r}", field="skill", code="duplicate_certificate"
        )
    cert = Certificate(**shared_fields(data, CertificateBase), id=new_id(), skill_key=key, recorded_by=principal.subject)
    cert.skill = " ".join(data.skill.split())
    session.add(cert)
    await session.flush()
    emit(
        session,
        CertificateIssued(
            certificate_id=cert.id,
            member_id=member.id,
            household_id=member.household_id,
            village_code=member.village_code,
            skill=cert.skill,
            certified_by=cert.certified_by,
            certified_on=cert.certified_on,
        ),
    )
    await refresh_compliance(session=session, member=member)
    return CertificateOut.model_validate(cert)


async def _history(session: AsyncSession, member_ids: Sequence[str]) -> tuple[dict[str, list[domain.CompletedSession]], dict[str, list[date]]]:
    sessions: dict[str, list[domain.CompletedSession]] = defaultdict(list)
    skills: dict[str, list[date]] = defaultdict(list)
    if not member_ids:
        return sessions, skills
    rows = await session.execute(
        select(Enrolment.member_id, Enrolment.year, Enrolment.days_attended).where(
            col(Enrolment.member_id).in_(member_ids), col(Enrolment.days_attended).is_not(None)
        )
    )
    for member_id, year, days in rows.all():
        sessions[member_id].append(domain.CompletedSession(year=year, days_attended=days))
    for member_id, on in (
        await session.execute(select(col(Certificate.member_id), col(Certificate.certified_on)).where(col(Certificate.member_id).in_(member_ids)))
    ).all():
        skills[member_id].append(on)
    return sessions, skills


def _through(year: int, sessions: list[domain.CompletedSession], skills: list[date]) -> int:
    return max([year] + [s.year for s in sessions] + [d.year for d in skills])


async def refresh_compliance(*, session: AsyncSession, member: KnownMember) -> None:
    """Recompute a labourer's R7 status for every year of their file; announce the years that changed."""
    if not domain.is_labourer(member.labour_capacity):
        return
    # One recomputation per member at a time (PostgreSQL), so two writers cannot both insert a year.
    await session.execute(select(KnownMember.id).where(KnownMember.id == member.id).with_for_update())
    history, skills = await _history(session, [member.id])
    statuses = domain.r7_compliance(
        sessions=history[member.id], skills_certified_on=skills[member.id], through_year=_through(this_year(), history[member.id], skills[member.id])
    )
    stored = {c.year: c for c in (await session.execute(select(Compliance).where(Compliance.member_id == member.id))).scalars()}
    for st in statuses:
        row = stored.get(st.year)
        values = (st.status, st.counted_sessions, st.consecutive_years, st.has_skill)
        if row is not None and (row.status, row.counted_sessions, row.consecutive_years, row.has_skill) == values:
            continue
        if row is None:
            session.add(compliance_row(member.id, st))
        else:
            row.status, row.counted_sessions, row.consecutive_years, row.has_skill = values
        emit_compliance(session, member, st)
    await session.flush()


def emit_compliance(session: AsyncSession, member: KnownMember, st: domain.YearStatus) -> None:
    emit(
        session,
        LabourerComplianceChanged(
            member_id=member.id,
            household_id=member.household_id,
            village_code=member.village_code,
            year=st.year,
            status=st.status,
            counted_sessions=st.counted_sessions,
            consecutive_years=st.consecutive_years,
            has_skill=st.has_skill,
        ),
    )


def _needs(st: domain.YearStatus) -> Needs:
    return Needs(sessions=st.sessions_needed, days=st.days_needed, skill=st.skill_needed, years_remaining=st.years_remaining)


def _year_of(statuses: list[domain.YearStatus], year: int) -> domain.YearStatus:
    return next(st for st in statuses if st.year == year)


async def training_file(*, session: AsyncSession, principal: Principal, member_id: str, year: int | None) -> TrainingFileOut:
    member = await session.get(KnownMember, member_id)
    if member is None:
        raise NotFound("成员不存在", detail_en=f"member {member_id} not found")
    ensure_readable(principal, region=member.village_code, what="成员")
    year = year or this_year()
    history, skills = await _history(session, [member.id])
    # From the year asked at the latest, so a year before the first training has its (behind) status.
    statuses = domain.r7_compliance(
        sessions=history[member.id], skills_certified_on=skills[member.id], through_year=_through(year, history[member.id], skills[member.id]), from_year=year
    )
    current = _year_of(statuses, year)
    rows = await session.execute(
        select(Enrolment, TrainingSession, Course)
        .join(TrainingSession, col(TrainingSession.id) == Enrolment.session_id)
        .join(Course, col(Course.id) == TrainingSession.course_id)
        .where(Enrolment.member_id == member.id)
        .order_by(col(TrainingSession.start_date), col(Enrolment.id))
    )
    triples = [(e, s, c) for e, s, c in rows.all()]
    days = await _days_by_enrolment(session, [e.id for e, _, _ in triples])
    certificates = (
        await session.execute(select(Certificate).where(Certificate.member_id == member.id).order_by(col(Certificate.certified_on), col(Certificate.id)))
    ).scalars()
    return TrainingFileOut(
        member_id=member.id,
        name=member.name,
        household_id=member.household_id,
        village_code=member.village_code,
        labour_capacity=cast(LabourCapacity, member.labour_capacity),  # from the households facts, which carry the enum
        labourer=domain.is_labourer(member.labour_capacity),
        year=year,
        status=current.status,
        needs=_needs(current),
        years=[YearStatusOut.model_validate(st) for st in statuses],
        sessions=[_attended(e, s, c, days.get(e.id, 0)) for e, s, c in triples],
        certificates=[CertificateOut.model_validate(c) for c in certificates],
    )


def _attended(e: Enrolment, s: TrainingSession, c: Course, days: int) -> AttendedSession:
    return AttendedSession.model_validate(
        s,
        update={
            "session_id": s.id,
            "course_id": c.id,
            "course_title": c.title,
            "category": c.category,
            "industry": c.industry,
            "days_attended": e.days_attended if e.days_attended is not None else days,
            "counted": e.counted,
        },
    )


def _check_region(region: str | None) -> None:
    if region is not None and (not region.isdigit() or len(region) not in (4, 6, 9, 12)):
        raise InvalidInput("区域代码无效", detail_en="region must be a 6, 9 or 12-digit division code", field="region")


def _labourers_in(year: int) -> ColumnElement[bool]:
    """Labourers still in their household at the end of ``year`` and registered by then."""
    return and_(
        col(KnownMember.labour_capacity).in_(("full", "partial")),
        or_(col(KnownMember.left_on).is_(None), col(KnownMember.left_on) > date(year, 12, 31)),
        col(KnownMember.joined_on) <= date(year, 12, 31),
    )


DIVISION_DIGITS = {"county": 6, "township": 9, "village": 12}


async def compliance_summary(
    *, session: AsyncSession, principal: Principal, year: int | None, region: str | None, by: str, page: PageParams
) -> Page[ComplianceSummaryOut]:
    """R7 by county, township or village: labourers compliant, on track and behind in ``year``."""
    year = year or this_year()
    _check_region(region)
    code = func.substr(col(KnownMember.village_code), 1, DIVISION_DIGITS[by]).label("code")
    status = col(Compliance.status)
    stmt = (
        select(
            code,
            func.count().label("labourers"),
            func.sum(case((status == "compliant", 1), else_=0)).label("compliant"),
            func.sum(case((status == "on_track", 1), else_=0)).label("on_track"),
        )
        .select_from(KnownMember)
        .outerjoin(Compliance, and_(col(Compliance.member_id) == col(KnownMember.id), col(Compliance.year) == year))
        .where(_labourers_in(year), visible(principal, region=KnownMember.village_code))
        .group_by(code)
    )
    if region:
        stmt = stmt.where(col(KnownMember.village_code).startswith(region, autoescape=True))

    def item(r: Row[Any]) -> ComplianceSummaryOut:
        m = r._mapping
        labourers, compliant, on_track = int(m["labourers"]), int(m["compliant"] or 0), int(m["on_track"] or 0)
        return ComplianceSummaryOut(
            code=m["code"], year=year, labourers=labourers, compliant=compliant, on_track=on_track, behind=labourers - compliant - on_track
        )

    # The paging helper reads the key (``code``) from each row by name; the row's other columns are the counts.
    return await paginate(session, cast("Select[Any]", stmt), key=code, params=page, to_item=item, scalars=False)


async def labourers_behind(*, session: AsyncSession, principal: Principal, year: int | None, region: str | None, page: PageParams) -> Page[BehindLabourerOut]:
    """R7: labourers (still in their household, joined by the end of ``year``) not compliant nor on track in ``year``."""
    year = year or this_year()
    _check_region(region)
    fine = exists().where(
        and_(col(Compliance.member_id) == col(KnownMember.id), col(Compliance.year) == year, col(Compliance.status).in_(("compliant", "on_track")))
    )
    stmt = select(KnownMember).where(_labourers_in(year), visible(principal, region=KnownMember.village_code), ~fine)
    if region:
        stmt = stmt.where(col(KnownMember.village_code).startswith(region, autoescape=True))
    raw = await paginate(session, stmt, key=KnownMember.id, params=page, to_item=lambda m: m)
    members: list[KnownMember] = raw.items
    history, skills = await _history(session, [m.id for m in members])
    villages = {
        v.code: v.name for v in (await session.execute(select(KnownVillage).where(col(KnownVillage.code).in_({m.village_code for m in members})))).scalars()
    }
    items = []
    for m in members:
        statuses = domain.r7_compliance(
            sessions=history[m.id], skills_certified_on=skills[m.id], through_year=_through(year, history[m.id], skills[m.id]), from_year=year
        )
        st = _year_of(statuses, year)
        items.append(
            BehindLabourerOut(
                member_id=m.id,
                name=m.name,
                household_id=m.household_id,
                village_code=m.village_code,
                village_name=villages.get(m.village_code),
                township_code=township_of(m.village_code),
                county_code=county_of(m.village_code),
                year=year,
                counted_sessions=st.counted_sessions,
                consecutive_years=st.consecutive_years,
                has_skill=st.has_skill,
                needs=_needs(st),
            )
        )
    return Page[BehindLabourerOut](items=items, next_cursor=raw.next_cursor)
