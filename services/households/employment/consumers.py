"""Facts of other services the households service keeps: the operating entities the funds service knows."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.households.employment.models import KnownEntity
from shared.bus import Delivered
from shared.db import utcnow
from shared.events.funds import EntityRegistered, EntityUpdated


async def learn_entities(session: AsyncSession, batch: list[Delivered]) -> None:
    """Upsert each registered or updated entity; applying a fact twice leaves the same row."""
    for d in batch:
        data = d.data
        if not isinstance(data, (EntityRegistered, EntityUpdated)):
            continue
        entity = await session.get(KnownEntity, data.entity_id)
        if entity is None:
            entity = KnownEntity(entity_id=data.entity_id, name=data.name, kind=data.kind, village_codes=list(data.village_codes))
            session.add(entity)
        entity.name = data.name
        entity.kind = data.kind
        entity.village_codes = list(data.village_codes)
        if isinstance(data, EntityRegistered):
            entity.county_code = data.county_code
        entity.updated_at = utcnow()
        await session.flush()
