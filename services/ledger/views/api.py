"""HTTP routes of the read models: ``/ledger/v1/views/...``, each screen of the consoles in one request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query

from services.ledger.views import queries
from services.ledger.views.schemas import CountyVillages, VillageHousehold
from shared.auth import CurrentPrincipal
from shared.bounds import QueryYear
from shared.paging import Page, PageParams, page_params
from shared.service import SessionDep, service_router

router = service_router("ledger", tags=["ledger"])
PageDep = Annotated[PageParams, Depends(page_params)]
Year = Annotated[QueryYear, Query()]
VillageCode = Annotated[str, Path(pattern=r"^[0-9]{12}$", description="the village's 12-digit division code")]
CountyCode = Annotated[str, Path(pattern=r"^[0-9]{6}$", description="the county's 6-digit division code")]


@router.get("/views/villages/{code}/households", summary="A village's households with head, size, the year's income by type and per capita")
async def village_households_view(code: VillageCode, session: SessionDep, principal: CurrentPrincipal, page: PageDep, year: Year) -> Page[VillageHousehold]:
    """The village dashboard in one request a page: each household on the register during the year with its number,
    its head's name, its members and labourers at the year's end, its income by each of the six benefit types,
    the total and the per-capita income (integer fen, rounded down) — the figures ``/households/{id}/income?year=``
    gives. Paged by household id. A village cadre reads their village, a county officer their county; another
    place answers 404 like the ledger's other reads."""
    return await queries.village_households(session=session, principal=principal, code=code, year=year, page=page)


@router.get("/views/counties/{code}/villages", summary="A county's villages with their aggregates and indicators side by side")
async def county_villages_view(code: CountyCode, session: SessionDep, principal: CurrentPrincipal, year: Year) -> CountyVillages:
    """The county overview in one request, whatever the number of villages: for each village its households,
    members, income by benefit type, total and per capita (integer fen, rounded down), as ``/aggregates?level=village``
    gives them, and its indicators as ``/indicators/villages/{code}`` judges them. A county officer reads their county,
    a city administrator or auditor any; another place answers 404."""
    return await queries.county_villages(session=session, principal=principal, code=code, year=year)
