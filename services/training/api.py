"""HTTP routes of the training service — thin: parse, call the service layer, shape the answer."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query, Response, status
from sqlalchemy import select

from services.training import service
from services.training.models import Course
from services.training.schemas import (
    AttendanceIn,
    AttendanceOut,
    BehindLabourerOut,
    CertificateIn,
    CertificateOut,
    ComplianceSummaryOut,
    CourseIn,
    CourseOut,
    EnrolmentIn,
    EnrolmentOut,
    SessionIn,
    SessionOut,
    TrainingFileOut,
)
from shared.auth import CurrentPrincipal, Role, require_roles
from shared.bounds import QueryYear
from shared.paging import Page, PageParams, page_params, paginate
from shared.service import SessionDep, service_router

router = service_router("training", tags=["training"])

# Trainers run training (city-wide, or within their scope); county officers within their county.
WRITERS = (Role.city_admin, Role.county_officer, Role.trainer)
PageDep = Annotated[PageParams, Depends(page_params)]
YearQuery = Annotated[QueryYear | None, Query(description="calendar year; default: this year")]
IdQ = Annotated[str | None, Query(max_length=64, description="an id")]
RegionQ = Annotated[str | None, Query(max_length=12, description="county (6), township (9) or village (12-digit) code")]


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
    stmt = select(Course).where(service.visible_courses(principal))
    if category:
        stmt = stmt.where(Course.category == category)
    if industry:
        stmt = stmt.where(Course.industry == industry)
    return await paginate(session, stmt, key=Course.id, params=page, to_item=CourseOut.model_validate)


@router.get("/courses/{course_id}")
async def get_course(course_id: str, session: SessionDep, principal: CurrentPrincipal) -> CourseOut:
    return await service.get_course(session=session, principal=principal, course_id=course_id)


@router.post("/sessions", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*WRITERS)], summary="Schedule a session of a course at a venue")
async def create_session(body: SessionIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> SessionOut:
    out = await service.create_session(session=session, principal=principal, data=body)
    response.headers["Location"] = f"/training/v1/sessions/{out.id}"
    return out


@router.get("/sessions")
async def list_sessions(session: SessionDep, principal: CurrentPrincipal, page: PageDep, course_id: IdQ = None) -> Page[SessionOut]:
    return await service.list_sessions(session=session, principal=principal, page=page, course_id=course_id)


@router.get("/sessions/{session_id}")
async def get_session(session_id: str, session: SessionDep, principal: CurrentPrincipal) -> SessionOut:
    return await service.get_session(session=session, principal=principal, session_id=session_id)


@router.post("/sessions/{session_id}/enrolments", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*WRITERS)], summary="Enrol members")
async def enrol(session_id: str, body: EnrolmentIn, session: SessionDep, principal: CurrentPrincipal) -> list[EnrolmentOut]:
    return await service.enrol(session=session, principal=principal, session_id=session_id, data=body)


@router.get("/sessions/{session_id}/enrolments")
async def list_enrolments(session_id: str, session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[EnrolmentOut]:
    return await service.list_enrolments(session=session, principal=principal, session_id=session_id, page=page)


@router.post("/sessions/{session_id}/attendance", dependencies=[require_roles(*WRITERS)], summary="Record attendance: these members on these days")
async def record_attendance(session_id: str, body: AttendanceIn, session: SessionDep, principal: CurrentPrincipal) -> AttendanceOut:
    return await service.record_attendance(session=session, principal=principal, session_id=session_id, data=body)


@router.post(
    "/sessions/{session_id}/complete",
    dependencies=[require_roles(*WRITERS)],
    summary="Close a session: fix each member's attended days, count them for R7, announce session_completed",
)
async def complete_session(session_id: str, session: SessionDep, principal: CurrentPrincipal) -> SessionOut:
    return await service.complete_session(session=session, principal=principal, session_id=session_id)


@router.post("/certificates", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*WRITERS)], summary="Certify a member's practical skill")
async def issue_certificate(body: CertificateIn, session: SessionDep, principal: CurrentPrincipal) -> CertificateOut:
    return await service.issue_certificate(session=session, principal=principal, data=body)


@router.get("/members/{member_id}/training-file", summary="A labourer's training file and R7 status by year")
async def training_file(member_id: str, session: SessionDep, principal: CurrentPrincipal, year: YearQuery = None) -> TrainingFileOut:
    return await service.training_file(session=session, principal=principal, member_id=member_id, year=year)


@router.get("/labourers/behind", summary="Labourers behind on R7 in a year, in a county, township or village, with what each still needs")
async def labourers_behind(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    year: YearQuery = None,
    region: RegionQ = None,
) -> Page[BehindLabourerOut]:
    return await service.labourers_behind(session=session, principal=principal, year=year, region=region, page=page)


@router.get("/labourers/summary", summary="R7 by county, township or village: labourers compliant, on track and behind")
async def compliance_summary(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    year: YearQuery = None,
    by: Literal["county", "township", "village"] = "village",
    region: RegionQ = None,
) -> Page[ComplianceSummaryOut]:
    return await service.compliance_summary(session=session, principal=principal, year=year, region=region, by=by, page=page)
