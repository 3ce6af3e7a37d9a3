"""HTTP routes of projects — thin: parse, call the service layer, shape the answer."""

from __future__ import annotations

from fastapi import Response

from services.funds.http import CREATED, REGIONAL, PageDep, located
from services.funds.projects import service
from services.funds.projects.schemas import ProjectIn, ProjectOut, ShareIn, ShareOut
from shared.auth import CurrentPrincipal, require_roles
from shared.paging import Page
from shared.service import SessionDep, service_router

router = service_router("funds", tags=["funds"])


@router.post(
    "/projects",
    status_code=CREATED,
    dependencies=[require_roles(*REGIONAL)],
    summary="Register a three-rights project with its investment cooperation agreement (R9)",
)
async def register_project(body: ProjectIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> ProjectOut:
    out = await service.register_project(session=session, principal=principal, data=body)
    located(response, f"projects/{out.id}")
    return out


@router.get("/projects")
async def list_projects(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[ProjectOut]:
    return await service.list_projects(session=session, principal=principal, page=page)


@router.get("/projects/{project_id}")
async def get_project(project_id: str, session: SessionDep, principal: CurrentPrincipal) -> ProjectOut:
    return await service.get_project(session=session, principal=principal, project_id=project_id)


@router.post(
    "/projects/{project_id}/shares", status_code=CREATED, dependencies=[require_roles(*REGIONAL)], summary="Quantify shares of the project to a household"
)
async def quantify_project_shares(project_id: str, body: ShareIn, session: SessionDep, principal: CurrentPrincipal) -> ShareOut:
    return await service.quantify_shares(session=session, principal=principal, data=body, project_id=project_id)


@router.get("/projects/{project_id}/shares")
async def list_project_shares(project_id: str, session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[ShareOut]:
    return await service.list_project_shares(session=session, principal=principal, project_id=project_id, page=page)
