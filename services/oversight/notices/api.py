"""HTTP routes of notices: officials read them in scope; anyone reads a notice by its verification code."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Path, Query
from fastapi.responses import HTMLResponse

from services.oversight.notices import page, service
from services.oversight.notices.schemas import NoticeOut, PublicNotice
from shared.auth import CurrentPrincipal
from shared.paging import Page, PageParams, page_params
from shared.service import SessionDep, service_router

router = service_router("oversight", tags=["oversight"])
public = service_router("oversight", public=True, tags=["public"])

PageDep = Annotated[PageParams, Depends(page_params)]
Code = Annotated[str, Path(min_length=8, max_length=12, pattern=r"^[0-9A-Za-z -]+$", description="the verification code on the notice (XXXX-XXXX)")]
NoticeStatus = Literal["open", "released", "blocked", "superseded", "posted"]


@router.get("/notices", summary="Notices in the caller's scope, by status or by what they are about")
async def list_notices(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    status: Annotated[NoticeStatus | None, Query()] = None,
    subject_id: Annotated[str | None, Query(max_length=36, description="the distribution (or household) it is about")] = None,
) -> Page[NoticeOut]:
    return await service.list_notices(session=session, principal=principal, page=page, status=status, subject_id=subject_id)


@router.get("/notices/{notice_id}")
async def get_notice(notice_id: Annotated[str, Path(max_length=36)], session: SessionDep, principal: CurrentPrincipal) -> NoticeOut:
    return await service.get_notice(session=session, principal=principal, notice_id=notice_id)


@public.get("/public/notices/{code}", summary="A notice as posted (no sign-in): masked names, shares, amounts, rule, window, objections' results")
async def public_notice(code: Code, session: SessionDep) -> PublicNotice:
    return await service.public_notice(session, code=code)


@public.get("/public/notices/{code}/page", response_class=HTMLResponse, summary="The same notice as a plain HTML page")
async def public_notice_page(code: Code, session: SessionDep) -> HTMLResponse:
    return HTMLResponse(page.render(await service.public_notice(session, code=code)))
