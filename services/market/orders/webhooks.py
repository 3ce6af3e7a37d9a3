"""Partner order webhooks: authenticate the raw bytes first, then parse, then store once.

Order of checks (each refusal writes nothing): body size (413) → partner known (401) →
timestamp within the window and a valid signature over the raw bytes (401) → partner enabled
(403) → payload valid (422) → ``webhook-id`` already accepted (with the same body: the first
response again; with another body: 409 ``webhook_id_reused``, compared by the digest of the order
stored with the id) → partner order id already stored (same content: answered as a duplicate;
different content: 409).
The order, its lines, its event and the ``webhook-id`` record commit in the request's one
transaction before the response leaves.
"""

from __future__ import annotations

import hashlib
import json
import time
from functools import cache
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import Insert, Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.market import domain
from services.market.base import col, table_of
from services.market.known import KnownEntity, KnownVillage
from services.market.orders.models import PartnerOrder, PartnerOrderLine, WebhookMessage
from services.market.orders.schemas import WebhookOrder, WebhookPayload
from services.market.partners.cache import PartnerAuth, cache_of
from services.market.settings import get_market_settings
from services.market.signing import SignatureError, check_timestamp, parse_timestamp, verify
from shared.auth import Principal
from shared.db import utcnow
from shared.driver import driver_of, numbered, value_rows
from shared.events.envelope import canonical_json
from shared.events.market import OrderLineFact, PartnerOrderReceived
from shared.ids import new_id
from shared.outbox import PRINCIPAL_KEY, emit
from shared.problems import Conflict, Forbidden, InvalidInput, PayloadTooLarge, Unauthorized
from shared.service import ServiceContext

JSON = "application/json"
_MESSAGES = table_of(WebhookMessage)
_ORDERS = table_of(PartnerOrder)
_LINES_INSERT = insert(table_of(PartnerOrderLine))
KNOWN_VILLAGES_KEY = "market.known_villages"


def _unauthorized(detail_en: str, code: str) -> Unauthorized:
    # No WWW-Authenticate: Bearer here; the signature, not a token, authenticates a webhook.
    return Unauthorized("Webhook 认证失败", detail_en=detail_en, code=code, headers={})


async def read_capped(request: Request, limit: int) -> bytes:
    """The raw body, refusing (413) before reading when declared too large and while reading a chunked one."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise PayloadTooLarge(f"请求体超过 {limit} 字节", detail_en=f"body larger than {limit} bytes", limit_bytes=limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"请求体超过 {limit} 字节", detail_en=f"body larger than {limit} bytes", limit_bytes=limit)
        chunks.append(chunk)
    return b"".join(chunks)


def authenticate(partner: PartnerAuth | None, headers: Any, body: bytes, *, tolerance: int, now: float) -> str:
    """The verified ``webhook-id``; raises 401 for an unknown partner, a stale timestamp or a bad signature."""
    if partner is None:
        raise _unauthorized("unknown partner", "webhook_unknown_partner")
    msg_id = headers.get("webhook-id") or ""
    if not msg_id or len(msg_id) > 200:
        raise _unauthorized("webhook-id missing or longer than 200 characters", "webhook_id_missing")
    try:
        timestamp = parse_timestamp(headers.get("webhook-timestamp"))
        check_timestamp(timestamp, now, tolerance)
        verify(list(partner.keys), msg_id, timestamp, body, headers.get("webhook-signature"))
    except SignatureError as exc:
        raise _unauthorized(str(exc), "webhook_signature_invalid") from None
    return msg_id


def parse_payload(body: bytes) -> WebhookPayload:
    try:
        return WebhookPayload.model_validate_json(body)
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]) from None


def order_digest(order: WebhookOrder) -> str:
    """SHA-256 of the order's canonical JSON: the same order however its JSON is spaced or its keys ordered."""
    return hashlib.sha256(canonical_json(order.model_dump(mode="json"))).hexdigest()


def digest_of(body: bytes) -> str | None:
    """The digest ``body`` would be stored with, or None when it is not a valid payload (so never one accepted)."""
    try:
        return order_digest(WebhookPayload.model_validate_json(body).data)
    except ValidationError:
        return None


def _response(status: int, body: dict[str, Any]) -> tuple[int, bytes]:
    return status, json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


@cache
def _insert_ignore_statement(dialect: str, table: Table, keys: tuple[str, ...]) -> Insert:
    """``INSERT … ON CONFLICT (keys) DO NOTHING RETURNING keys[0]``, built once: its values come as parameters.

    A statement built per request with ``.values(...)`` cost more CPU than the database's work
    (its cache key and bind parameters are made again each time, issue 19).
    """
    from sqlalchemy.dialects import postgresql, sqlite

    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return dialect_insert(table).on_conflict_do_nothing(index_elements=list(keys)).returning(table.c[keys[0]])


async def _insert_ignore(session: AsyncSession, ctx: ServiceContext, table: Table, values: dict[str, Any], keys: tuple[str, ...]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when the row is new. On PostgreSQL a concurrent insert of the same key waits for the other transaction."""
    stmt = _insert_ignore_statement(ctx.engine.dialect.name, table, keys)
    return (await session.execute(stmt, values)).first() is not None


_LINE_COLUMNS = ("order_id", "line_no", "product", "product_name", "quantity_milli", "unit", "unit_price_fen", "amount_fen", "filled_milli")
_LINE_TYPES = ("VARCHAR", "INTEGER", "VARCHAR", "VARCHAR", "BIGINT", "VARCHAR", "BIGINT", "BIGINT", "BIGINT")
_ORDER_COLUMNS = (
    "id",
    "partner",
    "partner_order_id",
    "body_hash",
    "buyer_kind",
    "buyer_name",
    "village_code",
    "entity_id",
    "total_fen",
    "placed_at",
    "received_at",
)
_ORDER_TYPES = ("VARCHAR",) * 8 + ("BIGINT", "TIMESTAMPTZ", "TIMESTAMPTZ")


_MESSAGE_COLUMNS = ("partner", "webhook_id", "body_hash", "status_code", "response", "order_id", "received_at")


@cache
def _store_sql(lines: int) -> str:
    """PostgreSQL: the webhook-id record, the order and its lines in one data-modifying statement, built once per line count.

    The order is inserted only when the message is new, the lines only when the order is; the
    answer says which were. One round trip instead of three (each statement costs the process
    more CPU than the database spends on it, issue 19); the same conflicts wait and resolve as
    the three ``INSERT … ON CONFLICT DO NOTHING`` of the portable form (``_store``). Parameters:
    the message's ``_MESSAGE_COLUMNS``, the order's ``_ORDER_COLUMNS``, then each line's ``_LINE_COLUMNS``.
    """
    first_order = len(_MESSAGE_COLUMNS) + 1
    message_values = numbered(1, [None] * len(_MESSAGE_COLUMNS))
    order_values = numbered(first_order, _ORDER_TYPES)
    values = value_rows(first_order + len(_ORDER_COLUMNS), lines, _LINE_TYPES)
    return (
        "WITH message AS ("
        f" INSERT INTO webhook_message ({', '.join(_MESSAGE_COLUMNS)}) VALUES ({message_values})"
        " ON CONFLICT (partner, webhook_id) DO NOTHING RETURNING 1"
        "), placed AS ("
        f" INSERT INTO partner_order ({', '.join(_ORDER_COLUMNS)}) SELECT {order_values} FROM message"
        " ON CONFLICT (partner, partner_order_id) DO NOTHING RETURNING id"
        "), lines AS ("
        f" INSERT INTO partner_order_line ({', '.join(_LINE_COLUMNS)}) SELECT v.* FROM placed, (VALUES {values}) AS v ({', '.join(_LINE_COLUMNS)})"
        ") SELECT (SELECT count(*) FROM message) AS fresh_message, (SELECT count(*) FROM placed) AS fresh_order"
    )


async def _store(session: AsyncSession, ctx: ServiceContext, message: dict[str, Any], order: dict[str, Any], lines: list[dict[str, Any]]) -> tuple[bool, bool]:
    """Store the message's record, then the order and its lines when each is new; whether the message and the order were new."""
    if ctx.engine.dialect.name == "postgresql":
        args = [message[c] for c in _MESSAGE_COLUMNS] + [order[c] for c in _ORDER_COLUMNS]
        for line in lines:
            args.extend(line[c] for c in _LINE_COLUMNS)
        # Straight to the driver, in the request's transaction: SQLAlchemy's execute path would only add CPU (shared.driver).
        driver = await driver_of(session)
        fresh = await driver.fetchrow(_store_sql(len(lines)), *args)
        return bool(fresh["fresh_message"]), bool(fresh["fresh_order"])
    if not await _insert_ignore(session, ctx, _MESSAGES, message, ("partner", "webhook_id")):
        return False, False
    if not await _insert_ignore(session, ctx, _ORDERS, order, ("partner", "partner_order_id")):
        return True, False
    # One statement for all lines (executemany, sent as one multi-row INSERT): one round trip whatever the order's size.
    await session.execute(_LINES_INSERT, lines)
    return True, True


async def _village_known(session: AsyncSession, ctx: ServiceContext, code: str) -> bool:
    known: set[str] = ctx.extras.setdefault(KNOWN_VILLAGES_KEY, set())
    if code in known:
        return True  # villages are never removed, so a positive answer can be kept
    if await session.get(KnownVillage, code) is not None:
        known.add(code)
        return True
    return False


async def receive(*, session: AsyncSession, ctx: ServiceContext, request: Request, partner_code: str) -> Response:
    settings = get_market_settings()
    body = await read_capped(request, settings.webhook_max_body_bytes)
    partner = await cache_of(ctx.extras).get(session, ctx.vault, partner_code)
    msg_id = authenticate(partner, request.headers, body, tolerance=settings.webhook_tolerance_seconds, now=time.time())
    assert partner is not None
    try:
        return await _ingest(session=session, ctx=ctx, partner=partner, partner_code=partner_code, msg_id=msg_id, body=body)
    except (Forbidden, InvalidInput, RequestValidationError):
        # A message accepted before is answered as it was, even if the partner was switched off or its
        # products changed since; the happy path pays nothing for this look-up.
        replay = await _replay(session, partner_code, msg_id, digest_of(body))
        if replay is None:
            raise
        return replay


async def _replay(session: AsyncSession, partner_code: str, msg_id: str, digest: str | None) -> Response | None:
    """The first response to ``msg_id`` when this is a redelivery of the same body; a 409 when the id is reused for another."""
    first = (
        await session.execute(
            select(col(WebhookMessage.status_code), col(WebhookMessage.response), col(WebhookMessage.body_hash)).where(
                col(WebhookMessage.partner) == partner_code, col(WebhookMessage.webhook_id) == msg_id
            )
        )
    ).first()
    if first is None:
        return None
    if digest != first.body_hash:
        raise Conflict(
            "该 webhook-id 已用于内容不同的消息",
            detail_en="this webhook-id was already accepted with another body; send a new message under a new webhook-id",
            code="webhook_id_reused",
            field="webhook-id",
            headers={},
        )
    return Response(first.response, status_code=first.status_code, media_type=JSON, headers={"Webhook-Replayed": "true"})


async def _ingest(*, session: AsyncSession, ctx: ServiceContext, partner: PartnerAuth, partner_code: str, msg_id: str, body: bytes) -> Response:
    if not partner.enabled:
        raise Forbidden("该合作平台已停用", detail_en=f"partner {partner_code} is switched off", code="partner_disabled")
    payload = parse_payload(body)
    order = payload.data

    lines: list[dict[str, Any]] = []
    for i, line in enumerate(order.lines):
        field = f"data.lines[{i}]"
        if line.product not in partner.allowed_products:
            raise InvalidInput(f"该平台无权订购 {line.product}", detail_en=f"partner {partner_code} may not order {line.product}", field=f"{field}.product")
        milli = domain.parse_quantity(line.quantity, field=f"{field}.quantity")
        lines.append(
            {
                "line_no": line.line_no,
                "product": line.product,
                "product_name": line.product_name,
                "quantity_milli": milli,
                "unit": line.unit,
                "unit_price_fen": line.unit_price_fen,
                "amount_fen": domain.line_amount_fen(milli, line.unit_price_fen),
                "filled_milli": 0,
            }
        )
    supply = order.supply
    if supply.village_code and not await _village_known(session, ctx, supply.village_code):
        raise InvalidInput("供货村未登记", detail_en=f"unknown village {supply.village_code}", field="data.supply.village_code")
    if supply.entity_id and await session.get(KnownEntity, supply.entity_id) is None:
        raise InvalidInput("供货经营主体未登记", detail_en=f"unknown operating entity {supply.entity_id}", field="data.supply.entity_id")

    order_hash = order_digest(order)
    order_id = new_id()
    status, content = _response(200, {"order_id": order_id, "partner_order_id": order.partner_order_id, "status": "accepted"})
    now = utcnow()
    message = {"partner": partner_code, "webhook_id": msg_id, "body_hash": order_hash, "status_code": status, "response": content, "order_id": order_id}
    placed = order.placed_at
    total = sum(line["amount_fen"] for line in lines)
    row = {
        "id": order_id,
        "partner": partner_code,
        "partner_order_id": order.partner_order_id,
        "body_hash": order_hash,
        "buyer_kind": order.buyer.kind,
        "buyer_name": order.buyer.name,
        "village_code": supply.village_code,
        "entity_id": supply.entity_id,
        "total_fen": total,
        "placed_at": placed,
        "received_at": now,
    }
    fresh_message, fresh_order = await _store(session, ctx, message | {"received_at": now}, row, [{"order_id": order_id, **line} for line in lines])
    if not fresh_message:
        replay = await _replay(session, partner_code, msg_id, order_hash)
        assert replay is not None
        return replay

    if not fresh_order:
        existing = (
            await session.execute(
                select(col(PartnerOrder.id), col(PartnerOrder.body_hash)).where(
                    col(PartnerOrder.partner) == partner_code, col(PartnerOrder.partner_order_id) == order.partner_order_id
                )
            )
        ).one()
        if existing.body_hash != order_hash:
            raise Conflict(
                "该平台订单号已用于内容不同的订单",
                detail_en=f"partner order {order.partner_order_id} was already received with different content",
                code="partner_order_conflict",
                field="data.partner_order_id",
                order_id=existing.id,
            )
        status, content = _response(200, {"order_id": existing.id, "partner_order_id": order.partner_order_id, "status": "duplicate"})
        await session.execute(
            update(WebhookMessage)
            .where(col(WebhookMessage.partner) == partner_code, col(WebhookMessage.webhook_id) == msg_id)
            .values(response=content, order_id=existing.id)
        )
        return Response(content, status_code=status, media_type=JSON)

    session.info[PRINCIPAL_KEY] = Principal(subject=f"partner:{partner_code}", role="partner")  # type: ignore[arg-type]  # "partner" is a Role value; Principal takes the Role enum
    emit(
        session,
        PartnerOrderReceived(
            order_id=order_id,
            partner=partner_code,
            partner_order_id=order.partner_order_id,
            buyer_kind=order.buyer.kind,
            village_code=supply.village_code,
            entity_id=supply.entity_id,
            lines=[
                OrderLineFact(
                    line_no=line["line_no"],
                    product=line["product"],
                    quantity=domain.format_quantity(line["quantity_milli"]),
                    unit=line["unit"],
                    unit_price_fen=line["unit_price_fen"],
                    amount_fen=line["amount_fen"],
                )
                for line in lines
            ],
            total_fen=total,
            placed_on=placed.date(),
        ),
    )
    return Response(content, status_code=status, media_type=JSON)
