"""HTTP routes of the ledger: read-only projections of the event log, and the audit for auditors."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Depends, Path, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import AfterValidator, StringConstraints

from services.ledger import audit, service
from services.ledger.schemas import Aggregate, ChainReport, EvidenceItem, HouseholdIncome, IncomeEntryOut, Indicators, ReplayReport
from shared.auth import CurrentPrincipal, Role, readable_by
from shared.bounds import DATE_MAX, DATE_MIN, PolicyDate, QueryTime, QueryYear
from shared.paging import Page, PageParams, page_params
from shared.service import SessionDep, service_router

router = service_router("ledger", tags=["ledger"])
PageDep = Annotated[PageParams, Depends(page_params)]
Year = Annotated[QueryYear, Query()]
Month = Annotated[int | None, Query(ge=1, le=12)]
AsOf = Annotated[PolicyDate | None, Query(description="what the ledger knew at the end of this day (UTC)")]
# Ids are UUIDv7 strings; division codes are digits only, 4 (the city) to 12 (a village) of them.
HouseholdId = Annotated[str, Path(min_length=1, max_length=36)]
DivisionCode = Annotated[str, Path(pattern=r"^[0-9]{4,12}$")]


def _time_in_window(value: datetime) -> datetime:
    if not DATE_MIN <= value.date() <= DATE_MAX:
        raise ValueError(f"time must lie within {DATE_MIN} … {DATE_MAX}")
    return value


# shared.bounds.QueryTime (ISO with a zone, never a number), inside the documented date window.
ExportTime = Annotated[QueryTime, AfterValidator(_time_in_window)]


@router.get("/households/{household_id}/income", summary="A household's income by benefit type")
async def household_income(
    household_id: HouseholdId,
    session: SessionDep,
    principal: CurrentPrincipal,
    year: Year,
    month: Month = None,
    as_of: AsOf = None,
) -> HouseholdIncome:
    return await service.household_income(session=session, principal=principal, household_id=household_id, year=year, month=month, as_of=as_of)


@router.get("/households/{household_id}/income/entries", summary="A household's income entries, with their lineage")
async def household_income_entries(
    household_id: HouseholdId,
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    year: Annotated[QueryYear | None, Query()] = None,
    month: Month = None,
    as_of: AsOf = None,
) -> Page[IncomeEntryOut]:
    return await service.household_entries(session=session, principal=principal, household_id=household_id, page=page, year=year, month=month, as_of=as_of)


@router.get("/aggregates", summary="Incomes of a village, township, county or the city by benefit type")
async def aggregates(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    level: Literal["village", "township", "county", "city"],
    code: Annotated[str, Query(pattern=r"^[0-9]{4,12}$", description="the place's division code: city 4, county 6, township 9, village 12 digits")],
    year: Year,
) -> Aggregate:
    return await service.aggregate(session=session, principal=principal, level=level, code=code, year=year, page=page)


# Indicators judge a span: the calendar year ``year``, or 1 January to ``as_of`` (facts count by the dates they carry).
IndicatorYear = Annotated[QueryYear | None, Query(description="the calendar year judged (or give as_of)")]
IndicatorAsOf = Annotated[PolicyDate | None, Query(description="judge 1 January of its year to this day, by the facts' own dates")]
Rule = Annotated[str, Path(pattern=r"^[A-Za-z0-9_]{1,60}$", description="a rule id (R4) or the indicator's name")]


@router.get("/indicators/villages/{code}", summary="The policy's indicators for a village")
async def village_indicators(
    code: DivisionCode, session: SessionDep, principal: CurrentPrincipal, year: IndicatorYear = None, as_of: IndicatorAsOf = None
) -> Indicators:
    return await service.village_indicators(session=session, principal=principal, code=code, year=year, as_of=as_of)


@router.get("/indicators/villages/{code}/evidence/{rule}", summary="A village indicator's evidence, typed and paged")
async def village_indicator_evidence(
    code: DivisionCode, rule: Rule, session: SessionDep, principal: CurrentPrincipal, page: PageDep, year: IndicatorYear = None, as_of: IndicatorAsOf = None
) -> Page[EvidenceItem]:
    return await service.indicator_evidence(session=session, principal=principal, code=code, rule=rule, year=year, as_of=as_of, page=page)


@router.get("/indicators/townships/{code}", summary="The policy's indicators for a township: the villages meeting each rule and not")
async def township_indicators(
    code: DivisionCode, session: SessionDep, principal: CurrentPrincipal, year: IndicatorYear = None, as_of: IndicatorAsOf = None
) -> Indicators:
    return await service.place_indicators(session=session, principal=principal, level="township", code=code, year=year, as_of=as_of)


@router.get("/indicators/counties/{code}", summary="The policy's indicators for a county: the villages meeting each rule and not")
async def county_indicators(
    code: DivisionCode, session: SessionDep, principal: CurrentPrincipal, year: IndicatorYear = None, as_of: IndicatorAsOf = None
) -> Indicators:
    return await service.place_indicators(session=session, principal=principal, level="county", code=code, year=year, as_of=as_of)


@router.get("/indicators/cities/{code}", summary="The policy's indicators for the city: the villages (R1: the counties) meeting each rule and not")
async def city_indicators(
    code: DivisionCode, session: SessionDep, principal: CurrentPrincipal, year: IndicatorYear = None, as_of: IndicatorAsOf = None
) -> Indicators:
    return await service.place_indicators(session=session, principal=principal, level="city", code=code, year=year, as_of=as_of)


# ---- audit ------------------------------------------------------------------------------------------


# The audit routes read the whole log: auditors and city administrators only.
AUDITORS = readable_by(Role.auditor, Role.city_admin)


@router.get("/audit/verify", summary="Check every source's sequence and hash chain", dependencies=[AUDITORS])
async def audit_verify(request: Request, log: Literal["auto", "outbox", "kafka"] = "auto") -> ChainReport:
    result = await audit.verify_log(request.app.state.settings, log)
    return ChainReport(**result.as_dict())


@router.get(
    "/audit/export",
    summary="The log as NDJSON of CloudEvents (streamed)",
    dependencies=[AUDITORS],
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}}}},
)
async def audit_export(
    request: Request,
    source: Annotated[list[audit.Source] | None, Query(max_length=5, description="one of the five sources (repeatable)")] = None,
    type: Annotated[
        list[Annotated[str, StringConstraints(min_length=1, max_length=120)]] | None, Query(max_length=50, description="event type or prefix (repeatable)")
    ] = None,
    since: Annotated[ExportTime | None, Query(description="ISO time with a zone, inclusive")] = None,
    until: Annotated[ExportTime | None, Query(description="ISO time with a zone, exclusive")] = None,
    household: Annotated[str | None, Query(max_length=36)] = None,
    log: Literal["auto", "outbox", "kafka"] = "auto",
) -> StreamingResponse:
    flt = audit.ExportFilter(tuple(source or ()), tuple(type or ()), since, until, household)
    entries = await audit.read_log(request.app.state.settings, log, flt.sources or audit.SOURCES)
    headers = {"X-Fupin-Export": "complete" if flt.complete else "filtered"}
    return StreamingResponse(audit.export_lines(entries, flt), media_type="application/x-ndjson", headers=headers)


@router.get(
    "/audit/replay",
    summary="Rebuild every projection from the first event into a scratch database and compare, table by table",
    dependencies=[AUDITORS],
)
async def audit_replay(request: Request, log: Literal["auto", "outbox", "kafka"] = "auto") -> ReplayReport:
    result = await audit.replay_compare(request.app.state.settings, log)
    return ReplayReport(**result.as_dict())
