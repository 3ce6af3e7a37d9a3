"""HTTP routes of distributions — thin: parse, call the service layer, shape the answer."""

from __future__ import annotations

from fastapi import Response

from services.funds.distributions import service
from services.funds.distributions.schemas import DistributionIn, DistributionOut, ReversalIn, ReversalOut, WithdrawalIn
from services.funds.http import CREATED, MONEY, REGIONAL, REGIONAL_AND_ENTITY, PageDep, located
from shared.auth import CurrentPrincipal, require_roles
from shared.paging import Page
from shared.service import ContextDep, SessionDep, service_router

router = service_router("funds", tags=["funds"])


@router.post(
    "/distributions",
    status_code=CREATED,
    dependencies=[require_roles(*REGIONAL_AND_ENTITY), MONEY],
    summary="Declare profit or asset income for a period and propose its split (R3, R9, R10, R17)",
)
async def propose_distribution(body: DistributionIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> DistributionOut:
    out = await service.propose_distribution(session=session, principal=principal, data=body)
    located(response, f"distributions/{out.id}")
    return out


@router.get("/distributions")
async def list_distributions(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[DistributionOut]:
    return await service.list_distributions(session=session, principal=principal, page=page)


@router.get("/distributions/{distribution_id}")
async def get_distribution(distribution_id: str, session: SessionDep, principal: CurrentPrincipal) -> DistributionOut:
    return await service.get_distribution(session=session, principal=principal, distribution_id=distribution_id)


@router.post(
    "/distributions/{distribution_id}/approve",
    dependencies=[require_roles(*REGIONAL), MONEY],
    summary="Approve (not by its proposer): posted on the village notice; one income fact per household when it closes (at once with no window)",
)
async def approve_distribution(distribution_id: str, session: SessionDep, principal: CurrentPrincipal, ctx: ContextDep) -> DistributionOut:
    return await service.approve_distribution(session=session, principal=principal, distribution_id=distribution_id, notice_window=ctx.settings.notice_window)


@router.post(
    "/distributions/{distribution_id}/withdraw",
    dependencies=[require_roles(*REGIONAL_AND_ENTITY)],
    summary="Withdraw a proposed distribution, or an approved one its notice still holds (its proposer, or an official in scope); it stays visible",
)
async def withdraw_distribution(distribution_id: str, body: WithdrawalIn, session: SessionDep, principal: CurrentPrincipal) -> DistributionOut:
    return await service.withdraw_distribution(session=session, principal=principal, distribution_id=distribution_id, data=body)


@router.post(
    "/distributions/{distribution_id}/reversals",
    status_code=CREATED,
    dependencies=[require_roles(*REGIONAL)],
    summary="Propose to reverse an approved distribution, with a reason",
)
async def propose_distribution_reversal(
    distribution_id: str, body: ReversalIn, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> ReversalOut:
    out = await service.propose_reversal(session=session, principal=principal, target_kind="distribution", target_id=distribution_id, data=body)
    located(response, f"reversals/{out.id}")
    return out


@router.post(
    "/income-lines/{line_id}/reversals",
    status_code=CREATED,
    dependencies=[require_roles(*REGIONAL)],
    summary="Propose to reverse one payment (rent, lease-back income, subsidy, loan return), with a reason",
)
async def propose_line_reversal(line_id: str, body: ReversalIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> ReversalOut:
    out = await service.propose_reversal(session=session, principal=principal, target_kind="income_line", target_id=line_id, data=body)
    located(response, f"reversals/{out.id}")
    return out


@router.get("/reversals/{reversal_id}")
async def get_reversal(reversal_id: str, session: SessionDep, principal: CurrentPrincipal) -> ReversalOut:
    return await service.get_reversal(session=session, principal=principal, reversal_id=reversal_id)


@router.post(
    "/reversals/{reversal_id}/approve",
    dependencies=[require_roles(*REGIONAL), MONEY],
    summary="Approve a reversal (not by its proposer): a negative income line for each line reversed",
)
async def approve_reversal(reversal_id: str, session: SessionDep, principal: CurrentPrincipal) -> ReversalOut:
    return await service.approve_reversal(session=session, principal=principal, reversal_id=reversal_id)
