"""Where employment and wage reads are built: scoped by region or by the caller's own entity, in one place."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.sql.expression import SelectOfScalar

from services.households.employment.models import Employment, WagePayment
from services.households.villages.repository import region_filters
from shared.auth import Principal, visible


def employments(
    principal: Principal,
    *,
    county: str | None,
    township: str | None,
    village: str | None,
    entity_id: str | None,
    household_id: str | None,
    member_id: str | None,
) -> SelectOfScalar[Employment]:
    """The employments a list shows: the caller's region or own entity, then the filters."""
    stmt = select(Employment).where(visible(principal, region=Employment.village_code, entity=Employment.entity_id))
    stmt = stmt.where(*region_filters(county=county, township=township, village=village, column=Employment.village_code))
    if entity_id:
        stmt = stmt.where(Employment.entity_id == entity_id)
    if household_id:
        stmt = stmt.where(Employment.household_id == household_id)
    if member_id:
        stmt = stmt.where(Employment.member_id == member_id)
    return stmt


def wages(principal: Principal, *, employment_id: str | None, household_id: str | None, entity_id: str | None) -> SelectOfScalar[WagePayment]:
    """The wage payments a list shows: the caller's region or own entity, then the filters."""
    stmt = select(WagePayment).where(visible(principal, region=WagePayment.village_code, entity=WagePayment.entity_id))
    if employment_id:
        stmt = stmt.where(WagePayment.employment_id == employment_id)
    if household_id:
        stmt = stmt.where(WagePayment.household_id == household_id)
    if entity_id:
        stmt = stmt.where(WagePayment.entity_id == entity_id)
    return stmt
