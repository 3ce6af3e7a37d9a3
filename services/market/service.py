"""Market use cases: keyword-only functions over a session; they flush and emit, never commit."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from policy import linkage
from services.market import domain
from services.market.models import (
    ColdChainFacility,
    Coverage,
    Delivery,
    DirectSupplyChannel,
    EcommercePoint,
    KnownEntity,
    KnownHousehold,
    KnownVillage,
    OrderContract,
    OrderFill,
    Partner,
    PartnerOrder,
    PartnerOrderLine,
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
    IndicatorOut,
    OrderLineOut,
    OrderOut,
    VillageLinksOut,
    WindowIn,
    WindowOut,
)
from shared.auth import (
    Principal,
    Role,
    can_read,
    ensure_readable,
    ensure_writable,
    visible,
)
from shared.events.income import BenefitType, IncomeLine, Lineage
from shared.events.market import (
    ColdChainFacilityRegistered,
    CoveredBase,
    DeliverySettled,
    DirectSupplyChannelOpened,
    EcommercePointRegistered,
    OrderContractSigned,
    OrderLineFilled,
    ShowcaseWindowOpened,
)
from shared.ids import new_id
from shared.outbox import emit
from shared.problems import InvalidInput, NotFound
from shared.regions import COUNTIES

fq = domain.format_quantity


# ---- references in scope --------------------------------------------------------------------
#
# One rule for reads by id and for every id a write names (shared/auth.py's, extended to what an
# entity operator works with): an object outside the caller's scope is answered exactly as one
# that does not exist, so its existence is never revealed. An entity operator acts for its own
# entity, in the villages that entity serves (``village_codes`` as registered in funds).


async def entity_reach(session: AsyncSession, principal: Principal) -> frozenset[str]:
    """The villages an entity operator's entity serves; empty for every other role."""
    if principal.role != Role.entity_operator or not principal.scope:
        return frozenset()
    entity = await session.get(KnownEntity, principal.scope)
    return frozenset(entity.village_codes or ()) if entity is not None else frozenset()


def entity_visible(principal: Principal, entity: KnownEntity) -> bool:
    """An operating entity: its own operator, and region roles whose scope holds its county or one of its villages."""
    if principal.entity_allows(entity.id) or principal.region_allows(entity.county_code):
        return True
    return any(principal.region_allows(v) for v in entity.village_codes or ())


async def household_visible(session: AsyncSession, principal: Principal, household: KnownHousehold) -> bool:
    return principal.region_allows(household.village_code) or household.village_code in await entity_reach(session, principal)


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


def _unknown_household(household_id: str) -> InvalidInput:
    return InvalidInput("户未登记", detail_en=f"unknown household {household_id}", field="household_id")


def _unknown_entity(entity_id: str) -> InvalidInput:
    return InvalidInput("经营主体未登记", detail_en=f"unknown operating entity {entity_id}", field="entity_id")


# ---- order contracts and deliveries (R12) -----------------------------------------------------


def contract_out(c: OrderContract) -> ContractOut:
    return ContractOut(
        id=c.id,
        entity_id=c.entity_id,
        household_id=c.household_id,
        village_code=c.village_code,
        product=c.product,
        quantity=fq(c.quantity_milli),
        unit=c.unit,
        floor_price_fen=c.floor_price_fen,
        starts_on=c.starts_on,
        ends_on=c.ends_on,
        delivered=fq(c.delivered_milli),
        settled_fen=c.settled_fen,
    )


def delivery_out(d: Delivery) -> DeliveryOut:
    return DeliveryOut(
        id=d.id,
        contract_id=d.contract_id,
        household_id=d.household_id,
        quantity=fq(d.quantity_milli),
        unit=d.unit,
        grade=d.grade,
        delivered_on=d.delivered_on,
        market_price_fen=d.market_price_fen,
        floor_price_fen=d.floor_price_fen,
        paid_price_fen=d.paid_price_fen,
        amount_fen=d.amount_fen,
        floor_applied=d.floor_price_fen > d.market_price_fen,
        unallocated=fq(d.quantity_milli - d.filled_milli),
    )


async def sign_contract(*, session: AsyncSession, principal: Principal, data: ContractIn) -> ContractOut:
    household = await session.get(KnownHousehold, data.household_id)
    if household is None or not await household_visible(session, principal, household):
        raise _unknown_household(data.household_id)
    entity = await session.get(KnownEntity, data.entity_id)
    if entity is None or not entity_visible(principal, entity):
        raise _unknown_entity(data.entity_id)
    if principal.role == Role.entity_operator:
        ensure_writable(principal, entity_id=data.entity_id)  # an operator contracts for its own entity only
    else:
        ensure_writable(principal, region=household.village_code)
    if household.left_on is not None:
        raise InvalidInput("该户已退出登记", detail_en="the household has left the registry", field="household_id")
    domain.check_r12_floor_price(data.floor_price_fen)
    quantity = domain.parse_quantity(data.quantity, field="quantity")
    contract = OrderContract(
        id=new_id(),
        entity_id=data.entity_id,
        household_id=household.id,
        village_code=household.village_code,
        product=data.product,
        quantity_milli=quantity,
        unit=data.unit,
        floor_price_fen=data.floor_price_fen,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        delivered_milli=0,
        settled_fen=0,
        signed_by=principal.subject,
    )
    session.add(contract)
    await session.flush()
    emit(
        session,
        OrderContractSigned(
            contract_id=contract.id,
            entity_id=contract.entity_id,
            household_id=contract.household_id,
            village_code=contract.village_code,
            product=contract.product,
            quantity=fq(quantity),
            unit=data.unit,
            floor_price_fen=contract.floor_price_fen,
            starts_on=contract.starts_on,
            ends_on=contract.ends_on,
        ),
    )
    return contract_out(contract)


async def get_contract(*, session: AsyncSession, principal: Principal, contract_id: str) -> OrderContract:
    contract = await session.get(OrderContract, contract_id)
    if contract is None or not can_read(principal, region=contract.village_code, entity_id=contract.entity_id):
        raise NotFound("订单合同不存在", detail_en=f"contract {contract_id} not found")
    return contract


async def record_delivery(*, session: AsyncSession, principal: Principal, contract_id: str, data: DeliveryIn) -> DeliveryOut:
    """R12: a delivery is settled at max(floor, market) per unit and pays the household ``order_production`` income."""
    contract = await get_contract(session=session, principal=principal, contract_id=contract_id)
    ensure_writable(principal, region=contract.village_code, entity_id=contract.entity_id)
    # Serialize deliveries of one contract (PostgreSQL); the SQLite writer lock already does.
    await session.refresh(contract, with_for_update=True)
    quantity = domain.parse_quantity(data.quantity, field="quantity")
    domain.check_r12_delivery_within_contract(
        delivered_on=data.delivered_on,
        starts_on=contract.starts_on,
        ends_on=contract.ends_on,
        delivered_milli=contract.delivered_milli,
        quantity_milli=quantity,
        contracted_milli=contract.quantity_milli,
    )
    settlement = domain.settlement_amount_r12(quantity_milli=quantity, floor_price_fen=contract.floor_price_fen, market_price_fen=data.market_price_fen)
    domain.check_settlement_within_payment_ceiling(settlement.amount_fen)
    delivery = Delivery(
        id=new_id(),
        contract_id=contract.id,
        entity_id=contract.entity_id,
        household_id=contract.household_id,
        village_code=contract.village_code,
        product=contract.product,
        unit=contract.unit,
        quantity_milli=quantity,
        grade=data.grade,
        delivered_on=data.delivered_on,
        market_price_fen=data.market_price_fen,
        floor_price_fen=contract.floor_price_fen,
        paid_price_fen=settlement.paid_price_fen,
        amount_fen=settlement.amount_fen,
        filled_milli=0,
    )
    session.add(delivery)
    contract.delivered_milli += quantity
    contract.settled_fen += settlement.amount_fen
    await session.flush()
    order_id = None
    if data.order_line is not None:
        order = await session.get(PartnerOrder, data.order_line.order_id)
        if order is None or not await order_visible(session, principal, order):
            raise InvalidInput("订单不存在", detail_en=f"unknown order {data.order_line.order_id}", field="order_line.order_id")
        order_id = order.id
        await _fill(
            session,
            order,
            data.order_line.line_no,
            delivery,
            quantity,
            line_field="order_line.line_no",
            match_field="order_line.order_id",
            quantity_field="quantity",
        )
    emit(
        session,
        DeliverySettled(
            delivery_id=delivery.id,
            contract_id=contract.id,
            entity_id=contract.entity_id,
            product=contract.product,
            quantity=fq(quantity),
            unit=contract.unit,  # type: ignore[arg-type]  # the row holds the unit as str; the contract model narrows it to its Literal
            grade=data.grade,
            delivered_on=data.delivered_on,
            market_price_fen=data.market_price_fen,
            floor_price_fen=contract.floor_price_fen,
            paid_price_fen=settlement.paid_price_fen,
            floor_applied=settlement.floor_applied,
            income=IncomeLine(
                household_id=contract.household_id,
                village_code=contract.village_code,
                benefit_type=BenefitType.order_production,
                amount_fen=settlement.amount_fen,
                occurred_on=data.delivered_on,
                lineage=Lineage(entity_id=contract.entity_id, contract_id=contract.id, delivery_id=delivery.id, order_id=order_id),
            ),
        ),
    )
    return delivery_out(delivery)


# ---- partner orders and fills ------------------------------------------------------------------


async def order_out(session: AsyncSession, order: PartnerOrder) -> OrderOut:
    lines = (
        await session.execute(select(PartnerOrderLine).where(col(PartnerOrderLine.order_id) == order.id).order_by(col(PartnerOrderLine.line_no)))
    ).scalars()
    return OrderOut(
        id=order.id,
        partner=order.partner,
        partner_order_id=order.partner_order_id,
        buyer_kind=order.buyer_kind,
        buyer_name=order.buyer_name,
        village_code=order.village_code,
        entity_id=order.entity_id,
        total_fen=order.total_fen,
        placed_at=order.placed_at,
        lines=[
            OrderLineOut(
                line_no=line.line_no,
                product=line.product,
                product_name=line.product_name,
                quantity=fq(line.quantity_milli),
                unit=line.unit,
                unit_price_fen=line.unit_price_fen,
                amount_fen=line.amount_fen,
                filled=fq(line.filled_milli),
            )
            for line in lines
        ],
    )


async def get_order(*, session: AsyncSession, principal: Principal, order_id: str) -> PartnerOrder:
    order = await session.get(PartnerOrder, order_id)
    if order is None or not await order_visible(session, principal, order):
        raise NotFound("订单不存在", detail_en=f"order {order_id} not found")
    return order


def fill_out(f: OrderFill) -> FillOut:
    return FillOut(
        id=f.id,
        order_id=f.order_id,
        line_no=f.line_no,
        delivery_id=f.delivery_id,
        contract_id=f.contract_id,
        household_id=f.household_id,
        village_code=f.village_code,
        entity_id=f.entity_id,
        quantity=fq(f.quantity_milli),
    )


async def fill_order_line(*, session: AsyncSession, principal: Principal, order_id: str, data: FillIn) -> FillOut:
    """Record which household's contracted delivery filled (part of) a partner order line."""
    # The authority is over the delivery: an entity may fill a village's order with produce it bought there.
    order = await get_order(session=session, principal=principal, order_id=order_id)
    delivery = await session.get(Delivery, data.delivery_id, with_for_update=True)
    if delivery is None or not can_read(principal, region=delivery.village_code, entity_id=delivery.entity_id):
        raise InvalidInput("交付记录不存在", detail_en=f"unknown delivery {data.delivery_id}", field="delivery_id")
    ensure_writable(principal, region=delivery.village_code, entity_id=delivery.entity_id)
    quantity = domain.parse_quantity(data.quantity, field="quantity")
    fill = await _fill(session, order, data.line_no, delivery, quantity, line_field="line_no", match_field="delivery_id", quantity_field="quantity")
    return fill_out(fill)


async def _fill(
    session: AsyncSession, order: PartnerOrder, line_no: int, delivery: Delivery, quantity: int, *, line_field: str, match_field: str, quantity_field: str
) -> OrderFill:
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
            quantity=fq(quantity),
            unit=line.unit,  # type: ignore[arg-type]  # the row holds the unit as str; the contract model narrows it to its Literal
        ),
    )
    return fill


# ---- market linkage (R18–R21) -----------------------------------------------------------------


async def _known_village(session: AsyncSession, code: str, field: str = "village_code") -> KnownVillage:
    village = await session.get(KnownVillage, code)
    if village is None:
        raise InvalidInput("村未登记", detail_en=f"unknown village {code}", field=field)
    return village


def channel_out(c: DirectSupplyChannel) -> ChannelOut:
    return ChannelOut(
        id=c.id,
        village_code=c.village_code,
        kind=c.kind,
        counterparty=c.counterparty,
        partner=c.partner,
        product=c.product,
        period_start=c.period_start,
        period_end=c.period_end,
        volume=fq(c.volume_milli),
        unit=c.unit,
    )


async def open_channel(*, session: AsyncSession, principal: Principal, data: ChannelIn) -> ChannelOut:
    """R18: a directed direct-supply channel (定向直通) of a village."""
    ensure_writable(principal, region=data.village_code)
    await _known_village(session, data.village_code)
    if data.partner is not None and await session.get(Partner, data.partner) is None:
        raise InvalidInput("合作平台不存在", detail_en=f"unknown partner {data.partner}", field="partner")
    volume = domain.parse_quantity(data.volume, field="volume")
    channel = DirectSupplyChannel(
        id=new_id(),
        village_code=data.village_code,
        kind=data.kind,
        counterparty=data.counterparty,
        partner=data.partner,
        product=data.product,
        period_start=data.period_start,
        period_end=data.period_end,
        volume_milli=volume,
        unit=data.unit,
    )
    session.add(channel)
    await session.flush()
    emit(
        session,
        DirectSupplyChannelOpened(
            channel_id=channel.id,
            village_code=channel.village_code,
            kind=data.kind,
            counterparty=channel.counterparty,
            partner=channel.partner,
            product=channel.product,
            period_start=channel.period_start,
            period_end=channel.period_end,
            volume=fq(volume),
            unit=data.unit,
        ),
    )
    return channel_out(channel)


def window_out(w: ShowcaseWindow) -> WindowOut:
    return WindowOut(id=w.id, village_code=w.village_code, paired_unit=w.paired_unit, form=w.form, opened_on=w.opened_on, address_or_url=w.address_or_url)


async def open_window(*, session: AsyncSession, principal: Principal, data: WindowIn) -> WindowOut:
    """R19: a physical or online showcase window at the village's paired assisting unit."""
    ensure_writable(principal, region=data.village_code)
    village = await _known_village(session, data.village_code)
    unit = domain.require_window_at_paired_unit(window_unit=data.paired_unit, village_paired_unit=village.paired_unit, opened_on=data.opened_on)
    window = ShowcaseWindow(
        id=new_id(), village_code=data.village_code, paired_unit=unit, form=data.form, opened_on=data.opened_on, address_or_url=data.address_or_url
    )
    session.add(window)
    await session.flush()
    emit(
        session,
        ShowcaseWindowOpened(
            window_id=window.id,
            village_code=window.village_code,
            paired_unit=unit,
            form=data.form,
            opened_on=window.opened_on,
            address_or_url=window.address_or_url,
        ),
    )
    return window_out(window)


def _check_county(principal: Principal, county_code: str) -> None:
    if county_code not in COUNTIES:
        raise InvalidInput(f"县代码 {county_code} 不在韶关市", detail_en=f"county {county_code} is not one of Shaoguan's ten", field="county_code")


def _ensure_coverage_writable(principal: Principal, location: str, villages: list[str]) -> None:
    ensure_writable(principal, region=location)
    for code in villages:
        ensure_writable(principal, region=code)


def _coverage_rows(kind: str, facility_id: str, villages: list[str], bases: list[CoveredBase]) -> list[Coverage]:
    rows = [Coverage(id=new_id(), facility_kind=kind, facility_id=facility_id, village_code=v, base_code=None) for v in dict.fromkeys(villages)]
    rows += [Coverage(id=new_id(), facility_kind=kind, facility_id=facility_id, village_code=None, base_code=b.base_code) for b in bases]
    return rows


def point_out(p: EcommercePoint) -> EcommercePointOut:
    return EcommercePointOut(
        id=p.id,
        level=p.level,
        name=p.name,
        county_code=p.county_code,
        township_code=p.township_code,
        village_code=p.village_code,
        covered_village_codes=list(p.covered_village_codes or []),
        covered_bases=[CoveredBase.model_validate(b) for b in p.covered_bases or []],
        opened_on=p.opened_on,
    )


async def register_ecommerce_point(*, session: AsyncSession, principal: Principal, data: EcommercePointIn) -> EcommercePointOut:
    """R20: a county centre, township station or village shop and the villages and bases it serves."""
    _check_county(principal, data.county_code)
    domain.check_ecommerce_point_location(level=data.level, county_code=data.county_code, township_code=data.township_code, village_code=data.village_code)
    domain.check_coverage_inside_county(data.county_code, data.covered_village_codes)
    covered = list(dict.fromkeys(data.covered_village_codes + ([data.village_code] if data.village_code else [])))
    location = data.village_code or data.township_code or data.county_code
    _ensure_coverage_writable(principal, location, covered)
    bases = [b.fact() for b in data.covered_bases]
    point = EcommercePoint(
        id=new_id(),
        level=data.level,
        name=data.name,
        county_code=data.county_code,
        township_code=data.township_code,
        village_code=data.village_code,
        covered_village_codes=covered,
        covered_bases=[b.model_dump() for b in bases],
        opened_on=data.opened_on,
    )
    session.add(point)
    session.add_all(_coverage_rows("ecommerce_point", point.id, covered, bases))
    await session.flush()
    emit(
        session,
        EcommercePointRegistered(
            point_id=point.id,
            level=data.level,
            name=point.name,
            county_code=point.county_code,
            township_code=point.township_code,
            village_code=point.village_code,
            covered_village_codes=covered,
            covered_bases=bases,
            opened_on=point.opened_on,
        ),
    )
    return point_out(point)


def facility_out(f: ColdChainFacility) -> ColdChainOut:
    return ColdChainOut(
        id=f.id,
        kind=f.kind,
        name=f.name,
        county_code=f.county_code,
        township_code=f.township_code,
        capacity=f.capacity,
        capacity_unit=f.capacity_unit,
        covered_village_codes=list(f.covered_village_codes or []),
        covered_bases=[CoveredBase.model_validate(b) for b in f.covered_bases or []],
        opened_on=f.opened_on,
    )


async def register_cold_chain(*, session: AsyncSession, principal: Principal, data: ColdChainIn) -> ColdChainOut:
    """R21: a cold-chain facility and the industry bases and villages it covers."""
    _check_county(principal, data.county_code)
    if data.township_code and not data.township_code.startswith(data.county_code):
        raise InvalidInput("乡镇不在该县内", detail_en=f"township {data.township_code} is not inside county {data.county_code}", field="township_code")
    domain.check_coverage_inside_county(data.county_code, data.covered_village_codes)
    capacity = fq(domain.parse_quantity(data.capacity, field="capacity")) if data.capacity is not None else None
    covered = list(dict.fromkeys(data.covered_village_codes))
    _ensure_coverage_writable(principal, data.township_code or data.county_code, covered)
    bases = [b.fact() for b in data.covered_bases]
    facility = ColdChainFacility(
        id=new_id(),
        kind=data.kind,
        name=data.name,
        county_code=data.county_code,
        township_code=data.township_code,
        capacity=capacity,
        capacity_unit=data.capacity_unit,
        covered_village_codes=covered,
        covered_bases=[b.model_dump() for b in bases],
        opened_on=data.opened_on,
    )
    session.add(facility)
    session.add_all(_coverage_rows("cold_chain", facility.id, covered, bases))
    await session.flush()
    emit(
        session,
        ColdChainFacilityRegistered(
            facility_id=facility.id,
            kind=data.kind,
            name=facility.name,
            county_code=facility.county_code,
            township_code=facility.township_code,
            capacity=capacity,
            capacity_unit=facility.capacity_unit,
            covered_village_codes=covered,
            covered_bases=bases,
            opened_on=facility.opened_on,
        ),
    )
    return facility_out(facility)


async def village_links(*, session: AsyncSession, principal: Principal, village_code: str, on: date) -> VillageLinksOut:
    """R18–R21 for one village on a day, from the channels, windows, points and facilities market holds (policy.linkage)."""
    ensure_readable(principal, region=village_code, what="村")
    await _known_village(session, village_code)
    day = linkage.Span.day(on)
    channels = (await session.execute(select(DirectSupplyChannel).where(col(DirectSupplyChannel.village_code) == village_code))).scalars()
    windows = (await session.execute(select(ShowcaseWindow).where(col(ShowcaseWindow.village_code) == village_code))).scalars()

    def covering(kind: str, model: type[EcommercePoint | ColdChainFacility]) -> Select[Any]:
        ids = select(col(Coverage.facility_id)).where(col(Coverage.facility_kind) == kind, col(Coverage.village_code) == village_code)
        return select(model).where(col(model.id).in_(ids))

    points = (await session.execute(covering("ecommerce_point", EcommercePoint))).scalars()
    facilities = (await session.execute(covering("cold_chain", ColdChainFacility))).scalars()
    return VillageLinksOut(
        village_code=village_code,
        on=on,
        r18_direct_supply=_indicator(linkage.r18_direct_supply(channels, day)),
        r19_showcase_window=_indicator(linkage.r19_showcase_window(windows, day)),
        r20_ecommerce_station=_indicator(linkage.r20_ecommerce_station(points, day)),
        r21_cold_chain=_indicator(linkage.r21_cold_chain(facilities, day).coverage),
    )


def _indicator(verdict: linkage.Verdict[Any]) -> IndicatorOut:
    return IndicatorOut(rule=verdict.rule, met=verdict.met, count=verdict.count)


async def base_links(*, session: AsyncSession, principal: Principal, base_code: str, on: date) -> BaseLinksOut:
    """R20/R21 for one industry base: the e-commerce points and cold-chain facilities (pre-cooling apart) covering it."""
    points = list(
        (
            await session.execute(
                select(EcommercePoint)
                .join(Coverage, col(Coverage.facility_id) == col(EcommercePoint.id))
                .where(col(Coverage.base_code) == base_code, visible(principal, region=col(EcommercePoint.county_code)))
            )
        )
        .scalars()
        .unique()
    )
    facilities = list(
        (
            await session.execute(
                select(ColdChainFacility)
                .join(Coverage, col(Coverage.facility_id) == col(ColdChainFacility.id))
                .where(col(Coverage.base_code) == base_code, visible(principal, region=col(ColdChainFacility.county_code)))
            )
        )
        .scalars()
        .unique()
    )
    day = linkage.Span.day(on)
    # A base is described by the facilities covering it that are open on the day, as before.
    open_points = linkage.r20_ecommerce_station(points, day)
    open_facilities = [f for f in facilities if f.opened_on <= on]
    bases = [b for p in open_points.counted for b in p.covered_bases or []] + [b for f in open_facilities for b in f.covered_bases or []]
    described = [CoveredBase.model_validate(b) for b in bases if b.get("base_code") == base_code]
    if not described:
        raise NotFound("基地不存在", detail_en=f"no e-commerce point or cold-chain facility covers base {base_code}")
    is_large = any(b.is_large for b in described)
    cold_chain = linkage.r21_cold_chain(facilities, day, large_base=is_large)
    return BaseLinksOut(
        base_code=base_code,
        name=described[0].name,
        is_large=is_large,
        on=on,
        r20_ecommerce_station=_indicator(open_points),
        r21_cold_chain=_indicator(cold_chain.coverage),
        r21_pre_cooling=_indicator(cold_chain.pre_cooling),
    )
