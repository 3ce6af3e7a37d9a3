"""HTTP routes of lineage — thin: parse, call the service layer, shape the answer."""

from __future__ import annotations

from services.funds.http import PageDep
from services.funds.lineage import service
from services.funds.lineage.schemas import DistributionLineage, FundReach, IncomePaymentOut, KnownHouseholdOut
from shared.auth import CurrentPrincipal
from shared.paging import Page
from shared.service import ContextDep, SessionDep, service_router

router = service_router("funds", tags=["funds"])


@router.get("/funds/{fund_id}/reach", summary="The villages, projects, entities and households the fund reached, and how much")
async def fund_reach(fund_id: str, session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> FundReach:
    """Each income line of a project or asset the fund financed counts for the fund in proportion to what it put in
    (exact to the fen). The villages, projects and entities reached come whole; the households a page at a time."""
    return await service.fund_reach(session=session, principal=principal, fund_id=fund_id, page=page)


@router.get("/households/{household_id}", summary="What funds knows of a household (from the households service's facts)")
async def get_known_household(household_id: str, session: SessionDep, principal: CurrentPrincipal) -> KnownHouseholdOut:
    return await service.get_known_household(session=session, principal=principal, household_id=household_id)


@router.get("/households/{household_id}/income-lines", summary="A household's income lines from funds, each with its lineage")
async def household_income_lines(household_id: str, session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[IncomePaymentOut]:
    return await service.list_income_lines(session=session, principal=principal, household_id=household_id, page=page)


@router.get("/income-lines/{line_id}")
async def get_income_line(line_id: str, session: SessionDep, principal: CurrentPrincipal) -> IncomePaymentOut:
    return await service.income_payment(session=session, principal=principal, line_id=line_id)


@router.get("/lineage/income/{event_id}", summary="An income event of the funds log → its line and lineage")
async def income_event_lineage(event_id: str, session: SessionDep, ctx: ContextDep, principal: CurrentPrincipal) -> IncomePaymentOut:
    return await service.income_line_of_event(session=session, principal=principal, metadata=ctx.spec.metadata, event_id=event_id)


@router.get("/lineage/distributions/{distribution_id}", summary="fund → allocation → project/asset/agreement → distribution → households")
async def distribution_lineage(distribution_id: str, session: SessionDep, principal: CurrentPrincipal) -> DistributionLineage:
    return await service.distribution_lineage(session=session, principal=principal, distribution_id=distribution_id)
