"""Use cases of subsidies: keyword-only functions over a session; they flush and emit, never commit."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.funds import domain
from services.funds.common import get_or_404, known_household, record_payment
from services.funds.land.models import LandTransfer
from services.funds.subsidies import repository
from services.funds.subsidies.models import Subsidy
from services.funds.subsidies.schemas import SubsidyIn, SubsidyOut
from shared.auth import Principal, ensure_readable, ensure_writable
from shared.events.funds import SubsidyPaid
from shared.events.income import BenefitType, Lineage
from shared.ids import new_id
from shared.outbox import emit
from shared.paging import Page, PageParams, paginate
from shared.problems import InvalidInput


async def pay_subsidy(*, session: AsyncSession, principal: Principal, data: SubsidyIn) -> SubsidyOut:
    household = await known_household(session, data.household_id, principal=principal)
    ensure_writable(principal, region=household.village_code)
    entity_id = None
    household_fen, entity_fen = data.total_fen, 0
    if data.land_transfer_id:
        transfer = await session.get(LandTransfer, data.land_transfer_id)
        if transfer is None or transfer.household_id != household.id:
            raise InvalidInput("该户没有此流转土地", detail_en="no such land transfer of this household", field="land_transfer_id")
        household_fen, entity_fen = domain.split_policy_income(data.total_fen, transfer.policy_income_household_bp)
        entity_id = transfer.entity_id
    subsidy = Subsidy(
        id=new_id(),
        household_id=household.id,
        village_code=household.village_code,
        name=data.name,
        total_fen=data.total_fen,
        household_fen=household_fen,
        entity_fen=entity_fen,
        land_transfer_id=data.land_transfer_id,
        paid_on=data.paid_on,
    )
    session.add(subsidy)
    if household_fen > 0:
        line_id, income = record_payment(
            session,
            household=household,
            benefit_type=BenefitType.policy_support,
            amount_fen=household_fen,
            occurred_on=data.paid_on,
            lineage=Lineage(subsidy_id=subsidy.id, land_transfer_id=data.land_transfer_id, entity_id=entity_id),
        )
        emit(
            session,
            SubsidyPaid(
                line_id=line_id,
                subsidy_id=subsidy.id,
                name=data.name,
                total_fen=data.total_fen,
                entity_fen=entity_fen,
                land_transfer_id=data.land_transfer_id,
                income=income,
            ),
        )
    await session.flush()
    return SubsidyOut.model_validate(subsidy)


async def get_subsidy(*, session: AsyncSession, principal: Principal, subsidy_id: str) -> SubsidyOut:
    subsidy = await get_or_404(session, Subsidy, subsidy_id, "补贴")
    ensure_readable(principal, region=subsidy.village_code, what="补贴")
    return SubsidyOut.model_validate(subsidy)


async def list_subsidies(*, session: AsyncSession, principal: Principal, page: PageParams) -> Page[SubsidyOut]:
    return await paginate(session, repository.visible_subsidies(principal), key=col(Subsidy.id), params=page, to_item=SubsidyOut.model_validate)
