"""HTTP routes of objections and grievances: the public objection, and the officials' workflow in their scope."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Depends, Path, Query, Request, Response, status

from services.oversight.cases import service
from services.oversight.cases.limits import Allowance
from services.oversight.cases.schemas import CaseOut, CaseSummary, GrievanceIn, InvestigationIn, ObjectionIn, ObjectionReceipt, ResolutionIn
from services.oversight.notices.api import Code
from services.oversight.sweeper import clock_of
from shared.auth import CurrentPrincipal, Role, require_roles
from shared.paging import Page, PageParams, page_params
from shared.service import ContextDep, ServiceContext, SessionDep, service_router

router = service_router("oversight", tags=["oversight"])
public = service_router("oversight", public=True, tags=["public"])

# Officials who handle cases in their region; auditors read, entity operators and trainers neither.
HANDLERS = (Role.city_admin, Role.county_officer, Role.township_officer, Role.village_cadre)
READERS = (*HANDLERS, Role.auditor)

PageDep = Annotated[PageParams, Depends(page_params)]
CaseId = Annotated[str, Path(max_length=36)]
RegionQ = Annotated[str | None, Query(max_length=12, pattern=r"^\d{6}(\d{3}){0,2}$", description="county (6), township (9) or village (12 digits)")]
TOO_MANY: dict[int | str, dict[str, Any]] = {
    429: {"description": "too many objections from this address this hour", "content": {"application/problem+json": {}}}
}


def _allowance(ctx: ServiceContext) -> Allowance:
    allowance = ctx.extras.get("objection_allowance")
    if not isinstance(allowance, Allowance):
        allowance = ctx.extras["objection_allowance"] = Allowance(ctx.settings.public_objections_per_hour)
    return allowance


@public.post(
    "/public/notices/{code}/objections",
    status_code=status.HTTP_201_CREATED,
    responses=TOO_MANY,
    summary="Object to an open notice (no sign-in; name and phone optional, stored encrypted)",
)
async def raise_objection(code: Code, body: ObjectionIn, request: Request, session: SessionDep, ctx: ContextDep, response: Response) -> ObjectionReceipt:
    _allowance(ctx).take(request.client.host if request.client else "unknown")
    out = await service.raise_objection(session=session, vault=ctx.vault, clock=clock_of(ctx), days=ctx.settings.grievance_days, code=code, data=body)
    response.headers["Location"] = f"/oversight/v1/public/notices/{code}"
    return out


@router.post(
    "/cases",
    status_code=status.HTTP_201_CREATED,
    dependencies=[require_roles(*HANDLERS)],
    summary="Record a grievance (or a paper objection to an open notice)",
)
async def record_grievance(body: GrievanceIn, session: SessionDep, principal: CurrentPrincipal, ctx: ContextDep, response: Response) -> CaseOut:
    out = await service.record_grievance(
        session=session, principal=principal, vault=ctx.vault, clock=clock_of(ctx), days=ctx.settings.grievance_days, data=body
    )
    response.headers["Location"] = f"/oversight/v1/cases/{out.id}"
    return out


@router.get("/cases", summary="Objections and grievances in the caller's scope; `overdue=true` for the late ones")
async def list_cases(
    session: SessionDep,
    principal: CurrentPrincipal,
    ctx: ContextDep,
    page: PageDep,
    region: RegionQ = None,
    status: Annotated[Literal["received", "investigating", "upheld", "rejected"] | None, Query()] = None,
    kind: Annotated[Literal["objection", "grievance"] | None, Query()] = None,
    notice_id: Annotated[str | None, Query(max_length=36)] = None,
    overdue: Annotated[bool | None, Query(description="true: only the overdue; false: only the others")] = None,
) -> Page[CaseOut]:
    return await service.list_cases(
        session=session,
        principal=principal,
        vault=ctx.vault,
        clock=clock_of(ctx),
        page=page,
        region=region,
        status=status,
        kind=kind,
        notice_id=notice_id,
        overdue=overdue,
    )


@router.get("/cases/summary", summary="Counts by status and the overdue, per county and village, in the caller's scope")
async def case_summary(session: SessionDep, principal: CurrentPrincipal, ctx: ContextDep, region: RegionQ = None) -> CaseSummary:
    return await service.summary(session=session, principal=principal, vault=ctx.vault, clock=clock_of(ctx), region=region)


@router.get("/cases/{case_id}")
async def get_case(case_id: CaseId, session: SessionDep, principal: CurrentPrincipal, ctx: ContextDep) -> CaseOut:
    return await service.get_case(session=session, principal=principal, vault=ctx.vault, clock=clock_of(ctx), case_id=case_id)


@router.post("/cases/{case_id}/investigate", dependencies=[require_roles(*HANDLERS)], summary="received → investigating, with an owner and a deadline")
async def investigate(case_id: CaseId, body: InvestigationIn, session: SessionDep, principal: CurrentPrincipal, ctx: ContextDep) -> CaseOut:
    return await service.investigate(session=session, principal=principal, vault=ctx.vault, clock=clock_of(ctx), case_id=case_id, data=body)


@router.post(
    "/cases/{case_id}/resolve", dependencies=[require_roles(*HANDLERS)], summary="investigating → upheld / rejected, with reasons, published on the notice"
)
async def resolve(case_id: CaseId, body: ResolutionIn, session: SessionDep, principal: CurrentPrincipal, ctx: ContextDep) -> CaseOut:
    return await service.resolve(session=session, principal=principal, vault=ctx.vault, clock=clock_of(ctx), case_id=case_id, data=body)
