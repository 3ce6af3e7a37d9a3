"""Where village reads are built: the caller's scope and the region filters, in one place for every list."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from services.households.villages.models import Village, VillageCategoryRow
from shared.auth import Principal, visible
from shared.problems import InvalidInput


def region_filters(*, county: str | None, township: str | None, village: str | None, column: Any) -> list[ColumnElement[bool]]:
    """The ``county`` / ``township`` / ``village`` query filters, checked to be division codes of the right length."""
    clauses: list[ColumnElement[bool]] = []
    for name, value, digits in (("county", county, 6), ("township", township, 9), ("village", village, 12)):
        if value is None:
            continue
        if not value.isdigit() or len(value) != digits:
            raise InvalidInput(f"{name} 须为 {digits} 位区划代码", detail_en=f"{name} must be a {digits}-digit division code", field=name)
        clauses.append(col(column).startswith(value, autoescape=True))
    return clauses


def village_filters(principal: Principal, *, county: str | None, township: str | None, village: str | None, column: Any) -> list[ColumnElement[bool]]:
    """WHERE clauses for the region filters of a list, after the principal's own scope."""
    return [visible(principal, region=column), *region_filters(county=county, township=township, village=village, column=column)]


def in_category(column: Any, category: str) -> ColumnElement[bool]:
    """Rows whose village is of ``category`` (the village_category rows, plain SQL)."""
    return col(column).in_(select(VillageCategoryRow.village_code).where(VillageCategoryRow.category == category))


def villages(principal: Principal, *, county: str | None, township: str | None, category: str | None) -> SelectOfScalar[Village]:
    """The villages a list shows: in the caller's scope, then the filters."""
    stmt = select(Village).where(*village_filters(principal, county=county, township=township, village=None, column=Village.code))
    if category is not None:
        stmt = stmt.where(in_category(Village.code, category))
    return stmt
