"""HTTP routes of the registry — thin: parse, call the services, return their schemas."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Annotated

from fastapi import Query, Response, status

from services.households.api_common import REGISTRARS, County, PageDep, Township, VillageQ
from services.households.fields import VillageCategory
from services.households.registry import members, service, views
from services.households.registry.schemas import (
    HouseholdIn,
    HouseholdOut,
    HouseholdPage,
    HouseholdPatch,
    LeaveIn,
    MemberJoinIn,
    MemberLeaveIn,
    MemberOut,
    MemberPatch,
    Stats,
    StatusChangeIn,
)
from shared.auth import CurrentPrincipal, require_roles
from shared.bounds import PolicyDate, QueryYear
from shared.events.households import LabourCapacity, PovertyStatus
from shared.preconditions import GuardOptional, GuardRequired
from shared.service import ContextDep, SessionDep, service_router

router = service_router("households", tags=["households"])


def _current_household(session: SessionDep, ctx: ContextDep, principal: CurrentPrincipal, household_id: str) -> Callable[[], Awaitable[HouseholdOut]]:
    """The household as its GET shows it, after the update's own checks (404 out of sight, 403 read-only)."""

    async def read() -> HouseholdOut:
        await views.load_household(session=session, principal=principal, household_id=household_id, write=True)
        return await service.get_household(session=session, principal=principal, vault=ctx.vault, household_id=household_id)

    return read


def _current_member(session: SessionDep, ctx: ContextDep, principal: CurrentPrincipal, member_id: str) -> Callable[[], Awaitable[MemberOut]]:
    """The member as its GET shows it, after the update's own checks."""

    async def read() -> MemberOut:
        await members._load_member(session, principal, member_id, write=True)
        return await members.get_member(session=session, principal=principal, vault=ctx.vault, member_id=member_id)

    return read


@router.post("/households", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*REGISTRARS)], summary="Register a household with its members")
async def register_household(body: HouseholdIn, session: SessionDep, ctx: ContextDep, principal: CurrentPrincipal, response: Response) -> HouseholdOut:
    out = await service.register_household(session=session, principal=principal, vault=ctx.vault, data=body)
    response.headers["Location"] = f"/households/v1/households/{out.id}"
    return out


@router.get("/households", summary="Households in your scope, filtered or searched (name, household number, identity number)")
async def list_households(
    session: SessionDep,
    ctx: ContextDep,
    principal: CurrentPrincipal,
    page: PageDep,
    county: County = None,
    township: Township = None,
    village: VillageQ = None,
    category: VillageCategory | None = None,
    poverty_status: PovertyStatus | None = None,
    labour_capacity: Annotated[LabourCapacity | None, Query(description="households with a current member of this capacity")] = None,
    include_left: Annotated[bool, Query(description="include households that left the registry")] = False,
    name: Annotated[str | None, Query(min_length=1, max_length=50, description="a current member's name contains this (substring)")] = None,
    household_number: Annotated[str | None, Query(min_length=1, max_length=40, description="exactly this household number (户编号)")] = None,
    id_number: Annotated[
        str | None,
        Query(min_length=1, max_length=32, description="a current member's resident identity number, exactly; looked up by its keyed hash, never echoed"),
    ] = None,
    year: Annotated[QueryYear | None, Query(description="households that exited poverty in this year (脱贫年度)")] = None,
    sort: Annotated[
        str | None,
        Query(pattern=r"^-?(household_number|registered_on)$", description="household_number or registered_on, `-` first for descending; default: id"),
    ] = None,
    include_total: Annotated[bool, Query(description="also count the matches over all pages (`total`)")] = False,
) -> HouseholdPage:
    return await views.list_households(
        session=session,
        principal=principal,
        vault=ctx.vault,
        page=page,
        county=county,
        township=township,
        village=village,
        category=category,
        poverty_status=poverty_status,
        labour_capacity=labour_capacity,
        include_left=include_left,
        name=name,
        household_number=household_number,
        id_number=id_number,
        year=year,
        sort=sort,
        include_total=include_total,
    )


@router.get("/households/{household_id}", summary="A household, now or as the registry stood on a day")
async def get_household(
    household_id: str,
    session: SessionDep,
    ctx: ContextDep,
    principal: CurrentPrincipal,
    as_of: Annotated[PolicyDate | None, Query(description="YYYY-MM-DD: status, members and size as of that day")] = None,
) -> HouseholdOut:
    return await service.get_household(session=session, principal=principal, vault=ctx.vault, household_id=household_id, as_of=as_of)


@router.patch("/households/{household_id}", dependencies=[require_roles(*REGISTRARS)], summary="Correct a household's address")
async def correct_household(
    household_id: str, body: HouseholdPatch, session: SessionDep, ctx: ContextDep, principal: CurrentPrincipal, guard: GuardRequired
) -> HouseholdOut:
    """Send the household's `ETag` (from its GET) as `If-Match`: 412 when someone changed it since."""
    write = partial(service.correct_household, session=session, principal=principal, vault=ctx.vault, household_id=household_id, data=body)
    return await guard.update(session, _current_household(session, ctx, principal, household_id), f"households/{household_id}", write)


@router.post("/households/{household_id}/status", dependencies=[require_roles(*REGISTRARS)], summary="Change the poverty status (exit, return)")
async def change_status(
    household_id: str, body: StatusChangeIn, session: SessionDep, ctx: ContextDep, principal: CurrentPrincipal, guard: GuardOptional
) -> HouseholdOut:
    """With `If-Match` (the household's `ETag`), refused with 412 when someone changed the household since."""
    write = partial(service.change_status, session=session, principal=principal, vault=ctx.vault, household_id=household_id, data=body)
    return await guard.update(session, _current_household(session, ctx, principal, household_id), f"households/{household_id}", write)


@router.post("/households/{household_id}/leave", dependencies=[require_roles(*REGISTRARS)], summary="The household leaves the registry (nothing is deleted)")
async def leave_registry(
    household_id: str, body: LeaveIn, session: SessionDep, ctx: ContextDep, principal: CurrentPrincipal, guard: GuardOptional
) -> HouseholdOut:
    """With `If-Match` (the household's `ETag`), refused with 412 when someone changed the household since."""
    write = partial(service.leave_registry, session=session, principal=principal, vault=ctx.vault, household_id=household_id, data=body)
    return await guard.update(session, _current_household(session, ctx, principal, household_id), f"households/{household_id}", write)


@router.post(
    "/households/{household_id}/members", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*REGISTRARS)], summary="A member joins the household"
)
async def add_member(household_id: str, body: MemberJoinIn, session: SessionDep, ctx: ContextDep, principal: CurrentPrincipal, response: Response) -> MemberOut:
    out = await members.add_member(session=session, principal=principal, vault=ctx.vault, household_id=household_id, data=body)
    response.headers["Location"] = f"/households/v1/members/{out.id}"
    return out


@router.get("/members/{member_id}", summary="One member")
async def get_member(member_id: str, session: SessionDep, ctx: ContextDep, principal: CurrentPrincipal) -> MemberOut:
    return await members.get_member(session=session, principal=principal, vault=ctx.vault, member_id=member_id)


@router.patch("/members/{member_id}", dependencies=[require_roles(*REGISTRARS)], summary="Change labour capacity, wishes or roles from a date")
async def update_member(
    member_id: str, body: MemberPatch, session: SessionDep, ctx: ContextDep, principal: CurrentPrincipal, guard: GuardRequired
) -> MemberOut:
    """Send the member's `ETag` (from its GET) as `If-Match`: 412 when someone changed it since."""
    write = partial(members.update_member, session=session, principal=principal, vault=ctx.vault, member_id=member_id, data=body)
    return await guard.update(session, _current_member(session, ctx, principal, member_id), f"members/{member_id}", write)


@router.post("/members/{member_id}/leave", dependencies=[require_roles(*REGISTRARS)], summary="A member leaves the household")
async def member_leaves(
    member_id: str, body: MemberLeaveIn, session: SessionDep, ctx: ContextDep, principal: CurrentPrincipal, guard: GuardOptional
) -> MemberOut:
    """With `If-Match` (the member's `ETag`), refused with 412 when someone changed the member since."""
    write = partial(members.member_leaves, session=session, principal=principal, vault=ctx.vault, member_id=member_id, data=body)
    return await guard.update(session, _current_member(session, ctx, principal, member_id), f"members/{member_id}", write)


@router.get("/stats", summary="Counts for dashboards within your scope")
async def stats(session: SessionDep, principal: CurrentPrincipal, county: County = None, township: Township = None, village: VillageQ = None) -> Stats:
    return await views.stats(session=session, principal=principal, county=county, township=township, village=village)
