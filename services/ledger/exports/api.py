"""HTTP routes of the exports: ``GET /ledger/v1/exports/{report}?format=xlsx|csv&level=&code=`` — the file, streamed.

The file is built first (bounded by ``service.MAX_ROWS``, in a worker thread so the service keeps
answering), then sent in 64 KiB chunks with ``X-Fupin-Rows`` (its data rows) and ``X-Fupin-Bytes`` (its
size): on a slow line a client shows progress from them even when the body is gzipped in transit
(which drops ``Content-Length``), and knows before the first byte whether it is the size it expected.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import Query
from fastapi.responses import StreamingResponse

from services.ledger.exports import service
from services.ledger.exports.service import MEDIA, Export, Format
from shared.auth import CurrentPrincipal
from shared.bounds import PolicyDate, QueryYear
from shared.service import SessionDep, service_router

router = service_router("ledger", tags=["exports"])
FormatQ = Annotated[Format, Query(description="xlsx (Excel) or csv (UTF-8 with a byte-order mark)")]
LevelQ = Annotated[Literal["village", "township", "county", "city"], Query()]
CodeQ = Annotated[str, Query(pattern=r"^[0-9]{4,12}$", description="the place's division code: city 4, county 6, township 9, village 12 digits")]
YearQ = Annotated[QueryYear, Query()]
FILE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {MEDIA["xlsx"]: {}, "text/csv": {}},
        "headers": {
            "X-Fupin-Rows": {"description": "the data rows in the file (headers excluded)", "schema": {"type": "integer"}},
            "X-Fupin-Bytes": {"description": "the file's size in bytes before any transfer encoding", "schema": {"type": "integer"}},
        },
    }
}


async def _send(export: Export, fmt: Format) -> StreamingResponse:
    file = await asyncio.to_thread(service.render, export, fmt)
    headers = {
        "Content-Disposition": f'attachment; filename="{service.file_name(export, fmt)}"',
        "X-Fupin-Rows": str(export.rows),
        "X-Fupin-Bytes": str(service.size_of(file)),
    }
    return StreamingResponse(service.chunks(file), media_type=MEDIA[fmt], headers=headers)


@router.get(
    "/exports/households", summary="Households with their income by type and national category (XLSX or CSV)", response_class=StreamingResponse, responses=FILE
)
async def export_households(session: SessionDep, principal: CurrentPrincipal, format: FormatQ, level: LevelQ, code: CodeQ, year: YearQ) -> StreamingResponse:
    return await _send(await service.households(session=session, principal=principal, level=level, code=code, year=year), format)


@router.get("/exports/indicators", summary="The indicator matrix of a county's villages (XLSX or CSV)", response_class=StreamingResponse, responses=FILE)
async def export_indicators(session: SessionDep, principal: CurrentPrincipal, format: FormatQ, level: LevelQ, code: CodeQ, year: YearQ) -> StreamingResponse:
    return await _send(await service.indicators(session=session, principal=principal, level=level, code=code, year=year), format)


@router.get("/exports/early-warning", summary="The early-warning list, one row per flag (XLSX or CSV)", response_class=StreamingResponse, responses=FILE)
async def export_early_warning(
    session: SessionDep, principal: CurrentPrincipal, format: FormatQ, level: LevelQ, code: CodeQ, as_of: Annotated[PolicyDate | None, Query()] = None
) -> StreamingResponse:
    return await _send(await service.early_warning(session=session, principal=principal, level=level, code=code, as_of=as_of), format)


@router.get(
    "/exports/fund-use",
    summary="The fund-use report of a county: R1 and the special fund's allocations (XLSX or CSV)",
    response_class=StreamingResponse,
    responses=FILE,
)
async def export_fund_use(session: SessionDep, principal: CurrentPrincipal, format: FormatQ, level: LevelQ, code: CodeQ, year: YearQ) -> StreamingResponse:
    return await _send(await service.fund_use(session=session, principal=principal, level=level, code=code, year=year), format)
