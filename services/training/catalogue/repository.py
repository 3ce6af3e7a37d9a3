"""Where catalogue reads are built: the city's courses for everyone, a county's own for those whose scope meets it."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, true
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from services.training.catalogue.models import Course
from shared.auth import Principal


def visible_courses(principal: Principal) -> ColumnElement[bool]:
    """WHERE clause of ``service.course_visible`` for the catalogue list."""
    if principal.sees_everything:
        return true()
    scope = principal.scope or ""
    county = col(Course.county_code)
    if not scope.isdigit():
        return county.is_(None)
    inside = county == scope[:6] if len(scope) >= 6 else county.startswith(scope, autoescape=True)
    return or_(county.is_(None), inside)


def courses(principal: Principal, *, category: str | None, industry: str | None) -> SelectOfScalar[Course]:
    """The courses the catalogue list shows to the caller, by category and industry."""
    stmt = select(Course).where(visible_courses(principal))
    if category:
        stmt = stmt.where(Course.category == category)
    if industry:
        stmt = stmt.where(Course.industry == industry)
    return stmt
