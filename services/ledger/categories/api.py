"""HTTP routes of the income categories: a household's income as 工资性 / 经营净 / 财产净 / 转移净, and production costs."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from services.ledger.categories import service
from services.ledger.categories.schemas import HouseholdCategories, ProductionCostIn, ProductionCostOut
from shared.auth import CurrentPrincipal, Role, require_roles
from shared.bounds import QueryYear
from shared.service import IdempotencyKeyRequired, SessionDep, service_router

router = service_router("ledger", tags=["income categories"])
HouseholdId = Annotated[str, Path(min_length=1, max_length=36)]
CostId = Annotated[str, Path(min_length=1, max_length=36)]
RECORDERS = require_roles(Role.village_cadre, Role.township_officer, Role.county_officer, Role.city_admin)


@router.get("/households/{household_id}/income/categories", summary="A household's income in the national statistical categories")
async def household_categories(
    household_id: HouseholdId, session: SessionDep, principal: CurrentPrincipal, year: Annotated[QueryYear, Query()]
) -> HouseholdCategories:
    """The six benefit types of ``/households/{id}/income?year=`` in 工资性 wage, 经营净 business, 财产净 property and
    转移净 transfer income; business is net of the production costs recorded against order income, and each figure
    says whether it is net or gross."""
    return await service.household_categories(session=session, principal=principal, household_id=household_id, year=year)


@router.post(
    "/households/{household_id}/production-costs",
    status_code=201,
    summary="Record a production cost against a household's order income",
    dependencies=[RECORDERS, IdempotencyKeyRequired],
)
async def record_production_cost(household_id: HouseholdId, body: ProductionCostIn, session: SessionDep, principal: CurrentPrincipal) -> ProductionCostOut:
    return await service.record_cost(session=session, principal=principal, household_id=household_id, body=body)


@router.post(
    "/production-costs/{cost_id}/reversal",
    status_code=201,
    summary="Reverse a production cost (a negative entry; the original stays)",
    dependencies=[RECORDERS, IdempotencyKeyRequired],
)
async def reverse_production_cost(cost_id: CostId, session: SessionDep, principal: CurrentPrincipal) -> ProductionCostOut:
    return await service.reverse_cost(session=session, principal=principal, cost_id=cost_id)
