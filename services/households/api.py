"""HTTP routes of the households service — thin: parse, call the service layer, shape the answer."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, File, Query, Response, UploadFile, status
from sqlalchemy import select

from services.households import importer, service
from services.households.models import (
    Employment,
    Household,
    Village,
    VillageCategoryRow,
    WagePayment,
)
from services.households.schemas import (
    EmploymentEndIn,
    EmploymentIn,
    EmploymentOut,
    EntityOut,
    HouseholdIn,
    HouseholdOut,
    HouseholdPatch,
    HouseholdSummary,
    ImportReport,
    LeaveIn,
    MemberJoinIn,
    MemberLeaveIn,
    MemberOut,
    MemberPatch,
    Stats,
    StatusChangeIn,
    VillageCategory,
    VillageIn,
    VillageOut,
    VillagePatch,
    WageIn,
    WageOut,
)
from shared.auth import CurrentPrincipal, Role, require_roles, visible
from shared.bounds import PolicyDate
from shared.events.households import LabourCapacity, PovertyStatus
from shared.paging import Page, PageParams, page_params, paginate
from shared.service import (
    ContextDep,
    IdempotencyKeyRequired,
    SessionDep,
    service_router,
)

router = service_router("households", tags=["households"])

REGISTRARS = (Role.city_admin, Role.county_officer, Role.township_officer, Role.village_cadre)
# Employment and wages are also reported by the operating entity itself (R13), for its own employees.
EMPLOYMENT_REPORTERS = (*REGISTRARS, Role.entity_operator)
PageDep = Annotated[PageParams, Depends(page_params)]
County = Annotated[str | None, Query(max_length=6, description="6-digit county code")]
Township = Annotated[str | None, Query(max_length=9, description="9-digit township code")]
VillageQ = Annotated[str | None, Query(max_length=12, description="12-digit village code")]
IdQ = Annotated[str | None, Query(max_length=64, description="an id")]


# ---- villages -----------------------------------------------------------------------------------


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


# ---- households ---------------------------------------------------------------------------------


@router.post("/households", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*REGISTRARS)], summary="Register a household with its members")
async def register_household(
    body: HouseholdIn, session: SessionDep, ctx: ContextDep, principal: CurrentPrincipal, response: Response
) -> HouseholdOut:
    out = await service.register_household(session=session, principal=principal, vault=ctx.vault, data=body)
    response.headers["Location"] = f"/households/v1/households/{out.id}"
    return out


@router.get("/households", summary="Households in your scope, filtered")
async def list_households(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    county: County = None,
    township: Township = None,
    village: VillageQ = None,
    category: VillageCategory | None = None,
    poverty_status: PovertyStatus | None = None,
    labour_capacity: Annotated[LabourCapacity | None, Query(description="households with a current member of this capacity")] = None,
    include_left: Annotated[bool, Query(description="include households that left the registry")] = False,
) -> Page[HouseholdSummary]:
    stmt = service.household_list_query(
        principal,
        county=county,
        township=township,
        village=village,
        category=category,
        poverty_status=poverty_status,
        labour_capacity=labour_capacity,
        include_left=include_left,
    )
    found = await paginate(session, stmt, key=Household.id, params=page, to_item=lambda h: h)
    return Page[HouseholdSummary](items=await service.summaries(session, found.items), next_cursor=found.next_cursor)


@router.get("/households/{household_id}", summary="A household, now or as the registry stood on a day")
async def get_household(
    household_id: str,
    session: SessionDep,
    ctx: ContextDep,
    principal: CurrentPrincipal,
    as_of: Annotated[PolicyDate | None, Query(description="YYYY-MM-DD: status, members and size as of that day")] = None,
) -> HouseholdOut:
    return await service.get_household(session=session, principal=principal, vault=ctx.vault, household_id=household_id, as_of=as_of)


@router.patch("/households/{household_id}", dependencies=[require_roles(*REGISTRARS)], summary="Correct a household's address")
async def correct_household(household_id: str, body: HouseholdPatch, session: SessionDep, ctx: ContextDep, principal: CurrentPrincipal) -> HouseholdOut:
    return await service.correct_household(session=session, principal=principal, vault=ctx.vault, household_id=household_id, data=body)


@router.post("/households/{household_id}/status", dependencies=[require_roles(*REGISTRARS)], summary="Change the poverty status (exit, return)")
async def change_status(household_id: str, body: StatusChangeIn, session: SessionDep, ctx: ContextDep, principal: CurrentPrincipal) -> HouseholdOut:
    return await service.change_status(session=session, principal=principal, vault=ctx.vault, household_id=household_id, data=body)


@router.post("/households/{household_id}/leave", dependencies=[require_roles(*REGISTRARS)], summary="The household leaves the registry (nothing is deleted)")
async def leave_registry(household_id: str, body: LeaveIn, session: SessionDep, ctx: ContextDep, principal: CurrentPrincipal) -> HouseholdOut:
    return await service.leave_registry(session=session, principal=principal, vault=ctx.vault, household_id=household_id, data=body)


@router.post(
    "/households/{household_id}/members", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*REGISTRARS)], summary="A member joins the household"
)
async def add_member(
    household_id: str, body: MemberJoinIn, session: SessionDep, ctx: ContextDep, principal: CurrentPrincipal, response: Response
) -> MemberOut:
    out = await service.add_member(session=session, principal=principal, vault=ctx.vault, household_id=household_id, data=body)
    response.headers["Location"] = f"/households/v1/members/{out.id}"
    return out


@router.get("/members/{member_id}", summary="One member")
async def get_member(member_id: str, session: SessionDep, ctx: ContextDep, principal: CurrentPrincipal) -> MemberOut:
    return await service.get_member(session=session, principal=principal, vault=ctx.vault, member_id=member_id)


@router.patch("/members/{member_id}", dependencies=[require_roles(*REGISTRARS)], summary="Change labour capacity, wishes or roles from a date")
async def update_member(member_id: str, body: MemberPatch, session: SessionDep, ctx: ContextDep, principal: CurrentPrincipal) -> MemberOut:
    return await service.update_member(session=session, principal=principal, vault=ctx.vault, member_id=member_id, data=body)


@router.post("/members/{member_id}/leave", dependencies=[require_roles(*REGISTRARS)], summary="A member leaves the household")
async def member_leaves(member_id: str, body: MemberLeaveIn, session: SessionDep, ctx: ContextDep, principal: CurrentPrincipal) -> MemberOut:
    return await service.member_leaves(session=session, principal=principal, vault=ctx.vault, member_id=member_id, data=body)


@router.get("/stats", summary="Counts for dashboards within your scope")
async def stats(session: SessionDep, principal: CurrentPrincipal, county: County = None, township: Township = None, village: VillageQ = None) -> Stats:
    return await service.stats(session=session, principal=principal, county=county, township=township, village=village)


# ---- operating entities, employment and wages (R13) --------------------------------------------


@router.get("/entities/{entity_id}", summary="An operating entity as learned from the funds service")
async def get_entity(entity_id: str, session: SessionDep, principal: CurrentPrincipal) -> EntityOut:
    return EntityOut.model_validate(await service.get_entity(session=session, principal=principal, entity_id=entity_id))


@router.post("/employments", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*EMPLOYMENT_REPORTERS)], summary="R13: a member is employed by an entity")
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
    stmt = select(Employment).where(visible(principal, region=Employment.village_code, entity=Employment.entity_id))
    stmt = stmt.where(*service.region_filters(county=county, township=township, village=village, column=Employment.village_code))
    if entity_id:
        stmt = stmt.where(Employment.entity_id == entity_id)
    if household_id:
        stmt = stmt.where(Employment.household_id == household_id)
    if member_id:
        stmt = stmt.where(Employment.member_id == member_id)
    return await paginate(session, stmt, key=Employment.id, params=page, to_item=EmploymentOut.model_validate)


@router.get("/employments/{employment_id}", summary="One employment")
async def get_employment(employment_id: str, session: SessionDep, principal: CurrentPrincipal) -> EmploymentOut:
    return EmploymentOut.model_validate(await service.load_employment(session=session, principal=principal, employment_id=employment_id))


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
    stmt = select(WagePayment).where(visible(principal, region=WagePayment.village_code, entity=WagePayment.entity_id))
    if employment_id:
        stmt = stmt.where(WagePayment.employment_id == employment_id)
    if household_id:
        stmt = stmt.where(WagePayment.household_id == household_id)
    if entity_id:
        stmt = stmt.where(WagePayment.entity_id == entity_id)
    return await paginate(session, stmt, key=WagePayment.id, params=page, to_item=WageOut.model_validate)


# ---- bulk import --------------------------------------------------------------------------------


@router.get(
    "/imports/template",
    summary="The import template (Chinese headers, one row per member)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}},
)
async def import_template(principal: CurrentPrincipal, format: Literal["csv", "xlsx"] = "csv") -> Response:
    if format == "xlsx":
        return Response(
            importer.template_xlsx(),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": "attachment; filename=\"households-template.xlsx\"; filename*=UTF-8''%E8%B4%AB%E5%9B%B0%E6%88%B7%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"},
        )
    return Response(importer.template_csv(), media_type="text/csv; charset=utf-8", headers={"Content-Disposition": 'attachment; filename="households-template.csv"'})


@router.post(
    "/imports",
    dependencies=[require_roles(*REGISTRARS)],
    summary="Import villages, households and members from CSV or .xlsx; all or nothing",
    max_body_size=importer.MAX_BODY_BYTES,  # 10 MiB, larger than the default 1 MiB; see docs/households.md
    responses={
        413: {"description": "the body exceeds 10 MiB, the file holds more than 50,000 member rows, or an .xlsx inflates past 100 MiB"},
        422: {"description": "the file has problems: `errors` lists the first 100 {row, column, value, reason}, `error_count` all; nothing was imported"},
    },
)
async def import_households(
    session: SessionDep,
    ctx: ContextDep,
    principal: CurrentPrincipal,
    response: Response,
    file: Annotated[UploadFile, File(description="CSV (UTF-8, with or without BOM) or .xlsx")],
    dry_run: Annotated[bool, Query(description="check only: report problems, write nothing")] = False,
) -> ImportReport:
    # The upload is read as a stream of rows (a spooled file), never as one string or list.
    report = await importer.run_import(
        session, principal, ctx.vault, filename=file.filename or "", content=file.file, dry_run=dry_run, today=service.today()
    )
    response.status_code = status.HTTP_200_OK if dry_run else status.HTTP_201_CREATED
    return report

