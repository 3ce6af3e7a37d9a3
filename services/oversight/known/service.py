"""The name a notice posts for a household: its head's, masked as villages post them (林*国)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from services.oversight.known.models import KnownHousehold, KnownMember
from shared.pii import mask_name

UNKNOWN = "（待同步）"


async def posted_names(session: AsyncSession, household_ids: list[str]) -> dict[str, str]:
    """Masked head names by household id; a household the registry has not announced yet reads ``（待同步）``."""
    if not household_ids:
        return {}
    households = {h.id: h for h in (await session.execute(select(KnownHousehold).where(col(KnownHousehold.id).in_(household_ids)))).scalars()}
    members = list((await session.execute(select(KnownMember).where(col(KnownMember.household_id).in_(household_ids)).order_by(KnownMember.id))).scalars())
    names: dict[str, str] = {}
    for m in members:
        head = households.get(m.household_id)
        if head is not None and head.head_member_id == m.id:
            names[m.household_id] = m.name
        names.setdefault(m.household_id, m.name)  # no head announced: the first member registered
    return {h: mask_name(names[h]) if h in names else UNKNOWN for h in household_ids}
