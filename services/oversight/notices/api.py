"""HTTP routes of notices: officials read them in scope; anyone reads a notice by its verification code."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import Depends, Path, Query, Request, Response
from fastapi.responses import HTMLResponse

from services.oversight.notices import page, service
from services.oversight.notices.schemas import NoticeOut, NoticeStatus, PublicNotice
from shared.auth import CurrentPrincipal
from shared.errors import Unavailable
from shared.paging import Page, PageParams, page_params
from shared.service import SessionDep, service_router

router = service_router("oversight", tags=["oversight"])
public = service_router("oversight", public=True, tags=["public"])

PageDep = Annotated[PageParams, Depends(page_params)]
Code = Annotated[str, Path(min_length=8, max_length=12, pattern=r"^[0-9A-Za-z -]+$", description="the verification code on the notice (XXXX-XXXX)")]


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


@public.get(
    "/public/notices/{code}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "the notice, A4, Chinese, with a QR code to its public page"}},
    summary="The notice to print and post: A4 PDF with a QR code to its public page",
)
async def public_notice_pdf(code: Code, session: SessionDep, request: Request) -> Response:
    notice = await service.public_notice(session, code=code)
    from services.oversight.notices import printed  # the PDF library loads its font only when a notice is printed

    url = str(request.url_for("public_notice_page", code=notice.code))
    try:
        body = await asyncio.to_thread(printed.pdf, notice, url=url)
    except printed.PrintingUnavailable as exc:
        raise Unavailable("本机无法打印中文", detail_en=str(exc), code="printing_unavailable") from exc
    return Response(body, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="notice-{notice.code}.pdf"'})


@public.get("/public/notices/{code}/page", response_class=HTMLResponse, summary="The same notice as a plain HTML page")
async def public_notice_page(code: Code, session: SessionDep) -> HTMLResponse:
    return HTMLResponse(page.render(await service.public_notice(session, code=code)))
