"""HTTP routes of order contracts and their deliveries (R12) — thin: parse, call the service layer, return its answer."""

from __future__ import annotations

from fastapi import Response, status

from services.market.contracts import service
from services.market.contracts.schemas import ContractIn, ContractOut, DeliveryIn, DeliveryOut
from services.market.http import CONTRACTORS, Id, IdQuery, PageDep, located
from shared.auth import CurrentPrincipal, require_roles
from shared.paging import Page
from shared.service import IdempotencyKeyRequired, SessionDep, service_router

router = service_router("market", tags=["market"])


@router.post("/contracts", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*CONTRACTORS)])
async def sign_contract(body: ContractIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> ContractOut:
    out = await service.sign_contract(session=session, principal=principal, data=body)
    located(response, f"contracts/{out.id}")
    return out


@router.get("/contracts")
async def list_contracts(
    session: SessionDep, principal: CurrentPrincipal, page: PageDep, household_id: IdQuery = None, entity_id: IdQuery = None
) -> Page[ContractOut]:
    return await service.list_contracts(session=session, principal=principal, page=page, household_id=household_id, entity_id=entity_id)


@router.get("/contracts/{contract_id}")
async def get_contract(contract_id: Id, session: SessionDep, principal: CurrentPrincipal) -> ContractOut:
    return await service.read_contract(session=session, principal=principal, contract_id=contract_id)


@router.post(
    "/contracts/{contract_id}/deliveries",
    status_code=status.HTTP_201_CREATED,
    # A settlement pays the household (order_production income): a retry must never count twice.
    dependencies=[require_roles(*CONTRACTORS), IdempotencyKeyRequired],
    summary="Record a delivery and settle it at max(floor, market) per unit (R12); requires Idempotency-Key",
)
async def record_delivery(contract_id: Id, body: DeliveryIn, session: SessionDep, principal: CurrentPrincipal) -> DeliveryOut:
    return await service.record_delivery(session=session, principal=principal, contract_id=contract_id, data=body)


@router.get("/contracts/{contract_id}/deliveries")
async def list_deliveries(contract_id: Id, session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[DeliveryOut]:
    return await service.list_deliveries(session=session, principal=principal, contract_id=contract_id, page=page)
