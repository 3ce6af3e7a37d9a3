"""HTTP routes of certificates, training files and R7 compliance — thin: parse, call the service, return its schema."""

from __future__ import annotations

from typing import Literal

from fastapi import status

from services.training.api_common import WRITERS, PageDep, RegionQ, YearQuery
from services.training.compliance import service
from services.training.compliance.schemas import BehindLabourerOut, CertificateIn, CertificateOut, ComplianceSummaryOut, TrainingFileOut
from shared.auth import CurrentPrincipal, require_roles
from shared.paging import Page
from shared.service import SessionDep, service_router

router = service_router("training", tags=["training"])


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
