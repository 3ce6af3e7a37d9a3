"""HTTP routes of the households service — thin: parse, call the service layer, shape the answer."""

from __future__ import annotations

from fastapi import Response, status

from services.households import service
from services.households.models import Village
from services.households.schemas import HouseholdIn, HouseholdOut, VillageIn, VillageOut
from shared.auth import CurrentPrincipal, Role, require_roles, visible
from shared.paging import Page, PageParams, page_params, paginate
from shared.problems import NotFound
from shared.service import ContextDep, SessionDep, service_router
from fastapi import Depends
from typing import Annotated

router = service_router("households", tags=["households"])

REGISTRARS = (Role.city_admin, Role.county_officer, Role.township_officer, Role.village_cadre)
PageDep = Annotated[PageParams, Depends(page_params)]


@router.post("/villages", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*REGISTRARS)])
async def register_village(body: VillageIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> VillageOut:
    out = await service.register_village(session=session, principal=principal, data=body)
    response.headers["Location"] = f"/households/v1/villages/{out.code}"
    return out


@router.get("/villages")
async def list_villages(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[VillageOut]:
    from sqlalchemy import select

    stmt = select(Village).where(visible(principal, region=Village.code))
    return await paginate(session, stmt, key=Village.code, params=page, to_item=service.village_out)


@router.get("/villages/{code}")
async def get_village(code: str, session: SessionDep, principal: CurrentPrincipal) -> VillageOut:
    village = await session.get(Village, code)
    if village is None or not principal.region_allows(code):
        raise NotFound("村不存在", detail_en=f"village {code} not found")
    return service.village_out(village)


@router.post("/households", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*REGISTRARS)])
async def register_household(
    body: HouseholdIn, session: SessionDep, ctx: ContextDep, principal: CurrentPrincipal, response: Response
) -> HouseholdOut:
    out = await service.register_household(session=session, principal=principal, vault=ctx.vault, data=body)
    response.headers["Location"] = f"/households/v1/households/{out.id}"
    return out


@router.get("/households/{household_id}")
async def get_household(household_id: str, session: SessionDep, ctx: ContextDep, principal: CurrentPrincipal) -> HouseholdOut:
    return await service.get_household(session=session, principal=principal, vault=ctx.vault, household_id=household_id)
