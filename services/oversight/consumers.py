"""Facts oversight learns from: funds' distributions and subsidies (a notice opens, is superseded, is released), the
registry's entries and exits of poor households (an informational notice) and its names.

Idempotent by construction: a notice is found by what it is about (or by the registry fact that opened it), known
households and members are set, not added twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services.oversight.known.models import KnownHousehold, KnownMember, KnownVillage
from services.oversight.notices import postings
from services.oversight.notices import service as notices
from shared.bus import Delivered
from shared.db import utcnow
from shared.events.funds import DistributionReversed, DistributionWithdrawn, IncomeReversed, SubsidyPaid
from shared.events.funds_notice import DistributionPostedForNotice, DistributionReleased, SubsidyPostedForNotice, SubsidyWithdrawn
from shared.events.households import (
    HouseholdHeadChanged,
    HouseholdLeftRegistry,
    HouseholdRegistered,
    HouseholdStatusChanged,
    MemberRegistered,
    MemberUpdated,
    VillageRegistered,
    VillageUpdated,
)

# The platform's notice window (FUPIN_NOTICE_WINDOW), set on the service's sessions at start-up (``sweeper.start``):
# funds puts its window in the money facts it posts, the registry's facts carry none.
NOTICE_WINDOW_KEY = "fupin.oversight.notice_window"


def window_of(session: AsyncSession) -> timedelta:
    window = session.info.get(NOTICE_WINDOW_KEY)
    return window if isinstance(window, timedelta) else timedelta(0)


def recorded_at(d: Delivered) -> datetime:
    """When the producing service recorded the fact (the envelope's time): a notice's window runs from the approval."""
    raw = d.envelope.get("time")
    try:
        return datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        return utcnow()


async def apply_facts(session: AsyncSession, batch: list[Delivered]) -> None:
    for d in batch:
        data = d.data
        if isinstance(data, DistributionPostedForNotice):
            await notices.open_notice(session, postings.of_distribution(data), opened_at=recorded_at(d))
        elif isinstance(data, SubsidyPostedForNotice):
            await notices.open_notice(session, postings.of_subsidy(data), opened_at=recorded_at(d))
        elif isinstance(data, SubsidyWithdrawn):
            await notices.supersede(session, subject_id=data.subsidy_id, reason=f"补贴已撤回：{data.reason or ''}".rstrip("："), at=recorded_at(d))
        elif isinstance(data, SubsidyPaid):
            await notices.mark_released(session, subject_id=data.subsidy_id)
        elif isinstance(data, IncomeReversed) and data.income.lineage.subsidy_id:
            # A paid subsidy is corrected by reversing its income line: its notice says so.
            await notices.supersede(session, subject_id=data.income.lineage.subsidy_id, reason=f"补贴已冲正：{data.reason}", at=recorded_at(d))
        elif isinstance(data, DistributionWithdrawn):
            await notices.supersede(session, subject_id=data.distribution_id, reason=f"分配已撤回：{data.reason or ''}".rstrip("："), at=recorded_at(d))
        elif isinstance(data, DistributionReversed):
            await notices.supersede(session, subject_id=data.distribution_id, reason=f"分配已冲正：{data.reason}", at=recorded_at(d))
        elif isinstance(data, DistributionReleased):
            await notices.mark_released(session, subject_id=data.distribution_id)
        else:
            if isinstance(data, (HouseholdRegistered, HouseholdStatusChanged, HouseholdLeftRegistry)):
                await _registry_notice(session, d, data)
            await _registry(session, data)


async def _registry_notice(session: AsyncSession, d: Delivered, data: HouseholdRegistered | HouseholdStatusChanged | HouseholdLeftRegistry) -> None:
    """A later change of the household corrects its open or blocked registry notice; an entry or exit posts one (informational)."""
    known = await session.get(KnownHousehold, data.household_id)
    at = recorded_at(d)
    if not isinstance(data, HouseholdRegistered):
        await notices.supersede(session, subject_id=data.household_id, reason="登记已更正（其后的登记变动）", at=at, kinds=postings.REGISTRY_KINDS)
    posting = postings.of_registry(data, known_status=known.poverty_status if known else None, window=window_of(session))
    if posting is not None:
        await notices.open_notice(session, posting, opened_at=at, fact_id=str(d.envelope.get("id")))


async def _registry(session: AsyncSession, data: object) -> None:
    if isinstance(data, (VillageRegistered, VillageUpdated)):
        village = await session.get(KnownVillage, data.village_code)
        if village is None:
            session.add(KnownVillage(code=data.village_code, name=data.name))
        else:
            village.name = data.name
    elif isinstance(data, HouseholdRegistered):
        if await session.get(KnownHousehold, data.household_id) is None:
            session.add(
                KnownHousehold(id=data.household_id, village_code=data.village_code, household_number=data.household_number, poverty_status=data.poverty_status)
            )
    elif isinstance(data, MemberRegistered):
        if await session.get(KnownMember, data.member_id) is None:
            session.add(KnownMember(id=data.member_id, household_id=data.household_id, name=data.name))
        if data.relation == "head":
            household = await session.get(KnownHousehold, data.household_id)
            if household is not None:
                household.head_member_id = data.member_id
    elif isinstance(data, MemberUpdated):
        member = await session.get(KnownMember, data.member_id)
        if member is not None and data.name:
            member.name = data.name
    elif isinstance(data, HouseholdHeadChanged):
        household = await session.get(KnownHousehold, data.household_id)
        if household is not None:
            household.head_member_id = data.head_member_id
    elif isinstance(data, HouseholdStatusChanged):
        household = await session.get(KnownHousehold, data.household_id)
        if household is not None:
            household.poverty_status = data.poverty_status
    else:
        return
    await session.flush()
