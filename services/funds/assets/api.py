"""HTTP routes of assets — thin: parse, call the service layer, shape the answer."""

from __future__ import annotations

from fastapi import Response

from services.funds.assets import service
from services.funds.assets.schemas import AssetIn, AssetOut, HandoverIn, RightsTransferIn
from services.funds.http import CREATED, REGIONAL, PageDep, located
from services.funds.projects import service as projects_service
from services.funds.projects.schemas import ShareIn, ShareOut
from shared.auth import CurrentPrincipal, require_roles
from shared.paging import Page
from shared.service import SessionDep, service_router

router = service_router("funds", tags=["funds"])


@router.post("/assets", status_code=CREATED, dependencies=[require_roles(*REGIONAL)], summary="Register an asset built with special or assistance funds (R10)")
async def register_asset(body: AssetIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> AssetOut:
    out = await service.register_asset(session=session, principal=principal, data=body)
    located(response, f"assets/{out.id}")
    return out


@router.get("/assets")
async def list_assets(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[AssetOut]:
    return await service.list_assets(session=session, principal=principal, page=page)


@router.get("/assets/{asset_id}")
async def get_asset(asset_id: str, session: SessionDep, principal: CurrentPrincipal) -> AssetOut:
    return await service.get_asset(session=session, principal=principal, asset_id=asset_id)


@router.post("/assets/{asset_id}/handover", dependencies=[require_roles(*REGIONAL)], summary="Hand the asset to an entity by contracting, lease or trusteeship")
async def hand_over_asset(asset_id: str, body: HandoverIn, session: SessionDep, principal: CurrentPrincipal) -> AssetOut:
    return await service.hand_over_asset(session=session, principal=principal, asset_id=asset_id, data=body)


@router.post(
    "/assets/{asset_id}/rights-transfers", dependencies=[require_roles(*REGIONAL)], summary="Move property or management rights to the collective (R16)"
)
async def transfer_asset_rights(asset_id: str, body: RightsTransferIn, session: SessionDep, principal: CurrentPrincipal) -> AssetOut:
    return await service.transfer_asset_rights(session=session, principal=principal, asset_id=asset_id, data=body)


@router.post("/assets/{asset_id}/shares", status_code=CREATED, dependencies=[require_roles(*REGIONAL)], summary="Quantify the asset to a household")
async def quantify_asset_shares(asset_id: str, body: ShareIn, session: SessionDep, principal: CurrentPrincipal) -> ShareOut:
    return await projects_service.quantify_shares(session=session, principal=principal, data=body, asset_id=asset_id)
