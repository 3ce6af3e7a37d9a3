"""Catalogue use cases (R8): keyword-only functions over a session; they flush, never commit."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, true
from sqlalchemy.ext.asyncio import AsyncSession

from services.training import domain
from services.training.catalogue.models import Course, CourseBase
from services.training.catalogue.schemas import CourseIn, CourseOut
from services.training.fields import shared_fields
from shared.auth import Principal, ensure_writable
from shared.ids import new_id
from shared.problems import NotFound


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
