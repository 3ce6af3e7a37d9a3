"""Handlers of other services' facts. Funds keeps small tables of households (village, poverty status) and of
members (village, whether they left), so a write naming either is checked against the writer's scope."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.funds.distributions import gate
from services.funds.distributions.service import GATE as DISTRIBUTION
from services.funds.lineage.cards import apply_cards
from services.funds.lineage.models import KnownHousehold, KnownMember
from services.funds.subsidies.service import GATE as SUBSIDY
from shared.bus import Delivered
from shared.events.households import (
    HouseholdCorrected,
    HouseholdLeftRegistry,
    HouseholdRegistered,
    HouseholdStatusChanged,
    MemberLeft,
    MemberRegistered,
    MemberUpdated,
)
from shared.events.oversight import NoticeClosed, NoticeClosedV2

# What a village notice holds the money of, by the kind oversight names (docs/oversight.md): the one gate, two kinds.
GATED = {"distribution": DISTRIBUTION, "subsidy": SUBSIDY}


async def apply_facts(session: AsyncSession, batch: list[Delivered]) -> None:
    """Idempotent by construction: each fact sets state, so applying it twice changes nothing (a released distribution is not released again)."""
    for d in batch:
        data = d.data
        if isinstance(data, (NoticeClosed, NoticeClosedV2)):
            # The release gate: the money a village notice held goes when it closes with no upheld objection.
            await gate.on_notice_closed(session, GATED, kind=data.kind, outcome=data.outcome, subject_id=data.subject_id, notice_id=data.notice_id)
        elif isinstance(data, HouseholdRegistered):
            household = await session.get(KnownHousehold, data.household_id)
            if household is None:
                session.add(KnownHousehold(id=data.household_id, village_code=data.village_code, poverty_status=data.poverty_status))
                await session.flush()
        elif isinstance(data, MemberRegistered):
            if await session.get(KnownMember, data.member_id) is None:
                session.add(KnownMember(id=data.member_id, household_id=data.household_id, village_code=data.village_code))
                await session.flush()
        elif isinstance(data, (MemberUpdated, MemberLeft)):
            member = await session.get(KnownMember, data.member_id)
            if member is None:
                continue
            member.village_code = data.village_code
            if isinstance(data, MemberLeft):
                member.left_on = data.effective_on
            await session.flush()
        elif isinstance(data, (HouseholdStatusChanged, HouseholdLeftRegistry, HouseholdCorrected)):
            household = await session.get(KnownHousehold, data.household_id)
            if household is None:
                continue
            household.village_code = data.village_code
            await session.execute(update(KnownMember).where(col(KnownMember.household_id) == data.household_id).values(village_code=data.village_code))
            if isinstance(data, HouseholdStatusChanged):
                household.poverty_status = data.poverty_status
            elif isinstance(data, HouseholdLeftRegistry):
                household.left_on = data.effective_on
            await session.flush()
    await apply_cards(session, batch)  # the households' numbers and heads' names, for a fund's reach
