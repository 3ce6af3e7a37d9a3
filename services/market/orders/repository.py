"""Reads of partner orders: the scope rule of an order, the statements lists page over, the lines of a page."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.market.base import col
from services.market.orders.models import OrderFill, PartnerOrder, PartnerOrderLine
from services.market.scope import entity_reach
from shared.auth import Principal, can_read, visible


async def order_visible(session: AsyncSession, principal: Principal, order: PartnerOrder) -> bool:
    """A partner order: as its supplying village or entity allows, and an entity operator's orders from villages it serves."""
    if can_read(principal, region=order.village_code, entity_id=order.entity_id):
        return True
    return order.village_code is not None and order.village_code in await entity_reach(session, principal)


async def orders_visible(session: AsyncSession, principal: Principal) -> ColumnElement[bool]:
    """The WHERE clause of ``order_visible``, for lists."""
    clause = visible(principal, region=col(PartnerOrder.village_code), entity=col(PartnerOrder.entity_id))
    reach = await entity_reach(session, principal)
    return or_(clause, col(PartnerOrder.village_code).in_(sorted(reach))) if reach else clause


async def visible_orders(session: AsyncSession, principal: Principal, *, partner: str | None, partner_order_id: str | None) -> Select[Any]:
    stmt = select(PartnerOrder).where(await orders_visible(session, principal))
    if partner:
        stmt = stmt.where(col(PartnerOrder.partner) == partner)
    if partner_order_id:
        stmt = stmt.where(col(PartnerOrder.partner_order_id) == partner_order_id)
    return stmt


async def lines_of(session: AsyncSession, order_ids: list[str]) -> dict[str, list[PartnerOrderLine]]:
    """The lines of every order of a page, in line order: one query whatever the page's size."""
    if not order_ids:
        return {}
    stmt = select(PartnerOrderLine).where(col(PartnerOrderLine.order_id).in_(order_ids)).order_by(col(PartnerOrderLine.order_id), col(PartnerOrderLine.line_no))
    lines: dict[str, list[PartnerOrderLine]] = defaultdict(list)
    for line in (await session.execute(stmt)).scalars():
        lines[line.order_id].append(line)
    return lines


def fills_of(order_id: str) -> Select[Any]:
    return select(OrderFill).where(col(OrderFill.order_id) == order_id)
