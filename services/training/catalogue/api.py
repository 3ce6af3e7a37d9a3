"""HTTP routes of the catalogue — thin: parse, call the service, return its schema."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Response, status

from services.training.api_common import WRITERS, PageDep
from services.training.catalogue import service
from services.training.catalogue.schemas import CourseIn, CourseOut
from shared.auth import CurrentPrincipal, require_roles
from shared.paging import Page
from shared.service import SessionDep, service_router

router = service_router("training", tags=["training"])


@router.post("/courses", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*WRITERS)], summary="Add a course to the catalogue (R8)")
async def create_course(body: CourseIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> CourseOut:
    out = await service.create_course(session=session, principal=principal, data=body)
    response.headers["Location"] = f"/training/v1/courses/{out.id}"
    return out


@router.get("/courses", summary="The course catalogue, by category and industry")
async def list_courses(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    category: Annotated[str | None, Query(max_length=40)] = None,
    industry: Annotated[str | None, Query(max_length=40)] = None,
) -> Page[CourseOut]:
    return await service.list_courses(session=session, principal=principal, page=page, category=category, industry=industry)


@router.get("/courses/{course_id}")
async def get_course(course_id: str, session: SessionDep, principal: CurrentPrincipal) -> CourseOut:
    return await service.get_course(session=session, principal=principal, course_id=course_id)
