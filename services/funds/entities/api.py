"""HTTP routes of entities — thin: parse, call the service layer, shape the answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial

from fastapi import Response

from services.funds.entities import service
from services.funds.entities.schemas import EntityIn, EntityOut, EntityUpdateIn
from services.funds.http import CREATED, FUND_OFFICERS, PageDep, located
from shared.auth import CurrentPrincipal, ensure_writable, require_roles
from shared.paging import Page
from shared.preconditions import GuardRequired
from shared.service import SessionDep, service_router

router = service_router("funds", tags=["funds"])


def _current(session: SessionDep, principal: CurrentPrincipal, entity_id: str) -> Callable[[], Awaitable[EntityOut]]:
    """The entity as its GET shows it, after the update's own checks (404 out of sight, 403 read-only)."""

    async def read() -> EntityOut:
        out = await service.get_entity(session=session, principal=principal, entity_id=entity_id)
        ensure_writable(principal, region=out.county_code)
        return out

    return read


@router.post("/entities", status_code=CREATED, dependencies=[require_roles(*FUND_OFFICERS)], summary="Register an operating entity")
async def register_entity(body: EntityIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> EntityOut:
    out = await service.register_entity(session=session, principal=principal, data=body)
    located(response, f"entities/{out.id}")
    return out


@router.get("/entities")
async def list_entities(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[EntityOut]:
    return await service.list_entities(session=session, principal=principal, page=page)


@router.patch("/entities/{entity_id}", dependencies=[require_roles(*FUND_OFFICERS)], summary="Rename an entity or change the villages it works in")
async def update_entity(entity_id: str, body: EntityUpdateIn, session: SessionDep, principal: CurrentPrincipal, guard: GuardRequired) -> EntityOut:
    """Send the entity's `ETag` (from its GET) as `If-Match`: 412 when someone changed it since."""
    write = partial(service.update_entity, session=session, principal=principal, entity_id=entity_id, data=body)
    return await guard.update(session, _current(session, principal, entity_id), f"entities/{entity_id}", write)


@router.get("/entities/{entity_id}")
async def get_entity(entity_id: str, session: SessionDep, principal: CurrentPrincipal) -> EntityOut:
    return await service.get_entity(session=session, principal=principal, entity_id=entity_id)
