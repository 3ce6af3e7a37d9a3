"""HTTP routes of the bulk import — thin: parse, call the service, return its report."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import File, Query, Response, UploadFile, status

from services.households.api_common import REGISTRARS
from services.households.fields import today
from services.households.imports import service, sheet
from services.households.imports.schemas import ImportReport
from shared.auth import CurrentPrincipal, require_roles
from shared.service import ContextDep, SessionDep, service_router

# The file's name in ASCII, and in Chinese (贫困户导入模板.xlsx) for the clients that read RFC 5987.
XLSX_DISPOSITION = "attachment; filename=\"households-template.xlsx\"; filename*=UTF-8''%E8%B4%AB%E5%9B%B0%E6%88%B7%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
router = service_router("households", tags=["households"])


@router.get(
    "/imports/template",
    summary="The import template (Chinese headers, one row per member)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}},
)
async def import_template(principal: CurrentPrincipal, format: Literal["csv", "xlsx"] = "csv") -> Response:
    if format == "xlsx":
        return Response(
            sheet.template_xlsx(),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": XLSX_DISPOSITION},
        )
    return Response(
        sheet.template_csv(), media_type="text/csv; charset=utf-8", headers={"Content-Disposition": 'attachment; filename="households-template.csv"'}
    )


@router.post(
    "/imports",
    dependencies=[require_roles(*REGISTRARS)],
    summary="Import villages, households and members from CSV or .xlsx; all or nothing",
    max_body_size=sheet.MAX_BODY_BYTES,  # 10 MiB, larger than the default 1 MiB; see docs/households.md
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
    report = await service.run_import(session, principal, ctx.vault, filename=file.filename or "", content=file.file, dry_run=dry_run, today=today())
    response.status_code = status.HTTP_200_OK if dry_run else status.HTTP_201_CREATED
    return report
