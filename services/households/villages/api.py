"""HTTP routes of the villages — thin: parse, call the service, return its schema."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial

from fastapi import Response, status

from services.households.api_common import REGISTRARS, County, PageDep, Township
from services.households.fields import VillageCategory
from services.households.villages import service
from services.households.villages.schemas import VillageIn, VillageOut, VillagePatch
from shared.auth import CurrentPrincipal, require_roles
from shared.paging import Page
from shared.preconditions import GuardRequired
from shared.service import SessionDep, service_router

router = service_router("households", tags=["households"])


def _current(session: SessionDep, principal: CurrentPrincipal, code: str) -> Callable[[], Awaitable[VillageOut]]:
    """The village as its GET shows it, after the update's own checks (403 read-only, 404 out of sight)."""

    async def read() -> VillageOut:
        return service.village_out(await service.get_village(session=session, principal=principal, code=code, write=True))

    return read


@router.post("/villages", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*REGISTRARS)], summary="Register a village")
async def register_village(body: VillageIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> VillageOut:
    out = await service.register_village(session=session, principal=principal, data=body)
    response.headers["Location"] = f"/households/v1/villages/{out.code}"
    return out


@router.get("/villages", summary="Villages in your scope")
async def list_villages(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    county: County = None,
    township: Township = None,
    category: VillageCategory | None = None,
) -> Page[VillageOut]:
    return await service.list_villages(session=session, principal=principal, page=page, county=county, township=township, category=category)


@router.get("/villages/{code}", summary="One village")
async def get_village(code: str, session: SessionDep, principal: CurrentPrincipal) -> VillageOut:
    return await service.village(session=session, principal=principal, code=code)


@router.patch("/villages/{code}", dependencies=[require_roles(*REGISTRARS)], summary="Correct a village (categories, pairing, helpers, industry)")
async def update_village(code: str, body: VillagePatch, session: SessionDep, principal: CurrentPrincipal, guard: GuardRequired) -> VillageOut:
    """Send the village's `ETag` (from its GET) as `If-Match`: 412 when someone changed it since."""
    write = partial(service.update_village, session=session, principal=principal, code=code, data=body)
    return await guard.update(session, _current(session, principal, code), f"villages/{code}", write)
