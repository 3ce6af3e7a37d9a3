"""References in scope, one rule for every market aggregate.

One rule for reads by id and for every id a write names (shared/auth.py's, extended to what an
entity operator works with): an object outside the caller's scope is answered exactly as one
that does not exist, so its existence is never revealed. An entity operator acts for its own
entity, in the villages that entity serves (``village_codes`` as registered in funds).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.market.known import KnownEntity, KnownHousehold, KnownVillage
from shared.auth import Principal, Role
from shared.problems import InvalidInput


async def entity_reach(session: AsyncSession, principal: Principal) -> frozenset[str]:
    """The villages an entity operator's entity serves; empty for every other role."""
    if principal.role != Role.entity_operator or not principal.scope:
        return frozenset()
    entity = await session.get(KnownEntity, principal.scope)
    return frozenset(entity.village_codes or ()) if entity is not None else frozenset()


def entity_visible(principal: Principal, entity: KnownEntity) -> bool:
    """An operating entity: its own operator, and region roles whose scope holds its county or one of its villages."""
    if principal.entity_allows(entity.id) or principal.region_allows(entity.county_code):
        return True
    return any(principal.region_allows(v) for v in entity.village_codes or ())


async def household_visible(session: AsyncSession, principal: Principal, household: KnownHousehold) -> bool:
    return principal.region_allows(household.village_code) or household.village_code in await entity_reach(session, principal)


def unknown_household(household_id: str) -> InvalidInput:
    return InvalidInput("户未登记", detail_en=f"unknown household {household_id}", field="household_id")


def unknown_entity(entity_id: str) -> InvalidInput:
    return InvalidInput("经营主体未登记", detail_en=f"unknown operating entity {entity_id}", field="entity_id")


async def known_village(session: AsyncSession, code: str, field: str = "village_code") -> KnownVillage:
    village = await session.get(KnownVillage, code)
    if village is None:
        raise InvalidInput("村未登记", detail_en=f"unknown village {code}", field=field)
    return village
