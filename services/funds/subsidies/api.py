"""HTTP routes of subsidies — thin: parse, call the service layer, shape the answer."""

from __future__ import annotations

from services.funds.distributions.schemas import WithdrawalIn
from services.funds.http import CREATED, MONEY, REGIONAL, PageDep
from services.funds.subsidies import service
from services.funds.subsidies.schemas import SubsidyIn, SubsidyOut
from shared.auth import CurrentPrincipal, require_roles
from shared.paging import Page
from shared.service import ContextDep, SessionDep, service_router

router = service_router("funds", tags=["funds"])


@router.post(
    "/subsidies",
    status_code=CREATED,
    dependencies=[require_roles(*REGIONAL), MONEY],
    summary="Record a subsidy or policy income (R15): policy_support; posted on the village notice, paid when it closes (at once with no window)",
)
async def pay_subsidy(body: SubsidyIn, session: SessionDep, principal: CurrentPrincipal, ctx: ContextDep) -> SubsidyOut:
    return await service.pay_subsidy(session=session, principal=principal, data=body, notice_window=ctx.settings.notice_window)


@router.get("/subsidies", summary="Subsidies and policy income paid in your scope")
async def list_subsidies(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[SubsidyOut]:
    return await service.list_subsidies(session=session, principal=principal, page=page)


@router.get("/subsidies/{subsidy_id}", summary="A subsidy and how it was split")
async def get_subsidy(subsidy_id: str, session: SessionDep, principal: CurrentPrincipal) -> SubsidyOut:
    return await service.get_subsidy(session=session, principal=principal, subsidy_id=subsidy_id)


@router.post(
    "/subsidies/{subsidy_id}/withdraw",
    dependencies=[require_roles(*REGIONAL)],
    summary="Withdraw a subsidy its village notice still holds (a correction): nothing is paid, the notice is superseded",
)
async def withdraw_subsidy(subsidy_id: str, body: WithdrawalIn, session: SessionDep, principal: CurrentPrincipal) -> SubsidyOut:
    return await service.withdraw_subsidy(session=session, principal=principal, subsidy_id=subsidy_id, data=body)
