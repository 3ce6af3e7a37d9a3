"""HTTP routes of market linkage (R18–R21) — thin: parse, call the service layer, return its answer."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Path, status

from services.market.http import COUNTY, REGION, OnDay, PageDep, VillageCodePath, VillageCodeQuery
from services.market.linkage import service
from services.market.linkage.schemas import (
    BaseLinksOut,
    ChannelIn,
    ChannelOut,
    ColdChainIn,
    ColdChainOut,
    EcommercePointIn,
    EcommercePointOut,
    VillageLinksOut,
    WindowIn,
    WindowOut,
)
from shared.auth import CurrentPrincipal, require_roles
from shared.paging import Page
from shared.service import SessionDep, service_router

router = service_router("market", tags=["market"])


@router.post("/direct-supply-channels", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*REGION)])
async def open_channel(body: ChannelIn, session: SessionDep, principal: CurrentPrincipal) -> ChannelOut:
    return await service.open_channel(session=session, principal=principal, data=body)


@router.get("/direct-supply-channels")
async def list_channels(session: SessionDep, principal: CurrentPrincipal, page: PageDep, village_code: VillageCodeQuery = None) -> Page[ChannelOut]:
    return await service.list_channels(session=session, principal=principal, page=page, village_code=village_code)


@router.post("/showcase-windows", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*REGION)])
async def open_window(body: WindowIn, session: SessionDep, principal: CurrentPrincipal) -> WindowOut:
    return await service.open_window(session=session, principal=principal, data=body)


@router.get("/showcase-windows")
async def list_windows(session: SessionDep, principal: CurrentPrincipal, page: PageDep, village_code: VillageCodeQuery = None) -> Page[WindowOut]:
    return await service.list_windows(session=session, principal=principal, page=page, village_code=village_code)


@router.post("/ecommerce-points", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*REGION)])
async def register_ecommerce_point(body: EcommercePointIn, session: SessionDep, principal: CurrentPrincipal) -> EcommercePointOut:
    return await service.register_ecommerce_point(session=session, principal=principal, data=body)


@router.get("/ecommerce-points")
async def list_ecommerce_points(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[EcommercePointOut]:
    return await service.list_ecommerce_points(session=session, principal=principal, page=page)


@router.post("/cold-chain-facilities", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*COUNTY)])
async def register_cold_chain(body: ColdChainIn, session: SessionDep, principal: CurrentPrincipal) -> ColdChainOut:
    return await service.register_cold_chain(session=session, principal=principal, data=body)


@router.get("/cold-chain-facilities")
async def list_cold_chain(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[ColdChainOut]:
    return await service.list_cold_chain(session=session, principal=principal, page=page)


@router.get("/villages/{village_code}/market-links", summary="R18–R21 for one village on a day")
async def village_links(village_code: VillageCodePath, session: SessionDep, principal: CurrentPrincipal, on: OnDay = None) -> VillageLinksOut:
    return await service.village_links(session=session, principal=principal, village_code=village_code, on=on or date.today())


@router.get("/bases/{base_code}/market-links", summary="R20/R21 for one industry base (pre-cooling at large bases)")
async def base_links(
    base_code: Annotated[str, Path(min_length=1, max_length=60)], session: SessionDep, principal: CurrentPrincipal, on: OnDay = None
) -> BaseLinksOut:
    return await service.base_links(session=session, principal=principal, base_code=base_code, on=on or date.today())
