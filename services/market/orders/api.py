"""HTTP routes of partner orders: the signed webhook partners post to (public), and the orders and fills read and written in scope."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request, Response, status

from services.market.http import CONTRACTORS, Id, PageDep, PartnerCodePath
from services.market.orders import service, webhooks
from services.market.orders.schemas import FillIn, FillOut, OrderOut, WebhookAccepted, WebhookPayload
from services.market.settings import get_market_settings
from shared.auth import CurrentPrincipal, require_roles
from shared.paging import Page
from shared.service import ContextDep, SessionDep, service_router

router = service_router("market", tags=["market"])
# Partners authenticate with the webhook signature, not a bearer token.
public_router = service_router("market", public=True, tags=["market webhooks"])


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


# ---- partner orders and fills ------------------------------------------------------------------


@router.get("/orders")
async def list_orders(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    partner: Annotated[str | None, Query(min_length=1, max_length=40)] = None,
    partner_order_id: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
) -> Page[OrderOut]:
    return await service.list_orders(session=session, principal=principal, page=page, partner=partner, partner_order_id=partner_order_id)


@router.get("/orders/{order_id}")
async def get_order(order_id: Id, session: SessionDep, principal: CurrentPrincipal) -> OrderOut:
    return await service.read_order(session=session, principal=principal, order_id=order_id)


@router.post("/orders/{order_id}/fills", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*CONTRACTORS)])
async def fill_order_line(order_id: Id, body: FillIn, session: SessionDep, principal: CurrentPrincipal) -> FillOut:
    return await service.fill_order_line(session=session, principal=principal, order_id=order_id, data=body)


@router.get("/orders/{order_id}/fills")
async def list_fills(order_id: Id, session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[FillOut]:
    return await service.list_fills(session=session, principal=principal, order_id=order_id, page=page)
