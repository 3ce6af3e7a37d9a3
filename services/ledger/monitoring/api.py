"""HTTP routes of the early warning: ``/ledger/v1/monitoring/...`` — lists per place, a household's file, the case lifecycle."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query

from services.ledger.monitoring import service
from services.ledger.monitoring.schemas import AssistanceIn, CaseIn, CaseOut, HouseholdMonitoring, MonitoringList, RemovalIn
from shared.auth import CurrentPrincipal, Role, require_roles
from shared.bounds import PolicyDate
from shared.paging import PageParams, page_params
from shared.service import SessionDep, service_router

router = service_router("ledger", tags=["early warning"])
PageDep = Annotated[PageParams, Depends(page_params)]
AsOf = Annotated[PolicyDate | None, Query(description="the day judged (default today): income by the month of its own date, links by their dates")]
IncludeRemoved = Annotated[bool, Query(description="also list households whose every flag a risk removal cleared")]
HouseholdId = Annotated[str, Path(min_length=1, max_length=36)]
CaseId = Annotated[str, Path(min_length=1, max_length=36)]
VillageCode = Annotated[str, Path(pattern=r"^[0-9]{12}$", description="the village's 12-digit division code")]
TownshipCode = Annotated[str, Path(pattern=r"^[0-9]{9}$", description="the township's 9-digit division code")]
CountyCode = Annotated[str, Path(pattern=r"^[0-9]{6}$", description="the county's 6-digit division code")]
# Who decides about a household: the village, township and county offices and the city (auditors read, never write).
DECIDERS = require_roles(Role.village_cadre, Role.township_officer, Role.county_officer, Role.city_admin)


@router.get("/monitoring/villages/{code}", summary="A village's households flagged by the early warning, most severe first")
async def village_monitoring(
    code: VillageCode, session: SessionDep, principal: CurrentPrincipal, page: PageDep, as_of: AsOf = None, include_removed: IncludeRemoved = False
) -> MonitoringList:
    return await service.flagged(session=session, principal=principal, level="village", code=code, as_of=as_of, page=page, include_removed=include_removed)


@router.get("/monitoring/townships/{code}", summary="A township's households flagged by the early warning, most severe first")
async def township_monitoring(
    code: TownshipCode, session: SessionDep, principal: CurrentPrincipal, page: PageDep, as_of: AsOf = None, include_removed: IncludeRemoved = False
) -> MonitoringList:
    return await service.flagged(session=session, principal=principal, level="township", code=code, as_of=as_of, page=page, include_removed=include_removed)


@router.get("/monitoring/counties/{code}", summary="A county's households flagged by the early warning, most severe first")
async def county_monitoring(
    code: CountyCode, session: SessionDep, principal: CurrentPrincipal, page: PageDep, as_of: AsOf = None, include_removed: IncludeRemoved = False
) -> MonitoringList:
    return await service.flagged(session=session, principal=principal, level="county", code=code, as_of=as_of, page=page, include_removed=include_removed)


@router.get("/monitoring/households/{household_id}", summary="A household's early-warning flags with their evidence, and its monitoring cases")
async def household_monitoring(household_id: HouseholdId, session: SessionDep, principal: CurrentPrincipal, as_of: AsOf = None) -> HouseholdMonitoring:
    return await service.household_file(session=session, principal=principal, household_id=household_id, as_of=as_of)


@router.post(
    "/monitoring/households/{household_id}/cases", status_code=201, summary="Identify a household as a monitoring object (监测对象)", dependencies=[DECIDERS]
)
async def identify_case(household_id: HouseholdId, body: CaseIn, session: SessionDep, principal: CurrentPrincipal) -> CaseOut:
    return await service.identify(session=session, principal=principal, household_id=household_id, body=body)


@router.post("/monitoring/cases/{case_id}/assistance", summary="Record an assistance measure (帮扶措施) for a monitoring object", dependencies=[DECIDERS])
async def assist_case(case_id: CaseId, body: AssistanceIn, session: SessionDep, principal: CurrentPrincipal) -> CaseOut:
    return await service.assist(session=session, principal=principal, case_id=case_id, measure=body.measure)


@router.post("/monitoring/cases/{case_id}/removal", summary="Propose that a monitoring object's risk is removed (风险消除)", dependencies=[DECIDERS])
async def propose_removal(case_id: CaseId, body: RemovalIn, session: SessionDep, principal: CurrentPrincipal) -> CaseOut:
    return await service.propose_removal(session=session, principal=principal, case_id=case_id, note=body.note)


@router.post(
    "/monitoring/cases/{case_id}/removal/approval",
    summary="Approve a proposed risk removal (another person than the proposer): the case closes, its flags are cleared",
    dependencies=[DECIDERS],
)
async def approve_removal(case_id: CaseId, session: SessionDep, principal: CurrentPrincipal) -> CaseOut:
    return await service.approve_removal(session=session, principal=principal, case_id=case_id)
