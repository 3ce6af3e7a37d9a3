"""HTTP routes of partner platforms (city administrators) — thin: parse, call the service layer, return its answer."""

from __future__ import annotations

from functools import partial

from fastapi import Response, status

from services.market.http import ADMIN, Id, PageDep, PartnerCodePath, located
from services.market.partners import service
from services.market.partners.cache import cache_of
from services.market.partners.schemas import PartnerIn, PartnerOut, PartnerPatch, SecretCreated, SecretOut
from shared.auth import CurrentPrincipal, require_roles
from shared.paging import Page
from shared.preconditions import GuardRequired
from shared.service import ContextDep, SessionDep, service_router

router = service_router("market", tags=["market"])


@router.get("/partners")
async def list_partners(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[PartnerOut]:
    return await service.list_partners(session=session, page=page)


@router.post("/partners", status_code=status.HTTP_201_CREATED, dependencies=[require_roles(*ADMIN)])
async def register_partner(body: PartnerIn, session: SessionDep, ctx: ContextDep, response: Response) -> PartnerOut:
    out = await service.register_partner(session=session, cache=cache_of(ctx.extras), data=body)
    located(response, f"partners/{out.code}")
    return out


@router.get("/partners/{code}")
async def get_partner(code: PartnerCodePath, session: SessionDep, principal: CurrentPrincipal) -> PartnerOut:
    return await service.read_partner(session=session, code=code)


@router.patch("/partners/{code}", dependencies=[require_roles(*ADMIN)], summary="Switch a partner on/off or change its products")
async def update_partner(code: PartnerCodePath, body: PartnerPatch, session: SessionDep, ctx: ContextDep, guard: GuardRequired) -> PartnerOut:
    """Send the partner's `ETag` (from its GET) as `If-Match`: 412 when another administrator changed it since."""
    read = partial(service.read_partner, session=session, code=code)
    write = partial(service.update_partner, session=session, cache=cache_of(ctx.extras), code=code, data=body)
    return await guard.update(session, read, f"partners/{code}", write)


@router.post(
    "/partners/{code}/secrets",
    status_code=status.HTTP_201_CREATED,
    dependencies=[require_roles(*ADMIN)],
    summary="Add a webhook secret (shown once); earlier secrets stay active until revoked",
)
async def add_secret(code: PartnerCodePath, session: SessionDep, ctx: ContextDep, principal: CurrentPrincipal) -> SecretCreated:
    return await service.add_secret(session=session, principal=principal, vault=ctx.vault, cache=cache_of(ctx.extras), code=code)


@router.get("/partners/{code}/secrets", dependencies=[require_roles(*ADMIN)], summary="A partner's secrets, masked")
async def list_secrets(code: PartnerCodePath, session: SessionDep, page: PageDep) -> Page[SecretOut]:
    return await service.list_secrets(session=session, code=code, page=page)


@router.delete("/partners/{code}/secrets/{secret_id}", dependencies=[require_roles(*ADMIN)], summary="Revoke a webhook secret")
async def revoke_secret(code: PartnerCodePath, secret_id: Id, session: SessionDep, ctx: ContextDep) -> SecretOut:
    return await service.revoke_secret(session=session, cache=cache_of(ctx.extras), code=code, secret_id=secret_id)
