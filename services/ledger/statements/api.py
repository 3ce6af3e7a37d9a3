"""HTTP routes of the income statements: ``/ledger/v1/statements/...`` (JSON, a printed card, a village's cards, the card's check)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from services.ledger import proofs
from services.ledger.api import ExportTime
from services.ledger.statements import document, service, verify, verify_page
from services.ledger.statements.schemas import HouseholdStatement, StatementCheck
from shared.auth import CurrentPrincipal
from shared.bounds import PolicyDate, QueryYear
from shared.paging import PageParams
from shared.printing import PrintingUnavailable
from shared.problems import NotFound, Unavailable
from shared.service import SessionDep, service_router

router = service_router("ledger", tags=["income statements"])
# The card's check is for whoever holds the card (its QR code): no login, and it shows only what the card shows.
# Public routes live under /<service>/v1/public/ (tests/identity/test_access.py knows them by it).
public = service_router("ledger", public=True, tags=["income statements"])

Year = Annotated[QueryYear, Query()]
AsOf = Annotated[PolicyDate | None, Query(description="the statement as the ledger knew it at the end of this day (UTC)")]
HouseholdId = Annotated[str, Path(min_length=1, max_length=36)]
VillageCode = Annotated[str, Path(pattern=r"^[0-9]{12}$", description="the village's 12-digit division code")]
PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "A4 PDF, Chinese, with the QR code of the card's check"},
    503: {"description": "The server has no font that prints Chinese (`printing_unavailable`), or a database cannot be reached now"},
}
NEXT_CURSOR = {"X-Next-Cursor": {"description": "present when the village has more households: pass it as `cursor`", "schema": {"type": "string"}}}


async def batch_page(
    limit: Annotated[int, Query(ge=1, le=service.BATCH_LIMIT, description="households (cards) in this PDF")] = 20,
    cursor: Annotated[str | None, Query(max_length=400, description="`X-Next-Cursor` of the previous PDF")] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


def _base(request: Request) -> str:
    return str(request.base_url)


async def _pdf(statements: list[HouseholdStatement], filename: str, headers: dict[str, str] | None = None) -> Response:
    try:
        body = await asyncio.to_thread(document.render, statements)
    except PrintingUnavailable as exc:
        raise Unavailable("服务器没有可打印中文的字体", detail_en=str(exc), code="printing_unavailable") from exc
    return Response(body, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{filename}"', **(headers or {})})


@router.get("/statements/households/{household_id}", summary="A household's income statement for a year (收益明白卡), line by line")
async def household_statement(
    household_id: HouseholdId, request: Request, session: SessionDep, principal: CurrentPrincipal, year: Year, as_of: AsOf = None
) -> HouseholdStatement:
    """Every income line of the household dated in the year — benefit type, date, amount in fen, the fund, entity, project
    or agreement behind it (names as the producers registered them) and the policy clause — with totals by type, the
    household size at the year's end and the per-capita income: the figures ``/households/{id}/income?year=`` gives.
    ``verify_url`` is what the printed card's QR code holds. A village cadre reads their village's households, a county
    officer their county's; a household elsewhere answers 404 like the ledger's other household reads."""
    return await service.household_statement(session=session, principal=principal, household_id=household_id, year=year, as_of=as_of, base_url=_base(request))


@router.get(
    "/statements/households/{household_id}/pdf",
    summary="A household's income statement as a printed card (PDF)",
    response_class=Response,
    responses=PDF,
)
async def household_statement_pdf(
    household_id: HouseholdId, request: Request, session: SessionDep, principal: CurrentPrincipal, year: Year, as_of: AsOf = None
) -> Response:
    """The statement as one A4 page where it fits (a long year continues on further pages, its headings repeated), in
    Chinese, with a QR code of ``verify_url``. Scoped like the JSON statement."""
    statement = await service.household_statement(
        session=session, principal=principal, household_id=household_id, year=year, as_of=as_of, base_url=_base(request)
    )
    return await _pdf([statement], f"statement-{statement.household_number}-{year}.pdf")


@router.get(
    "/statements/villages/{code}/pdf",
    summary="A village's income statements, one card per household, in one PDF",
    response_class=Response,
    responses={**PDF, 200: {**PDF[200], "headers": NEXT_CURSOR}},
)
async def village_statements_pdf(
    code: VillageCode,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    year: Year,
    page: Annotated[PageParams, Depends(batch_page)],
) -> Response:
    """Each household on the village's register during the year, by household id, from a new page with its own
    page numbers: ``limit`` of them at the most (50), ``X-Next-Cursor`` for the rest. A village cadre prints their
    village, a county officer any of their county's; another village answers 404."""
    statements, next_cursor = await service.village_statements(session=session, principal=principal, code=code, year=year, page=page, base_url=_base(request))
    if not statements:
        raise NotFound("该村本年度没有在册户", detail_en=f"no household of village {code} is on the register in {year} (or past this cursor)")
    return await _pdf(statements, f"statements-{code}-{year}.pdf", {"X-Next-Cursor": next_cursor} if next_cursor else None)


@dataclass(frozen=True)
class Card:
    """What a printed card's QR code carries."""

    household: str
    year: int
    digest: str
    known_at: datetime | None


async def card_params(
    household: Annotated[str, Query(min_length=1, max_length=36)],
    year: Year,
    digest: Annotated[str, Query(pattern=r"^[0-9a-fA-F]{32}$", description="the card's digest (128 bits, hex)")],
    known_at: Annotated[ExportTime | None, Query(description="the card's `known_at`: its lines are those recorded until then")] = None,
) -> Card:
    return Card(household, year, digest, known_at)


CardDep = Annotated[Card, Depends(card_params)]


async def _check(request: Request, session: AsyncSession, card: Card) -> StatementCheck:
    trees = proofs.trees_of(request.app.state.contexts["ledger"])
    return await verify.check(session=session, trees=trees, household_id=card.household, year=card.year, known_at=card.known_at, digest=card.digest)


@public.get("/public/statements/verify", summary="The check of a printed card: its lines against the ledger and the signed log")
async def verify_statement(request: Request, session: SessionDep, card: CardDep) -> StatementCheck:
    """For whoever holds the card, without a login: when the ledger's lines recorded until ``known_at`` have the card's
    digest, each line's event is looked up in its source's log, its hash and income line checked and its inclusion
    proof verified against the latest signed checkpoint (``verdict``: verified, pending_checkpoint or failed), with how
    many lines were recorded since. Any other digest answers ``not_matching`` and shows nothing of the household."""
    return await _check(request, session, card)


@public.get(
    "/public/statements/verify/page",
    response_class=HTMLResponse,
    summary="The same check as a plain Chinese HTML page: where the card's QR code leads",
    responses={200: {"content": {"text/html": {}}, "description": "the verdict and each line's check, in Chinese"}},
)
async def verify_statement_page(request: Request, session: SessionDep, card: CardDep) -> HTMLResponse:
    """What a phone shows after scanning the card: the verdict, and for a matching card each line with whether its
    fact is in the log and proven in a signed checkpoint; a link to the JSON of the same check."""
    check = await _check(request, session, card)
    return HTMLResponse(verify_page.render(check, json_url=str(request.url).replace("/verify/page?", "/verify?", 1)))
