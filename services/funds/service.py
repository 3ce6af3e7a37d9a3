"""Funds use cases: keyword-only functions over a session; they flush and emit, never commit.

Every yuan is traceable both ways: ``Funding`` rows tie allocations (and so funds) to projects and
assets; ``IncomePayment`` rows tie each household's income line to its distribution, project,
asset, agreement, land transfer, lease-back, subsidy or loan.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funds import domain
from services.funds.models import (
    LINEAGE_FIELDS,
    Agreement,
    Allocation,
    Asset,
    Distribution,
    Entity,
    Fund,
    Funding,
    IncomePayment,
    KnownHousehold,
    KnownMember,
    LandTransfer,
    LeaseBack,
    Loan,
    PaymentRequest,
    Project,
    QuantifiedShare,
    Reversal,
    Subsidy,
    metadata,
)
from services.funds.schemas import (
    AllocationIn,
    AllocationOut,
    AssetIn,
    AssetOut,
    DisasterTermsIn,
    DistributionIn,
    DistributionLineage,
    DistributionOut,
    EntityIn,
    EntityOut,
    EntityUpdateIn,
    FundIn,
    FundLink,
    FundOut,
    FundReach,
    HandoverIn,
    IncomePaymentOut,
    KnownHouseholdOut,
    LandTransferIn,
    LandTransferOut,
    LeaseBackIn,
    LeaseBackOut,
    LoanIn,
    LoanOut,
    LoanReturnIn,
    OverdueIn,
    PaymentIn,
    PaymentRequestIn,
    PaymentRequestOut,
    ProjectIn,
    ProjectOut,
    ReachLine,
    RepaymentIn,
    ReversalIn,
    ReversalOut,
    RightsTransferIn,
    ShareIn,
    ShareOut,
    SpecialFundReport,
    SubsidyIn,
    SubsidyOut,
    WithdrawalIn,
)
from shared.auth import (
    REGION_ROLES,
    Principal,
    can_read,
    ensure_different_person,
    ensure_readable,
    ensure_writable,
    visible,
)
from shared.events.funds import (
    AgreementSigned,
    AllocationRecorded,
    AssetHandedOver,
    AssetRegistered,
    AssetRightsTransferredToCollective,
    DistributionApprovedV2,
    DistributionPaidToHousehold,
    DistributionProposedV2,
    DistributionReversed,
    DistributionWithdrawn,
    EntityRegistered,
    EntityUpdated,
    FundReceived,
    IncomeReversed,
    LandRentPaid,
    LandTransferred,
    LeaseBackAgreedV2,
    LeaseBackIncomePaid,
    LoanGranted,
    LoanMarkedOverdue,
    LoanRepaid,
    LoanReturnPaid,
    PaymentApproved,
    PaymentMade,
    PaymentRequested,
    ProjectRegistered,
    ReversalProposed,
    SharesQuantified,
    SubsidyPaid,
)
from shared.events.income import BenefitType, IncomeLine, Lineage
from shared.ids import new_id
from shared.money import split_by_shares
from shared.outbox import emit
from shared.problems import Conflict, InvalidInput, NotFound
from shared.regions import county_of

# ---- lookups ----------------------------------------------------------------------------------


# A write body naming an object the writer may not read is answered exactly as if the object did not exist
# (same status, message and field): the answer never tells whether it exists elsewhere. ``principal`` is
# given for ids taken from a request body, and omitted for ids read from a row already in scope.


async def _household(session: AsyncSession, household_id: str, *, principal: Principal | None = None, field: str = "household_id") -> KnownHousehold:
    household = await session.get(KnownHousehold, household_id)
    if household is None or (principal is not None and not can_read(principal, region=household.village_code)):
        raise InvalidInput("资金服务尚未获知该户", detail_en=f"household {household_id} is not known to the funds service", field=field)
    if household.left_on is not None:
        raise InvalidInput("该户已退出建档立卡", detail_en=f"household {household_id} left the registry", field=field)
    return household


def entity_visible(principal: Principal, entity: Entity) -> bool:
    """Entities register with a county: everyone working inside that county (and its own operator) sees them."""
    if can_read(principal, region=entity.county_code, entity_id=entity.id):
        return True
    return principal.role in REGION_ROLES and bool(principal.scope) and county_of(principal.scope or "") == entity.county_code


def entities_visible(principal: Principal) -> Any:
    """``entity_visible`` as a WHERE clause for lists."""
    clause = visible(principal, region=Entity.county_code, entity=Entity.id)
    if principal.role in REGION_ROLES and principal.scope:
        clause = clause | (Entity.county_code == county_of(principal.scope))
    return clause


async def _entity(session: AsyncSession, entity_id: str | None, *, principal: Principal | None = None, field: str = "entity_id") -> Entity:
    entity = await session.get(Entity, entity_id) if entity_id else None
    if entity is None or (principal is not None and not entity_visible(principal, entity)):
        raise InvalidInput("经营主体未登记", detail_en=f"operating entity {entity_id} is not registered", field=field)
    return entity


async def _member(session: AsyncSession, member_id: str, *, principal: Principal, field: str) -> KnownMember:
    member = await session.get(KnownMember, member_id)
    if member is None or member.left_on is not None or not can_read(principal, region=member.village_code):
        raise InvalidInput("资金服务尚未获知该成员", detail_en=f"member {member_id} is not known to the funds service", field=field)
    return member


async def _get(session: AsyncSession, model: Any, object_id: str, what: str, *, lock: bool = False) -> Any:
    """The object or 404; ``lock`` holds its row until commit (PostgreSQL), so checks on its totals do not race."""
    obj = await session.get(model, object_id, with_for_update=lock)
    if obj is None:
        raise NotFound(f"{what}不存在", detail_en=f"{model.__tablename__} {object_id} not found")
    return obj


def _ordered(start: date, end: date, field: str) -> None:
    domain.check_dates_ordered(start, end, field=field)


def _record_payment(
    session: AsyncSession,
    *,
    household: KnownHousehold,
    benefit_type: BenefitType,
    amount_fen: int,
    occurred_on: date,
    lineage: Lineage,
    units: int | None = None,
    period_year: int | None = None,
) -> tuple[str, IncomeLine]:
    """Keep the household's income line with its lineage and return it for the fact that pays it."""
    line_id = new_id()
    session.add(
        IncomePayment(
            id=line_id,
            household_id=household.id,
            village_code=household.village_code,
            benefit_type=str(benefit_type),
            amount_fen=amount_fen,
            occurred_on=occurred_on,
            units=units,
            period_year=period_year if period_year is not None else occurred_on.year,
            **{name: getattr(lineage, name) for name in LINEAGE_FIELDS},
        )
    )
    income = IncomeLine(
        household_id=household.id,
        village_code=household.village_code,
        benefit_type=benefit_type,
        amount_fen=amount_fen,
        occurred_on=occurred_on,
        lineage=lineage,
    )
    return line_id, income


async def _paid_for_year(session: AsyncSession, *, year: int, benefit_type: BenefitType, **lineage: Any) -> int:
    """What was paid for ``year`` against one agreement (reversing lines included, so a reversal frees its amount)."""
    stmt = select(func.coalesce(func.sum(IncomePayment.amount_fen), 0)).where(
        IncomePayment.period_year == year, IncomePayment.benefit_type == str(benefit_type), IncomePayment.subsidy_id.is_(None)
    )
    for name, value in lineage.items():
        stmt = stmt.where(getattr(IncomePayment, name) == value)
    return int((await session.execute(stmt)).scalar_one())


# ---- funds and allocations (R1, R2) -------------------------------------------------------------


async def fund_out(session: AsyncSession, fund: Fund) -> FundOut:
    allocated = (await session.execute(select(func.coalesce(func.sum(Allocation.amount_fen), 0)).where(Allocation.fund_id == fund.id))).scalar_one()
    return FundOut.model_validate(fund, update={"allocated_fen": int(allocated)})


async def receive_fund(*, session: AsyncSession, principal: Principal, data: FundIn) -> FundOut:
    ensure_writable(principal, region=data.village_code or data.county_code)
    fund = Fund(id=new_id(), **data.model_dump())
    session.add(fund)
    await session.flush()
    emit(session, FundReceived(fund_id=fund.id, **data.model_dump()))
    return await fund_out(session, fund)


async def get_fund(*, session: AsyncSession, principal: Principal, fund_id: str) -> FundOut:
    fund = await _get(session, Fund, fund_id, "资金")
    ensure_readable(principal, region=fund.village_code or fund.county_code, what="资金")
    return await fund_out(session, fund)


def allocation_out(a: Allocation) -> AllocationOut:
    return AllocationOut.model_validate(a)


async def _special_fund_totals(session: AsyncSession, county_code: str) -> dict[str, int]:
    received = (
        await session.execute(
            select(func.coalesce(func.sum(Fund.amount_fen), 0)).where(Fund.county_code == county_code, Fund.kind == "provincial_special")
        )
    ).scalar_one()
    rows = (
        await session.execute(
            select(Allocation.purpose, func.sum(Allocation.amount_fen))
            .where(Allocation.county_code == county_code, Allocation.fund_kind == "provincial_special")
            .group_by(Allocation.purpose)
        )
    ).all()
    totals = {"received": int(received), "industry": 0, "education": 0, "medical": 0, "other": 0}
    for purpose, amount in rows:
        totals[purpose] = int(amount or 0)
    return totals


async def record_allocation(*, session: AsyncSession, principal: Principal, data: AllocationIn) -> AllocationOut:
    fund = await session.get(Fund, data.fund_id, with_for_update=True)
    if fund is None or not can_read(principal, region=fund.village_code or fund.county_code):
        raise InvalidInput("资金不存在", detail_en=f"fund {data.fund_id} not found", field="fund_id")
    village_code = data.village_code
    domain.check_r2_no_platform_company(fund_kind=fund.kind, recipient_kind=data.recipient_kind)
    entity_id: str | None = None
    recipient_id = data.recipient_id
    if data.recipient_kind in ("operating_entity", "government_platform_company"):
        entity = await _entity(session, data.recipient_id, principal=principal, field="recipient_id")
        # A platform company named as an "operating entity" is still a platform company (R2).
        effective = "government_platform_company" if entity.kind == "government_platform_company" else data.recipient_kind
        domain.check_r2_no_platform_company(fund_kind=fund.kind, recipient_kind=effective)
        entity_id = entity.id
    elif data.recipient_kind == "household":
        household = await _household(session, data.recipient_id or "", principal=principal, field="recipient_id")
        village_code = village_code or household.village_code
        if household.village_code != village_code:
            raise InvalidInput("该户不在此村", detail_en="the household is not in village_code", field="recipient_id")

    else:  # village collective
        if not village_code:
            raise InvalidInput("分配给村集体须指明村", detail_en="an allocation to a village collective names the village", field="village_code")
        recipient_id = village_code
    _ordered(fund.received_on, data.allocated_on, "allocated_on")
    if fund.village_code and village_code != fund.village_code:
        raise InvalidInput("该资金只用于其指定的村", detail_en=f"this fund is for village {fund.village_code}", field="village_code")
    if village_code and county_of(village_code) != fund.county_code:
        raise InvalidInput("村不在资金所属县", detail_en=f"village {village_code} is not in the fund's county {fund.county_code}", field="village_code")
    region = village_code or fund.county_code
    ensure_writable(principal, region=region)
    allocated = (await session.execute(select(func.coalesce(func.sum(Allocation.amount_fen), 0)).where(Allocation.fund_id == fund.id))).scalar_one()
    domain.check_allocation_within_fund(fund_fen=fund.amount_fen, allocated_fen=int(allocated), amount_fen=data.amount_fen)
    if fund.kind == "provincial_special":
        # R1 is a county total: hold every special fund row of the county while checking it.
        await session.execute(select(Fund.id).where(Fund.county_code == fund.county_code, Fund.kind == "provincial_special").with_for_update())
        t = await _special_fund_totals(session, fund.county_code)
        t[data.purpose] += data.amount_fen
        domain.check_r1_industry_share(received_fen=t["received"], education_fen=t["education"], medical_fen=t["medical"], other_fen=t["other"])
    allocation = Allocation(
        id=new_id(),
        fund_id=fund.id,
        fund_kind=fund.kind,
        county_code=fund.county_code,
        village_code=village_code,
        region_code=region,
        purpose=data.purpose,
        recipient_kind=data.recipient_kind,
        recipient_id=recipient_id,
        entity_id=entity_id,
        amount_fen=data.amount_fen,
        committed_fen=0,
        requested_fen=0,
        paid_fen=0,
        allocated_on=data.allocated_on,
    )
    session.add(allocation)
    await session.flush()
    emit(
        session,
        AllocationRecorded(
            allocation_id=allocation.id,
            fund_id=fund.id,
            fund_kind=fund.kind,  # type: ignore[arg-type]
            county_code=fund.county_code,
            village_code=village_code,
            purpose=data.purpose,
            recipient_kind=data.recipient_kind,
            recipient_id=recipient_id,  # type: ignore[arg-type]
            entity_id=entity_id,
            amount_fen=data.amount_fen,
            allocated_on=data.allocated_on,
        ),
    )
    return allocation_out(allocation)


async def special_fund_report(*, session: AsyncSession, principal: Principal, county_code: str) -> SpecialFundReport:
    ensure_readable(principal, region=county_code, what="县")
    t = await _special_fund_totals(session, county_code)
    allocated = t["industry"] + t["education"] + t["medical"] + t["other"]
    share = domain.industry_share_bp(industry_fen=t["industry"], education_fen=t["education"], medical_fen=t["medical"], allocated_fen=allocated)
    return SpecialFundReport(
        county_code=county_code,
        received_fen=t["received"],
        allocated_fen=allocated,
        industry_fen=t["industry"],
        education_fen=t["education"],
        medical_fen=t["medical"],
        other_fen=t["other"],
        industry_share_bp=share,
        meets_r1=share is None or share >= domain.R1_INDUSTRY_MIN_BP,
    )


# ---- operating entities ---------------------------------------------------------------------------


def entity_out(e: Entity) -> EntityOut:
    return EntityOut.model_validate(e)


async def register_entity(*, session: AsyncSession, principal: Principal, data: EntityIn) -> EntityOut:
    ensure_writable(principal, region=data.county_code)
    for i, v in enumerate(data.village_codes):
        if county_of(v) != data.county_code:
            raise InvalidInput("村不在该县", detail_en=f"village {v} is not in county {data.county_code}", field=f"village_codes[{i}]")
    if (await session.execute(select(Entity.id).where(Entity.credit_code == data.credit_code))).first():
        raise Conflict("统一社会信用代码已登记", detail_en=f"credit code {data.credit_code} is already registered", field="credit_code")
    entity = Entity(id=new_id(), **data.model_dump())
    session.add(entity)
    await session.flush()
    emit(
        session,
        EntityRegistered(
            entity_id=entity.id,
            name=entity.name,
            kind=entity.kind,  # type: ignore[arg-type]
            credit_code=entity.credit_code,
            county_code=entity.county_code,
            village_codes=list(entity.village_codes),
        ),
    )
    return entity_out(entity)


async def update_entity(*, session: AsyncSession, principal: Principal, entity_id: str, data: EntityUpdateIn) -> EntityOut:
    entity = await _get(session, Entity, entity_id, "经营主体", lock=True)
    if not entity_visible(principal, entity):
        raise NotFound("经营主体不存在", detail_en="not found")
    ensure_writable(principal, region=entity.county_code)
    if data.village_codes is not None:
        for i, v in enumerate(data.village_codes):
            if county_of(v) != entity.county_code:
                raise InvalidInput("村不在该县", detail_en=f"village {v} is not in county {entity.county_code}", field=f"village_codes[{i}]")
        entity.village_codes = list(dict.fromkeys(data.village_codes))
    if data.name is not None:
        entity.name = data.name
    await session.flush()
    emit(session, EntityUpdated(entity_id=entity.id, name=entity.name, kind=entity.kind, village_codes=list(entity.village_codes)))  # type: ignore[arg-type]
    return entity_out(entity)


async def get_entity(*, session: AsyncSession, principal: Principal, entity_id: str) -> EntityOut:
    entity = await _get(session, Entity, entity_id, "经营主体")
    if not entity_visible(principal, entity):
        raise NotFound("经营主体不存在", detail_en="not found")
    return entity_out(entity)


# ---- three-rights projects, agreements, quantified shares (R9) -----------------------------------


async def _fundings(session: AsyncSession, *, project_id: str | None = None, asset_id: str | None = None) -> list[Funding]:
    stmt = select(Funding).order_by(Funding.id)
    stmt = stmt.where(Funding.project_id == project_id) if project_id else stmt.where(Funding.asset_id == asset_id)
    return list((await session.execute(stmt)).scalars())


async def project_out(session: AsyncSession, p: Project) -> ProjectOut:
    agreement = (await session.execute(select(Agreement).where(Agreement.project_id == p.id))).scalar_one_or_none()
    fundings = await _fundings(session, project_id=p.id)
    return ProjectOut.model_validate(p, update={"funded_by": fundings, "agreement": agreement})


async def _commit_allocation(session: AsyncSession, *, principal: Principal, allocation_id: str, amount_fen: int, village_code: str, field: str) -> Allocation:
    allocation = await session.get(Allocation, allocation_id, with_for_update=True)
    if allocation is None or not can_read(principal, region=allocation.region_code, entity_id=allocation.entity_id):
        raise InvalidInput("分配不存在", detail_en=f"allocation {allocation_id} not found", field=f"{field}.allocation_id")
    if allocation.county_code != county_of(village_code) or (allocation.village_code and allocation.village_code != village_code):
        raise InvalidInput("分配不属于该村", detail_en="the allocation is not for this village", field=f"{field}.allocation_id")
    left = allocation.amount_fen - allocation.committed_fen
    if amount_fen > left:
        raise InvalidInput(
            f"分配余额不足：余 {left} 分，需 {amount_fen} 分",
            detail_en=f"the allocation has {left} fen left, {amount_fen} fen asked",
            field=f"{field}.amount_fen",
            left_fen=left,
            amount_fen=amount_fen,
        )
    allocation.committed_fen += amount_fen
    return allocation


async def register_project(*, session: AsyncSession, principal: Principal, data: ProjectIn) -> ProjectOut:
    ensure_writable(principal, region=data.village_code)
    domain.check_r9_agreement_poor_share(data.agreement.poor_share_bp)
    _ordered(data.agreement.term_start, data.agreement.term_end, "agreement.term_end")
    entity = await _entity(session, data.entity_id, principal=principal)
    if data.leader_member_id is not None:
        await _member(session, data.leader_member_id, principal=principal, field="leader_member_id")
    project = Project(
        id=new_id(),
        name=data.name,
        village_code=data.village_code,
        industry=data.industry,
        area_tenth_mu=data.area_tenth_mu,
        contiguous=data.contiguous,
        entity_id=entity.id,
        led_by=data.led_by,
        leader_member_id=data.leader_member_id,
        guidance_fund=False,
    )
    seen: set[str] = set()
    fundings = []
    for i, f in enumerate(data.funded_by):
        if f.allocation_id in seen:
            raise InvalidInput("同一分配出现两次", detail_en="the same allocation appears twice", field=f"funded_by[{i}].allocation_id")
        seen.add(f.allocation_id)
        allocation = await _commit_allocation(session, principal=principal, allocation_id=f.allocation_id, amount_fen=f.amount_fen, village_code=data.village_code, field=f"funded_by[{i}]")
        project.guidance_fund = project.guidance_fund or allocation.fund_kind in domain.GUIDANCE_FUND_KINDS
        fundings.append(Funding(id=new_id(), allocation_id=allocation.id, fund_id=allocation.fund_id, project_id=project.id, amount_fen=f.amount_fen))
    agreement = Agreement(id=new_id(), project_id=project.id, **data.agreement.model_dump())
    session.add(project)
    await session.flush()
    session.add_all(fundings)
    session.add(agreement)
    await session.flush()
    emit(
        session,
        ProjectRegistered(
            project_id=project.id,
            name=project.name,
            village_code=project.village_code,
            industry=project.industry,
            area_tenth_mu=project.area_tenth_mu,
            contiguous=project.contiguous,
            entity_id=project.entity_id,
            led_by=project.led_by,  # type: ignore[arg-type]
            leader_member_id=project.leader_member_id,
            funded_by=[f.allocation_id for f in fundings],
            funding_fen=sum(f.amount_fen for f in fundings),
            guidance_fund=project.guidance_fund,
        ),
    )
    emit(
        session,
        AgreementSigned(
            agreement_id=agreement.id,
            project_id=project.id,
            village_code=project.village_code,
            entity_id=project.entity_id,
            signed_on=agreement.signed_on,
            term_start=agreement.term_start,
            term_end=agreement.term_end,
            poor_share_bp=agreement.poor_share_bp,
        ),
    )
    return await project_out(session, project)


async def get_project(*, session: AsyncSession, principal: Principal, project_id: str) -> ProjectOut:
    project = await _get(session, Project, project_id, "项目")
    ensure_readable(principal, region=project.village_code, entity_id=project.entity_id, what="项目")
    return await project_out(session, project)


def share_out(s: QuantifiedShare) -> ShareOut:
    return ShareOut.model_validate(s)


async def quantify_shares(
    *, session: AsyncSession, principal: Principal, data: ShareIn, project_id: str | None = None, asset_id: str | None = None
) -> ShareOut:
    owner: Project | Asset = await _get(session, Project, project_id, "项目") if project_id else await _get(session, Asset, asset_id, "资产")  # type: ignore[arg-type]
    ensure_readable(principal, region=owner.village_code, what="项目")
    ensure_writable(principal, region=owner.village_code)
    household = await _household(session, data.household_id, principal=principal)
    if county_of(household.village_code) != county_of(owner.village_code):
        raise InvalidInput("该户不在项目所在县", detail_en="the household is not in the county of the project or asset", field="household_id")
    existing = select(QuantifiedShare.id).where(QuantifiedShare.household_id == household.id)
    existing = existing.where(QuantifiedShare.project_id == project_id) if project_id else existing.where(QuantifiedShare.asset_id == asset_id)
    if (await session.execute(existing)).first():
        raise Conflict("该户已持有量化股份", detail_en="the household already holds quantified shares here", field="household_id")
    share = QuantifiedShare(
        id=new_id(),
        project_id=project_id,
        asset_id=asset_id,
        household_id=household.id,
        village_code=household.village_code,
        units=data.units,
        contribution=data.contribution,
    )
    session.add(share)
    await session.flush()
    emit(
        session,
        SharesQuantified(
            share_id=share.id,
            project_id=project_id,
            asset_id=asset_id,
            entity_id=getattr(owner, "entity_id", None),
            village_code=household.village_code,
            household_id=household.id,
            units=share.units,
            contribution=data.contribution,
        ),
    )
    return share_out(share)


# ---- assets (R10, R16) --------------------------------------------------------------------------


def asset_out(a: Asset) -> AssetOut:
    return AssetOut.model_validate(a)


async def register_asset(*, session: AsyncSession, principal: Principal, data: AssetIn) -> AssetOut:
    ensure_writable(principal, region=data.village_code)
    allocation = await session.get(Allocation, data.allocation_id)
    if allocation is None or not can_read(principal, region=allocation.region_code, entity_id=allocation.entity_id):
        raise InvalidInput("分配不存在", detail_en=f"allocation {data.allocation_id} not found", field="allocation_id")
    domain.check_r10_asset_fund(allocation.fund_kind)
    await _commit_allocation(session, principal=principal, allocation_id=allocation.id, amount_fen=data.value_fen, village_code=data.village_code, field="value")
    asset = Asset(
        id=new_id(),
        name=data.name,
        village_code=data.village_code,
        value_fen=data.value_fen,
        allocation_id=allocation.id,
        fund_id=allocation.fund_id,
        built_on=data.built_on,
        property_rights_to_collective=False,
        management_rights_to_collective=False,
    )
    session.add(asset)
    session.add(Funding(id=new_id(), allocation_id=allocation.id, fund_id=allocation.fund_id, asset_id=asset.id, amount_fen=data.value_fen))
    await session.flush()
    emit(
        session,
        AssetRegistered(
            asset_id=asset.id,
            name=asset.name,
            village_code=asset.village_code,
            value_fen=asset.value_fen,
            fund_id=allocation.fund_id,
            fund_kind=allocation.fund_kind,  # type: ignore[arg-type]
            allocation_id=allocation.id,
            built_on=asset.built_on,
        ),
    )
    return asset_out(asset)


async def get_asset(*, session: AsyncSession, principal: Principal, asset_id: str) -> AssetOut:
    asset = await _get(session, Asset, asset_id, "资产")
    ensure_readable(principal, region=asset.village_code, entity_id=asset.entity_id, what="资产")
    return asset_out(asset)


async def hand_over_asset(*, session: AsyncSession, principal: Principal, asset_id: str, data: HandoverIn) -> AssetOut:
    asset = await _get(session, Asset, asset_id, "资产")
    ensure_readable(principal, region=asset.village_code, what="资产")
    ensure_writable(principal, region=asset.village_code)
    _ordered(data.start_on, data.end_on, "end_on")
    entity = await _entity(session, data.entity_id, principal=principal)
    asset.handover_mode, asset.entity_id, asset.annual_fee_fen = data.mode, entity.id, data.annual_fee_fen
    asset.handover_start, asset.handover_end = data.start_on, data.end_on
    await session.flush()
    emit(
        session,
        AssetHandedOver(
            handover_id=new_id(),
            asset_id=asset.id,
            village_code=asset.village_code,
            mode=data.mode,
            entity_id=entity.id,
            annual_fee_fen=data.annual_fee_fen,
            start_on=data.start_on,
            end_on=data.end_on,
        ),
    )
    return asset_out(asset)


async def transfer_asset_rights(*, session: AsyncSession, principal: Principal, asset_id: str, data: RightsTransferIn) -> AssetOut:
    asset = await _get(session, Asset, asset_id, "资产", lock=True)
    ensure_readable(principal, region=asset.village_code, what="资产")
    ensure_writable(principal, region=asset.village_code)
    flag = f"{data.rights}_rights_to_collective"
    if getattr(asset, flag):
        raise Conflict("该权利已归村集体", detail_en=f"{data.rights} rights already belong to the collective", field="rights")
    setattr(asset, flag, True)
    await session.flush()
    emit(session, AssetRightsTransferredToCollective(asset_id=asset.id, village_code=asset.village_code, rights=data.rights, transferred_on=data.transferred_on))
    return asset_out(asset)


# ---- distributions (R3, R9, R10, R17) ----------------------------------------------------------


def distribution_out(d: Distribution) -> DistributionOut:
    """The distribution with the split it holds (frozen at the proposal: the approver approves exactly that)."""
    return DistributionOut.model_validate(d)


async def _beneficiary_shares(session: AsyncSession, d: Distribution) -> dict[str, tuple[int, str]]:
    """Units of each poor household holding quantified shares in the distribution's project or asset."""
    stmt = select(QuantifiedShare.household_id, QuantifiedShare.units, KnownHousehold.village_code).join(
        KnownHousehold, KnownHousehold.id == QuantifiedShare.household_id
    )
    stmt = stmt.where(KnownHousehold.left_on.is_(None), KnownHousehold.poverty_status.in_(domain.BENEFICIARY_STATUSES))
    stmt = stmt.where(QuantifiedShare.project_id == d.project_id) if d.project_id else stmt.where(QuantifiedShare.asset_id == d.asset_id)
    return {h: (int(u), v) for h, u, v in (await session.execute(stmt)).all()}


async def _split(session: AsyncSession, d: Distribution) -> dict[str, tuple[int, int]]:
    shares = await _beneficiary_shares(session, d)
    parts = domain.split_among_households(d.poor_households_fen, {h: u for h, (u, _) in shares.items()})
    return {h: (shares[h][0], parts[h]) for h in parts}


STANDING = ("proposed", "approved")  # withdrawn and reversed distributions no longer hold their period


async def _standing_periods(session: AsyncSession, source_key: str) -> list[domain.PaidPeriod]:
    stmt = select(Distribution.id, Distribution.period, Distribution.period_start, Distribution.period_end).where(
        Distribution.source_key == source_key, Distribution.status.in_(STANDING)
    )
    return [domain.PaidPeriod(i, label, start, end) for i, label, start, end in (await session.execute(stmt)).all()]


async def propose_distribution(*, session: AsyncSession, principal: Principal, data: DistributionIn) -> DistributionOut:
    agreement_id: str | None = None
    asset: Asset | None = None
    if data.project_id:
        project = await _get(session, Project, data.project_id, "项目", lock=True)  # one proposal per period at a time
        ensure_readable(principal, region=project.village_code, entity_id=project.entity_id, what="项目")
        ensure_writable(principal, region=project.village_code, entity_id=project.entity_id)
        agreement = (await session.execute(select(Agreement).where(Agreement.project_id == project.id))).scalar_one_or_none()
        agreement_id = agreement.id if agreement else None
        village, entity_id, guidance, source_key = project.village_code, project.entity_id, project.guidance_fund, f"project:{project.id}"
        floor = domain.poor_share_floor(agreed_bp=agreement.poor_share_bp if agreement else None, guidance_fund=guidance, asset=False)
        benefit = BenefitType.equity_dividend
    else:
        asset = await _get(session, Asset, data.asset_id, "资产", lock=True)  # type: ignore[arg-type]
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
                select(Distribution.period_start, Distribution.total_fen).where(Distribution.source_key == source_key, Distribution.status.in_(STANDING))
            )
        ).all()
        domain.check_r10_asset_income_within_fee(
            agreed_fen=asset.annual_fee_fen,
            already_paid_fen=sum(int(t) for s_, t in declared if s_.year == start.year),
            requested_fen=data.total_fen,
            year=start.year,
            mode=asset.handover_mode,
        )
    minimum = domain.portion_at_least(data.total_fen, floor.bp)
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
    d = await _get(session, Distribution, distribution_id, "分配")
    ensure_readable(principal, region=d.village_code, entity_id=d.entity_id, what="分配")
    return distribution_out(d)


def _primary(fundings: list[Funding]) -> Funding | None:
    """The allocation that put the most into a project or asset (ties: lowest id) — the lineage's fund end."""
    return min(fundings, key=lambda f: (-f.amount_fen, f.allocation_id)) if fundings else None


async def approve_distribution(*, session: AsyncSession, principal: Principal, distribution_id: str) -> DistributionOut:
    d = await _get(session, Distribution, distribution_id, "分配", lock=True)
    ensure_readable(principal, region=d.village_code, entity_id=d.entity_id, what="分配")
    ensure_writable(principal, region=d.village_code)
    ensure_different_person(d.proposed_by, principal, what="收益分配")
    if d.status != "proposed":
        raise Conflict(f"该分配状态为 {d.status}，不能审批", detail_en=f"this distribution is {d.status}, not proposed", code="already_approved" if d.status == "approved" else f"distribution_{d.status}")
    split = _frozen_split(d)
    d.status, d.approved_by = "approved", principal.subject
    primary = _primary(await _fundings(session, project_id=d.project_id) if d.project_id else await _fundings(session, asset_id=d.asset_id))
    lineage = Lineage(
        fund_id=primary.fund_id if primary else None,
        allocation_id=primary.allocation_id if primary else None,
        project_id=d.project_id,
        asset_id=d.asset_id,
        agreement_id=d.agreement_id,
        distribution_id=d.id,
        entity_id=d.entity_id,
    )
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
            benefit_type=d.benefit_type,  # type: ignore[arg-type]
            period_start=d.period_start,
            period_end=d.period_end,
        ),
    )
    households = {h.id: h for h in (await session.execute(select(KnownHousehold).where(KnownHousehold.id.in_(list(split))))).scalars()}
    for household_id, (units, amount) in sorted(split.items()):
        if amount == 0:  # a share too small for a fen this period: nothing is paid, nothing is booked
            continue
        line_id, income = _record_payment(
            session, household=households[household_id], benefit_type=BenefitType(d.benefit_type), amount_fen=amount, occurred_on=d.paid_on, lineage=lineage, units=units,
            period_year=d.period_start.year,
        )
        emit(session, DistributionPaidToHousehold(line_id=line_id, distribution_id=d.id, household_id=household_id, units=units, income=income))
    await session.flush()
    return distribution_out(d)


# ---- corrections: withdrawal of a proposal, reversal of what was paid ----------------------------------


async def withdraw_distribution(*, session: AsyncSession, principal: Principal, distribution_id: str, data: WithdrawalIn) -> DistributionOut:
    """A proposal is withdrawn by its proposer or by an official in scope; the row stays, status ``withdrawn``."""
    d = await _get(session, Distribution, distribution_id, "分配", lock=True)
    ensure_readable(principal, region=d.village_code, entity_id=d.entity_id, what="分配")
    own = d.proposed_by == principal.subject
    ensure_writable(principal, region=d.village_code, entity_id=d.entity_id if own else None)
    if d.status != "proposed":
        raise Conflict(
            f"只能撤回待审批的分配，该分配为 {d.status}",
            detail_en=f"only a proposed distribution can be withdrawn; this one is {d.status} (an approved one is reversed instead)",
            code="not_proposed",
        )
    d.status, d.withdrawn_by, d.withdrawal_reason = "withdrawn", principal.subject, data.reason
    await session.flush()
    emit(
        session,
        DistributionWithdrawn(
            distribution_id=d.id, project_id=d.project_id, asset_id=d.asset_id, village_code=d.village_code, period=d.period, withdrawn_by=principal.subject, reason=data.reason
        ),
    )
    return distribution_out(d)


async def reversal_out(session: AsyncSession, r: Reversal) -> ReversalOut:
    lines = (await session.execute(select(IncomePayment.id).where(IncomePayment.reversal_id == r.id).order_by(IncomePayment.id))).scalars()
    return ReversalOut.model_validate(r, update={"reversing_line_ids": list(lines)})


async def propose_reversal(*, session: AsyncSession, principal: Principal, target_kind: str, target_id: str, data: ReversalIn) -> ReversalOut:
    """The maker: propose to reverse an approved distribution (all its lines) or one income line, with a reason."""
    if target_kind == "distribution":
        d = await _get(session, Distribution, target_id, "分配", lock=True)
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
        line = await _get(session, IncomePayment, target_id, "收益明细", lock=True)
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
    existing = (await session.execute(select(Reversal).where(Reversal.target_kind == target_kind, Reversal.target_id == target_id))).scalar_one_or_none()
    if existing is not None:
        raise Conflict(
            "已有冲正申请", detail_en=f"reversal {existing.id} ({existing.status}) already exists for it", code="reversal_exists", reversal_id=existing.id
        )
    reversal = Reversal(
        id=new_id(), target_kind=target_kind, target_id=target_id, village_code=village, entity_id=entity_id, reason=data.reason, status="proposed", proposed_by=principal.subject
    )
    session.add(reversal)
    if target_kind == "distribution":
        d.reversal_id = reversal.id
    await session.flush()
    emit(session, ReversalProposed(reversal_id=reversal.id, target_kind=target_kind, target_id=target_id, village_code=village, reason=data.reason))  # type: ignore[arg-type]
    return await reversal_out(session, reversal)


async def get_reversal(*, session: AsyncSession, principal: Principal, reversal_id: str) -> ReversalOut:
    r = await _get(session, Reversal, reversal_id, "冲正")
    ensure_readable(principal, region=r.village_code, entity_id=r.entity_id, what="冲正")
    return await reversal_out(session, r)


async def _fact_of_line(session: AsyncSession, line_id: str) -> str | None:
    """The event id of the fact that paid a line (its subject is the line id)."""
    outbox = metadata.tables["outbox"]
    return (await session.execute(select(outbox.c.event_id).where(outbox.c.subject == line_id).order_by(outbox.c.sequence).limit(1))).scalar_one_or_none()


async def approve_reversal(*, session: AsyncSession, principal: Principal, reversal_id: str) -> ReversalOut:
    """The checker: a different person approves; each original line gets its negative twin, the originals stay."""
    r = await _get(session, Reversal, reversal_id, "冲正", lock=True)
    ensure_readable(principal, region=r.village_code, entity_id=r.entity_id, what="冲正")
    ensure_writable(principal, region=r.village_code)
    ensure_different_person(r.proposed_by, principal, what="冲正")
    if r.status != "proposed":
        raise Conflict("该冲正已审批", detail_en="this reversal has already been approved", code="already_approved")
    d: Distribution | None = None
    if r.target_kind == "distribution":
        d = await _get(session, Distribution, r.target_id, "分配", lock=True)
        stmt = select(IncomePayment).where(IncomePayment.distribution_id == d.id, IncomePayment.reverses_line_id.is_(None))
        originals = list((await session.execute(stmt.order_by(IncomePayment.household_id))).scalars())
    else:
        originals = [await _get(session, IncomePayment, r.target_id, "收益明细", lock=True)]
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
        emit(session, IncomeReversed(line_id=line_id, reverses_line_id=original.id, reversal_id=r.id, distribution_id=original.distribution_id, reason=r.reason, income=income))
    if d is not None:
        d.status = "reversed"
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


# ---- land transfer (R15, R16) ------------------------------------------------------------------------


def land_transfer_out(t: LandTransfer) -> LandTransferOut:
    return LandTransferOut.model_validate(t)


async def transfer_land(*, session: AsyncSession, principal: Principal, data: LandTransferIn) -> LandTransferOut:
    household = await _household(session, data.household_id, principal=principal)
    ensure_writable(principal, region=household.village_code)
    entity = await _entity(session, data.entity_id, principal=principal)
    _ordered(data.start_on, data.end_on, "end_on")
    household_bp = domain.check_r15_policy_income_ratio(data.policy_income_household_bp)
    transfer = LandTransfer(
        id=new_id(),
        household_id=household.id,
        village_code=household.village_code,
        entity_id=entity.id,
        plot=data.plot,
        area_tenth_mu=data.area_tenth_mu,
        as_shares=data.as_shares,
        start_on=data.start_on,
        end_on=data.end_on,
        annual_rent_fen=data.annual_rent_fen,
        policy_income_household_bp=household_bp,
    )
    session.add(transfer)
    await session.flush()
    emit(
        session,
        LandTransferred(
            land_transfer_id=transfer.id,
            household_id=household.id,
            village_code=household.village_code,
            entity_id=entity.id,
            plot=transfer.plot,
            area_tenth_mu=transfer.area_tenth_mu,
            as_shares=transfer.as_shares,
            start_on=transfer.start_on,
            end_on=transfer.end_on,
            annual_rent_fen=transfer.annual_rent_fen,
            policy_income_household_bp=household_bp,
        ),
    )
    return land_transfer_out(transfer)


async def pay_land_rent(*, session: AsyncSession, principal: Principal, land_transfer_id: str, data: PaymentIn) -> IncomePaymentOut:
    transfer = await _get(session, LandTransfer, land_transfer_id, "土地流转", lock=True)  # a year's rent is checked under the lock
    ensure_readable(principal, region=transfer.village_code, entity_id=transfer.entity_id, what="土地流转")
    ensure_writable(principal, region=transfer.village_code, entity_id=transfer.entity_id)
    if not transfer.start_on <= data.paid_on:
        raise InvalidInput("租金支付日期早于流转开始", detail_en="rent paid before the transfer starts", field="paid_on")
    start, end = domain.payment_period(data.period, data.paid_on)
    domain.check_r16_within_transfer_term(start_on=transfer.start_on, end_on=transfer.end_on, period_start=start, period_end=end)
    paid = await _paid_for_year(session, year=start.year, benefit_type=BenefitType.asset_income, land_transfer_id=transfer.id)
    domain.check_r16_rent_within_agreed(agreed_fen=transfer.annual_rent_fen, already_paid_fen=paid, requested_fen=data.amount_fen, year=start.year)
    household = await _household(session, transfer.household_id)
    line_id, income = _record_payment(
        session,
        household=household,
        benefit_type=BenefitType.asset_income,
        amount_fen=data.amount_fen,
        occurred_on=data.paid_on,
        lineage=Lineage(land_transfer_id=transfer.id, entity_id=transfer.entity_id),
        period_year=start.year,
    )
    await session.flush()
    emit(session, LandRentPaid(line_id=line_id, land_transfer_id=transfer.id, period=data.period, income=income))
    return await income_payment(session=session, principal=principal, line_id=line_id)


# ---- lease-back (R14) --------------------------------------------------------------------------------------


def lease_back_out(lb: LeaseBack) -> LeaseBackOut:
    return LeaseBackOut.model_validate(lb)


async def agree_lease_back(*, session: AsyncSession, principal: Principal, data: LeaseBackIn) -> LeaseBackOut:
    terms = data.disaster_terms or DisasterTermsIn()
    domain.check_r14_disaster_terms(prevention=terms.prevention, handling=terms.handling)
    household = await _household(session, data.household_id, principal=principal)
    ensure_writable(principal, region=household.village_code)
    entity = await _entity(session, data.entity_id, principal=principal)
    _ordered(data.start_on, data.end_on, "end_on")
    lease_back = LeaseBack(
        id=new_id(),
        entity_id=entity.id,
        household_id=household.id,
        village_code=household.village_code,
        base_name=data.base_name,
        area_tenth_mu=data.area_tenth_mu,
        start_on=data.start_on,
        end_on=data.end_on,
        disaster_prevention=terms.prevention,
        disaster_handling=terms.handling,
        agreed_income_fen_per_year=data.agreed_income_fen_per_year,
    )
    session.add(lease_back)
    await session.flush()
    emit(
        session,
        LeaseBackAgreedV2(
            lease_back_id=lease_back.id,
            entity_id=entity.id,
            household_id=household.id,
            village_code=household.village_code,
            base_name=lease_back.base_name,
            area_tenth_mu=lease_back.area_tenth_mu,
            start_on=lease_back.start_on,
            end_on=lease_back.end_on,
            has_disaster_terms=True,
            agreed_income_fen_per_year=lease_back.agreed_income_fen_per_year,
        ),
    )
    return lease_back_out(lease_back)


async def pay_lease_back_income(*, session: AsyncSession, principal: Principal, lease_back_id: str, data: PaymentIn) -> IncomePaymentOut:
    lease_back = await _get(session, LeaseBack, lease_back_id, "反租倒包", lock=True)
    ensure_readable(principal, region=lease_back.village_code, entity_id=lease_back.entity_id, what="反租倒包")
    ensure_writable(principal, region=lease_back.village_code, entity_id=lease_back.entity_id)
    _ordered(lease_back.start_on, data.paid_on, "paid_on")
    start, end = domain.payment_period(data.period, data.paid_on)
    domain.check_r14_within_lease_back_term(term_start=lease_back.start_on, term_end=lease_back.end_on, period_start=start, period_end=end)
    if lease_back.agreed_income_fen_per_year is not None:
        paid = await _paid_for_year(session, year=start.year, benefit_type=BenefitType.lease_back, lease_back_id=lease_back.id)
        domain.check_r14_income_within_agreed(
            agreed_fen=lease_back.agreed_income_fen_per_year, already_paid_fen=paid, requested_fen=data.amount_fen, year=start.year
        )
    household = await _household(session, lease_back.household_id)
    line_id, income = _record_payment(
        session,
        household=household,
        benefit_type=BenefitType.lease_back,
        amount_fen=data.amount_fen,
        occurred_on=data.paid_on,
        lineage=Lineage(lease_back_id=lease_back.id, entity_id=lease_back.entity_id),
        period_year=start.year,
    )
    await session.flush()
    emit(session, LeaseBackIncomePaid(line_id=line_id, lease_back_id=lease_back.id, period=data.period, income=income))
    return await income_payment(session=session, principal=principal, line_id=line_id)


# ---- policy income (R15) --------------------------------------------------------------------------------


async def pay_subsidy(*, session: AsyncSession, principal: Principal, data: SubsidyIn) -> SubsidyOut:
    household = await _household(session, data.household_id, principal=principal)
    ensure_writable(principal, region=household.village_code)
    entity_id = None
    household_fen, entity_fen = data.total_fen, 0
    if data.land_transfer_id:
        transfer = await session.get(LandTransfer, data.land_transfer_id)
        if transfer is None or transfer.household_id != household.id:
            raise InvalidInput("该户没有此流转土地", detail_en="no such land transfer of this household", field="land_transfer_id")
        household_fen, entity_fen = domain.split_policy_income(data.total_fen, transfer.policy_income_household_bp)
        entity_id = transfer.entity_id
    subsidy = Subsidy(
        id=new_id(),
        household_id=household.id,
        village_code=household.village_code,
        name=data.name,
        total_fen=data.total_fen,
        household_fen=household_fen,
        entity_fen=entity_fen,
        land_transfer_id=data.land_transfer_id,
        paid_on=data.paid_on,
    )
    session.add(subsidy)
    if household_fen > 0:
        line_id, income = _record_payment(
            session,
            household=household,
            benefit_type=BenefitType.policy_support,
            amount_fen=household_fen,
            occurred_on=data.paid_on,
            lineage=Lineage(subsidy_id=subsidy.id, land_transfer_id=data.land_transfer_id, entity_id=entity_id),
        )
        emit(
            session,
            SubsidyPaid(line_id=line_id, subsidy_id=subsidy.id, name=data.name, total_fen=data.total_fen, entity_fen=entity_fen, land_transfer_id=data.land_transfer_id, income=income),
        )
    await session.flush()
    return SubsidyOut.model_validate(subsidy)


# ---- microcredit (R11) --------------------------------------------------------------------------------------


def loan_out(loan: Loan) -> LoanOut:
    return LoanOut.model_validate(loan)


async def grant_loan(*, session: AsyncSession, principal: Principal, data: LoanIn) -> LoanOut:
    household = await _household(session, data.household_id, principal=principal)
    ensure_writable(principal, region=household.village_code)
    domain.check_r11_entrusted_loan(
        use=data.use, entity_id=data.entity_id, poverty_responsibility=data.poverty_responsibility, guaranteed_return_fen_per_year=data.guaranteed_return_fen_per_year
    )
    if data.interest_subsidy_bp > data.annual_rate_bp:
        raise InvalidInput("贴息不能超过利率", detail_en="the interest subsidy exceeds the rate", field="interest_subsidy_bp")
    entity_id = (await _entity(session, data.entity_id, principal=principal)).id if data.use == "entrusted" else None
    loan = Loan(
        id=new_id(),
        household_id=household.id,
        village_code=household.village_code,
        bank=data.bank,
        principal_fen=data.principal_fen,
        term_months=data.term_months,
        annual_rate_bp=data.annual_rate_bp,
        interest_subsidy_bp=data.interest_subsidy_bp,
        granted_on=data.granted_on,
        use=data.use,
        entity_id=entity_id,
        poverty_responsibility=data.poverty_responsibility if entity_id else None,
        guaranteed_return_fen_per_year=data.guaranteed_return_fen_per_year if entity_id else None,
        repaid_fen=0,
    )
    session.add(loan)
    await session.flush()
    emit(
        session,
        LoanGranted(
            loan_id=loan.id,
            household_id=household.id,
            village_code=household.village_code,
            bank=loan.bank,
            principal_fen=loan.principal_fen,
            term_months=loan.term_months,
            annual_rate_bp=loan.annual_rate_bp,
            interest_subsidy_bp=loan.interest_subsidy_bp,
            granted_on=loan.granted_on,
            use=data.use,
            entity_id=entity_id,
            guaranteed_return_fen_per_year=loan.guaranteed_return_fen_per_year,
        ),
    )
    return loan_out(loan)


async def _loan_for_write(session: AsyncSession, principal: Principal, loan_id: str, *, entity_may_write: bool = False) -> Loan:
    loan = await _get(session, Loan, loan_id, "贷款", lock=True)
    ensure_readable(principal, region=loan.village_code, entity_id=loan.entity_id, what="贷款")
    ensure_writable(principal, region=loan.village_code, entity_id=loan.entity_id if entity_may_write else None)
    return loan


async def get_loan(*, session: AsyncSession, principal: Principal, loan_id: str) -> LoanOut:
    loan = await _get(session, Loan, loan_id, "贷款")
    ensure_readable(principal, region=loan.village_code, entity_id=loan.entity_id, what="贷款")
    return loan_out(loan)


async def repay_loan(*, session: AsyncSession, principal: Principal, loan_id: str, data: RepaymentIn) -> LoanOut:
    loan = await _loan_for_write(session, principal, loan_id)
    outstanding = loan.principal_fen - loan.repaid_fen
    if data.amount_fen > outstanding:
        raise InvalidInput(
            f"还款超过未还本金 {outstanding} 分", detail_en=f"repayment exceeds the outstanding {outstanding} fen", field="amount_fen", outstanding_fen=outstanding
        )
    _ordered(loan.granted_on, data.paid_on, "paid_on")
    loan.repaid_fen += data.amount_fen
    if loan.repaid_fen == loan.principal_fen:
        loan.overdue_since = None
    await session.flush()
    emit(session, LoanRepaid(loan_id=loan.id, household_id=loan.household_id, amount_fen=data.amount_fen, paid_on=data.paid_on, outstanding_fen=loan.principal_fen - loan.repaid_fen))
    return loan_out(loan)


async def mark_loan_overdue(*, session: AsyncSession, principal: Principal, loan_id: str, data: OverdueIn) -> LoanOut:
    loan = await _loan_for_write(session, principal, loan_id)
    if loan.repaid_fen >= loan.principal_fen:
        raise Conflict("贷款已还清", detail_en="the loan is repaid", code="loan_repaid")
    _ordered(loan.granted_on, data.overdue_since, "overdue_since")
    loan.overdue_since = data.overdue_since
    await session.flush()
    emit(session, LoanMarkedOverdue(loan_id=loan.id, household_id=loan.household_id, overdue_since=data.overdue_since, outstanding_fen=loan.principal_fen - loan.repaid_fen))
    return loan_out(loan)


async def pay_loan_return(*, session: AsyncSession, principal: Principal, loan_id: str, data: LoanReturnIn) -> IncomePaymentOut:
    loan = await _loan_for_write(session, principal, loan_id, entity_may_write=True)
    if loan.use != "entrusted" or not loan.entity_id:
        raise InvalidInput("户贷户用的贷款没有经营主体收益", detail_en="only a loan entrusted to an entity pays returns", field="loan_id")
    _ordered(loan.granted_on, data.paid_on, "paid_on")
    year = data.year or data.paid_on.year
    paid = await _paid_for_year(session, year=year, benefit_type=BenefitType.equity_dividend, loan_id=loan.id)
    domain.check_r11_return_within_guaranteed(agreed_fen=loan.guaranteed_return_fen_per_year or 0, already_paid_fen=paid, requested_fen=data.amount_fen, year=year)
    household = await _household(session, loan.household_id)
    line_id, income = _record_payment(
        session,
        household=household,
        benefit_type=BenefitType.equity_dividend,
        amount_fen=data.amount_fen,
        occurred_on=data.paid_on,
        lineage=Lineage(loan_id=loan.id, entity_id=loan.entity_id),
        period_year=year,
    )
    await session.flush()
    emit(session, LoanReturnPaid(line_id=line_id, loan_id=loan.id, entity_id=loan.entity_id, income=income))
    return await income_payment(session=session, principal=principal, line_id=line_id)


# ---- disbursement against accounts, 拨款报账 (R10) ---------------------------------------------------


def payment_request_out(r: PaymentRequest) -> PaymentRequestOut:
    return PaymentRequestOut.model_validate(r)


async def request_payment(*, session: AsyncSession, principal: Principal, allocation_id: str, data: PaymentRequestIn) -> PaymentRequestOut:
    allocation = await _get(session, Allocation, allocation_id, "分配", lock=True)
    ensure_readable(principal, region=allocation.region_code, what="分配")
    ensure_writable(principal, region=allocation.region_code)
    _ordered(allocation.allocated_on, data.requested_on, "requested_on")
    domain.check_r10_within_allocation(allocated_fen=allocation.amount_fen, requested_fen=allocation.requested_fen, amount_fen=data.amount_fen)
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
            request_id=request.id, allocation_id=allocation.id, fund_id=allocation.fund_id, amount_fen=data.amount_fen, voucher_count=len(data.vouchers), requested_on=data.requested_on
        ),
    )
    return payment_request_out(request)


async def _request_for_write(session: AsyncSession, principal: Principal, request_id: str) -> PaymentRequest:
    request = await _get(session, PaymentRequest, request_id, "报账申请", lock=True)
    ensure_readable(principal, region=request.region_code, what="报账申请")
    ensure_writable(principal, region=request.region_code)
    return request


async def get_payment_request(*, session: AsyncSession, principal: Principal, request_id: str) -> PaymentRequestOut:
    request = await _get(session, PaymentRequest, request_id, "报账申请")
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
    _ordered(request.requested_on, paid_on, "paid_on")
    allocation = await session.get(Allocation, request.allocation_id, with_for_update=True)
    assert allocation is not None
    domain.check_r10_within_allocation(allocated_fen=allocation.amount_fen, requested_fen=allocation.paid_fen, amount_fen=request.amount_fen)
    allocation.paid_fen += request.amount_fen
    request.status, request.paid_on = "paid", paid_on
    await session.flush()
    emit(
        session,
        PaymentMade(
            request_id=request.id, allocation_id=allocation.id, fund_id=allocation.fund_id, amount_fen=request.amount_fen, paid_on=paid_on, disbursed_fen=allocation.paid_fen
        ),
    )
    return payment_request_out(request)


# ---- lineage -----------------------------------------------------------------------------------------------------


def known_household_out(h: KnownHousehold) -> KnownHouseholdOut:
    return KnownHouseholdOut.model_validate(h, update={"takes_poor_portion": h.left_on is None and h.poverty_status in domain.BENEFICIARY_STATUSES})


def income_payment_out(p: IncomePayment) -> IncomePaymentOut:
    return IncomePaymentOut.model_validate(p)


async def income_payment(*, session: AsyncSession, principal: Principal, line_id: str) -> IncomePaymentOut:
    payment = await _get(session, IncomePayment, line_id, "收益明细")
    ensure_readable(principal, region=payment.village_code, entity_id=payment.entity_id, what="收益明细")
    return income_payment_out(payment)


async def income_line_of_event(*, session: AsyncSession, principal: Principal, metadata: Any, event_id: str) -> IncomePaymentOut:
    """An income fact of this service's outbox → the line it paid (its subject), with the line's lineage."""
    outbox = metadata.tables["outbox"]
    row = (await session.execute(select(outbox.c.subject, outbox.c.type).where(outbox.c.event_id == event_id))).first()
    if row is None or row.subject is None:
        raise NotFound("事件不存在", detail_en=f"no income event {event_id} in the funds log")
    return await income_payment(session=session, principal=principal, line_id=row.subject)


async def _fund_links(session: AsyncSession, fundings: list[Funding]) -> list[FundLink]:
    links = []
    for f in fundings:
        allocation = await session.get(Allocation, f.allocation_id)
        links.append(FundLink(fund_id=f.fund_id, fund_kind=allocation.fund_kind if allocation else "", allocation_id=f.allocation_id, amount_fen=f.amount_fen))
    return links


async def distribution_lineage(*, session: AsyncSession, principal: Principal, distribution_id: str) -> DistributionLineage:
    d = await _get(session, Distribution, distribution_id, "分配")
    ensure_readable(principal, region=d.village_code, entity_id=d.entity_id, what="分配")
    payments = list((await session.execute(select(IncomePayment).where(IncomePayment.distribution_id == d.id).order_by(IncomePayment.household_id))).scalars())
    fundings = await _fundings(session, project_id=d.project_id) if d.project_id else await _fundings(session, asset_id=d.asset_id)
    project = await session.get(Project, d.project_id) if d.project_id else None
    asset = await session.get(Asset, d.asset_id) if d.asset_id else None
    return DistributionLineage(
        distribution=distribution_out(d),
        funds=await _fund_links(session, fundings),
        project=await project_out(session, project) if project else None,
        asset=asset_out(asset) if asset else None,
        payments=[income_payment_out(p) for p in payments],
    )


async def fund_reach(*, session: AsyncSession, principal: Principal, fund_id: str) -> FundReach:
    """Households a fund reached and how much: each income line of a project or asset it funded is
    attributed to its funds in proportion to what each put in (largest remainder, exact to the fen)."""
    fund = await _get(session, Fund, fund_id, "资金")
    ensure_readable(principal, region=fund.village_code or fund.county_code, what="资金")
    own = list((await session.execute(select(Funding).where(Funding.fund_id == fund.id))).scalars())
    project_ids = {f.project_id for f in own if f.project_id}
    asset_ids = {f.asset_id for f in own if f.asset_id}
    # How each project or asset was funded: fund id -> amount.
    funding_of: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if project_ids or asset_ids:
        stmt = select(Funding).where(Funding.project_id.in_(project_ids) | Funding.asset_id.in_(asset_ids))
        for f in (await session.execute(stmt)).scalars():
            funding_of[f.project_id or f.asset_id][f.fund_id] += f.amount_fen  # type: ignore[index]
    reached: dict[str, int] = defaultdict(int)
    villages: dict[str, str] = {}
    if project_ids or asset_ids:
        stmt = select(IncomePayment).where(IncomePayment.project_id.in_(project_ids) | IncomePayment.asset_id.in_(asset_ids)).order_by(IncomePayment.id)
        for p in (await session.execute(stmt)).scalars():
            shares = funding_of[p.project_id or p.asset_id]  # type: ignore[index]
            sign = -1 if p.amount_fen < 0 else 1  # a reversing line takes back exactly what its original attributed
            part = sign * split_by_shares(abs(p.amount_fen), shares)[fund.id]
            reached[p.household_id] += part
            villages[p.household_id] = p.village_code
    lines = [ReachLine(household_id=h, village_code=villages[h], amount_fen=a) for h, a in sorted(reached.items()) if a > 0]
    return FundReach(fund_id=fund.id, total_fen=sum(line.amount_fen for line in lines), household_count=len(lines), households=lines)
