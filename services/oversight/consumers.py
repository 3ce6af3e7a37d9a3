"""Facts oversight learns from: funds' distributions (a notice opens, is superseded, is released) and the registry's names.

Idempotent by construction: a notice is found by what it is about, known households and members are set, not added twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.oversight.known.models import KnownHousehold, KnownMember, KnownVillage
from services.oversight.notices import service as notices
from shared.bus import Delivered
from shared.db import utcnow
from shared.events.funds import DistributionReversed, DistributionWithdrawn
from shared.events.funds_notice import DistributionPostedForNotice, DistributionReleased
from shared.events.households import (
    HouseholdHeadChanged,
    HouseholdRegistered,
    HouseholdStatusChanged,
    MemberRegistered,
    MemberUpdated,
    VillageRegistered,
    VillageUpdated,
)


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
            await notices.open_distribution_notice(session, data, opened_at=recorded_at(d))
        elif isinstance(data, DistributionWithdrawn):
            await notices.supersede(session, subject_id=data.distribution_id, reason=f"分配已撤回：{data.reason or ''}".rstrip("："), at=recorded_at(d))
        elif isinstance(data, DistributionReversed):
            await notices.supersede(session, subject_id=data.distribution_id, reason=f"分配已冲正：{data.reason}", at=recorded_at(d))
        elif isinstance(data, DistributionReleased):
            await notices.mark_released(session, subject_id=data.distribution_id)
        else:
            await _registry(session, data)


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
