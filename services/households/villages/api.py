"""HTTP routes of the villages — thin: parse, call the service, return its schema."""

from __future__ import annotations

from fastapi import Response, status
from sqlalchemy import select

from services.households.api_common import REGISTRARS, County, PageDep, Township
from services.households.fields import VillageCategory
from services.households.villages import service
from services.households.villages.models import Village, VillageCategoryRow
from services.households.villages.schemas import VillageIn, VillageOut, VillagePatch
from shared.auth import CurrentPrincipal, require_roles
from shared.paging import Page, paginate
from shared.service import SessionDep, service_router

router = service_router("households", tags=["households"])


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
    stmt = select(Village).where(*service.village_filters(principal, county=county, township=township, village=None, column=Village.code))
    if category is not None:
        stmt = stmt.where(Village.code.in_(select(VillageCategoryRow.village_code).where(VillageCategoryRow.category == category)))
    return await paginate(session, stmt, key=Village.code, params=page, to_item=service.village_out)


@router.get("/villages/{code}", summary="One village")
async def get_village(code: str, session: SessionDep, principal: CurrentPrincipal) -> VillageOut:
    return service.village_out(await service.get_village(session=session, principal=principal, code=code))


@router.patch("/villages/{code}", dependencies=[require_roles(*REGISTRARS)], summary="Correct a village (categories, pairing, helpers, industry)")
async def update_village(code: str, body: VillagePatch, session: SessionDep, principal: CurrentPrincipal) -> VillageOut:
    return await service.update_village(session=session, principal=principal, code=code, data=body)
