"""HTTP routes of allocations — thin: parse, call the service layer, shape the answer."""

from __future__ import annotations

from fastapi import Response
from sqlalchemy import select

from services.funds.allocations import service
from services.funds.allocations.models import Allocation, Fund
from services.funds.allocations.schemas import AllocationIn, AllocationOut, FundIn, FundOut, SpecialFundReport
from services.funds.http import CREATED, FUND_OFFICERS, MONEY, PageDep, located
from shared.auth import CurrentPrincipal, ensure_readable, require_roles, visible
from shared.paging import Page, paginate
from shared.problems import NotFound
from shared.service import SessionDep, service_router

router = service_router("funds", tags=["funds"])


@router.post("/funds", status_code=CREATED, dependencies=[require_roles(*FUND_OFFICERS), MONEY], summary="Record a fund source received by a county")
async def receive_fund(body: FundIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> FundOut:
    out = await service.receive_fund(session=session, principal=principal, data=body)
    located(response, f"funds/{out.id}")
    return out


@router.get("/funds", summary="Fund sources in your scope")
async def list_funds(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[FundOut]:
    stmt = select(Fund).where(visible(principal, region=Fund.county_code))
    result = await paginate(session, stmt, key=Fund.id, params=page, to_item=lambda f: f)
    return Page[FundOut](items=[await service.fund_out(session, f) for f in result.items], next_cursor=result.next_cursor)


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
    stmt = select(Allocation).where(visible(principal, region=Allocation.region_code, entity=Allocation.entity_id))
    return await paginate(session, stmt, key=Allocation.id, params=page, to_item=service.allocation_out)


@router.get("/allocations/{allocation_id}")
async def get_allocation(allocation_id: str, session: SessionDep, principal: CurrentPrincipal) -> AllocationOut:
    allocation = await session.get(Allocation, allocation_id)
    if allocation is None:
        raise NotFound("分配不存在", detail_en=f"allocation {allocation_id} not found")
    ensure_readable(principal, region=allocation.region_code, entity_id=allocation.entity_id, what="分配")
    return service.allocation_out(allocation)


@router.get("/counties/{county_code}/special-fund", summary="R1: how the county's provincial special fund was allocated")
async def special_fund_report(county_code: str, session: SessionDep, principal: CurrentPrincipal) -> SpecialFundReport:
    return await service.special_fund_report(session=session, principal=principal, county_code=county_code)
