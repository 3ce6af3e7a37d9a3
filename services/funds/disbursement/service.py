"""Use cases of disbursement: keyword-only functions over a session; they flush and emit, never commit."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from policy import funds as policy_funds
from policy.verdicts import YearlyCap
from services.funds.allocations.models import Allocation
from services.funds.common import get_or_404, ordered
from services.funds.disbursement.models import PaymentRequest
from services.funds.disbursement.schemas import PaymentRequestIn, PaymentRequestOut
from shared.auth import Principal, ensure_different_person, ensure_readable, ensure_writable
from shared.errors import enforce
from shared.events.funds import PaymentApproved, PaymentMade, PaymentRequested
from shared.ids import new_id
from shared.outbox import emit
from shared.problems import Conflict


def payment_request_out(r: PaymentRequest) -> PaymentRequestOut:
    return PaymentRequestOut.model_validate(r)


async def request_payment(*, session: AsyncSession, principal: Principal, allocation_id: str, data: PaymentRequestIn) -> PaymentRequestOut:
    allocation = await get_or_404(session, Allocation, allocation_id, "分配", lock=True)
    ensure_readable(principal, region=allocation.region_code, what="分配")
    ensure_writable(principal, region=allocation.region_code)
    ordered(allocation.allocated_on, data.requested_on, "requested_on")
    enforce(policy_funds.r10_assets(payment=YearlyCap(allocation.amount_fen, allocation.requested_fen, data.amount_fen, data.requested_on.year)))
    allocation.requested_fen += data.amount_fen
    request = PaymentRequest(
        id=new_id(),
        allocation_id=allocation.id,
        region_code=allocation.region_code,
        amount_fen=data.amount_fen,
        vouchers=[v.model_dump() for v in data.vouchers],
        requested_on=data.requested_on,
        status="requested",
        requested_by=principal.subject,
    )
    session.add(request)
    await session.flush()
    emit(
        session,
        PaymentRequested(
            request_id=request.id,
            allocation_id=allocation.id,
            fund_id=allocation.fund_id,
            amount_fen=data.amount_fen,
            voucher_count=len(data.vouchers),
            requested_on=data.requested_on,
        ),
    )
    return payment_request_out(request)


async def _request_for_write(session: AsyncSession, principal: Principal, request_id: str) -> PaymentRequest:
    request = await get_or_404(session, PaymentRequest, request_id, "报账申请", lock=True)
    ensure_readable(principal, region=request.region_code, what="报账申请")
    ensure_writable(principal, region=request.region_code)
    return request


async def get_payment_request(*, session: AsyncSession, principal: Principal, request_id: str) -> PaymentRequestOut:
    request = await get_or_404(session, PaymentRequest, request_id, "报账申请")
    ensure_readable(principal, region=request.region_code, what="报账申请")
    return payment_request_out(request)


async def approve_payment(*, session: AsyncSession, principal: Principal, request_id: str) -> PaymentRequestOut:
    request = await _request_for_write(session, principal, request_id)
    ensure_different_person(request.requested_by, principal, what="报账申请")
    if request.status != "requested":
        raise Conflict("该申请已审批", detail_en=f"the request is already {request.status}", code="already_approved")
    request.status, request.approved_by = "approved", principal.subject
    await session.flush()
    emit(session, PaymentApproved(request_id=request.id, allocation_id=request.allocation_id, amount_fen=request.amount_fen, approved_by=principal.subject))
    return payment_request_out(request)


async def pay_request(*, session: AsyncSession, principal: Principal, request_id: str, paid_on: date) -> PaymentRequestOut:
    request = await _request_for_write(session, principal, request_id)
    if request.status != "approved":
        raise Conflict("未经审批不能拨款", detail_en=f"only an approved request is paid; this one is {request.status}", code="not_approved")
    ordered(request.requested_on, paid_on, "paid_on")
    allocation = await session.get(Allocation, request.allocation_id, with_for_update=True)
    assert allocation is not None
    enforce(policy_funds.r10_assets(payment=YearlyCap(allocation.amount_fen, allocation.paid_fen, request.amount_fen, request.requested_on.year)))
    allocation.paid_fen += request.amount_fen
    request.status, request.paid_on = "paid", paid_on
    await session.flush()
    emit(
        session,
        PaymentMade(
            request_id=request.id,
            allocation_id=allocation.id,
            fund_id=allocation.fund_id,
            amount_fen=request.amount_fen,
            paid_on=paid_on,
            disbursed_fen=allocation.paid_fen,
        ),
    )
    return payment_request_out(request)
