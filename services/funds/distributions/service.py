"""Use cases of distributions: keyword-only functions over a session; they flush and emit, never commit."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from policy import funds as policy_funds
from policy.verdicts import YearlyCap
from services.funds import domain
from services.funds.allocations.models import Allocation
from services.funds.assets.models import Asset
from services.funds.base import metadata
from services.funds.common import get_or_404, record_payment
from services.funds.distributions import gate, repository
from services.funds.distributions.models import Distribution, Reversal
from services.funds.distributions.schemas import DistributionIn, DistributionOut, ReversalIn, ReversalOut, WithdrawalIn
from services.funds.lineage.models import LINEAGE_FIELDS, IncomePayment, KnownHousehold
from services.funds.projects.models import Agreement, Funding, Project, QuantifiedShare
from services.funds.projects.repository import fundings_of
from shared.auth import Principal, ensure_different_person, ensure_readable, ensure_writable
from shared.errors import enforce
from shared.events.funds import (
    DistributionApprovedV2,
    DistributionPaidToHousehold,
    DistributionProposedV2,
    DistributionReversed,
    DistributionWithdrawn,
    IncomeReversed,
    ReversalProposed,
)
from shared.events.funds_notice import DistributionPostedForNotice, DistributionReleased, NoticeLine
from shared.events.income import BenefitType, IncomeLine, Lineage
from shared.ids import new_id
from shared.money import portion_at_least
from shared.outbox import emit
from shared.paging import Page, PageParams, paginate
from shared.problems import Conflict, InvalidInput


def distribution_out(d: Distribution) -> DistributionOut:
    """The distribution with the split it holds (frozen at the proposal: the approver approves exactly that)."""
    return DistributionOut.model_validate(d)


async def _beneficiary_shares(session: AsyncSession, d: Distribution) -> dict[str, tuple[int, str]]:
    """Units of each poor household holding quantified shares in the distribution's project or asset."""
    stmt = select(col(QuantifiedShare.household_id), col(QuantifiedShare.units), col(KnownHousehold.village_code)).join(
        KnownHousehold, col(KnownHousehold.id) == QuantifiedShare.household_id
    )
    stmt = stmt.where(col(KnownHousehold.left_on).is_(None), col(KnownHousehold.poverty_status).in_(domain.BENEFICIARY_STATUSES))
    stmt = stmt.where(col(QuantifiedShare.project_id) == d.project_id) if d.project_id else stmt.where(col(QuantifiedShare.asset_id) == d.asset_id)
    return {h: (int(u), v) for h, u, v in (await session.execute(stmt)).all()}


async def _split(session: AsyncSession, d: Distribution) -> dict[str, tuple[int, int]]:
    shares = await _beneficiary_shares(session, d)
    parts = domain.split_among_households(d.poor_households_fen, {h: u for h, (u, _) in shares.items()})
    return {h: (shares[h][0], parts[h]) for h in parts}


STANDING = ("proposed", "approved")  # withdrawn and reversed distributions no longer hold their period


async def _standing_periods(session: AsyncSession, source_key: str) -> list[domain.PaidPeriod]:
    stmt = select(col(Distribution.id), col(Distribution.period), col(Distribution.period_start), col(Distribution.period_end)).where(
        col(Distribution.source_key) == source_key, col(Distribution.status).in_(STANDING)
    )
    return [domain.PaidPeriod(i, label, start, end) for i, label, start, end in (await session.execute(stmt)).all()]


async def propose_distribution(*, session: AsyncSession, principal: Principal, data: DistributionIn) -> DistributionOut:
    entity_id: str | None
    agreement_id: str | None = None
    asset: Asset | None = None
    if data.project_id:
        project = await get_or_404(session, Project, data.project_id, "项目", lock=True)  # one proposal per period at a time
        ensure_readable(principal, region=project.village_code, entity_id=project.entity_id, what="项目")
        ensure_writable(principal, region=project.village_code, entity_id=project.entity_id)
        agreement = (await session.execute(select(Agreement).where(col(Agreement.project_id) == project.id))).scalar_one_or_none()
        agreement_id = agreement.id if agreement else None
        village, entity_id, guidance, source_key = project.village_code, project.entity_id, project.guidance_fund, f"project:{project.id}"
        floor = domain.poor_share_floor(agreed_bp=agreement.poor_share_bp if agreement else None, guidance_fund=guidance, asset=False)
        benefit = BenefitType.equity_dividend
    else:
        asset = await get_or_404(session, Asset, data.asset_id, "资产", lock=True)  # type: ignore[arg-type]  # DistributionIn gives asset_id when not project_id
        ensure_readable(principal, region=asset.village_code, entity_id=asset.entity_id, what="资产")
        ensure_writable(principal, region=asset.village_code, entity_id=asset.entity_id)
        allocation = await session.get(Allocation, asset.allocation_id)
        guidance = allocation is not None and allocation.fund_kind in domain.GUIDANCE_FUND_KINDS
        village, entity_id, source_key = asset.village_code, asset.entity_id, f"asset:{asset.id}"
        floor = domain.poor_share_floor(agreed_bp=None, guidance_fund=guidance, asset=True)
        benefit = BenefitType.asset_income
    start, end = data.period_start, data.period_end
    assert start is not None and end is not None  # DistributionIn derives them from the label
    label = data.period or domain.period_label(start, end)
    # The source row is locked above, so two overlapping proposals cannot both pass this check.
    domain.check_periods_do_not_overlap(start=start, end=end, standing=await _standing_periods(session, source_key))
    if data.paid_on.year < start.year:
        raise InvalidInput("支付日期早于分配期间", detail_en=f"paid_on is before the period {label}", field="paid_on")
    if asset is not None and asset.handover_mode in domain.FEE_HANDOVER_MODES and asset.annual_fee_fen:
        declared = (
            await session.execute(
                select(col(Distribution.period_start), col(Distribution.total_fen)).where(
                    col(Distribution.source_key) == source_key, col(Distribution.status).in_(STANDING)
                )
            )
        ).all()
        paid = sum(int(t) for s_, t in declared if s_.year == start.year)
        enforce(policy_funds.r10_assets(handover_mode=asset.handover_mode, fee=YearlyCap(asset.annual_fee_fen, paid, data.total_fen, start.year)))
    minimum = portion_at_least(data.total_fen, floor.bp)
    poor_fen = minimum if data.poor_households_fen is None else data.poor_households_fen
    domain.check_poor_households_portion(total_fen=data.total_fen, poor_households_fen=poor_fen, floor=floor)
    distribution = Distribution(
        id=new_id(),
        project_id=data.project_id,
        asset_id=data.asset_id,
        source_key=source_key,
        agreement_id=agreement_id,
        entity_id=entity_id,
        village_code=village,
        period=label,
        period_start=start,
        period_end=end,
        total_fen=data.total_fen,
        poor_households_fen=poor_fen,
        poor_share_bp=floor.bp,
        rule=floor.rule,
        guidance_fund=guidance,
        benefit_type=str(benefit),
        paid_on=data.paid_on,
        status="proposed",
        proposed_by=principal.subject,
    )
    split = await _split(session, distribution)  # R17: refused when no poor household holds shares
    distribution.split = {h: [u, a] for h, (u, a) in split.items()}
    session.add(distribution)
    await session.flush()
    emit(
        session,
        DistributionProposedV2(
            distribution_id=distribution.id,
            project_id=distribution.project_id,
            asset_id=distribution.asset_id,
            entity_id=entity_id,
            village_code=village,
            period=label,
            total_fen=data.total_fen,
            poor_households_fen=poor_fen,
            poor_share_bp=floor.bp,
            guidance_fund=guidance,
            period_start=start,
            period_end=end,
        ),
    )
    return distribution_out(distribution)


def _frozen_split(d: Distribution) -> dict[str, tuple[int, int]]:
    return {h: (int(u), int(a)) for h, (u, a) in (d.split or {}).items()}


async def get_distribution(*, session: AsyncSession, principal: Principal, distribution_id: str) -> DistributionOut:
    d = await get_or_404(session, Distribution, distribution_id, "分配")
    ensure_readable(principal, region=d.village_code, entity_id=d.entity_id, what="分配")
    return distribution_out(d)


def _primary(fundings: list[Funding]) -> Funding | None:
    """The allocation that put the most into a project or asset (ties: lowest id) — the lineage's fund end."""
    return min(fundings, key=lambda f: (-f.amount_fen, f.allocation_id)) if fundings else None


async def _lineage(session: AsyncSession, d: Distribution) -> Lineage:
    primary = _primary(await fundings_of(session, project_id=d.project_id) if d.project_id else await fundings_of(session, asset_id=d.asset_id))
    return Lineage(
        fund_id=primary.fund_id if primary else None,
        allocation_id=primary.allocation_id if primary else None,
        project_id=d.project_id,
        asset_id=d.asset_id,
        agreement_id=d.agreement_id,
        distribution_id=d.id,
        entity_id=d.entity_id,
    )


async def approve_distribution(
    *, session: AsyncSession, principal: Principal, distribution_id: str, notice_window: timedelta = timedelta(0)
) -> DistributionOut:
    """Approve (not by the proposer). With a notice window the money is held until the village notice closes (``release_distribution``)."""
    d = await get_or_404(session, Distribution, distribution_id, "分配", lock=True)
    ensure_readable(principal, region=d.village_code, entity_id=d.entity_id, what="分配")
    ensure_writable(principal, region=d.village_code)
    ensure_different_person(d.proposed_by, principal, what="收益分配")
    if d.status != "proposed":
        raise Conflict(
            f"该分配状态为 {d.status}，不能审批",
            detail_en=f"this distribution is {d.status}, not proposed",
            code="already_approved" if d.status == "approved" else f"distribution_{d.status}",
        )
    split = _frozen_split(d)
    d.status, d.approved_by = "approved", principal.subject
    d.release = gate.hold(notice_window)
    held = d.release is not None
    lineage = await _lineage(session, d)
    await session.flush()
    emit(
        session,
        DistributionApprovedV2(
            distribution_id=d.id,
            project_id=d.project_id,
            asset_id=d.asset_id,
            agreement_id=d.agreement_id,
            entity_id=d.entity_id,
            village_code=d.village_code,
            period=d.period,
            total_fen=d.total_fen,
            poor_households_fen=d.poor_households_fen,
            poor_share_bp=d.poor_share_bp,
            guidance_fund=d.guidance_fund,
            household_count=sum(1 for _, a in split.values() if a > 0),
            benefit_type=d.benefit_type,  # type: ignore[arg-type]  # the row holds one of the contract's two values as a string
            period_start=d.period_start,
            period_end=d.period_end,
        ),
    )
    if not held:
        await _pay(session, d, lineage)
    emit(
        session,
        DistributionPostedForNotice(
            distribution_id=d.id,
            project_id=d.project_id,
            asset_id=d.asset_id,
            agreement_id=d.agreement_id,
            entity_id=d.entity_id,
            village_code=d.village_code,
            period=d.period,
            source_key=d.source_key,
            total_fen=d.total_fen,
            poor_households_fen=d.poor_households_fen,
            poor_share_bp=d.poor_share_bp,
            rule=d.rule,
            benefit_type=d.benefit_type,  # type: ignore[arg-type]  # as above
            paid_on=d.paid_on,
            lineage=lineage,
            lines=[NoticeLine(household_id=h, units=u, amount_fen=a) for h, (u, a) in sorted(split.items())],
            held=held,
            window_seconds=int(notice_window.total_seconds()),
            approved_by=principal.subject,
        ),
    )
    return distribution_out(d)


async def _pay(session: AsyncSession, d: Distribution, lineage: Lineage) -> int:
    """One income line and fact per household of the frozen split; the number of households paid."""
    split = _frozen_split(d)
    households = {h.id: h for h in (await session.execute(select(KnownHousehold).where(col(KnownHousehold.id).in_(list(split))))).scalars()}
    paid = 0
    for household_id, (units, amount) in sorted(split.items()):
        if amount == 0:  # a share too small for a fen this period: nothing is paid, nothing is booked
            continue
        line_id, income = record_payment(
            session,
            household=households[household_id],
            benefit_type=BenefitType(d.benefit_type),
            amount_fen=amount,
            occurred_on=d.paid_on,
            lineage=lineage,
            units=units,
            period_year=d.period_start.year,
        )
        emit(session, DistributionPaidToHousehold(line_id=line_id, distribution_id=d.id, household_id=household_id, units=units, income=income))
        paid += 1
    await session.flush()
    return paid


async def _pay_held(session: AsyncSession, d: Distribution, notice_id: str) -> None:
    """The notice closed with no upheld objection: the held split is paid, and funds says so (``distribution_released``)."""
    paid = await _pay(session, d, await _lineage(session, d))
    emit(
        session,
        DistributionReleased(
            distribution_id=d.id, notice_id=notice_id, village_code=d.village_code, household_count=paid, poor_households_fen=d.poor_households_fen
        ),
    )


GATE = gate.Kind(Distribution, _pay_held)


async def withdraw_distribution(*, session: AsyncSession, principal: Principal, distribution_id: str, data: WithdrawalIn) -> DistributionOut:
    """A proposal is withdrawn by its proposer or by an official in scope; the row stays, status ``withdrawn``."""
    d = await get_or_404(session, Distribution, distribution_id, "分配", lock=True)
    ensure_readable(principal, region=d.village_code, entity_id=d.entity_id, what="分配")
    own = d.proposed_by == principal.subject
    ensure_writable(principal, region=d.village_code, entity_id=d.entity_id if own else None)
    held = gate.waiting(d)  # approved, but its money still waits for the notice
    if d.status != "proposed" and not held:
        raise Conflict(
            f"只能撤回待审批或公示中未放款的分配，该分配为 {d.status}",
            detail_en=f"only a proposed distribution, or an approved one whose notice still holds its money, is withdrawn; this one is {d.status} (reverse it)",
            code="not_proposed",
        )
    gate.withdraw(d, by=principal.subject, reason=data.reason)
    await session.flush()
    emit(
        session,
        DistributionWithdrawn(
            distribution_id=d.id,
            project_id=d.project_id,
            asset_id=d.asset_id,
            village_code=d.village_code,
            period=d.period,
            withdrawn_by=principal.subject,
            reason=data.reason,
        ),
    )
    return distribution_out(d)


async def reversal_out(session: AsyncSession, r: Reversal) -> ReversalOut:
    lines = (await session.execute(select(col(IncomePayment.id)).where(col(IncomePayment.reversal_id) == r.id).order_by(IncomePayment.id))).scalars()
    return ReversalOut.model_validate(r, update={"reversing_line_ids": list(lines)})


async def propose_reversal(*, session: AsyncSession, principal: Principal, target_kind: str, target_id: str, data: ReversalIn) -> ReversalOut:
    """The maker: propose to reverse an approved distribution (all its lines) or one income line, with a reason."""
    if target_kind == "distribution":
        d = await get_or_404(session, Distribution, target_id, "分配", lock=True)
        ensure_readable(principal, region=d.village_code, entity_id=d.entity_id, what="分配")
        ensure_writable(principal, region=d.village_code)
        if d.status != "approved":
            raise Conflict(
                f"只能冲正已审批的分配，该分配为 {d.status}",
                detail_en=f"only an approved distribution is reversed; this one is {d.status} (a proposal is withdrawn instead)",
                code="not_approved",
            )
        village, entity_id = d.village_code, d.entity_id
    else:
        line = await get_or_404(session, IncomePayment, target_id, "收益明细", lock=True)
        ensure_readable(principal, region=line.village_code, entity_id=line.entity_id, what="收益明细")
        ensure_writable(principal, region=line.village_code)
        if line.reverses_line_id is not None:
            raise Conflict("冲正明细不能再冲正", detail_en="a reversing line is not reversed again", code="is_reversal")
        if line.distribution_id is not None:
            raise Conflict(
                "分红明细随其分配整体冲正",
                detail_en=f"a distribution's lines are reversed together: reverse distribution {line.distribution_id}",
                code="part_of_distribution",
                distribution_id=line.distribution_id,
            )
        village, entity_id = line.village_code, line.entity_id
    existing = (
        await session.execute(select(Reversal).where(col(Reversal.target_kind) == target_kind, col(Reversal.target_id) == target_id))
    ).scalar_one_or_none()
    if existing is not None:
        raise Conflict(
            "已有冲正申请", detail_en=f"reversal {existing.id} ({existing.status}) already exists for it", code="reversal_exists", reversal_id=existing.id
        )
    reversal = Reversal(
        id=new_id(),
        target_kind=target_kind,
        target_id=target_id,
        village_code=village,
        entity_id=entity_id,
        reason=data.reason,
        status="proposed",
        proposed_by=principal.subject,
    )
    session.add(reversal)
    if target_kind == "distribution":
        d.reversal_id = reversal.id
    await session.flush()
    emit(session, ReversalProposed(reversal_id=reversal.id, target_kind=target_kind, target_id=target_id, village_code=village, reason=data.reason))  # type: ignore[arg-type]  # the two routes pass the two kinds
    return await reversal_out(session, reversal)


async def get_reversal(*, session: AsyncSession, principal: Principal, reversal_id: str) -> ReversalOut:
    r = await get_or_404(session, Reversal, reversal_id, "冲正")
    ensure_readable(principal, region=r.village_code, entity_id=r.entity_id, what="冲正")
    return await reversal_out(session, r)


async def _fact_of_line(session: AsyncSession, line_id: str) -> str | None:
    """The event id of the fact that paid a line (its subject is the line id)."""
    outbox = metadata.tables["outbox"]
    return (await session.execute(select(outbox.c.event_id).where(outbox.c.subject == line_id).order_by(outbox.c.sequence).limit(1))).scalar_one_or_none()


async def approve_reversal(*, session: AsyncSession, principal: Principal, reversal_id: str) -> ReversalOut:
    """The checker: a different person approves; each original line gets its negative twin, the originals stay."""
    r = await get_or_404(session, Reversal, reversal_id, "冲正", lock=True)
    ensure_readable(principal, region=r.village_code, entity_id=r.entity_id, what="冲正")
    ensure_writable(principal, region=r.village_code)
    ensure_different_person(r.proposed_by, principal, what="冲正")
    if r.status != "proposed":
        raise Conflict("该冲正已审批", detail_en="this reversal has already been approved", code="already_approved")
    d: Distribution | None = None
    if r.target_kind == "distribution":
        d = await get_or_404(session, Distribution, r.target_id, "分配", lock=True)
        stmt = select(IncomePayment).where(col(IncomePayment.distribution_id) == d.id, col(IncomePayment.reverses_line_id).is_(None))
        originals = list((await session.execute(stmt.order_by(IncomePayment.household_id))).scalars())
    else:
        originals = [await get_or_404(session, IncomePayment, r.target_id, "收益明细", lock=True)]
    r.status, r.approved_by = "approved", principal.subject
    for original in originals:
        line_id = new_id()
        lineage = Lineage(**{name: getattr(original, name) for name in LINEAGE_FIELDS})
        session.add(
            IncomePayment(
                id=line_id,
                household_id=original.household_id,
                village_code=original.village_code,
                benefit_type=original.benefit_type,
                amount_fen=-original.amount_fen,
                occurred_on=original.occurred_on,  # the year's income returns to what it was before the payment
                units=original.units,
                period_year=original.period_year,
                reverses_line_id=original.id,
                reversal_id=r.id,
                **{name: getattr(original, name) for name in LINEAGE_FIELDS},
            )
        )
        income = IncomeLine(
            household_id=original.household_id,
            village_code=original.village_code,
            benefit_type=BenefitType(original.benefit_type),
            amount_fen=-original.amount_fen,
            occurred_on=original.occurred_on,
            lineage=lineage,
            reverses_event_id=await _fact_of_line(session, original.id),
        )
        emit(
            session,
            IncomeReversed(
                line_id=line_id, reverses_line_id=original.id, reversal_id=r.id, distribution_id=original.distribution_id, reason=r.reason, income=income
            ),
        )
    if d is not None:
        d.status = "reversed"
        gate.cancel(d)  # reversed before its notice released it: nothing was paid, nothing is reversed
        emit(
            session,
            DistributionReversed(
                distribution_id=d.id,
                reversal_id=r.id,
                project_id=d.project_id,
                asset_id=d.asset_id,
                village_code=d.village_code,
                period=d.period,
                total_fen=d.total_fen,
                poor_households_fen=d.poor_households_fen,
                reason=r.reason,
                proposed_by=r.proposed_by,
                approved_by=principal.subject,
            ),
        )
    await session.flush()
    return await reversal_out(session, r)


async def list_distributions(*, session: AsyncSession, principal: Principal, page: PageParams) -> Page[DistributionOut]:
    return await paginate(session, repository.visible_distributions(principal), key=col(Distribution.id), params=page, to_item=DistributionOut.model_validate)
