"""HTTP routes of the market service — thin: parse, call the service layer, shape the answer."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request, Response, status
from sqlalchemy import select

from services.market import partners, service, webhooks
from services.market.models import (
    ColdChainFacility,
    Delivery,
    DirectSupplyChannel,
    EcommercePoint,
    OrderContract,
    OrderFill,
    Partner,
    PartnerOrder,
    PartnerSecret,
    ShowcaseWindow,
    col,
)
from services.market.schemas import (
    BaseLinksOut,
    ChannelIn,
    ChannelOut,
    ColdChainIn,
    ColdChainOut,
    ContractIn,
    ContractOut,
    DeliveryIn,
    DeliveryOut,
    EcommercePointIn,
    EcommercePointOut,
    FillIn,
    FillOut,
    OrderOut,
    PartnerIn,
    PartnerOut,
    PartnerPatch,
    SecretCreated,
    SecretOut,
    VillageLinksOut,
    WebhookAccepted,
    WebhookPayload,
    WindowIn,
    WindowOut,
)
from services.market.settings import get_market_settings
from shared.auth import CurrentPrincipal, Role, require_roles, visible
from shared.bounds import PolicyDate
from shared.paging import Page, PageParams, page_params, paginate
from shared.service import ContextDep, IdempotencyKeyRequired, SessionDep, service_router

router = service_router("market", tags=["market"])
# Partners authenticate with the webhook signature, not a bearer token.
public_router = service_router("market", public=True, tags=["market webhooks"])

PageDep = Annotated[PageParams, Depends(page_params)]
ADMIN = (Role.city_admin,)
REGION = (Role.city_admin, Role.county_officer, Role.township_officer, Role.village_cadre)
CONTRACTORS = (*REGION, Role.entity_operator)
COUNTY = (Role.city_admin, Role.county_officer)

# Path and query parameters, bounded like the bodies: ids are UUIDv7 strings, codes are digits.
Id = Annotated[str, Path(min_length=1, max_length=36)]
PartnerCodePath = Annotated[str, Path(min_length=1, max_length=40)]
IdQuery = Annotated[str | None, Query(min_length=1, max_length=36)]
VillageCodePath = Annotated[str, Path(pattern=r"^[0-9]{12}$", description="a village's 12-digit division code")]
VillageCodeQuery = Annotated[str | None, Query(pattern=r"^[0-9]{12}$", description="a village's 12-digit division code")]
OnDay = Annotated[PolicyDate | None, Query(description="the day (default today)")]


def _inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """The payload's JSON schema with ``$defs`` inlined, for the hand-declared webhook request body."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return walk(dict(defs[ref.rsplit("/", 1)[-1]]))
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    described: dict[str, Any] = walk(schema)
    return described


_PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}


# ---- partner webhooks ---------------------------------------------------------------------------


# Declared before /webhooks/{partner} so that it is matched first.
if get_market_settings().bench_echo:

    @public_router.post("/webhooks/_echo", include_in_schema=False)
    async def bench_echo(request: Request) -> Response:
        """Benchmarks only (MARKET_BENCH_ECHO=1): the same router and transaction, no signature, no write."""
        return Response(await request.body(), media_type="application/json")


@public_router.post(
    "/webhooks/{partner}",
    summary="Receive a partner platform's order (Standard Webhooks signature)",
    description="Signed with `webhook-id`, `webhook-timestamp`, `webhook-signature` over the raw body; see docs/webhooks.md.",
    response_model=WebhookAccepted,
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": _inline_refs(WebhookPayload.model_json_schema())}}},
        "parameters": [
            {"name": h, "in": "header", "required": True, "schema": {"type": "string"}} for h in ("webhook-id", "webhook-timestamp", "webhook-signature")
        ],
    },
    responses={401: _PROBLEM, 403: _PROBLEM, 409: _PROBLEM, 413: _PROBLEM, 422: _PROBLEM},
    # A backstop for reads before ours (the framework hashes the body when an Idempotency-Key is sent):
    # memory stays bounded; between 1× and 4× the limit our own check answers with problem details.
    max_body_size=4 * get_market_settings().webhook_max_body_bytes,
)
async def receive_webhook(partner: PartnerCodePath, request: Request, session: SessionDep, ctx: ContextDep) -> Response:
    return await webhooks.receive(session=session, ctx=ctx, request=request, partner_code=partner)


# ---- partners (city administrators) ----------------------------------------------------------------


@router.get("/partners")
async def list_partners(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[PartnerOut]:
    result = await paginate(session, select(Partner), key=col(Partner.code), params=page, to_item=lambda p: p)
    return Page[PartnerOut](items=[await partners.partner_out(session, p) for p in result.items], next_cursor=result.next_cursor)


@router.post("/partners", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*ADMIN)])
async def register_partner(body: PartnerIn, session: SessionDep, ctx: ContextDep, response: Response) -> PartnerOut:
    out = await partners.register_partner(session=session, cache=partners.cache_of(ctx.extras), data=body)
    response.headers["Location"] = f"/market/v1/partners/{out.code}"
    return out


@router.get("/partners/{code}")
async def get_partner(code: PartnerCodePath, session: SessionDep, principal: CurrentPrincipal) -> PartnerOut:
    return await partners.partner_out(session, await partners.get_partner(session=session, code=code))


@router.patch("/partners/{code}", dependencies=[require_roles(*ADMIN)], summary="Switch a partner on/off or change its products")
async def update_partner(code: PartnerCodePath, body: PartnerPatch, session: SessionDep, ctx: ContextDep) -> PartnerOut:
    return await partners.update_partner(session=session, cache=partners.cache_of(ctx.extras), code=code, data=body)


@router.post(
    "/partners/{code}/secrets",
    status_code=status.HTTP_201_CREATED,
    dependencies=[require_roles(*ADMIN)],
    summary="Add a webhook secret (shown once); earlier secrets stay active until revoked",
)
async def add_secret(code: PartnerCodePath, session: SessionDep, ctx: ContextDep, principal: CurrentPrincipal) -> SecretCreated:
    return await partners.add_secret(session=session, principal=principal, vault=ctx.vault, cache=partners.cache_of(ctx.extras), code=code)


@router.get("/partners/{code}/secrets", dependencies=[require_roles(*ADMIN)], summary="A partner's secrets, masked")
async def list_secrets(code: PartnerCodePath, session: SessionDep, page: PageDep) -> Page[SecretOut]:
    await partners.get_partner(session=session, code=code)
    stmt = select(PartnerSecret).where(col(PartnerSecret.partner) == code)
    return await paginate(session, stmt, key=col(PartnerSecret.id), params=page, to_item=partners.secret_out)


@router.delete("/partners/{code}/secrets/{secret_id}", dependencies=[require_roles(*ADMIN)], summary="Revoke a webhook secret")
async def revoke_secret(code: PartnerCodePath, secret_id: Id, session: SessionDep, ctx: ContextDep) -> SecretOut:
    return await partners.revoke_secret(session=session, cache=partners.cache_of(ctx.extras), code=code, secret_id=secret_id)


# ---- partner orders and fills ------------------------------------------------------------------


@router.get("/orders")
async def list_orders(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    partner: Annotated[str | None, Query(min_length=1, max_length=40)] = None,
    partner_order_id: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
) -> Page[OrderOut]:
    stmt = select(PartnerOrder).where(await service.orders_visible(session, principal))
    if partner:
        stmt = stmt.where(col(PartnerOrder.partner) == partner)
    if partner_order_id:
        stmt = stmt.where(col(PartnerOrder.partner_order_id) == partner_order_id)
    result = await paginate(session, stmt, key=col(PartnerOrder.id), params=page, to_item=lambda o: o)
    return Page[OrderOut](items=[await service.order_out(session, o) for o in result.items], next_cursor=result.next_cursor)


@router.get("/orders/{order_id}")
async def get_order(order_id: Id, session: SessionDep, principal: CurrentPrincipal) -> OrderOut:
    return await service.order_out(session, await service.get_order(session=session, principal=principal, order_id=order_id))


@router.post("/orders/{order_id}/fills", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*CONTRACTORS)])
async def fill_order_line(order_id: Id, body: FillIn, session: SessionDep, principal: CurrentPrincipal) -> FillOut:
    return await service.fill_order_line(session=session, principal=principal, order_id=order_id, data=body)


@router.get("/orders/{order_id}/fills")
async def list_fills(order_id: Id, session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[FillOut]:
    await service.get_order(session=session, principal=principal, order_id=order_id)
    stmt = select(OrderFill).where(col(OrderFill.order_id) == order_id)
    return await paginate(session, stmt, key=col(OrderFill.id), params=page, to_item=service.fill_out)


# ---- order contracts and deliveries (R12) -----------------------------------------------------


@router.post("/contracts", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*CONTRACTORS)])
async def sign_contract(body: ContractIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> ContractOut:
    out = await service.sign_contract(session=session, principal=principal, data=body)
    response.headers["Location"] = f"/market/v1/contracts/{out.id}"
    return out


@router.get("/contracts")
async def list_contracts(
    session: SessionDep, principal: CurrentPrincipal, page: PageDep, household_id: IdQuery = None, entity_id: IdQuery = None
) -> Page[ContractOut]:
    stmt = select(OrderContract).where(visible(principal, region=col(OrderContract.village_code), entity=col(OrderContract.entity_id)))
    if household_id:
        stmt = stmt.where(col(OrderContract.household_id) == household_id)
    if entity_id:
        stmt = stmt.where(col(OrderContract.entity_id) == entity_id)
    return await paginate(session, stmt, key=col(OrderContract.id), params=page, to_item=service.contract_out)


@router.get("/contracts/{contract_id}")
async def get_contract(contract_id: Id, session: SessionDep, principal: CurrentPrincipal) -> ContractOut:
    return service.contract_out(await service.get_contract(session=session, principal=principal, contract_id=contract_id))


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
    await service.get_contract(session=session, principal=principal, contract_id=contract_id)
    stmt = select(Delivery).where(col(Delivery.contract_id) == contract_id)
    return await paginate(session, stmt, key=col(Delivery.id), params=page, to_item=service.delivery_out)


# ---- market linkage (R18–R21) -----------------------------------------------------------------


@router.post("/direct-supply-channels", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*REGION)])
async def open_channel(body: ChannelIn, session: SessionDep, principal: CurrentPrincipal) -> ChannelOut:
    return await service.open_channel(session=session, principal=principal, data=body)


@router.get("/direct-supply-channels")
async def list_channels(session: SessionDep, principal: CurrentPrincipal, page: PageDep, village_code: VillageCodeQuery = None) -> Page[ChannelOut]:
    stmt = select(DirectSupplyChannel).where(visible(principal, region=col(DirectSupplyChannel.village_code)))
    if village_code:
        stmt = stmt.where(col(DirectSupplyChannel.village_code) == village_code)
    return await paginate(session, stmt, key=col(DirectSupplyChannel.id), params=page, to_item=service.channel_out)


@router.post("/showcase-windows", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*REGION)])
async def open_window(body: WindowIn, session: SessionDep, principal: CurrentPrincipal) -> WindowOut:
    return await service.open_window(session=session, principal=principal, data=body)


@router.get("/showcase-windows")
async def list_windows(session: SessionDep, principal: CurrentPrincipal, page: PageDep, village_code: VillageCodeQuery = None) -> Page[WindowOut]:
    stmt = select(ShowcaseWindow).where(visible(principal, region=col(ShowcaseWindow.village_code)))
    if village_code:
        stmt = stmt.where(col(ShowcaseWindow.village_code) == village_code)
    return await paginate(session, stmt, key=col(ShowcaseWindow.id), params=page, to_item=service.window_out)


@router.post("/ecommerce-points", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*REGION)])
async def register_ecommerce_point(body: EcommercePointIn, session: SessionDep, principal: CurrentPrincipal) -> EcommercePointOut:
    return await service.register_ecommerce_point(session=session, principal=principal, data=body)


@router.get("/ecommerce-points")
async def list_ecommerce_points(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[EcommercePointOut]:
    stmt = select(EcommercePoint).where(visible(principal, region=col(EcommercePoint.county_code)))
    return await paginate(session, stmt, key=col(EcommercePoint.id), params=page, to_item=service.point_out)


@router.post("/cold-chain-facilities", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*COUNTY)])
async def register_cold_chain(body: ColdChainIn, session: SessionDep, principal: CurrentPrincipal) -> ColdChainOut:
    return await service.register_cold_chain(session=session, principal=principal, data=body)


@router.get("/cold-chain-facilities")
async def list_cold_chain(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[ColdChainOut]:
    stmt = select(ColdChainFacility).where(visible(principal, region=col(ColdChainFacility.county_code)))
    return await paginate(session, stmt, key=col(ColdChainFacility.id), params=page, to_item=service.facility_out)


@router.get("/villages/{village_code}/market-links", summary="R18–R21 for one village on a day")
async def village_links(village_code: VillageCodePath, session: SessionDep, principal: CurrentPrincipal, on: OnDay = None) -> VillageLinksOut:
    return await service.village_links(session=session, principal=principal, village_code=village_code, on=on or date.today())


@router.get("/bases/{base_code}/market-links", summary="R20/R21 for one industry base (pre-cooling at large bases)")
async def base_links(
    base_code: Annotated[str, Path(min_length=1, max_length=60)], session: SessionDep, principal: CurrentPrincipal, on: OnDay = None
) -> BaseLinksOut:
    return await service.base_links(session=session, principal=principal, base_code=base_code, on=on or date.today())
