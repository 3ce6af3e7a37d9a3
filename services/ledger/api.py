"""HTTP routes of the ledger: read-only projections of the event log."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query

from services.ledger import service
from services.ledger.schemas import HouseholdIncome
from shared.auth import CurrentPrincipal
from shared.service import SessionDep, service_router

router = service_router("ledger", tags=["ledger"])


@router.get("/households/{household_id}/income", summary="A household's income by benefit type")
async def household_income(
    household_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    year: Annotated[int, Query(ge=2000, le=2100)],
    month: Annotated[int | None, Query(ge=1, le=12)] = None,
    as_of: Annotated[date | None, Query(description="what the ledger knew at the end of this day")] = None,
) -> HouseholdIncome:
    return await service.household_income(session=session, principal=principal, household_id=household_id, year=year, month=month, as_of=as_of)
