"""HTTP routes of disbursement — thin: parse, call the service layer, shape the answer."""

from __future__ import annotations

from fastapi import Response

from services.funds.disbursement import service
from services.funds.disbursement.schemas import PayIn, PaymentRequestIn, PaymentRequestOut
from services.funds.http import CREATED, FUND_OFFICERS, MONEY, REGIONAL, located
from shared.auth import CurrentPrincipal, require_roles
from shared.service import SessionDep, service_router

router = service_router("funds", tags=["funds"])


@router.post(
    "/allocations/{allocation_id}/payment-requests",
    status_code=CREATED,
    dependencies=[require_roles(*REGIONAL), MONEY],
    summary="Request a payment against the allocation, with vouchers (拨款报账, R10)",
)
async def request_payment(
    allocation_id: str, body: PaymentRequestIn, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> PaymentRequestOut:
    out = await service.request_payment(session=session, principal=principal, allocation_id=allocation_id, data=body)
    located(response, f"payment-requests/{out.id}")
    return out


@router.get("/payment-requests/{request_id}")
async def get_payment_request(request_id: str, session: SessionDep, principal: CurrentPrincipal) -> PaymentRequestOut:
    return await service.get_payment_request(session=session, principal=principal, request_id=request_id)


@router.post("/payment-requests/{request_id}/approve", dependencies=[require_roles(*FUND_OFFICERS)], summary="Approve a payment request (not by its requester)")
async def approve_payment(request_id: str, session: SessionDep, principal: CurrentPrincipal) -> PaymentRequestOut:
    return await service.approve_payment(session=session, principal=principal, request_id=request_id)


@router.post("/payment-requests/{request_id}/pay", dependencies=[require_roles(*FUND_OFFICERS), MONEY], summary="Pay an approved request")
async def pay_request(request_id: str, body: PayIn, session: SessionDep, principal: CurrentPrincipal) -> PaymentRequestOut:
    return await service.pay_request(session=session, principal=principal, request_id=request_id, paid_on=body.paid_on)
