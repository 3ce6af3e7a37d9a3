"""Use cases of subsidies: keyword-only functions over a session; they flush and emit, never commit."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.funds import domain
from services.funds.common import get_or_404, known_household, record_payment
from services.funds.distributions import gate
from services.funds.distributions.schemas import WithdrawalIn
from services.funds.land.models import LandTransfer
from services.funds.lineage.models import KnownHousehold
from services.funds.subsidies import repository
from services.funds.subsidies.models import Subsidy
from services.funds.subsidies.schemas import SubsidyIn, SubsidyOut
from shared.auth import Principal, ensure_readable, ensure_writable
from shared.events.funds import SubsidyPaid
from shared.events.funds_notice import SubsidyPostedForNotice, SubsidyWithdrawn
from shared.events.income import BenefitType, Lineage
from shared.ids import new_id
from shared.outbox import emit
from shared.paging import Page, PageParams, paginate
from shared.problems import Conflict, InvalidInput


def _lineage(s: Subsidy, entity_id: str | None) -> Lineage:
    return Lineage(subsidy_id=s.id, land_transfer_id=s.land_transfer_id, entity_id=entity_id)


async def _entity_of(session: AsyncSession, s: Subsidy) -> str | None:
    transfer = await session.get(LandTransfer, s.land_transfer_id) if s.land_transfer_id else None
    return transfer.entity_id if transfer else None


async def pay_subsidy(*, session: AsyncSession, principal: Principal, data: SubsidyIn, notice_window: timedelta = timedelta(0)) -> SubsidyOut:
    """Record (and so approve) a subsidy; with a notice window the household's part waits for the village notice (gate.py)."""
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
        status="approved",
        recorded_by=principal.subject,
        # Nothing of it goes to the household (all the entity's): nothing to hold, nothing to post.
        release=gate.hold(notice_window) if household_fen > 0 else None,
    )
    session.add(subsidy)
    await session.flush()
    lineage = _lineage(subsidy, entity_id)
    if subsidy.release is None and household_fen > 0:
        _pay(session, subsidy, household, lineage)
    if household_fen > 0:
        emit(
            session,
            SubsidyPostedForNotice(
                subsidy_id=subsidy.id,
                household_id=household.id,
                village_code=household.village_code,
                name=data.name,
                paid_on=data.paid_on,
                total_fen=data.total_fen,
                household_fen=household_fen,
                entity_fen=entity_fen,
                rule="R15" if data.land_transfer_id else None,
                lineage=lineage,
                window_seconds=int(notice_window.total_seconds()),
                held=subsidy.release is not None,
                recorded_by=principal.subject,
            ),
        )
    await session.flush()
    return SubsidyOut.model_validate(subsidy)


def _pay(session: AsyncSession, s: Subsidy, household: KnownHousehold, lineage: Lineage) -> None:
    """The household's part as an income line and its fact (``subsidy_paid``: the ledger books it)."""
    line_id, income = record_payment(
        session, household=household, benefit_type=BenefitType.policy_support, amount_fen=s.household_fen, occurred_on=s.paid_on, lineage=lineage
    )
    emit(
        session,
        SubsidyPaid(
            line_id=line_id, subsidy_id=s.id, name=s.name, total_fen=s.total_fen, entity_fen=s.entity_fen, land_transfer_id=s.land_transfer_id, income=income
        ),
    )


async def _pay_held(session: AsyncSession, s: Subsidy, notice_id: str) -> None:
    household = await session.get(KnownHousehold, s.household_id)
    assert household is not None  # it was known when the subsidy was recorded, and funds never forgets a household
    _pay(session, s, household, _lineage(s, await _entity_of(session, s)))


GATE = gate.Kind(Subsidy, _pay_held)


async def withdraw_subsidy(*, session: AsyncSession, principal: Principal, subsidy_id: str, data: WithdrawalIn) -> SubsidyOut:
    """The correction of a subsidy its notice still holds (open or blocked): withdrawn, nothing paid, the notice superseded."""
    s = await get_or_404(session, Subsidy, subsidy_id, "补贴", lock=True)
    ensure_readable(principal, region=s.village_code, what="补贴")
    ensure_writable(principal, region=s.village_code)
    if not gate.waiting(s):
        raise Conflict(
            "只能撤回公示中未发放的补贴；已发放的请冲正其收益明细",
            detail_en=f"only a subsidy whose notice still holds it is withdrawn; this one is {s.status}, release {s.release} (reverse its income line)",
            code="not_held",
        )
    gate.withdraw(s, by=principal.subject, reason=data.reason)
    await session.flush()
    emit(
        session, SubsidyWithdrawn(subsidy_id=s.id, household_id=s.household_id, village_code=s.village_code, withdrawn_by=principal.subject, reason=data.reason)
    )
    return SubsidyOut.model_validate(s)


async def get_subsidy(*, session: AsyncSession, principal: Principal, subsidy_id: str) -> SubsidyOut:
    subsidy = await get_or_404(session, Subsidy, subsidy_id, "补贴")
    ensure_readable(principal, region=subsidy.village_code, what="补贴")
    return SubsidyOut.model_validate(subsidy)


async def list_subsidies(*, session: AsyncSession, principal: Principal, page: PageParams) -> Page[SubsidyOut]:
    return await paginate(session, repository.visible_subsidies(principal), key=col(Subsidy.id), params=page, to_item=SubsidyOut.model_validate)
