"""HTTP routes of entities — thin: parse, call the service layer, shape the answer."""

from __future__ import annotations

from fastapi import Response

from services.funds.entities import service
from services.funds.entities.schemas import EntityIn, EntityOut, EntityUpdateIn
from services.funds.http import CREATED, FUND_OFFICERS, PageDep, located
from shared.auth import CurrentPrincipal, require_roles
from shared.paging import Page
from shared.service import SessionDep, service_router

router = service_router("funds", tags=["funds"])


@router.post("/entities", status_code=CREATED, dependencies=[require_roles(*FUND_OFFICERS)], summary="Register an operating entity")
async def register_entity(body: EntityIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> EntityOut:
    out = await service.register_entity(session=session, principal=principal, data=body)
    located(response, f"entities/{out.id}")
    return out


@router.get("/entities")
async def list_entities(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[EntityOut]:
    return await service.list_entities(session=session, principal=principal, page=page)


@router.patch("/entities/{entity_id}", dependencies=[require_roles(*FUND_OFFICERS)], summary="Rename an entity or change the villages it works in")
async def update_entity(entity_id: str, body: EntityUpdateIn, session: SessionDep, principal: CurrentPrincipal) -> EntityOut:
    return await service.update_entity(session=session, principal=principal, entity_id=entity_id, data=body)


@router.get("/entities/{entity_id}")
async def get_entity(entity_id: str, session: SessionDep, principal: CurrentPrincipal) -> EntityOut:
    return await service.get_entity(session=session, principal=principal, entity_id=entity_id)
