"""Catalogue use cases (R8): keyword-only functions over a session; they flush, never commit."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from policy.training import r8_course
from services.training.catalogue import repository
from services.training.catalogue.models import Course, CourseBase
from services.training.catalogue.schemas import CourseIn, CourseOut
from services.training.fields import shared_fields
from shared.auth import Principal, ensure_writable
from shared.errors import enforce
from shared.ids import new_id
from shared.paging import Page, PageParams, paginate
from shared.problems import NotFound


async def create_course(*, session: AsyncSession, principal: Principal, data: CourseIn) -> CourseOut:
    # A county's course is written by those who may write in the county; the city's catalogue city-wide.
    ensure_writable(principal, region=data.county_code)
    enforce(r8_course(category=data.category, industry=data.industry))
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


async def get_course(*, session: AsyncSession, principal: Principal, course_id: str) -> CourseOut:
    course = await session.get(Course, course_id)
    if course is None or not course_visible(principal, course):
        raise NotFound("课程不存在", detail_en=f"course {course_id} not found")
    return CourseOut.model_validate(course)


async def list_courses(*, session: AsyncSession, principal: Principal, page: PageParams, category: str | None, industry: str | None) -> Page[CourseOut]:
    stmt = repository.courses(principal, category=category, industry=industry)
    return await paginate(session, stmt, key=Course.id, params=page, to_item=CourseOut.model_validate)
