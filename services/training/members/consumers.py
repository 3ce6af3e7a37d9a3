"""Facts training learns from the households registry: villages and members. Idempotent by construction."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from services.training import domain
from services.training.compliance import service
from services.training.compliance.models import Compliance
from services.training.fields import this_year
from services.training.members.models import KnownMember, KnownVillage
from shared.bus import Delivered
from shared.events.households import (
    MemberLeft,
    MemberRegistered,
    MemberUpdated,
    VillageRegistered,
)

MEMBER_FACTS = (MemberRegistered, MemberUpdated, MemberLeft)
M = TypeVar("M")


async def apply_households_facts(session: AsyncSession, batch: list[Delivered]) -> None:
    """Apply a batch in log order; members and villages the batch names are loaded once, up front."""
    member_ids = {d.data.member_id for d in batch if isinstance(d.data, MEMBER_FACTS)}
    village_codes = {d.data.village_code for d in batch if isinstance(d.data, VillageRegistered)}
    members = await _load(session, KnownMember, "id", member_ids)
    villages = await _load(session, KnownVillage, "code", village_codes)
    year = this_year()
    # Added after the members they refer to are flushed (no ORM relationship orders the inserts).
    first_statuses: list[Compliance] = []
    for d in batch:
        data = d.data
        if isinstance(data, VillageRegistered):
            village = villages.get(data.village_code)
            if village is None:
                village = KnownVillage(code=data.village_code, name=data.name, township_code=data.township_code, county_code=data.county_code)
                villages[village.code] = village
                session.add(village)
            else:
                village.name = data.name
        elif isinstance(data, MemberRegistered):
            if data.member_id in members:
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
            members[member.id] = member
            session.add(member)
            if domain.is_labourer(member.labour_capacity):
                # A new labourer has no training yet: this year they are behind (R7), and the ledger should know.
                [st] = domain.r7_compliance(sessions=[], skills_certified_on=[], through_year=year)
                first_statuses.append(service.compliance_row(member.id, st))
                service.emit_compliance(session, member, st)
        elif isinstance(data, MemberUpdated):
            known = members.get(data.member_id)
            if known is None:
                continue
            became_labourer = not domain.is_labourer(known.labour_capacity) and domain.is_labourer(data.labour_capacity)
            known.labour_capacity = data.labour_capacity
            known.wishes_to_work_away = data.wishes_to_work_away
            known.household_id = data.household_id
            known.village_code = data.village_code
            if became_labourer:
                await service.refresh_compliance(session=session, member=known)
        elif isinstance(data, MemberLeft):
            leaving = members.get(data.member_id)
            if leaving is not None:
                leaving.left_on = data.effective_on
    await session.flush()
    if first_statuses:
        session.add_all(first_statuses)
        await session.flush()


async def _load(session: AsyncSession, model: type[M], key: str, ids: set[str]) -> dict[str, M]:
    """The rows of ``model`` whose ``key`` column is one of ``ids``, by key (500 to a statement)."""
    found: dict[str, M] = {}
    wanted = sorted(ids)
    for start in range(0, len(wanted), 500):
        for row in (await session.execute(select(model).where(col(getattr(model, key)).in_(wanted[start : start + 500])))).scalars():
            found[getattr(row, key)] = row
    return found
