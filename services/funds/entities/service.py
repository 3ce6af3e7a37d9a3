"""Use cases of entities: keyword-only functions over a session; they flush and emit, never commit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.funds.common import get_or_404
from services.funds.entities import repository
from services.funds.entities.models import Entity
from services.funds.entities.repository import entity_visible
from services.funds.entities.schemas import EntityIn, EntityOut, EntityUpdateIn
from shared.auth import Principal, ensure_writable
from shared.events.funds import EntityRegistered, EntityUpdated
from shared.ids import new_id
from shared.outbox import emit
from shared.paging import Page, PageParams, paginate
from shared.problems import Conflict, InvalidInput, NotFound
from shared.regions import county_of


def entity_out(e: Entity) -> EntityOut:
    return EntityOut.model_validate(e)


async def register_entity(*, session: AsyncSession, principal: Principal, data: EntityIn) -> EntityOut:
    ensure_writable(principal, region=data.county_code)
    for i, v in enumerate(data.village_codes):
        if county_of(v) != data.county_code:
            raise InvalidInput("村不在该县", detail_en=f"village {v} is not in county {data.county_code}", field=f"village_codes[{i}]")
    if (await session.execute(select(col(Entity.id)).where(col(Entity.credit_code) == data.credit_code))).first():
        raise Conflict("统一社会信用代码已登记", detail_en=f"credit code {data.credit_code} is already registered", field="credit_code")
    entity = Entity(id=new_id(), **data.model_dump())
    session.add(entity)
    await session.flush()
    emit(
        session,
        EntityRegistered(
            entity_id=entity.id,
            name=entity.name,
            kind=entity.kind,
            credit_code=entity.credit_code,
            county_code=entity.county_code,
            village_codes=list(entity.village_codes),
        ),
    )
    return entity_out(entity)


async def update_entity(*, session: AsyncSession, principal: Principal, entity_id: str, data: EntityUpdateIn) -> EntityOut:
    entity = await get_or_404(session, Entity, entity_id, "经营主体", lock=True)
    if not entity_visible(principal, entity):
        raise NotFound("经营主体不存在", detail_en="not found")
    ensure_writable(principal, region=entity.county_code)
    if data.village_codes is not None:
        for i, v in enumerate(data.village_codes):
            if county_of(v) != entity.county_code:
                raise InvalidInput("村不在该县", detail_en=f"village {v} is not in county {entity.county_code}", field=f"village_codes[{i}]")
        entity.village_codes = list(dict.fromkeys(data.village_codes))
    if data.name is not None:
        entity.name = data.name
    await session.flush()
    emit(session, EntityUpdated(entity_id=entity.id, name=entity.name, kind=entity.kind, village_codes=list(entity.village_codes)))
    return entity_out(entity)


async def list_entities(*, session: AsyncSession, principal: Principal, page: PageParams) -> Page[EntityOut]:
    return await paginate(session, repository.visible_entities(principal), key=col(Entity.id), params=page, to_item=EntityOut.model_validate)


async def get_entity(*, session: AsyncSession, principal: Principal, entity_id: str) -> EntityOut:
    entity = await get_or_404(session, Entity, entity_id, "经营主体")
    if not entity_visible(principal, entity):
        raise NotFound("经营主体不存在", detail_en="not found")
    return entity_out(entity)
