"""Use cases of lineage: keyword-only functions over a session; they flush and emit, never commit."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.funds import domain
from services.funds.allocations.models import Allocation, Fund
from services.funds.assets.models import Asset
from services.funds.assets.service import asset_out
from services.funds.common import get_or_404
from services.funds.distributions.models import Distribution
from services.funds.distributions.service import distribution_out
from services.funds.entities.models import Entity
from services.funds.lineage import cards, repository
from services.funds.lineage.models import IncomePayment, KnownHousehold
from services.funds.lineage.schemas import (
    DistributionLineage,
    FundLink,
    FundReach,
    IncomePaymentOut,
    KnownHouseholdOut,
    ReachEntity,
    ReachLine,
    ReachProject,
    ReachVillage,
)
from services.funds.projects.models import Funding, Project
from services.funds.projects.repository import fundings_of
from services.funds.projects.service import project_out
from shared.auth import Principal, ensure_readable
from shared.events.funds import FundKind
from shared.money import split_by_shares
from shared.paging import Page, PageParams, decode_cursor, encode_cursor, paginate
from shared.problems import NotFound


def known_household_out(h: KnownHousehold) -> KnownHouseholdOut:
    return KnownHouseholdOut.model_validate(h, update={"takes_poor_portion": h.left_on is None and h.poverty_status in domain.BENEFICIARY_STATUSES})


def income_payment_out(p: IncomePayment) -> IncomePaymentOut:
    return IncomePaymentOut.model_validate(p)


async def income_payment(*, session: AsyncSession, principal: Principal, line_id: str) -> IncomePaymentOut:
    payment = await get_or_404(session, IncomePayment, line_id, "收益明细")
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
        links.append(
            FundLink(
                fund_id=f.fund_id,
                fund_kind=cast("FundKind", allocation.fund_kind) if allocation else None,
                allocation_id=f.allocation_id,
                amount_fen=f.amount_fen,
            )
        )
    return links


async def distribution_lineage(*, session: AsyncSession, principal: Principal, distribution_id: str) -> DistributionLineage:
    d = await get_or_404(session, Distribution, distribution_id, "分配")
    ensure_readable(principal, region=d.village_code, entity_id=d.entity_id, what="分配")
    payments = list(
        (await session.execute(select(IncomePayment).where(col(IncomePayment.distribution_id) == d.id).order_by(IncomePayment.household_id))).scalars()
    )
    fundings = await fundings_of(session, project_id=d.project_id) if d.project_id else await fundings_of(session, asset_id=d.asset_id)
    project = await session.get(Project, d.project_id) if d.project_id else None
    asset = await session.get(Asset, d.asset_id) if d.asset_id else None
    return DistributionLineage(
        distribution=distribution_out(d),
        funds=await _fund_links(session, fundings),
        project=await project_out(session, project) if project else None,
        asset=asset_out(asset) if asset else None,
        payments=[income_payment_out(p) for p in payments],
    )


async def fund_reach(*, session: AsyncSession, principal: Principal, fund_id: str, page: PageParams) -> FundReach:
    """Villages, projects, entities and households a fund reached and how much: each income line of a project or
    asset it funded is attributed to its funds in proportion to what each put in (largest remainder, exact to the fen)."""
    fund = await get_or_404(session, Fund, fund_id, "资金")
    ensure_readable(principal, region=fund.village_code or fund.county_code, what="资金")
    own = list((await session.execute(select(Funding).where(col(Funding.fund_id) == fund.id))).scalars())
    project_ids = {f.project_id for f in own if f.project_id}
    asset_ids = {f.asset_id for f in own if f.asset_id}
    # How each project or asset was funded: fund id -> amount.
    funding_of: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if project_ids or asset_ids:
        stmt = select(Funding).where(col(Funding.project_id).in_(project_ids) | col(Funding.asset_id).in_(asset_ids))
        for f in (await session.execute(stmt)).scalars():
            funding_of[f.project_id or f.asset_id][f.fund_id] += f.amount_fen  # type: ignore[index]  # a funding names a project or an asset
    reached: dict[str, int] = defaultdict(int)
    by_source: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))  # project or asset -> household -> fen
    villages: dict[str, str] = {}
    if project_ids or asset_ids:
        paid_lines = (
            select(IncomePayment).where(col(IncomePayment.project_id).in_(project_ids) | col(IncomePayment.asset_id).in_(asset_ids)).order_by(IncomePayment.id)
        )
        for p in (await session.execute(paid_lines)).scalars():
            source = p.project_id or p.asset_id
            shares = funding_of[source]  # type: ignore[index]  # selected by project or asset
            sign = -1 if p.amount_fen < 0 else 1  # a reversing line takes back exactly what its original attributed
            part = sign * split_by_shares(abs(p.amount_fen), shares)[fund.id]
            reached[p.household_id] += part
            by_source[source][p.household_id] += part  # type: ignore[index]  # selected by project or asset
            villages[p.household_id] = p.village_code
    lines = [
        ReachLine(household_id=h, household_number=None, head_name=None, village_code=villages[h], amount_fen=a) for h, a in sorted(reached.items()) if a > 0
    ]
    per_village: dict[str, list[ReachLine]] = defaultdict(list)
    for line in lines:
        per_village[line.village_code].append(line)
    projects = {p.id: p for p in (await session.execute(select(Project).where(col(Project.id).in_(project_ids)))).scalars()} if project_ids else {}
    entity_ids = {p.entity_id for p in projects.values() if p.entity_id}
    entities = {e.id: e for e in (await session.execute(select(Entity).where(col(Entity.id).in_(entity_ids)))).scalars()} if entity_ids else {}
    sources = []
    per_entity: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for source, households in by_source.items():
        amount = sum(households.values())
        if amount <= 0:
            continue
        project = projects.get(source)
        entity = project.entity_id if project else None
        if entity:
            for h, fen in households.items():
                per_entity[entity][h] += fen
        sources.append(
            ReachProject(
                project_id=source if project else None,
                asset_id=None if project else source,
                name=project.name if project else None,
                entity_id=entity,
                village_code=project.village_code if project else None,
                household_count=sum(1 for fen in households.values() if fen > 0),
                amount_fen=amount,
            )
        )
    sources.sort(key=lambda s: (-s.amount_fen, s.project_id or s.asset_id or ""))
    reach_entities = sorted(
        (
            ReachEntity(
                entity_id=e,
                name=entities[e].name if e in entities else None,
                household_count=sum(1 for fen in hh.values() if fen > 0),
                amount_fen=sum(hh.values()),
            )
            for e, hh in per_entity.items()
        ),
        key=lambda e: (-e.amount_fen, e.entity_id),
    )
    after = decode_cursor(page.cursor) if page.cursor else None
    readable = cards.visible_cards(principal, {line.household_id: line.village_code for line in lines})
    rest = [line for line in lines if line.household_id in readable and (after is None or line.household_id > after)]
    shown = rest[: page.limit]
    known = await cards.cards_of(session, (line.household_id for line in shown))
    for line in shown:
        card = known.get(line.household_id)
        line.household_number, line.head_name = (card.household_number, card.head_name) if card else (None, None)
    return FundReach(
        fund_id=fund.id,
        total_fen=sum(line.amount_fen for line in lines),
        household_count=len(lines),
        villages=[
            ReachVillage(village_code=v, household_count=len(ls), amount_fen=sum(line.amount_fen for line in ls)) for v, ls in sorted(per_village.items())
        ],
        projects=sources,
        entities=reach_entities,
        households=shown,
        out_of_scope_household_count=len(lines) - len(readable),
        next_cursor=encode_cursor(shown[-1].household_id) if len(rest) > page.limit else None,
    )


async def _readable_household(session: AsyncSession, principal: Principal, household_id: str) -> KnownHousehold:
    household = await session.get(KnownHousehold, household_id)
    if household is None:
        raise NotFound("户不存在", detail_en=f"household {household_id} not known to funds")
    ensure_readable(principal, region=household.village_code, what="户")
    return household


async def get_known_household(*, session: AsyncSession, principal: Principal, household_id: str) -> KnownHouseholdOut:
    return known_household_out(await _readable_household(session, principal, household_id))


async def list_income_lines(*, session: AsyncSession, principal: Principal, household_id: str, page: PageParams) -> Page[IncomePaymentOut]:
    await _readable_household(session, principal, household_id)
    stmt = repository.income_lines_of(household_id=household_id)
    return await paginate(session, stmt, key=col(IncomePayment.id), params=page, to_item=IncomePaymentOut.model_validate)
