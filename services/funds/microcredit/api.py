"""HTTP routes of microcredit — thin: parse, call the service layer, shape the answer."""

from __future__ import annotations

from fastapi import Response

from services.funds.http import CREATED, MONEY, REGIONAL, REGIONAL_AND_ENTITY, PageDep, located
from services.funds.lineage.schemas import IncomePaymentOut
from services.funds.microcredit import service
from services.funds.microcredit.schemas import LoanIn, LoanOut, LoanReturnIn, OverdueIn, RepaymentIn
from shared.auth import CurrentPrincipal, require_roles
from shared.paging import Page
from shared.service import SessionDep, service_router

router = service_router("funds", tags=["funds"])


@router.post("/loans", status_code=CREATED, dependencies=[require_roles(*REGIONAL), MONEY], summary="Record a microcredit loan (R11)")
async def grant_loan(body: LoanIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> LoanOut:
    out = await service.grant_loan(session=session, principal=principal, data=body)
    located(response, f"loans/{out.id}")
    return out


@router.get("/loans")
async def list_loans(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[LoanOut]:
    return await service.list_loans(session=session, principal=principal, page=page)


@router.get("/loans/{loan_id}")
async def get_loan(loan_id: str, session: SessionDep, principal: CurrentPrincipal) -> LoanOut:
    return await service.get_loan(session=session, principal=principal, loan_id=loan_id)


@router.post("/loans/{loan_id}/repayments", status_code=CREATED, dependencies=[require_roles(*REGIONAL), MONEY])
async def repay_loan(loan_id: str, body: RepaymentIn, session: SessionDep, principal: CurrentPrincipal) -> LoanOut:
    return await service.repay_loan(session=session, principal=principal, loan_id=loan_id, data=body)


@router.post("/loans/{loan_id}/overdue", dependencies=[require_roles(*REGIONAL)])
async def mark_loan_overdue(loan_id: str, body: OverdueIn, session: SessionDep, principal: CurrentPrincipal) -> LoanOut:
    return await service.mark_loan_overdue(session=session, principal=principal, loan_id=loan_id, data=body)


@router.post(
    "/loans/{loan_id}/returns",
    status_code=CREATED,
    dependencies=[require_roles(*REGIONAL_AND_ENTITY), MONEY],
    summary="The entity pays the household its return: equity_dividend",
)
async def pay_loan_return(loan_id: str, body: LoanReturnIn, session: SessionDep, principal: CurrentPrincipal) -> IncomePaymentOut:
    return await service.pay_loan_return(session=session, principal=principal, loan_id=loan_id, data=body)
