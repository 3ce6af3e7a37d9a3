"""Training use cases: keyword-only functions over a session; they flush and emit, never commit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from services.training import domain
from services.training.models import (
    Attendance,
    Certificate,
    CertificateBase,
    Compliance,
    ComplianceBase,
    Course,
    CourseBase,
    Enrolment,
    KnownMember,
    KnownVillage,
    SessionBase,
    TrainingSession,
)
from services.training.schemas import (
    AttendanceIn,
    AttendanceOut,
    AttendedSession,
    BehindLabourerOut,
    CertificateIn,
    CertificateOut,
    ComplianceSummaryOut,
    CourseIn,
    CourseOut,
    EnrolmentIn,
    EnrolmentOut,
    Needs,
    SessionIn,
    SessionOut,
    TrainingFileOut,
    YearStatusOut,
)
from shared.auth import Principal, can_read, ensure_readable, ensure_writable, visible
from shared.events.training import (
    CertificateIssued,
    LabourerComplianceChanged,
    SessionCompleted,
)
from shared.ids import new_id
from shared.outbox import emit
from shared.paging import Page, PageParams, paginate
from shared.problems import Conflict, InvalidInput, NotFound
from shared.regions import county_of, township_of


def this_year() -> int:
    return date.today().year


def shared_fields(data: BaseModel, base: type[SQLModel]) -> dict[str, Any]:
    """The values of the fields ``data`` (a create model) shares with its table, by the base that declares them."""
    return data.model_dump(include=set(base.model_fields))


def compliance_row(member_id: str, st: domain.YearStatus) -> Compliance:
    """The stored R7 status of one year, from the domain's reckoning of it."""
    return Compliance(member_id=member_id, year=st.year, **ComplianceBase.model_validate(st).model_dump())


# ---- courses (R8) ------------------------------------------------------------------------------


async def create_course(*, session: AsyncSession, principal: Principal, data: CourseIn) -> CourseOut:
    # A county's course is written by those who may write in the county; the city's catalogue city-wide.
    ensure_writable(principal, region=data.county_code)
    domain.check_r8_course(category=data.category, industry=data.industry)
    requires = data.requires_labour_capacity
    if requires is None:
        requires = data.category != "cultural_literacy"
    course = Course(**shared_fields(data, CourseBase), id=new_id(), requires_labour_capacity=requires, created_by=principal.subject)
    session.add(course)
    await session.flush()
    return CourseOut.model_validate(course)


def course_visible(principal: Principal, course: Course) -> bool:
    """The city's catalogue is seen by everyone; a county's own course by those whose scope meets that county."""
    if course.county_code is None or principal.sees_everything:
        return True
    scope = principal.scope or ""
    return bool(scope) and (scope.startswith(course.county_code) or course.county_code.startswith(scope))


def visible_courses(principal: Principal) -> ColumnElement[bool]:
    """WHERE clause of ``course_visible`` for the catalogue list."""
    if principal.sees_everything:
        return true()
    scope = principal.scope or ""
    if not scope.isdigit():
        return Course.county_code.is_(None)
    inside = Course.county_code == scope[:6] if len(scope) >= 6 else Course.county_code.startswith(scope, autoescape=True)
    return or_(Course.county_code.is_(None), inside)


async def get_course(*, session: AsyncSession, principal: Principal, course_id: str) -> CourseOut:
    course = await session.get(Course, course_id)
    if course is None or not course_visible(principal, course):
        raise NotFound("课程不存在", detail_en=f"course {course_id} not found")
    return CourseOut.model_validate(course)


# ---- sessions ----------------------------------------------------------------------------------


async def _enrolled_counts(session: AsyncSession, session_ids: Sequence[str]) -> dict[str, int]:
    if not session_ids:
        return {}
    rows = await session.execute(
        select(Enrolment.session_id, func.count()).where(Enrolment.session_id.in_(session_ids)).group_by(Enrolment.session_id)
    )
    return {sid: int(n) for sid, n in rows.all()}


def session_out(s: TrainingSession, course: Course, enrolled: int) -> SessionOut:
    """A session with what its list shows of its course, its length and how many are enrolled."""
    derived = {
        "course_title": course.title,
        "category": course.category,
        "industry": course.industry,
        "days": (s.end_date - s.start_date).days + 1,
        "enrolled": enrolled,
    }
    return SessionOut.model_validate(s, update=derived)


async def create_session(*, session: AsyncSession, principal: Principal, data: SessionIn) -> SessionOut:
    ensure_writable(principal, region=data.region_code)
    course = await session.get(Course, data.course_id)
    if course is None or not course_visible(principal, course):
        raise InvalidInput("课程不存在", detail_en=f"unknown course {data.course_id}", field="course_id")
    if course.county_code and not data.region_code.startswith(course.county_code):
        raise InvalidInput(
            "县级课程只能在本县开班",
            detail_en=f"course of county {course.county_code} cannot be held in {data.region_code}",
            field="region_code",
        )
    domain.check_session_dates(start_date=data.start_date, end_date=data.end_date)
    domain.check_r8_venue(category=course.category, industry=course.industry, venue_kind=data.venue_kind)
    s = TrainingSession(**shared_fields(data, SessionBase), id=new_id(), created_by=principal.subject)
    session.add(s)
    await session.flush()
    return session_out(s, course, 0)


async def _readable_session(session: AsyncSession, principal: Principal, session_id: str) -> tuple[TrainingSession, Course]:
    s = await session.get(TrainingSession, session_id)
    if s is None:
        raise NotFound("培训班不存在", detail_en=f"session {session_id} not found")
    ensure_readable(principal, region=s.region_code, what="培训班")
    course = await session.get(Course, s.course_id)
    assert course is not None
    return s, course


async def _writable_session(session: AsyncSession, principal: Principal, session_id: str) -> tuple[TrainingSession, Course]:
    s = await session.get(TrainingSession, session_id)
    if s is None:
        raise NotFound("培训班不存在", detail_en=f"session {session_id} not found")
    ensure_writable(principal, region=s.region_code)
    course = await session.get(Course, s.course_id)
    assert course is not None
    if s.completed_on is not None:
        raise Conflict("培训班已结业，不能再修改", detail_en="the session is completed; it can no longer change", code="session_completed")
    return s, course


async def get_session(*, session: AsyncSession, principal: Principal, session_id: str) -> SessionOut:
    s, course = await _readable_session(session, principal, session_id)
    return session_out(s, course, (await _enrolled_counts(session, [s.id])).get(s.id, 0))


async def list_sessions(*, session: AsyncSession, principal: Principal, page: PageParams, course_id: str | None) -> Page[SessionOut]:
    stmt = select(TrainingSession).where(visible(principal, region=TrainingSession.region_code))
    if course_id:
        stmt = stmt.where(TrainingSession.course_id == course_id)
    raw = await paginate(session, stmt, key=TrainingSession.id, params=page, to_item=lambda s: s)
    courses = {c.id: c for c in (await session.execute(select(Course).where(Course.id.in_({s.course_id for s in raw.items})))).scalars()}
    counts = await _enrolled_counts(session, [s.id for s in raw.items])
    return Page[SessionOut](items=[session_out(s, courses[s.course_id], counts.get(s.id, 0)) for s in raw.items], next_cursor=raw.next_cursor)


async def enrol(*, session: AsyncSession, principal: Principal, session_id: str, data: EnrolmentIn) -> list[EnrolmentOut]:
    s, course = await _writable_session(session, principal, session_id)
    members = {m.id: m for m in (await session.execute(select(KnownMember).where(KnownMember.id.in_(data.member_ids)))).scalars()}
    already = set(
        (await session.execute(select(Enrolment.member_id).where(Enrolment.session_id == s.id, Enrolment.member_id.in_(data.member_ids)))).scalars()
    )
    added: list[Enrolment] = []
    for i, member_id in enumerate(data.member_ids):
        field = f"member_ids[{i}]"
        member = members.get(member_id)
        if member is None or not can_read(principal, region=member.village_code):
            raise InvalidInput(
                "成员不存在（或户籍登记尚未同步到培训服务）",
                detail_en=f"unknown member {member_id} (not registered, or not yet announced by the households registry)",
                field=field,
            )
        if member.left_on is not None and member.left_on <= s.start_date:
            raise InvalidInput("该成员已离户", detail_en=f"member {member_id} left the household on {member.left_on}", field=field)
        domain.check_labour_capacity(requires_labour_capacity=course.requires_labour_capacity, labour_capacity=member.labour_capacity, field=field)
        if member_id in already:
            continue  # enrolling twice is harmless
        already.add(member_id)
        enrolment = Enrolment(id=new_id(), session_id=s.id, member_id=member_id)
        session.add(enrolment)
        added.append(enrolment)
    await session.flush()
    return [_enrolment_out(e, members[e.member_id], 0) for e in added]


def _enrolment_out(e: Enrolment, m: KnownMember, days: int) -> EnrolmentOut:
    attended = e.days_attended if e.days_attended is not None else days
    return EnrolmentOut.model_validate(e, update={"member_name": m.name, "village_code": m.village_code, "days_attended": attended})


async def _days_by_enrolment(session: AsyncSession, enrolment_ids: Sequence[str]) -> dict[str, int]:
    if not enrolment_ids:
        return {}
    rows = await session.execute(
        select(Attendance.enrolment_id, func.count()).where(Attendance.enrolment_id.in_(enrolment_ids)).group_by(Attendance.enrolment_id)
    )
    return {eid: int(n) for eid, n in rows.all()}


async def list_enrolments(*, session: AsyncSession, principal: Principal, session_id: str, page: PageParams) -> Page[EnrolmentOut]:
    s, _ = await _readable_session(session, principal, session_id)
    # The keyset column is selected under its own name: the cursor is read from the row by ``id``.
    stmt = (
        select(Enrolment, KnownMember, Enrolment.id.label("id"))
        .join(KnownMember, KnownMember.id == Enrolment.member_id)
        .where(Enrolment.session_id == s.id, visible(principal, region=KnownMember.village_code))
    )
    raw = await paginate(session, stmt, key=Enrolment.id, params=page, to_item=lambda r: (r[0], r[1]), scalars=False)
    days = await _days_by_enrolment(session, [e.id for e, _ in raw.items])
    return Page[EnrolmentOut](items=[_enrolment_out(e, m, days.get(e.id, 0)) for e, m in raw.items], next_cursor=raw.next_cursor)


async def record_attendance(*, session: AsyncSession, principal: Principal, session_id: str, data: AttendanceIn) -> AttendanceOut:
    s, _ = await _writable_session(session, principal, session_id)
    for j, day in enumerate(data.days):
        if not (s.start_date <= day <= s.end_date):
            raise InvalidInput(
                "出勤日期不在培训班日期内",
                detail_en=f"{day} is outside the session ({s.start_date} to {s.end_date})",
                field=f"days[{j}]",
            )
    enrolments = {
        e.member_id: e
        for e in (await session.execute(select(Enrolment).where(Enrolment.session_id == s.id, Enrolment.member_id.in_(data.member_ids)))).scalars()
    }
    for i, member_id in enumerate(data.member_ids):
        if member_id not in enrolments:
            raise InvalidInput("该成员未报名此培训班", detail_en=f"member {member_id} is not enrolled in this session", field=f"member_ids[{i}]")
    ids = [e.id for e in enrolments.values()]
    existing = {(eid, day) for eid, day in (await session.execute(select(Attendance.enrolment_id, Attendance.day).where(Attendance.enrolment_id.in_(ids)))).all()}
    recorded = 0
    for member_id in dict.fromkeys(data.member_ids):
        for day in dict.fromkeys(data.days):
            key = (enrolments[member_id].id, day)
            if key not in existing:
                existing.add(key)
                session.add(Attendance(enrolment_id=key[0], day=day, recorded_by=principal.subject))
                recorded += 1
    await session.flush()
    return AttendanceOut(session_id=s.id, recorded=recorded)


async def complete_session(*, session: AsyncSession, principal: Principal, session_id: str, today: date | None = None) -> SessionOut:
    """The session ends: each enrolled member's attended days are fixed, counted (R7) and announced."""
    s, course = await _writable_session(session, principal, session_id)
    today = today or date.today()
    if s.end_date > today:
        raise Conflict(
            "培训班尚未结束",
            detail_en=f"the session ends on {s.end_date}; it cannot be completed before",
            code="session_not_ended",
            field="end_date",
        )
    s.completed_on = s.end_date
    enrolments = list((await session.execute(select(Enrolment).where(Enrolment.session_id == s.id).order_by(Enrolment.id))).scalars())
    days = await _days_by_enrolment(session, [e.id for e in enrolments])
    members = {m.id: m for m in (await session.execute(select(KnownMember).where(KnownMember.id.in_([e.member_id for e in enrolments])))).scalars()}
    for e in enrolments:
        e.days_attended = days.get(e.id, 0)
        e.counted = domain.r7_session_counts(e.days_attended)
        e.year = s.end_date.year
        m = members[e.member_id]
        emit(
            session,
            SessionCompleted(
                member_id=m.id,
                household_id=m.household_id,
                village_code=m.village_code,
                session_id=s.id,
                course_id=course.id,
                industry=course.industry,
                category=course.category,  # type: ignore[arg-type]
                days_attended=e.days_attended,
                year=e.year,
                completed_on=s.end_date,
                counted=e.counted,
            ),
        )
    await session.flush()
    for m in members.values():
        await refresh_compliance(session=session, member=m)
    return session_out(s, course, len(enrolments))


# ---- certificates ------------------------------------------------------------------------------


async def issue_certificate(*, session: AsyncSession, principal: Principal, data: CertificateIn) -> CertificateOut:
    member = await session.get(KnownMember, data.member_id)
    if member is None or not can_read(principal, region=member.village_code):
        raise InvalidInput("成员不存在", detail_en=f"unknown member {data.member_id}", field="member_id")
    ensure_writable(principal, region=member.village_code)
    key = domain.skill_key(data.skill)
    if (await session.execute(select(Certificate.id).where(Certificate.member_id == member.id, Certificate.skill_key == key))).first():
        raise InvalidInput("该成员已有此技能证书", detail_en=f"member already holds a certificate for {data.skill!r}", field="skill", code="duplicate_certificate")
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


# ---- R7: the training file and compliance -----------------------------------------------------


async def _history(session: AsyncSession, member_ids: Sequence[str]) -> tuple[dict[str, list[domain.CompletedSession]], dict[str, list[date]]]:
    sessions: dict[str, list[domain.CompletedSession]] = defaultdict(list)
    skills: dict[str, list[date]] = defaultdict(list)
    if not member_ids:
        return sessions, skills
    rows = await session.execute(
        select(Enrolment.member_id, Enrolment.year, Enrolment.days_attended).where(
            Enrolment.member_id.in_(member_ids), Enrolment.days_attended.is_not(None)
        )
    )
    for member_id, year, days in rows.all():
        sessions[member_id].append(domain.CompletedSession(year=year, days_attended=days))
    for member_id, on in (await session.execute(select(Certificate.member_id, Certificate.certified_on).where(Certificate.member_id.in_(member_ids)))).all():
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
        .join(TrainingSession, TrainingSession.id == Enrolment.session_id)
        .join(Course, Course.id == TrainingSession.course_id)
        .where(Enrolment.member_id == member.id)
        .order_by(TrainingSession.start_date, Enrolment.id)
    )
    triples = [(e, s, c) for e, s, c in rows.all()]
    days = await _days_by_enrolment(session, [e.id for e, _, _ in triples])
    certificates = (await session.execute(select(Certificate).where(Certificate.member_id == member.id).order_by(Certificate.certified_on, Certificate.id))).scalars()
    return TrainingFileOut(
        member_id=member.id,
        name=member.name,
        household_id=member.household_id,
        village_code=member.village_code,
        labour_capacity=member.labour_capacity,
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
        KnownMember.labour_capacity.in_(("full", "partial")),
        or_(KnownMember.left_on.is_(None), KnownMember.left_on > date(year, 12, 31)),
        KnownMember.joined_on <= date(year, 12, 31),
    )


DIVISION_DIGITS = {"county": 6, "township": 9, "village": 12}


async def compliance_summary(
    *, session: AsyncSession, principal: Principal, year: int | None, region: str | None, by: str, page: PageParams
) -> Page[ComplianceSummaryOut]:
    """R7 by county, township or village: labourers compliant, on track and behind in ``year``."""
    year = year or this_year()
    _check_region(region)
    code = func.substr(KnownMember.village_code, 1, DIVISION_DIGITS[by]).label("code")
    status = Compliance.status
    stmt = (
        select(
            code,
            func.count().label("labourers"),
            func.sum(case((status == "compliant", 1), else_=0)).label("compliant"),
            func.sum(case((status == "on_track", 1), else_=0)).label("on_track"),
        )
        .select_from(KnownMember)
        .outerjoin(Compliance, and_(Compliance.member_id == KnownMember.id, Compliance.year == year))
        .where(_labourers_in(year), visible(principal, region=KnownMember.village_code))
        .group_by(code)
    )
    if region:
        stmt = stmt.where(KnownMember.village_code.startswith(region, autoescape=True))

    def item(r: object) -> ComplianceSummaryOut:
        m = r._mapping  # type: ignore[attr-defined]
        labourers, compliant, on_track = int(m["labourers"]), int(m["compliant"] or 0), int(m["on_track"] or 0)
        return ComplianceSummaryOut(
            code=m["code"], year=year, labourers=labourers, compliant=compliant, on_track=on_track, behind=labourers - compliant - on_track
        )

    return await paginate(session, stmt, key=code, params=page, to_item=item, scalars=False)


async def labourers_behind(
    *, session: AsyncSession, principal: Principal, year: int | None, region: str | None, page: PageParams
) -> Page[BehindLabourerOut]:
    """R7: labourers (still in their household, joined by the end of ``year``) not compliant nor on track in ``year``."""
    year = year or this_year()
    _check_region(region)
    fine = exists().where(
        and_(Compliance.member_id == KnownMember.id, Compliance.year == year, Compliance.status.in_(("compliant", "on_track")))
    )
    stmt = select(KnownMember).where(_labourers_in(year), visible(principal, region=KnownMember.village_code), ~fine)
    if region:
        stmt = stmt.where(KnownMember.village_code.startswith(region, autoescape=True))
    raw = await paginate(session, stmt, key=KnownMember.id, params=page, to_item=lambda m: m)
    members: list[KnownMember] = raw.items
    history, skills = await _history(session, [m.id for m in members])
    villages = {v.code: v.name for v in (await session.execute(select(KnownVillage).where(KnownVillage.code.in_({m.village_code for m in members})))).scalars()}
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
