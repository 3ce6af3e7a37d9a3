"""HTTP routes of subsidies — thin: parse, call the service layer, shape the answer."""

from __future__ import annotations

from services.funds.http import CREATED, MONEY, REGIONAL
from services.funds.subsidies import service
from services.funds.subsidies.schemas import SubsidyIn, SubsidyOut
from shared.auth import CurrentPrincipal, require_roles
from shared.service import SessionDep, service_router

router = service_router("funds", tags=["funds"])


@router.post("/subsidies", status_code=CREATED, dependencies=[require_roles(*REGIONAL), MONEY], summary="Pay a subsidy or policy income (R15): policy_support")
async def pay_subsidy(body: SubsidyIn, session: SessionDep, principal: CurrentPrincipal) -> SubsidyOut:
    return await service.pay_subsidy(session=session, principal=principal, data=body)
