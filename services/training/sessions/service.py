"""Session use cases: keyword-only functions over a session; they flush and emit, never commit."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from policy.training import r8_course
from services.training import domain
from services.training.catalogue.models import Course
from services.training.catalogue.service import course_visible
from services.training.compliance.service import refresh_compliance
from services.training.fields import shared_fields
from services.training.members.models import KnownMember
from services.training.sessions.models import Attendance, Enrolment, SessionBase, TrainingSession
from services.training.sessions.repository import _days_by_enrolment, _enrolled_counts
from services.training.sessions.schemas import AttendanceIn, AttendanceOut, EnrolmentIn, EnrolmentOut, SessionIn, SessionOut
from shared.auth import Principal, can_read, ensure_readable, ensure_writable, visible
from shared.errors import enforce
from shared.events.training import SessionCompleted
from shared.ids import new_id
from shared.outbox import emit
from shared.paging import Page, PageParams, paginate
from shared.problems import Conflict, InvalidInput, NotFound


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
    enforce(r8_course(category=course.category, industry=course.industry, venue_kind=data.venue_kind))
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
    courses = {c.id: c for c in (await session.execute(select(Course).where(col(Course.id).in_({s.course_id for s in raw.items})))).scalars()}
    counts = await _enrolled_counts(session, [s.id for s in raw.items])
    return Page[SessionOut](items=[session_out(s, courses[s.course_id], counts.get(s.id, 0)) for s in raw.items], next_cursor=raw.next_cursor)


async def enrol(*, session: AsyncSession, principal: Principal, session_id: str, data: EnrolmentIn) -> list[EnrolmentOut]:
    s, course = await _writable_session(session, principal, session_id)
    members = {m.id: m for m in (await session.execute(select(KnownMember).where(col(KnownMember.id).in_(data.member_ids)))).scalars()}
    already = set(
        (await session.execute(select(Enrolment.member_id).where(Enrolment.session_id == s.id, col(Enrolment.member_id).in_(data.member_ids)))).scalars()
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


async def list_enrolments(*, session: AsyncSession, principal: Principal, session_id: str, page: PageParams) -> Page[EnrolmentOut]:
    s, _ = await _readable_session(session, principal, session_id)
    # The keyset column is selected under its own name: the cursor is read from the row by ``id``.
    stmt = cast(
        "Select[Any]",  # rows of (enrolment, member, id): the paging helper reads the key by name
        select(Enrolment, KnownMember, col(Enrolment.id).label("id"))
        .join(KnownMember, col(KnownMember.id) == Enrolment.member_id)
        .where(Enrolment.session_id == s.id, visible(principal, region=KnownMember.village_code)),
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
        for e in (await session.execute(select(Enrolment).where(Enrolment.session_id == s.id, col(Enrolment.member_id).in_(data.member_ids)))).scalars()
    }
    for i, member_id in enumerate(data.member_ids):
        if member_id not in enrolments:
            raise InvalidInput("该成员未报名此培训班", detail_en=f"member {member_id} is not enrolled in this session", field=f"member_ids[{i}]")
    ids = [e.id for e in enrolments.values()]
    existing = {
        (eid, day)
        for eid, day in (await session.execute(select(col(Attendance.enrolment_id), col(Attendance.day)).where(col(Attendance.enrolment_id).in_(ids)))).all()
    }
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
    members = {m.id: m for m in (await session.execute(select(KnownMember).where(col(KnownMember.id).in_([e.member_id for e in enrolments])))).scalars()}
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
                category=course.category,
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
