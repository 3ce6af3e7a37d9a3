"""HTTP routes of allocations — thin: parse, call the service layer, shape the answer."""

from __future__ import annotations

from fastapi import Response

from services.funds.allocations import service
from services.funds.allocations.schemas import AllocationIn, AllocationOut, FundIn, FundOut, SpecialFundReport
from services.funds.http import CREATED, FUND_OFFICERS, MONEY, PageDep, located
from shared.auth import CurrentPrincipal, require_roles
from shared.paging import Page
from shared.service import SessionDep, service_router

router = service_router("funds", tags=["funds"])


@router.post("/funds", status_code=CREATED, dependencies=[require_roles(*FUND_OFFICERS), MONEY], summary="Record a fund source received by a county")
async def receive_fund(body: FundIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> FundOut:
    out = await service.receive_fund(session=session, principal=principal, data=body)
    located(response, f"funds/{out.id}")
    return out


@router.get("/funds", summary="Fund sources in your scope")
async def list_funds(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[FundOut]:
    return await service.list_funds(session=session, principal=principal, page=page)


@router.get("/funds/{fund_id}")
async def get_fund(fund_id: str, session: SessionDep, principal: CurrentPrincipal) -> FundOut:
    return await service.get_fund(session=session, principal=principal, fund_id=fund_id)


@router.post("/allocations", status_code=CREATED, dependencies=[require_roles(*FUND_OFFICERS), MONEY], summary="Allocate part of a fund (R1, R2)")
async def record_allocation(body: AllocationIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> AllocationOut:
    out = await service.record_allocation(session=session, principal=principal, data=body)
    located(response, f"allocations/{out.id}")
    return out


@router.get("/allocations")
async def list_allocations(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[AllocationOut]:
    return await service.list_allocations(session=session, principal=principal, page=page)


@router.get("/allocations/{allocation_id}")
async def get_allocation(allocation_id: str, session: SessionDep, principal: CurrentPrincipal) -> AllocationOut:
    return await service.get_allocation(session=session, principal=principal, allocation_id=allocation_id)


@router.get("/counties/{county_code}/special-fund", summary="R1: how the county's provincial special fund was allocated")
async def special_fund_report(county_code: str, session: SessionDep, principal: CurrentPrincipal) -> SpecialFundReport:
    return await service.special_fund_report(session=session, principal=principal, county_code=county_code)
