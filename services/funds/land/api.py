"""HTTP routes of land — thin: parse, call the service layer, shape the answer."""

from __future__ import annotations

from fastapi import Response

from services.funds.http import CREATED, MONEY, REGIONAL, REGIONAL_AND_ENTITY, PageDep, located
from services.funds.land import service
from services.funds.land.schemas import LandTransferIn, LandTransferOut, LeaseBackIn, LeaseBackOut, PaymentIn
from services.funds.lineage.schemas import IncomePaymentOut
from shared.auth import CurrentPrincipal, require_roles
from shared.paging import Page
from shared.service import SessionDep, service_router

router = service_router("funds", tags=["funds"])


@router.post("/land-transfers", status_code=CREATED, dependencies=[require_roles(*REGIONAL)], summary="Transfer a household's land to an entity (R15, R16)")
async def transfer_land(body: LandTransferIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> LandTransferOut:
    out = await service.transfer_land(session=session, principal=principal, data=body)
    located(response, f"land-transfers/{out.id}")
    return out


@router.post(
    "/land-transfers/{land_transfer_id}/rent-payments",
    status_code=CREATED,
    dependencies=[require_roles(*REGIONAL_AND_ENTITY), MONEY],
    summary="Pay rent: asset_income",
)
async def pay_land_rent(land_transfer_id: str, body: PaymentIn, session: SessionDep, principal: CurrentPrincipal) -> IncomePaymentOut:
    return await service.pay_land_rent(session=session, principal=principal, land_transfer_id=land_transfer_id, data=body)


@router.post(
    "/lease-backs", status_code=CREATED, dependencies=[require_roles(*REGIONAL)], summary="Agree a reverse-lease-back with its disaster-risk terms (R14)"
)
async def agree_lease_back(body: LeaseBackIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> LeaseBackOut:
    out = await service.agree_lease_back(session=session, principal=principal, data=body)
    located(response, f"lease-backs/{out.id}")
    return out


@router.post(
    "/lease-backs/{lease_back_id}/income-payments",
    status_code=CREATED,
    dependencies=[require_roles(*REGIONAL_AND_ENTITY), MONEY],
    summary="Household income from the base: lease_back",
)
async def pay_lease_back_income(lease_back_id: str, body: PaymentIn, session: SessionDep, principal: CurrentPrincipal) -> IncomePaymentOut:
    return await service.pay_lease_back_income(session=session, principal=principal, lease_back_id=lease_back_id, data=body)


@router.get("/land-transfers", summary="Land transfers in your scope (the entity's own, for its operator)")
async def list_land_transfers(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[LandTransferOut]:
    return await service.list_land_transfers(session=session, principal=principal, page=page)


@router.get("/land-transfers/{land_transfer_id}", summary="A land transfer agreement")
async def get_land_transfer(land_transfer_id: str, session: SessionDep, principal: CurrentPrincipal) -> LandTransferOut:
    return await service.get_land_transfer(session=session, principal=principal, land_transfer_id=land_transfer_id)


@router.get("/lease-backs", summary="Reverse-lease-back agreements in your scope (the entity's own, for its operator)")
async def list_lease_backs(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[LeaseBackOut]:
    return await service.list_lease_backs(session=session, principal=principal, page=page)


@router.get("/lease-backs/{lease_back_id}", summary="A reverse-lease-back agreement with its disaster terms")
async def get_lease_back(lease_back_id: str, session: SessionDep, principal: CurrentPrincipal) -> LeaseBackOut:
    return await service.get_lease_back(session=session, principal=principal, lease_back_id=lease_back_id)
