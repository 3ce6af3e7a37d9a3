"""What market keeps of other services' facts: villages and households (households), operating entities (funds).

Idempotent by construction: every fact is an upsert keyed by its subject, and the bus applies an
event id once.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.market.known import KnownEntity, KnownHousehold, KnownVillage
from shared.bus import Delivered, Subscription
from shared.events.funds import EntityRegistered, EntityUpdated
from shared.events.households import HouseholdLeftRegistry, HouseholdRegistered, HouseholdStatusChanged, VillageRegistered, VillageUpdated


async def apply(session: AsyncSession, batch: list[Delivered]) -> None:
    for d in batch:
        data = d.data
        if isinstance(data, (VillageRegistered, VillageUpdated)):
            village = await session.get(KnownVillage, data.village_code)
            if village is None:
                village = KnownVillage(code=data.village_code, name=data.name)
                session.add(village)
            village.name = data.name
            village.categories = list(data.categories)
            village.paired_unit = data.paired_unit
        elif isinstance(data, HouseholdRegistered):
            household = await session.get(KnownHousehold, data.household_id)
            if household is None:
                household = KnownHousehold(id=data.household_id, village_code=data.village_code, poverty_status=data.poverty_status)
                session.add(household)
            household.village_code = data.village_code
            household.poverty_status = data.poverty_status
        elif isinstance(data, HouseholdStatusChanged):
            household = await session.get(KnownHousehold, data.household_id)
            if household is not None:
                household.poverty_status = data.poverty_status
        elif isinstance(data, HouseholdLeftRegistry):
            household = await session.get(KnownHousehold, data.household_id)
            if household is not None:
                household.left_on = data.effective_on
        elif isinstance(data, (EntityRegistered, EntityUpdated)):
            entity = await session.get(KnownEntity, data.entity_id)
            if entity is None:
                entity = KnownEntity(id=data.entity_id, name=data.name, kind=data.kind)
                session.add(entity)
            entity.name = data.name
            entity.kind = data.kind
            if isinstance(data, EntityRegistered):
                entity.county_code = data.county_code
            entity.village_codes = list(data.village_codes)
        else:
            continue
        # A session flush per fact keeps a later fact of the same batch seeing the earlier one.
        await session.flush()


SUBSCRIPTION = Subscription(consumer="market", sources=["households", "funds"], handler=apply)
