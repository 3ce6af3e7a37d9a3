"""HTTP routes of sessions, enrolments and attendance — thin: parse, call the service, return its schema."""

from __future__ import annotations

from fastapi import Response, status

from services.training.api_common import WRITERS, IdQ, PageDep
from services.training.sessions import service
from services.training.sessions.schemas import AttendanceIn, AttendanceOut, EnrolmentIn, EnrolmentOut, SessionIn, SessionOut
from shared.auth import CurrentPrincipal, require_roles
from shared.paging import Page
from shared.service import SessionDep, service_router

router = service_router("training", tags=["training"])


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
