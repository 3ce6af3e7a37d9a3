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
from services.funds.distributions import gate
from services.funds.distributions.models import Distribution
from services.funds.projects.repository import fundings_of
from services.funds.subsidies.models import Subsidy
from shared.auth import Principal, can_read, ensure_different_person, ensure_readable, ensure_writable
from shared.errors import enforce
from shared.events.funds import PaymentApproved, PaymentMade, PaymentRequested
from shared.ids import new_id
from shared.outbox import emit
from shared.problems import Conflict, InvalidInput


def payment_request_out(r: PaymentRequest) -> PaymentRequestOut:
    return PaymentRequestOut.model_validate(r)


async def request_payment(*, session: AsyncSession, principal: Principal, allocation_id: str, data: PaymentRequestIn) -> PaymentRequestOut:
    allocation = await get_or_404(session, Allocation, allocation_id, "分配", lock=True)
    ensure_readable(principal, region=allocation.region_code, what="分配")
    ensure_writable(principal, region=allocation.region_code)
    ordered(allocation.allocated_on, data.requested_on, "requested_on")
    enforce(policy_funds.r10_assets(payment=YearlyCap(allocation.amount_fen, allocation.requested_fen, data.amount_fen, data.requested_on.year)))
    await _check_what_it_pays(session, principal, allocation, data)
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
        distribution_id=data.distribution_id,
        subsidy_id=data.subsidy_id,
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


async def _check_what_it_pays(session: AsyncSession, principal: Principal, allocation: Allocation, data: PaymentRequestIn) -> None:
    """A distribution it pays is funded by this allocation; a subsidy it pays is of a household in the allocation's region."""
    if data.distribution_id:
        d = await session.get(Distribution, data.distribution_id)
        if d is None or not can_read(principal, region=d.village_code, entity_id=d.entity_id):
            raise InvalidInput("收益分配不存在", detail_en=f"distribution {data.distribution_id} not found", field="distribution_id")
        fundings = await fundings_of(session, project_id=d.project_id) if d.project_id else await fundings_of(session, asset_id=d.asset_id)
        if allocation.id not in {f.allocation_id for f in fundings}:
            raise InvalidInput(
                "该收益分配的项目或资产不由此资金分配出资",
                detail_en="the distribution's project or asset is not funded by this allocation",
                field="distribution_id",
            )
    if data.subsidy_id:
        s = await session.get(Subsidy, data.subsidy_id)
        if s is None or not can_read(principal, region=s.village_code):
            raise InvalidInput("补贴不存在", detail_en=f"subsidy {data.subsidy_id} not found", field="subsidy_id")
        if not s.village_code.startswith(allocation.region_code):
            raise InvalidInput("该补贴的农户不在此资金分配的地区", detail_en="the subsidy's household is outside the allocation's region", field="subsidy_id")


async def _ensure_notice_released(session: AsyncSession, request: PaymentRequest) -> None:
    """拨款报账 pays what a village notice released, never what it still holds (409 ``notice_not_released``)."""
    if request.distribution_id:
        d = await session.get(Distribution, request.distribution_id)
        assert d is not None  # checked when the request was made; distributions are never deleted
        gate.ensure_released(d, what="收益分配", field="distribution_id")
    if request.subsidy_id:
        s = await session.get(Subsidy, request.subsidy_id)
        assert s is not None  # as above
        gate.ensure_released(s, what="补贴", field="subsidy_id")


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
    await _ensure_notice_released(session, request)
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
