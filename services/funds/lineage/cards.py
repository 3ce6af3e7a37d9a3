"""Household cards: a household's number (户编号), its head's (户主) name and its village, as the registry last said.

Kept from the households service's facts on funds' own rows of households and members (``KnownHousehold``,
``KnownMember``), so a fund's reach names its households in the same request. The facts of one household
share its partition key, so they arrive in order: the household before its members, a member before it is
renamed or becomes the head. Each fact sets state, so applying one twice changes nothing, and a replay from
the beginning fills the cards of households registered before funds kept them.

Identity numbers never travel in events, so funds never holds one; names and household numbers are shown as the
households and ledger reads show them: in full to every role that may read the household's village, and the
household is not listed at all to one that may not (``visible_cards``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.funds.lineage.models import KnownHousehold, KnownMember
from shared.auth import Principal, can_read
from shared.bus import Delivered
from shared.events.households import HouseholdHeadChanged, HouseholdRegistered, MemberRegistered, MemberUpdated


async def apply_cards(session: AsyncSession, batch: list[Delivered]) -> None:
    """The card fields of a batch of households facts, after ``consumers.apply_facts`` has made their rows."""
    for d in batch:
        data = d.data
        if isinstance(data, HouseholdRegistered):
            household = await session.get(KnownHousehold, data.household_id)
            if household is not None:
                household.household_number = data.household_number
        elif isinstance(data, MemberRegistered):
            member = await session.get(KnownMember, data.member_id)
            if member is not None:
                member.name = data.name
            if data.relation == "head":
                await _set_head(session, data.household_id, data.member_id)
        elif isinstance(data, MemberUpdated) and data.name is not None:
            member = await session.get(KnownMember, data.member_id)
            if member is not None:
                member.name = data.name
        elif isinstance(data, HouseholdHeadChanged):
            await _set_head(session, data.household_id, data.head_member_id)
    await session.flush()


async def _set_head(session: AsyncSession, household_id: str, member_id: str) -> None:
    household = await session.get(KnownHousehold, household_id)
    if household is not None:
        household.head_member_id = member_id


@dataclass(frozen=True, slots=True)
class Card:
    """What a read shows of a household: its number and its head's name (None where the registry has not said yet)."""

    household_number: str | None
    head_name: str | None


async def cards_of(session: AsyncSession, household_ids: Iterable[str]) -> dict[str, Card]:
    """The cards of these households in one statement (a page of them: at most a page's limit)."""
    ids = list(household_ids)
    if not ids:
        return {}
    stmt = (
        select(col(KnownHousehold.id), col(KnownHousehold.household_number), col(KnownMember.name))
        .outerjoin(KnownMember, col(KnownMember.id) == col(KnownHousehold.head_member_id))
        .where(col(KnownHousehold.id).in_(ids))
    )
    return {hid: Card(number, name) for hid, number, name in (await session.execute(stmt)).all()}


def visible_cards(principal: Principal, village_codes: dict[str, str]) -> set[str]:
    """The households (id → the village its lines were paid in) the caller may read: the households and ledger reads'
    scope rule (``shared.auth.can_read`` on the village), so a reach lists no household another read would hide."""
    return {h for h, village in village_codes.items() if can_read(principal, region=village)}
