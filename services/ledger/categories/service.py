"""Income by national category, and the production costs that make business income net."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.ledger import service as ledger
from services.ledger.categories.domain import categorise
from services.ledger.categories.models import ProductionCost
from services.ledger.categories.schemas import FigureOut, HouseholdCategories, ProductionCostIn, ProductionCostOut
from services.ledger.models import LedgerHousehold, col
from shared.auth import Principal, ensure_readable, ensure_writable
from shared.events.ledger import ProductionCostRecorded
from shared.ids import new_id
from shared.outbox import emit
from shared.problems import Conflict, NotFound


async def costs_of(session: AsyncSession, household_ids: list[str], year: int) -> dict[str, int]:
    """The production costs recorded against each household's income dated in ``year`` (reversals included)."""
    start, end = ledger.period(year, None)
    out: dict[str, int] = {}
    for i in range(0, len(household_ids), 900):
        rows = await session.execute(
            select(col(ProductionCost.household_id), func.sum(col(ProductionCost.amount_fen)))
            .where(
                col(ProductionCost.household_id).in_(household_ids[i : i + 900]),
                col(ProductionCost.occurred_on) >= start,
                col(ProductionCost.occurred_on) < end,
            )
            .group_by(col(ProductionCost.household_id))
        )
        out.update({h: int(s or 0) for h, s in rows.all()})
    return out


def figures(by_type: dict[str, int], costs: int) -> dict[str, FigureOut]:
    return {k: FigureOut(gross_fen=f.gross_fen, costs_fen=f.costs_fen, net_fen=f.net_fen, basis=f.basis) for k, f in categorise(by_type, costs).items()}


async def household_categories(*, session: AsyncSession, principal: Principal, household_id: str, year: int) -> HouseholdCategories:
    """The household's six types (``/households/{id}/income``'s own figures) in the four categories."""
    income = await ledger.household_income(session=session, principal=principal, household_id=household_id, year=year)
    costs = (await costs_of(session, [household_id], year)).get(household_id, 0)
    return HouseholdCategories(
        household_id=household_id,
        year=year,
        by_type=income.by_type,
        total_fen=income.total_fen,
        categories=figures(income.by_type, costs),
        net_total_fen=income.total_fen - costs,
    )


async def _writable_household(session: AsyncSession, principal: Principal, household_id: str) -> LedgerHousehold:
    home = await session.get(LedgerHousehold, household_id)
    if home is None:
        raise NotFound("户不存在", detail_en=f"household {household_id} not found")
    ensure_readable(principal, region=home.village_code, what="户")
    ensure_writable(principal, region=home.village_code)
    return home


async def _record(session: AsyncSession, principal: Principal, cost: ProductionCost) -> ProductionCostOut:
    session.add(cost)
    await session.flush()
    emit(
        session,
        ProductionCostRecorded(
            cost_id=cost.cost_id,
            household_id=cost.household_id,
            village_code=cost.village_code,
            amount_fen=cost.amount_fen,
            occurred_on=cost.occurred_on,
            contract_id=cost.contract_id,
            item=cost.item,
            reverses_cost_id=cost.reverses_cost_id,
        ),
    )
    return ProductionCostOut.model_validate(cost, from_attributes=True)


async def record_cost(*, session: AsyncSession, principal: Principal, household_id: str, body: ProductionCostIn) -> ProductionCostOut:
    home = await _writable_household(session, principal, household_id)
    cost = ProductionCost(
        cost_id=new_id(),
        household_id=household_id,
        village_code=home.village_code,
        amount_fen=body.amount_fen,
        occurred_on=body.occurred_on,
        contract_id=body.contract_id,
        item=body.item,
        recorded_by=principal.subject,
        recorded_at=datetime.now(UTC),
    )
    return await _record(session, principal, cost)


async def reverse_cost(*, session: AsyncSession, principal: Principal, cost_id: str) -> ProductionCostOut:
    """A correction is a reversing entry, never an edit: the negative of the cost, on its date; once."""
    original = await session.get(ProductionCost, cost_id)
    if original is None:
        raise NotFound("生产成本记录不存在", detail_en=f"production cost {cost_id} not found")
    await _writable_household(session, principal, original.household_id)
    if original.reverses_cost_id is not None:
        raise Conflict("冲销记录不能再冲销", detail_en="a reversing entry cannot itself be reversed")
    done = await session.execute(select(col(ProductionCost.cost_id)).where(col(ProductionCost.reverses_cost_id) == cost_id))
    if done.first() is not None:
        raise Conflict("该成本已冲销", detail_en="the cost has already been reversed")
    reversal = ProductionCost(
        cost_id=new_id(),
        household_id=original.household_id,
        village_code=original.village_code,
        amount_fen=-original.amount_fen,
        occurred_on=original.occurred_on,
        contract_id=original.contract_id,
        item=original.item,
        reverses_cost_id=cost_id,
        recorded_by=principal.subject,
        recorded_at=datetime.now(UTC),
    )
    return await _record(session, principal, reversal)
