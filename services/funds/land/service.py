"""Use cases of land: keyword-only functions over a session; they flush and emit, never commit."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from policy import funds as policy_funds
from policy.verdicts import Term, YearlyCap
from services.funds import domain
from services.funds.common import get_or_404, known_household, ordered, paid_for_year, record_payment, registered_entity
from services.funds.land import repository
from services.funds.land.models import LandTransfer, LeaseBack
from services.funds.land.schemas import DisasterTermsIn, LandTransferIn, LandTransferOut, LeaseBackIn, LeaseBackOut, PaymentIn
from services.funds.lineage.schemas import IncomePaymentOut
from services.funds.lineage.service import income_payment
from shared.auth import Principal, ensure_readable, ensure_writable
from shared.errors import enforce
from shared.events.funds import LandRentPaid, LandTransferred, LeaseBackAgreedV2, LeaseBackIncomePaid
from shared.events.income import BenefitType, Lineage
from shared.ids import new_id
from shared.outbox import emit
from shared.paging import Page, PageParams, paginate
from shared.problems import InvalidInput


def land_transfer_out(t: LandTransfer) -> LandTransferOut:
    return LandTransferOut.model_validate(t)


async def transfer_land(*, session: AsyncSession, principal: Principal, data: LandTransferIn) -> LandTransferOut:
    household = await known_household(session, data.household_id, principal=principal)
    ensure_writable(principal, region=household.village_code)
    entity = await registered_entity(session, data.entity_id, principal=principal)
    ordered(data.start_on, data.end_on, "end_on")
    enforce(policy_funds.r15_policy_income(household_bp=data.policy_income_household_bp))
    household_bp = data.policy_income_household_bp
    assert household_bp is not None  # R15 refused it otherwise
    transfer = LandTransfer(
        id=new_id(),
        household_id=household.id,
        village_code=household.village_code,
        entity_id=entity.id,
        plot=data.plot,
        area_tenth_mu=data.area_tenth_mu,
        as_shares=data.as_shares,
        start_on=data.start_on,
        end_on=data.end_on,
        annual_rent_fen=data.annual_rent_fen,
        policy_income_household_bp=household_bp,
    )
    session.add(transfer)
    await session.flush()
    emit(
        session,
        LandTransferred(
            land_transfer_id=transfer.id,
            household_id=household.id,
            village_code=household.village_code,
            entity_id=entity.id,
            plot=transfer.plot,
            area_tenth_mu=transfer.area_tenth_mu,
            as_shares=transfer.as_shares,
            start_on=transfer.start_on,
            end_on=transfer.end_on,
            annual_rent_fen=transfer.annual_rent_fen,
            policy_income_household_bp=household_bp,
        ),
    )
    return land_transfer_out(transfer)


async def pay_land_rent(*, session: AsyncSession, principal: Principal, land_transfer_id: str, data: PaymentIn) -> IncomePaymentOut:
    transfer = await get_or_404(session, LandTransfer, land_transfer_id, "土地流转", lock=True)  # a year's rent is checked under the lock
    ensure_readable(principal, region=transfer.village_code, entity_id=transfer.entity_id, what="土地流转")
    ensure_writable(principal, region=transfer.village_code, entity_id=transfer.entity_id)
    if not transfer.start_on <= data.paid_on:
        raise InvalidInput("租金支付日期早于流转开始", detail_en="rent paid before the transfer starts", field="paid_on")
    start, end = domain.payment_period(data.period, data.paid_on)
    enforce(policy_funds.r16_land_rent(term=Term(transfer.start_on, transfer.end_on), period=Term(start, end)))
    paid = await paid_for_year(session, year=start.year, benefit_type=BenefitType.asset_income, land_transfer_id=transfer.id)
    enforce(policy_funds.r16_land_rent(rent=YearlyCap(transfer.annual_rent_fen, paid, data.amount_fen, start.year)))
    household = await known_household(session, transfer.household_id)
    line_id, income = record_payment(
        session,
        household=household,
        benefit_type=BenefitType.asset_income,
        amount_fen=data.amount_fen,
        occurred_on=data.paid_on,
        lineage=Lineage(land_transfer_id=transfer.id, entity_id=transfer.entity_id),
        period_year=start.year,
    )
    await session.flush()
    emit(session, LandRentPaid(line_id=line_id, land_transfer_id=transfer.id, period=data.period, income=income))
    return await income_payment(session=session, principal=principal, line_id=line_id)


def lease_back_out(lb: LeaseBack) -> LeaseBackOut:
    return LeaseBackOut.model_validate(lb)


async def agree_lease_back(*, session: AsyncSession, principal: Principal, data: LeaseBackIn) -> LeaseBackOut:
    terms = data.disaster_terms or DisasterTermsIn(prevention=None, handling=None)
    enforce(policy_funds.r14_lease_back(prevention_stated=bool((terms.prevention or "").strip()), handling_stated=bool((terms.handling or "").strip())))
    household = await known_household(session, data.household_id, principal=principal)
    ensure_writable(principal, region=household.village_code)
    entity = await registered_entity(session, data.entity_id, principal=principal)
    ordered(data.start_on, data.end_on, "end_on")
    lease_back = LeaseBack(
        id=new_id(),
        entity_id=entity.id,
        household_id=household.id,
        village_code=household.village_code,
        base_name=data.base_name,
        area_tenth_mu=data.area_tenth_mu,
        start_on=data.start_on,
        end_on=data.end_on,
        disaster_prevention=terms.prevention or "",  # R14 above refused a missing term
        disaster_handling=terms.handling or "",
        agreed_income_fen_per_year=data.agreed_income_fen_per_year,
    )
    session.add(lease_back)
    await session.flush()
    emit(
        session,
        LeaseBackAgreedV2(
            lease_back_id=lease_back.id,
            entity_id=entity.id,
            household_id=household.id,
            village_code=household.village_code,
            base_name=lease_back.base_name,
            area_tenth_mu=lease_back.area_tenth_mu,
            start_on=lease_back.start_on,
            end_on=lease_back.end_on,
            has_disaster_terms=True,
            agreed_income_fen_per_year=lease_back.agreed_income_fen_per_year,
        ),
    )
    return lease_back_out(lease_back)


async def pay_lease_back_income(*, session: AsyncSession, principal: Principal, lease_back_id: str, data: PaymentIn) -> IncomePaymentOut:
    lease_back = await get_or_404(session, LeaseBack, lease_back_id, "反租倒包", lock=True)
    ensure_readable(principal, region=lease_back.village_code, entity_id=lease_back.entity_id, what="反租倒包")
    ensure_writable(principal, region=lease_back.village_code, entity_id=lease_back.entity_id)
    ordered(lease_back.start_on, data.paid_on, "paid_on")
    start, end = domain.payment_period(data.period, data.paid_on)
    enforce(policy_funds.r14_lease_back(term=Term(lease_back.start_on, lease_back.end_on), period=Term(start, end)))
    if lease_back.agreed_income_fen_per_year is not None:
        paid = await paid_for_year(session, year=start.year, benefit_type=BenefitType.lease_back, lease_back_id=lease_back.id)
        enforce(policy_funds.r14_lease_back(income=YearlyCap(lease_back.agreed_income_fen_per_year, paid, data.amount_fen, start.year)))
    household = await known_household(session, lease_back.household_id)
    line_id, income = record_payment(
        session,
        household=household,
        benefit_type=BenefitType.lease_back,
        amount_fen=data.amount_fen,
        occurred_on=data.paid_on,
        lineage=Lineage(lease_back_id=lease_back.id, entity_id=lease_back.entity_id),
        period_year=start.year,
    )
    await session.flush()
    emit(session, LeaseBackIncomePaid(line_id=line_id, lease_back_id=lease_back.id, period=data.period, income=income))
    return await income_payment(session=session, principal=principal, line_id=line_id)


async def get_land_transfer(*, session: AsyncSession, principal: Principal, land_transfer_id: str) -> LandTransferOut:
    transfer = await get_or_404(session, LandTransfer, land_transfer_id, "土地流转")
    ensure_readable(principal, region=transfer.village_code, entity_id=transfer.entity_id, what="土地流转")
    return LandTransferOut.model_validate(transfer)


async def list_land_transfers(*, session: AsyncSession, principal: Principal, page: PageParams) -> Page[LandTransferOut]:
    stmt = repository.visible_land_transfers(principal)
    return await paginate(session, stmt, key=col(LandTransfer.id), params=page, to_item=LandTransferOut.model_validate)


async def get_lease_back(*, session: AsyncSession, principal: Principal, lease_back_id: str) -> LeaseBackOut:
    lease_back = await get_or_404(session, LeaseBack, lease_back_id, "反租倒包")
    ensure_readable(principal, region=lease_back.village_code, entity_id=lease_back.entity_id, what="反租倒包")
    return LeaseBackOut.model_validate(lease_back)


async def list_lease_backs(*, session: AsyncSession, principal: Principal, page: PageParams) -> Page[LeaseBackOut]:
    stmt = repository.visible_lease_backs(principal)
    return await paginate(session, stmt, key=col(LeaseBack.id), params=page, to_item=LeaseBackOut.model_validate)
