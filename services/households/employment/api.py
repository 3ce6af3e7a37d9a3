"""HTTP routes of employment and wages — thin: parse, call the service, return its schema."""

from __future__ import annotations

from fastapi import Response, status

from services.households.api_common import EMPLOYMENT_REPORTERS, County, IdQ, PageDep, Township, VillageQ
from services.households.employment import service
from services.households.employment.schemas import EmploymentEndIn, EmploymentIn, EmploymentOut, EntityOut, WageIn, WageOut
from shared.auth import CurrentPrincipal, require_roles
from shared.paging import Page
from shared.service import IdempotencyKeyRequired, SessionDep, service_router

router = service_router("households", tags=["households"])


@router.get("/entities/{entity_id}", summary="An operating entity as learned from the funds service")
async def get_entity(entity_id: str, session: SessionDep, principal: CurrentPrincipal) -> EntityOut:
    return await service.entity(session=session, principal=principal, entity_id=entity_id)


@router.post(
    "/employments", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*EMPLOYMENT_REPORTERS)], summary="R13: a member is employed by an entity"
)
async def start_employment(body: EmploymentIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> EmploymentOut:
    out = await service.start_employment(session=session, principal=principal, data=body)
    response.headers["Location"] = f"/households/v1/employments/{out.id}"
    return out


@router.get("/employments", summary="Employments in your scope (region or own entity)")
async def list_employments(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    county: County = None,
    township: Township = None,
    village: VillageQ = None,
    entity_id: IdQ = None,
    household_id: IdQ = None,
    member_id: IdQ = None,
) -> Page[EmploymentOut]:
    return await service.list_employments(
        session=session,
        principal=principal,
        page=page,
        county=county,
        township=township,
        village=village,
        entity_id=entity_id,
        household_id=household_id,
        member_id=member_id,
    )


@router.get("/employments/{employment_id}", summary="One employment")
async def get_employment(employment_id: str, session: SessionDep, principal: CurrentPrincipal) -> EmploymentOut:
    return await service.employment(session=session, principal=principal, employment_id=employment_id)


@router.post("/employments/{employment_id}/end", dependencies=[require_roles(*EMPLOYMENT_REPORTERS)], summary="The employment ended")
async def end_employment(employment_id: str, body: EmploymentEndIn, session: SessionDep, principal: CurrentPrincipal) -> EmploymentOut:
    return await service.end_employment(session=session, principal=principal, employment_id=employment_id, data=body)


@router.post(
    "/wages",
    status_code=status.HTTP_201_CREATED,
    dependencies=[require_roles(*EMPLOYMENT_REPORTERS), IdempotencyKeyRequired],
    summary="R13: report a wage payment (books wage_labor income); requires an Idempotency-Key",
)
async def report_wage(body: WageIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> WageOut:
    out = await service.report_wage(session=session, principal=principal, data=body)
    response.headers["Location"] = f"/households/v1/wages/{out.id}"
    return out


@router.get("/wages", summary="Wage payments in your scope")
async def list_wages(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    employment_id: IdQ = None,
    household_id: IdQ = None,
    entity_id: IdQ = None,
) -> Page[WageOut]:
    return await service.list_wages(
        session=session, principal=principal, page=page, employment_id=employment_id, household_id=household_id, entity_id=entity_id
    )
