"""Use cases of projects: keyword-only functions over a session; they flush and emit, never commit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from policy import funds as policy_funds
from policy.settings import thresholds
from services.funds import domain
from services.funds.allocations.models import Allocation
from services.funds.assets.models import Asset
from services.funds.common import get_or_404, known_household, known_member, ordered, registered_entity
from services.funds.projects import repository
from services.funds.projects.models import Agreement, Funding, Project, QuantifiedShare
from services.funds.projects.schemas import ProjectIn, ProjectOut, ShareIn, ShareOut
from shared.auth import Principal, can_read, ensure_readable, ensure_writable
from shared.errors import enforce
from shared.events.funds import AgreementSigned, ProjectRegistered, SharesQuantified
from shared.ids import new_id
from shared.outbox import emit
from shared.paging import Page, PageParams, paginate
from shared.problems import Conflict, InvalidInput
from shared.regions import county_of


async def project_out(session: AsyncSession, p: Project) -> ProjectOut:
    return ProjectOut.model_validate(await repository.project_for_answer(session, p.id))


async def list_projects(*, session: AsyncSession, principal: Principal, page: PageParams) -> Page[ProjectOut]:
    return await paginate(session, repository.visible_projects(principal), key=col(Project.id), params=page, to_item=ProjectOut.model_validate)


async def list_project_shares(*, session: AsyncSession, principal: Principal, project_id: str, page: PageParams) -> Page[ShareOut]:
    project = await get_or_404(session, Project, project_id, "项目")
    ensure_readable(principal, region=project.village_code, entity_id=project.entity_id, what="项目")
    return await paginate(session, repository.shares_of(project_id=project_id), key=col(QuantifiedShare.id), params=page, to_item=ShareOut.model_validate)


async def commit_allocation(session: AsyncSession, *, principal: Principal, allocation_id: str, amount_fen: int, village_code: str, field: str) -> Allocation:
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
    enforce(policy_funds.r9_three_rights(agreement_poor_share_bp=data.agreement.poor_share_bp, t=thresholds()))
    ordered(data.agreement.term_start, data.agreement.term_end, "agreement.term_end")
    entity = await registered_entity(session, data.entity_id, principal=principal)
    if data.leader_member_id is not None:
        await known_member(session, data.leader_member_id, principal=principal, field="leader_member_id")
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
        allocation = await commit_allocation(
            session, principal=principal, allocation_id=f.allocation_id, amount_fen=f.amount_fen, village_code=data.village_code, field=f"funded_by[{i}]"
        )
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
            led_by=project.led_by,
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
    project = await get_or_404(session, Project, project_id, "项目")
    ensure_readable(principal, region=project.village_code, entity_id=project.entity_id, what="项目")
    return await project_out(session, project)


def share_out(s: QuantifiedShare) -> ShareOut:
    return ShareOut.model_validate(s)


async def quantify_shares(
    *, session: AsyncSession, principal: Principal, data: ShareIn, project_id: str | None = None, asset_id: str | None = None
) -> ShareOut:
    owner: Project | Asset = await get_or_404(session, Project, project_id, "项目") if project_id else await get_or_404(session, Asset, asset_id, "资产")  # type: ignore[arg-type]  # one of project_id and asset_id is given (the routes pass one)
    ensure_readable(principal, region=owner.village_code, what="项目")
    ensure_writable(principal, region=owner.village_code)
    household = await known_household(session, data.household_id, principal=principal)
    if county_of(household.village_code) != county_of(owner.village_code):
        raise InvalidInput("该户不在项目所在县", detail_en="the household is not in the county of the project or asset", field="household_id")
    existing = select(col(QuantifiedShare.id)).where(col(QuantifiedShare.household_id) == household.id)
    existing = existing.where(col(QuantifiedShare.project_id) == project_id) if project_id else existing.where(col(QuantifiedShare.asset_id) == asset_id)
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
