"""Use cases of assets: keyword-only functions over a session; they flush and emit, never commit."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from policy import funds as policy_funds
from services.funds.allocations.models import Allocation
from services.funds.assets import repository
from services.funds.assets.models import Asset
from services.funds.assets.schemas import AssetIn, AssetOut, HandoverIn, RightsTransferIn
from services.funds.common import get_or_404, ordered, registered_entity
from services.funds.projects.models import Funding
from services.funds.projects.service import commit_allocation
from shared.auth import Principal, can_read, ensure_readable, ensure_writable
from shared.errors import enforce
from shared.events.funds import AssetHandedOver, AssetRegistered, AssetRightsTransferredToCollective
from shared.ids import new_id
from shared.outbox import emit
from shared.paging import Page, PageParams, paginate
from shared.problems import Conflict, InvalidInput


def asset_out(a: Asset) -> AssetOut:
    return AssetOut.model_validate(a)


async def register_asset(*, session: AsyncSession, principal: Principal, data: AssetIn) -> AssetOut:
    ensure_writable(principal, region=data.village_code)
    allocation = await session.get(Allocation, data.allocation_id)
    if allocation is None or not can_read(principal, region=allocation.region_code, entity_id=allocation.entity_id):
        raise InvalidInput("分配不存在", detail_en=f"allocation {data.allocation_id} not found", field="allocation_id")
    enforce(policy_funds.r10_assets(fund_kind=allocation.fund_kind))
    await commit_allocation(session, principal=principal, allocation_id=allocation.id, amount_fen=data.value_fen, village_code=data.village_code, field="value")
    asset = Asset(
        id=new_id(),
        name=data.name,
        village_code=data.village_code,
        value_fen=data.value_fen,
        allocation_id=allocation.id,
        fund_id=allocation.fund_id,
        built_on=data.built_on,
        property_rights_to_collective=False,
        management_rights_to_collective=False,
    )
    session.add(asset)
    session.add(Funding(id=new_id(), allocation_id=allocation.id, fund_id=allocation.fund_id, asset_id=asset.id, amount_fen=data.value_fen))
    await session.flush()
    emit(
        session,
        AssetRegistered(
            asset_id=asset.id,
            name=asset.name,
            village_code=asset.village_code,
            value_fen=asset.value_fen,
            fund_id=allocation.fund_id,
            fund_kind=allocation.fund_kind,  # type: ignore[arg-type]  # the row holds a FundKind as a string
            allocation_id=allocation.id,
            built_on=asset.built_on,
        ),
    )
    return asset_out(asset)


async def get_asset(*, session: AsyncSession, principal: Principal, asset_id: str) -> AssetOut:
    asset = await get_or_404(session, Asset, asset_id, "资产")
    ensure_readable(principal, region=asset.village_code, entity_id=asset.entity_id, what="资产")
    return asset_out(asset)


async def hand_over_asset(*, session: AsyncSession, principal: Principal, asset_id: str, data: HandoverIn) -> AssetOut:
    asset = await get_or_404(session, Asset, asset_id, "资产")
    ensure_readable(principal, region=asset.village_code, what="资产")
    ensure_writable(principal, region=asset.village_code)
    ordered(data.start_on, data.end_on, "end_on")
    entity = await registered_entity(session, data.entity_id, principal=principal)
    asset.handover_mode, asset.entity_id, asset.annual_fee_fen = data.mode, entity.id, data.annual_fee_fen
    asset.handover_start, asset.handover_end = data.start_on, data.end_on
    await session.flush()
    emit(
        session,
        AssetHandedOver(
            handover_id=new_id(),
            asset_id=asset.id,
            village_code=asset.village_code,
            mode=data.mode,
            entity_id=entity.id,
            annual_fee_fen=data.annual_fee_fen,
            start_on=data.start_on,
            end_on=data.end_on,
        ),
    )
    return asset_out(asset)


async def transfer_asset_rights(*, session: AsyncSession, principal: Principal, asset_id: str, data: RightsTransferIn) -> AssetOut:
    asset = await get_or_404(session, Asset, asset_id, "资产", lock=True)
    ensure_readable(principal, region=asset.village_code, what="资产")
    ensure_writable(principal, region=asset.village_code)
    flag = f"{data.rights}_rights_to_collective"
    if getattr(asset, flag):
        raise Conflict("该权利已归村集体", detail_en=f"{data.rights} rights already belong to the collective", field="rights")
    setattr(asset, flag, True)
    await session.flush()
    emit(
        session, AssetRightsTransferredToCollective(asset_id=asset.id, village_code=asset.village_code, rights=data.rights, transferred_on=data.transferred_on)
    )
    return asset_out(asset)


async def list_assets(*, session: AsyncSession, principal: Principal, page: PageParams) -> Page[AssetOut]:
    return await paginate(session, repository.visible_assets(principal), key=col(Asset.id), params=page, to_item=AssetOut.model_validate)
