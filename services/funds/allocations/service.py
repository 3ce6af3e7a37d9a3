"""Use cases of allocations: keyword-only functions over a session; they flush and emit, never commit."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from policy import funds as policy_funds
from policy.settings import thresholds
from services.funds import domain
from services.funds.allocations import repository
from services.funds.allocations.models import Allocation, Fund
from services.funds.allocations.schemas import AllocationIn, AllocationOut, FundIn, FundOut, SpecialFundReport
from services.funds.common import get_or_404, known_household, ordered, registered_entity
from shared.auth import Principal, can_read, ensure_readable, ensure_writable
from shared.errors import enforce
from shared.events.funds import AllocationRecorded, FundReceived
from shared.ids import new_id
from shared.outbox import emit
from shared.paging import Page, PageParams, paginate
from shared.problems import InvalidInput
from shared.regions import county_of


async def fund_out(session: AsyncSession, fund: Fund) -> FundOut:
    allocated = await repository.allocated_fen(session, [fund.id])
    return FundOut.model_validate(fund, update={"allocated_fen": allocated.get(fund.id, 0)})


async def list_funds(*, session: AsyncSession, principal: Principal, page: PageParams) -> Page[FundOut]:
    rows = await paginate(session, repository.visible_funds(principal), key=col(Fund.id), params=page, to_item=lambda f: f)
    allocated = await repository.allocated_fen(session, [f.id for f in rows.items])
    items = [FundOut.model_validate(f, update={"allocated_fen": allocated.get(f.id, 0)}) for f in rows.items]
    return Page[FundOut](items=items, next_cursor=rows.next_cursor)


async def list_allocations(*, session: AsyncSession, principal: Principal, page: PageParams) -> Page[AllocationOut]:
    return await paginate(session, repository.visible_allocations(principal), key=col(Allocation.id), params=page, to_item=AllocationOut.model_validate)


async def get_allocation(*, session: AsyncSession, principal: Principal, allocation_id: str) -> AllocationOut:
    allocation = await get_or_404(session, Allocation, allocation_id, "分配")
    ensure_readable(principal, region=allocation.region_code, entity_id=allocation.entity_id, what="分配")
    return AllocationOut.model_validate(allocation)


async def receive_fund(*, session: AsyncSession, principal: Principal, data: FundIn) -> FundOut:
    ensure_writable(principal, region=data.village_code or data.county_code)
    fund = Fund(id=new_id(), **data.model_dump())
    session.add(fund)
    await session.flush()
    emit(session, FundReceived(fund_id=fund.id, **data.model_dump()))
    return await fund_out(session, fund)


async def get_fund(*, session: AsyncSession, principal: Principal, fund_id: str) -> FundOut:
    fund = await get_or_404(session, Fund, fund_id, "资金")
    ensure_readable(principal, region=fund.village_code or fund.county_code, what="资金")
    return await fund_out(session, fund)


def allocation_out(a: Allocation) -> AllocationOut:
    return AllocationOut.model_validate(a)


async def _special_fund_totals(session: AsyncSession, county_code: str) -> dict[str, int]:
    received = (
        await session.execute(
            select(func.coalesce(func.sum(col(Fund.amount_fen)), 0)).where(col(Fund.county_code) == county_code, col(Fund.kind) == "provincial_special")
        )
    ).scalar_one()
    rows = (
        await session.execute(
            select(col(Allocation.purpose), func.sum(col(Allocation.amount_fen)))
            .where(col(Allocation.county_code) == county_code, col(Allocation.fund_kind) == "provincial_special")
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
        entity = await registered_entity(session, data.recipient_id, principal=principal, field="recipient_id")
        # A platform company named as an "operating entity" is still a platform company (R2).
        effective = "government_platform_company" if entity.kind == "government_platform_company" else data.recipient_kind
        domain.check_r2_no_platform_company(fund_kind=fund.kind, recipient_kind=effective)
        entity_id = entity.id
    elif data.recipient_kind == "household":
        household = await known_household(session, data.recipient_id or "", principal=principal, field="recipient_id")
        village_code = village_code or household.village_code
        if household.village_code != village_code:
            raise InvalidInput("该户不在此村", detail_en="the household is not in village_code", field="recipient_id")

    else:  # village collective
        if not village_code:
            raise InvalidInput("分配给村集体须指明村", detail_en="an allocation to a village collective names the village", field="village_code")
        recipient_id = village_code
    ordered(fund.received_on, data.allocated_on, "allocated_on")
    if fund.village_code and village_code != fund.village_code:
        raise InvalidInput("该资金只用于其指定的村", detail_en=f"this fund is for village {fund.village_code}", field="village_code")
    if village_code and county_of(village_code) != fund.county_code:
        raise InvalidInput("村不在资金所属县", detail_en=f"village {village_code} is not in the fund's county {fund.county_code}", field="village_code")
    region = village_code or fund.county_code
    ensure_writable(principal, region=region)
    allocated = (await session.execute(select(func.coalesce(func.sum(col(Allocation.amount_fen)), 0)).where(col(Allocation.fund_id) == fund.id))).scalar_one()
    domain.check_allocation_within_fund(fund_fen=fund.amount_fen, allocated_fen=int(allocated), amount_fen=data.amount_fen)
    if fund.kind == "provincial_special":
        # R1 is a county total: hold every special fund row of the county while checking it.
        await session.execute(select(col(Fund.id)).where(col(Fund.county_code) == fund.county_code, col(Fund.kind) == "provincial_special").with_for_update())
        t = await _special_fund_totals(session, fund.county_code)
        t[data.purpose] += data.amount_fen
        totals = {"received_fen": t["received"], "education_fen": t["education"], "medical_fen": t["medical"], "other_fen": t["other"]}
        enforce(policy_funds.r1_industry_share(**totals, t=thresholds()))
    assert recipient_id is not None  # each kind above named its recipient or was refused
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
            fund_kind=fund.kind,
            county_code=fund.county_code,
            village_code=village_code,
            purpose=data.purpose,
            recipient_kind=data.recipient_kind,
            recipient_id=recipient_id,
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
