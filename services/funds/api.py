"""HTTP routes of the funds service — thin: parse, call the service layer, shape the answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Response, status
from sqlalchemy import select

from services.funds import service
from services.funds.models import (
    Allocation,
    Asset,
    Distribution,
    Entity,
    Fund,
    IncomePayment,
    KnownHousehold,
    Loan,
    Project,
    QuantifiedShare,
)
from services.funds.schemas import (
    AllocationIn,
    AllocationOut,
    AssetIn,
    AssetOut,
    DistributionIn,
    DistributionLineage,
    DistributionOut,
    EntityIn,
    EntityOut,
    EntityUpdateIn,
    FundIn,
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
    PayIn,
    PaymentIn,
    PaymentRequestIn,
    PaymentRequestOut,
    ProjectIn,
    ProjectOut,
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
from shared.auth import CurrentPrincipal, Role, ensure_readable, require_roles, visible
from shared.paging import Page, PageParams, page_params, paginate
from shared.problems import NotFound
from shared.service import (
    ContextDep,
    IdempotencyKeyRequired,
    SessionDep,
    service_router,
)

router = service_router("funds", tags=["funds"])

PageDep = Annotated[PageParams, Depends(page_params)]
FUND_OFFICERS = (Role.city_admin, Role.county_officer)
REGIONAL = (Role.city_admin, Role.county_officer, Role.township_officer, Role.village_cadre)
REGIONAL_AND_ENTITY = (*REGIONAL, Role.entity_operator)
CREATED = status.HTTP_201_CREATED
# Writes that create money facts: a retry must never count twice, so they take an Idempotency-Key (428 without).
MONEY = IdempotencyKeyRequired


def _located(response: Response, path: str) -> None:
    response.headers["Location"] = f"/funds/v1/{path}"


# ---- funds and allocations --------------------------------------------------------------------


@router.post("/funds", status_code=CREATED, dependencies=[require_roles(*FUND_OFFICERS), MONEY], summary="Record a fund source received by a county")
async def receive_fund(body: FundIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> FundOut:
    out = await service.receive_fund(session=session, principal=principal, data=body)
    _located(response, f"funds/{out.id}")
    return out


@router.get("/funds", summary="Fund sources in your scope")
async def list_funds(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[FundOut]:
    stmt = select(Fund).where(visible(principal, region=Fund.county_code))
    result = await paginate(session, stmt, key=Fund.id, params=page, to_item=lambda f: f)
    return Page[FundOut](items=[await service.fund_out(session, f) for f in result.items], next_cursor=result.next_cursor)


@router.get("/funds/{fund_id}")
async def get_fund(fund_id: str, session: SessionDep, principal: CurrentPrincipal) -> FundOut:
    return await service.get_fund(session=session, principal=principal, fund_id=fund_id)


@router.get("/funds/{fund_id}/reach", summary="Households the fund reached, and how much")
async def fund_reach(fund_id: str, session: SessionDep, principal: CurrentPrincipal) -> FundReach:
    return await service.fund_reach(session=session, principal=principal, fund_id=fund_id)


@router.post("/allocations", status_code=CREATED, dependencies=[require_roles(*FUND_OFFICERS), MONEY], summary="Allocate part of a fund (R1, R2)")
async def record_allocation(body: AllocationIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> AllocationOut:
    out = await service.record_allocation(session=session, principal=principal, data=body)
    _located(response, f"allocations/{out.id}")
    return out


@router.get("/allocations")
async def list_allocations(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[AllocationOut]:
    stmt = select(Allocation).where(visible(principal, region=Allocation.region_code, entity=Allocation.entity_id))
    return await paginate(session, stmt, key=Allocation.id, params=page, to_item=service.allocation_out)


@router.get("/allocations/{allocation_id}")
async def get_allocation(allocation_id: str, session: SessionDep, principal: CurrentPrincipal) -> AllocationOut:
    allocation = await session.get(Allocation, allocation_id)
    if allocation is None:
        raise NotFound("分配不存在", detail_en=f"allocation {allocation_id} not found")
    ensure_readable(principal, region=allocation.region_code, entity_id=allocation.entity_id, what="分配")
    return service.allocation_out(allocation)


@router.get("/counties/{county_code}/special-fund", summary="R1: how the county's provincial special fund was allocated")
async def special_fund_report(county_code: str, session: SessionDep, principal: CurrentPrincipal) -> SpecialFundReport:
    return await service.special_fund_report(session=session, principal=principal, county_code=county_code)


@router.post("/allocations/{allocation_id}/payment-requests", status_code=CREATED, dependencies=[require_roles(*REGIONAL), MONEY], summary="Request a payment against the allocation, with vouchers (拨款报账, R10)")
async def request_payment(allocation_id: str, body: PaymentRequestIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> PaymentRequestOut:
    out = await service.request_payment(session=session, principal=principal, allocation_id=allocation_id, data=body)
    _located(response, f"payment-requests/{out.id}")
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


# ---- entities ------------------------------------------------------------------------------------


@router.post("/entities", status_code=CREATED, dependencies=[require_roles(*FUND_OFFICERS)], summary="Register an operating entity")
async def register_entity(body: EntityIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> EntityOut:
    out = await service.register_entity(session=session, principal=principal, data=body)
    _located(response, f"entities/{out.id}")
    return out


@router.get("/entities")
async def list_entities(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[EntityOut]:
    stmt = select(Entity).where(service.entities_visible(principal))
    return await paginate(session, stmt, key=Entity.id, params=page, to_item=service.entity_out)


@router.patch("/entities/{entity_id}", dependencies=[require_roles(*FUND_OFFICERS)], summary="Rename an entity or change the villages it works in")
async def update_entity(entity_id: str, body: EntityUpdateIn, session: SessionDep, principal: CurrentPrincipal) -> EntityOut:
    return await service.update_entity(session=session, principal=principal, entity_id=entity_id, data=body)


@router.get("/entities/{entity_id}")
async def get_entity(entity_id: str, session: SessionDep, principal: CurrentPrincipal) -> EntityOut:
    return await service.get_entity(session=session, principal=principal, entity_id=entity_id)


# ---- three-rights projects and quantified shares -----------------------------------------------------


@router.post("/projects", status_code=CREATED, dependencies=[require_roles(*REGIONAL)], summary="Register a three-rights project with its investment cooperation agreement (R9)")
async def register_project(body: ProjectIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> ProjectOut:
    out = await service.register_project(session=session, principal=principal, data=body)
    _located(response, f"projects/{out.id}")
    return out


@router.get("/projects")
async def list_projects(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[ProjectOut]:
    stmt = select(Project).where(visible(principal, region=Project.village_code, entity=Project.entity_id))
    result = await paginate(session, stmt, key=Project.id, params=page, to_item=lambda p: p)
    return Page[ProjectOut](items=[await service.project_out(session, p) for p in result.items], next_cursor=result.next_cursor)


@router.get("/projects/{project_id}")
async def get_project(project_id: str, session: SessionDep, principal: CurrentPrincipal) -> ProjectOut:
    return await service.get_project(session=session, principal=principal, project_id=project_id)


@router.post("/projects/{project_id}/shares", status_code=CREATED, dependencies=[require_roles(*REGIONAL)], summary="Quantify shares of the project to a household")
async def quantify_project_shares(project_id: str, body: ShareIn, session: SessionDep, principal: CurrentPrincipal) -> ShareOut:
    return await service.quantify_shares(session=session, principal=principal, data=body, project_id=project_id)


@router.get("/projects/{project_id}/shares")
async def list_project_shares(project_id: str, session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[ShareOut]:
    await service.get_project(session=session, principal=principal, project_id=project_id)
    stmt = select(QuantifiedShare).where(QuantifiedShare.project_id == project_id)
    return await paginate(session, stmt, key=QuantifiedShare.id, params=page, to_item=service.share_out)


# ---- assets ---------------------------------------------------------------------------------------------


@router.post("/assets", status_code=CREATED, dependencies=[require_roles(*REGIONAL)], summary="Register an asset built with special or assistance funds (R10)")
async def register_asset(body: AssetIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> AssetOut:
    out = await service.register_asset(session=session, principal=principal, data=body)
    _located(response, f"assets/{out.id}")
    return out


@router.get("/assets")
async def list_assets(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[AssetOut]:
    stmt = select(Asset).where(visible(principal, region=Asset.village_code, entity=Asset.entity_id))
    return await paginate(session, stmt, key=Asset.id, params=page, to_item=service.asset_out)


@router.get("/assets/{asset_id}")
async def get_asset(asset_id: str, session: SessionDep, principal: CurrentPrincipal) -> AssetOut:
    return await service.get_asset(session=session, principal=principal, asset_id=asset_id)


@router.post("/assets/{asset_id}/handover", dependencies=[require_roles(*REGIONAL)], summary="Hand the asset to an entity by contracting, lease or trusteeship")
async def hand_over_asset(asset_id: str, body: HandoverIn, session: SessionDep, principal: CurrentPrincipal) -> AssetOut:
    return await service.hand_over_asset(session=session, principal=principal, asset_id=asset_id, data=body)


@router.post("/assets/{asset_id}/rights-transfers", dependencies=[require_roles(*REGIONAL)], summary="Move property or management rights to the collective (R16)")
async def transfer_asset_rights(asset_id: str, body: RightsTransferIn, session: SessionDep, principal: CurrentPrincipal) -> AssetOut:
    return await service.transfer_asset_rights(session=session, principal=principal, asset_id=asset_id, data=body)


@router.post("/assets/{asset_id}/shares", status_code=CREATED, dependencies=[require_roles(*REGIONAL)], summary="Quantify the asset to a household")
async def quantify_asset_shares(asset_id: str, body: ShareIn, session: SessionDep, principal: CurrentPrincipal) -> ShareOut:
    return await service.quantify_shares(session=session, principal=principal, data=body, asset_id=asset_id)


# ---- distributions -------------------------------------------------------------------------------------------


@router.post("/distributions", status_code=CREATED, dependencies=[require_roles(*REGIONAL_AND_ENTITY), MONEY], summary="Declare profit or asset income for a period and propose its split (R3, R9, R10, R17)")
async def propose_distribution(body: DistributionIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> DistributionOut:
    out = await service.propose_distribution(session=session, principal=principal, data=body)
    _located(response, f"distributions/{out.id}")
    return out


@router.get("/distributions")
async def list_distributions(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[DistributionOut]:
    stmt = select(Distribution).where(visible(principal, region=Distribution.village_code, entity=Distribution.entity_id))
    result = await paginate(session, stmt, key=Distribution.id, params=page, to_item=lambda d: d)
    items = [await service.get_distribution(session=session, principal=principal, distribution_id=d.id) for d in result.items]
    return Page[DistributionOut](items=items, next_cursor=result.next_cursor)


@router.get("/distributions/{distribution_id}")
async def get_distribution(distribution_id: str, session: SessionDep, principal: CurrentPrincipal) -> DistributionOut:
    return await service.get_distribution(session=session, principal=principal, distribution_id=distribution_id)


@router.post("/distributions/{distribution_id}/approve", dependencies=[require_roles(*REGIONAL), MONEY], summary="Approve (not by its proposer): one income fact per household")
async def approve_distribution(distribution_id: str, session: SessionDep, principal: CurrentPrincipal) -> DistributionOut:
    return await service.approve_distribution(session=session, principal=principal, distribution_id=distribution_id)


@router.post("/distributions/{distribution_id}/withdraw", dependencies=[require_roles(*REGIONAL_AND_ENTITY)], summary="Withdraw a proposed distribution (its proposer, or an official in scope); it stays visible")
async def withdraw_distribution(distribution_id: str, body: WithdrawalIn, session: SessionDep, principal: CurrentPrincipal) -> DistributionOut:
    return await service.withdraw_distribution(session=session, principal=principal, distribution_id=distribution_id, data=body)


# ---- corrections: reversals under maker-checker -------------------------------------------------------------


@router.post("/distributions/{distribution_id}/reversals", status_code=CREATED, dependencies=[require_roles(*REGIONAL)], summary="Propose to reverse an approved distribution, with a reason")
async def propose_distribution_reversal(distribution_id: str, body: ReversalIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> ReversalOut:
    out = await service.propose_reversal(session=session, principal=principal, target_kind="distribution", target_id=distribution_id, data=body)
    _located(response, f"reversals/{out.id}")
    return out


@router.post("/income-lines/{line_id}/reversals", status_code=CREATED, dependencies=[require_roles(*REGIONAL)], summary="Propose to reverse one payment (rent, lease-back income, subsidy, loan return), with a reason")
async def propose_line_reversal(line_id: str, body: ReversalIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> ReversalOut:
    out = await service.propose_reversal(session=session, principal=principal, target_kind="income_line", target_id=line_id, data=body)
    _located(response, f"reversals/{out.id}")
    return out


@router.get("/reversals/{reversal_id}")
async def get_reversal(reversal_id: str, session: SessionDep, principal: CurrentPrincipal) -> ReversalOut:
    return await service.get_reversal(session=session, principal=principal, reversal_id=reversal_id)


@router.post("/reversals/{reversal_id}/approve", dependencies=[require_roles(*REGIONAL), MONEY], summary="Approve a reversal (not by its proposer): a negative income line for each line reversed")
async def approve_reversal(reversal_id: str, session: SessionDep, principal: CurrentPrincipal) -> ReversalOut:
    return await service.approve_reversal(session=session, principal=principal, reversal_id=reversal_id)


# ---- land, lease-back, subsidies -----------------------------------------------------------------------------


@router.post("/land-transfers", status_code=CREATED, dependencies=[require_roles(*REGIONAL)], summary="Transfer a household's land to an entity (R15, R16)")
async def transfer_land(body: LandTransferIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> LandTransferOut:
    out = await service.transfer_land(session=session, principal=principal, data=body)
    _located(response, f"land-transfers/{out.id}")
    return out


@router.post("/land-transfers/{land_transfer_id}/rent-payments", status_code=CREATED, dependencies=[require_roles(*REGIONAL_AND_ENTITY), MONEY], summary="Pay rent: asset_income")
async def pay_land_rent(land_transfer_id: str, body: PaymentIn, session: SessionDep, principal: CurrentPrincipal) -> IncomePaymentOut:
    return await service.pay_land_rent(session=session, principal=principal, land_transfer_id=land_transfer_id, data=body)


@router.post("/lease-backs", status_code=CREATED, dependencies=[require_roles(*REGIONAL)], summary="Agree a reverse-lease-back with its disaster-risk terms (R14)")
async def agree_lease_back(body: LeaseBackIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> LeaseBackOut:
    out = await service.agree_lease_back(session=session, principal=principal, data=body)
    _located(response, f"lease-backs/{out.id}")
    return out


@router.post("/lease-backs/{lease_back_id}/income-payments", status_code=CREATED, dependencies=[require_roles(*REGIONAL_AND_ENTITY), MONEY], summary="Household income from the base: lease_back")
async def pay_lease_back_income(lease_back_id: str, body: PaymentIn, session: SessionDep, principal: CurrentPrincipal) -> IncomePaymentOut:
    return await service.pay_lease_back_income(session=session, principal=principal, lease_back_id=lease_back_id, data=body)


@router.post("/subsidies", status_code=CREATED, dependencies=[require_roles(*REGIONAL), MONEY], summary="Pay a subsidy or policy income (R15): policy_support")
async def pay_subsidy(body: SubsidyIn, session: SessionDep, principal: CurrentPrincipal) -> SubsidyOut:
    return await service.pay_subsidy(session=session, principal=principal, data=body)


# ---- microcredit ------------------------------------------------------------------------------------------------


@router.post("/loans", status_code=CREATED, dependencies=[require_roles(*REGIONAL), MONEY], summary="Record a microcredit loan (R11)")
async def grant_loan(body: LoanIn, session: SessionDep, principal: CurrentPrincipal, response: Response) -> LoanOut:
    out = await service.grant_loan(session=session, principal=principal, data=body)
    _located(response, f"loans/{out.id}")
    return out


@router.get("/loans")
async def list_loans(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[LoanOut]:
    stmt = select(Loan).where(visible(principal, region=Loan.village_code, entity=Loan.entity_id))
    return await paginate(session, stmt, key=Loan.id, params=page, to_item=service.loan_out)


@router.get("/loans/{loan_id}")
async def get_loan(loan_id: str, session: SessionDep, principal: CurrentPrincipal) -> LoanOut:
    return await service.get_loan(session=session, principal=principal, loan_id=loan_id)


@router.post("/loans/{loan_id}/repayments", status_code=CREATED, dependencies=[require_roles(*REGIONAL), MONEY])
async def repay_loan(loan_id: str, body: RepaymentIn, session: SessionDep, principal: CurrentPrincipal) -> LoanOut:
    return await service.repay_loan(session=session, principal=principal, loan_id=loan_id, data=body)


@router.post("/loans/{loan_id}/overdue", dependencies=[require_roles(*REGIONAL)])
async def mark_loan_overdue(loan_id: str, body: OverdueIn, session: SessionDep, principal: CurrentPrincipal) -> LoanOut:
    return await service.mark_loan_overdue(session=session, principal=principal, loan_id=loan_id, data=body)


@router.post("/loans/{loan_id}/returns", status_code=CREATED, dependencies=[require_roles(*REGIONAL_AND_ENTITY), MONEY], summary="The entity pays the household its return: equity_dividend")
async def pay_loan_return(loan_id: str, body: LoanReturnIn, session: SessionDep, principal: CurrentPrincipal) -> IncomePaymentOut:
    return await service.pay_loan_return(session=session, principal=principal, loan_id=loan_id, data=body)


# ---- lineage -------------------------------------------------------------------------------------------------------


@router.get("/households/{household_id}", summary="What funds knows of a household (from the households service's facts)")
async def get_known_household(household_id: str, session: SessionDep, principal: CurrentPrincipal) -> KnownHouseholdOut:
    household = await session.get(KnownHousehold, household_id)
    if household is None:
        raise NotFound("户不存在", detail_en=f"household {household_id} not known to funds")
    ensure_readable(principal, region=household.village_code, what="户")
    return service.known_household_out(household)


@router.get("/households/{household_id}/income-lines", summary="A household's income lines from funds, each with its lineage")
async def household_income_lines(household_id: str, session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[IncomePaymentOut]:
    household = await session.get(KnownHousehold, household_id)
    if household is None:
        raise NotFound("户不存在", detail_en=f"household {household_id} not known to funds")
    ensure_readable(principal, region=household.village_code, what="户")
    stmt = select(IncomePayment).where(IncomePayment.household_id == household_id)
    return await paginate(session, stmt, key=IncomePayment.id, params=page, to_item=service.income_payment_out)


@router.get("/income-lines/{line_id}")
async def get_income_line(line_id: str, session: SessionDep, principal: CurrentPrincipal) -> IncomePaymentOut:
    return await service.income_payment(session=session, principal=principal, line_id=line_id)


@router.get("/lineage/income/{event_id}", summary="An income event of the funds log → its line and lineage")
async def income_event_lineage(event_id: str, session: SessionDep, ctx: ContextDep, principal: CurrentPrincipal) -> IncomePaymentOut:
    return await service.income_line_of_event(session=session, principal=principal, metadata=ctx.spec.metadata, event_id=event_id)


@router.get("/lineage/distributions/{distribution_id}", summary="fund → allocation → project/asset/agreement → distribution → households")
async def distribution_lineage(distribution_id: str, session: SessionDep, principal: CurrentPrincipal) -> DistributionLineage:
    return await service.distribution_lineage(session=session, principal=principal, distribution_id=distribution_id)
