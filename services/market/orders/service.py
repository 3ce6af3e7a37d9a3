"""Use cases of partner orders: read in scope, and filled (part of a line) from a household's contracted delivery."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.market import domain
from services.market.base import col
from services.market.contracts.models import Delivery
from services.market.orders import repository
from services.market.orders.models import OrderFill, PartnerOrder, PartnerOrderLine
from services.market.orders.schemas import FillIn, FillOut, OrderOut
from shared.auth import Principal, can_read, ensure_writable
from shared.events.market import OrderLineFilled
from shared.ids import new_id
from shared.outbox import emit
from shared.paging import Page, PageParams, paginate
from shared.problems import InvalidInput, NotFound


def _out(order: PartnerOrder, lines: dict[str, list[PartnerOrderLine]]) -> OrderOut:
    return OrderOut.model_validate(order.model_dump() | {"lines": lines.get(order.id, [])})


async def list_orders(*, session: AsyncSession, principal: Principal, page: PageParams, partner: str | None, partner_order_id: str | None) -> Page[OrderOut]:
    """A page of orders in two statements (three for an entity operator, whose villages are looked up): the page, and its lines together."""
    stmt = await repository.visible_orders(session, principal, partner=partner, partner_order_id=partner_order_id)
    rows = await paginate(session, stmt, key=col(PartnerOrder.id), params=page, to_item=lambda o: o)
    lines = await repository.lines_of(session, [o.id for o in rows.items])
    return Page[OrderOut](items=[_out(o, lines) for o in rows.items], next_cursor=rows.next_cursor)


async def get_order(*, session: AsyncSession, principal: Principal, order_id: str) -> PartnerOrder:
    order = await session.get(PartnerOrder, order_id)
    if order is None or not await repository.order_visible(session, principal, order):
        raise NotFound("订单不存在", detail_en=f"order {order_id} not found")
    return order


async def read_order(*, session: AsyncSession, principal: Principal, order_id: str) -> OrderOut:
    order = await get_order(session=session, principal=principal, order_id=order_id)
    return _out(order, await repository.lines_of(session, [order.id]))


async def list_fills(*, session: AsyncSession, principal: Principal, order_id: str, page: PageParams) -> Page[FillOut]:
    await get_order(session=session, principal=principal, order_id=order_id)
    return await paginate(session, repository.fills_of(order_id), key=col(OrderFill.id), params=page, to_item=FillOut.model_validate)


async def fill_order_line(*, session: AsyncSession, principal: Principal, order_id: str, data: FillIn) -> FillOut:
    """Record which household's contracted delivery filled (part of) a partner order line."""
    # The authority is over the delivery: an entity may fill a village's order with produce it bought there.
    order = await get_order(session=session, principal=principal, order_id=order_id)
    delivery = await session.get(Delivery, data.delivery_id, with_for_update=True)
    if delivery is None or not can_read(principal, region=delivery.village_code, entity_id=delivery.entity_id):
        raise InvalidInput("交付记录不存在", detail_en=f"unknown delivery {data.delivery_id}", field="delivery_id")
    ensure_writable(principal, region=delivery.village_code, entity_id=delivery.entity_id)
    quantity = domain.parse_quantity(data.quantity, field="quantity")
    fill = await fill_line(session, order, data.line_no, delivery, quantity, line_field="line_no", match_field="delivery_id", quantity_field="quantity")
    return FillOut.model_validate(fill)


async def fill_line(
    session: AsyncSession, order: PartnerOrder, line_no: int, delivery: Delivery, quantity: int, *, line_field: str, match_field: str, quantity_field: str
) -> OrderFill:
    """Fill ``quantity`` of an order line from a delivery (both rows held), and emit the fact; the fields name where a refusal points."""
    line = await session.get(PartnerOrderLine, (order.id, line_no), with_for_update=True)
    if line is None:
        raise InvalidInput("订单行不存在", detail_en=f"order has no line {line_no}", field=line_field)
    if order.village_code and delivery.village_code != order.village_code:
        raise InvalidInput("交付不属于订单的供货村", detail_en="the delivery is not from the order's supplying village", field=match_field)
    if order.entity_id and delivery.entity_id != order.entity_id:
        raise InvalidInput("交付不属于订单的供货主体", detail_en="the delivery was not bought by the order's supplying entity", field=match_field)
    domain.check_fill(
        line_product=line.product,
        delivery_product=delivery.product,
        line_unit=line.unit,
        delivery_unit=delivery.unit,
        quantity_milli=quantity,
        line_open_milli=line.quantity_milli - line.filled_milli,
        delivery_open_milli=delivery.quantity_milli - delivery.filled_milli,
        match_field=match_field,
        quantity_field=quantity_field,
    )
    line.filled_milli += quantity
    delivery.filled_milli += quantity
    fill = OrderFill(
        id=new_id(),
        order_id=order.id,
        line_no=line.line_no,
        delivery_id=delivery.id,
        contract_id=delivery.contract_id,
        household_id=delivery.household_id,
        village_code=delivery.village_code,
        entity_id=delivery.entity_id,
        quantity_milli=quantity,
    )
    session.add(fill)
    await session.flush()
    emit(
        session,
        OrderLineFilled(
            fill_id=fill.id,
            order_id=order.id,
            partner=order.partner,
            line_no=line.line_no,
            delivery_id=delivery.id,
            contract_id=delivery.contract_id,
            household_id=delivery.household_id,
            village_code=delivery.village_code,
            entity_id=delivery.entity_id,
            product=line.product,
            quantity=domain.format_quantity(quantity),
            unit=line.unit,
        ),
    )
    return fill
