"""Facts training learns from the households registry: villages and members. Idempotent by construction."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.training import domain, service
from services.training.models import Compliance, KnownMember, KnownVillage
from shared.bus import Delivered
from shared.events.households import MemberLeft, MemberRegistered, MemberUpdated, VillageRegistered


async def apply_households_facts(session: AsyncSession, batch: list[Delivered]) -> None:
    for d in batch:
        data = d.data
        if isinstance(data, VillageRegistered):
            village = await session.get(KnownVillage, data.village_code)
            if village is None:
                session.add(
                    KnownVillage(code=data.village_code, name=data.name, township_code=data.township_code, county_code=data.county_code)
                )
                await session.flush()
            else:
                village.name = data.name
        elif isinstance(data, MemberRegistered):
            if await session.get(KnownMember, data.member_id) is not None:
                continue
            member = KnownMember(
                id=data.member_id,
                household_id=data.household_id,
                village_code=data.village_code,
                name=data.name,
                birth_year=data.birth_year,
                labour_capacity=data.labour_capacity,
                wishes_to_work_away=data.wishes_to_work_away,
                joined_on=data.joined_on,
            )
            session.add(member)
            await session.flush()  # a later fact of the same batch finds it
            if domain.is_labourer(member.labour_capacity):
                # A new labourer has no training yet: this year they are behind (R7), and the ledger should know.
                st = domain.r7_compliance(sessions=[], skills_certified_on=[], through_year=service.this_year())[-1]
                session.add(
                    Compliance(
                        member_id=member.id,
                        year=st.year,
                        status=st.status,
                        counted_sessions=0,
                        consecutive_years=0,
                        has_skill=False,
                    )
                )
                service.emit_compliance(session, member, st)
        elif isinstance(data, MemberUpdated):
            member = await session.get(KnownMember, data.member_id)
            if member is None:
                continue
            became_labourer = not domain.is_labourer(member.labour_capacity) and domain.is_labourer(data.labour_capacity)
            member.labour_capacity = data.labour_capacity
            member.wishes_to_work_away = data.wishes_to_work_away
            member.household_id = data.household_id
            member.village_code = data.village_code
            if became_labourer:
                await session.flush()
                await service.refresh_compliance(session=session, member=member)
        elif isinstance(data, MemberLeft):
            member = await session.get(KnownMember, data.member_id)
            if member is not None:
                member.left_on = data.effective_on
    await session.flush()
