"""HTTP routes of the read models: ``/ledger/v1/views/...``, each screen of the consoles in one request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query

from services.ledger.views import household_file, queries, village_links
from services.ledger.views.schemas import CityCounties, CountyVillages, HouseholdFile, TownshipVillages, VillageHousehold, VillageLinks
from shared.auth import CurrentPrincipal
from shared.bounds import QueryYear
from shared.paging import Page, PageParams, page_params
from shared.service import SessionDep, service_router

router = service_router("ledger", tags=["ledger"])
PageDep = Annotated[PageParams, Depends(page_params)]
Year = Annotated[QueryYear, Query()]
VillageCode = Annotated[str, Path(pattern=r"^[0-9]{12}$", description="the village's 12-digit division code")]
TownshipCode = Annotated[str, Path(pattern=r"^[0-9]{9}$", description="the township's 9-digit division code")]
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


@router.get("/views/households/{household_id}", summary="A household's file for a year: members, labour, R7, employment, income by type, month and source")
async def household_file_view(household_id: str, session: SessionDep, principal: CurrentPrincipal, year: Year) -> HouseholdFile:
    """The household file (户档案) in one request: the members the ledger knows (name, relation, labour capacity; no
    identity number), each labourer's R7 standing for the year and their employment; the year's income by the six
    benefit types with total and per capita (as ``/households/{id}/income?year=``), by each of the twelve months, and
    by source — each benefit type's lines summed per fund, entity, project and agreement, naming the fund that paid
    them directly or through the entity's funded project (``fund_via``). Five SQL statements whatever the household's
    size. Scope as the ledger's other reads: a household outside the caller's region answers 404."""
    return await household_file.household_file(session=session, principal=principal, household_id=household_id, year=year)


@router.get("/views/townships/{code}/villages", summary="A township's villages with their aggregates and indicators side by side")
async def township_villages_view(code: TownshipCode, session: SessionDep, principal: CurrentPrincipal, year: Year) -> TownshipVillages:
    """The township overview in one request, whatever the number of villages: each village as the county overview
    gives it (``/views/counties/{code}/villages``). A township officer reads their township, a county officer the
    townships of their county, a city administrator or auditor any; another place answers 404."""
    return await queries.township_villages(session=session, principal=principal, code=code, year=year)


@router.get(
    "/views/city/counties",
    summary="The city's counties with their villages' aggregates and indicator counts",
    responses={404: {"description": "The caller's role does not see the whole city (a county's or village's role)"}},
)
async def city_counties_view(session: SessionDep, principal: CurrentPrincipal, year: Year) -> CityCounties:
    """The city overview in one request: for each county the sums of its villages (households, people, income by
    type, total, per capita, households without income) and, for each rule, how many of its villages meet it, do
    not, or have no data — judged as ``/indicators/villages/{code}`` judges them. Five SQL statements for the whole
    city. City administrators and auditors; a county's or village's role answers 404."""
    return await queries.city_counties(session=session, principal=principal, year=year)


@router.get("/views/villages/{code}/links", summary="A village's projects and market links (R9, R12, R18–R21)")
async def village_links_view(code: VillageCode, session: SessionDep, principal: CurrentPrincipal) -> VillageLinks:
    """The village screen's projects and market links in one request: each three-rights project registered in the
    village with its entity, funding (the funds behind its allocations) and latest agreement; the direct-supply
    channels, showcase windows, e-commerce points and cold-chain facilities that cover the village, and the order
    contracts signed in it. Two SQL statements. Scope as the ledger's other reads."""
    return await village_links.village_links(session=session, principal=principal, code=code)
