"""Use cases of order contracts (R12): keyword-only functions over a session; they flush and emit, never commit."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from policy.market import Quantities, r12_order_farming
from policy.verdicts import Term
from services.market import domain
from services.market.base import col
from services.market.contracts import repository
from services.market.contracts.models import Delivery, OrderContract
from services.market.contracts.schemas import ContractIn, ContractOut, DeliveryIn, DeliveryOut
from services.market.known import KnownEntity, KnownHousehold
from services.market.orders.models import PartnerOrder
from services.market.orders.repository import order_visible
from services.market.orders.service import fill_line
from services.market.scope import entity_visible, household_visible, unknown_entity, unknown_household
from shared.auth import Principal, Role, can_read, ensure_writable
from shared.errors import enforce
from shared.events.income import BenefitType, IncomeLine, Lineage
from shared.events.market import DeliverySettled, OrderContractSigned
from shared.ids import new_id
from shared.outbox import emit
from shared.paging import Page, PageParams, paginate
from shared.problems import InvalidInput, NotFound

fq = domain.format_quantity


async def sign_contract(*, session: AsyncSession, principal: Principal, data: ContractIn) -> ContractOut:
    household = await session.get(KnownHousehold, data.household_id)
    if household is None or not await household_visible(session, principal, household):
        raise unknown_household(data.household_id)
    entity = await session.get(KnownEntity, data.entity_id)
    if entity is None or not entity_visible(principal, entity):
        raise unknown_entity(data.entity_id)
    if principal.role == Role.entity_operator:
        ensure_writable(principal, entity_id=data.entity_id)  # an operator contracts for its own entity only
    else:
        ensure_writable(principal, region=household.village_code)
    if household.left_on is not None:
        raise InvalidInput("该户已退出登记", detail_en="the household has left the registry", field="household_id")
    enforce(r12_order_farming(floor_price_fen=data.floor_price_fen))
    domain.check_floor_price_plausible(data.floor_price_fen)
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
    return ContractOut.model_validate(contract)


async def list_contracts(
    *, session: AsyncSession, principal: Principal, page: PageParams, household_id: str | None, entity_id: str | None
) -> Page[ContractOut]:
    stmt = repository.visible_contracts(principal, household_id=household_id, entity_id=entity_id)
    return await paginate(session, stmt, key=col(OrderContract.id), params=page, to_item=ContractOut.model_validate)


async def get_contract(*, session: AsyncSession, principal: Principal, contract_id: str) -> OrderContract:
    contract = await session.get(OrderContract, contract_id)
    if contract is None or not can_read(principal, region=contract.village_code, entity_id=contract.entity_id):
        raise NotFound("订单合同不存在", detail_en=f"contract {contract_id} not found")
    return contract


async def read_contract(*, session: AsyncSession, principal: Principal, contract_id: str) -> ContractOut:
    return ContractOut.model_validate(await get_contract(session=session, principal=principal, contract_id=contract_id))


async def list_deliveries(*, session: AsyncSession, principal: Principal, contract_id: str, page: PageParams) -> Page[DeliveryOut]:
    await get_contract(session=session, principal=principal, contract_id=contract_id)
    return await paginate(session, repository.deliveries_of(contract_id), key=col(Delivery.id), params=page, to_item=DeliveryOut.model_validate)


async def record_delivery(*, session: AsyncSession, principal: Principal, contract_id: str, data: DeliveryIn) -> DeliveryOut:
    """R12: a delivery is settled at max(floor, market) per unit and pays the household ``order_production`` income."""
    contract = await get_contract(session=session, principal=principal, contract_id=contract_id)
    ensure_writable(principal, region=contract.village_code, entity_id=contract.entity_id)
    # Serialize deliveries of one contract (PostgreSQL); the SQLite writer lock already does.
    await session.refresh(contract, with_for_update=True)
    quantity = domain.parse_quantity(data.quantity, field="quantity")
    enforce(
        r12_order_farming(
            delivered_on=data.delivered_on,
            contract_term=Term(contract.starts_on, contract.ends_on),
            quantities=Quantities(contract.delivered_milli, quantity, contract.quantity_milli, show=domain.format_quantity),
        )
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
        await fill_line(
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
            unit=contract.unit,
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
    return DeliveryOut.model_validate(delivery)
