"""Reads of funds and allocations: the scoped statements, and what the answers add up."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.funds.allocations.models import Allocation, Fund
from shared.auth import Principal, visible


def visible_funds(principal: Principal) -> Select[Any]:
    return select(Fund).where(visible(principal, region=col(Fund.county_code)))


def visible_allocations(principal: Principal) -> Select[Any]:
    return select(Allocation).where(visible(principal, region=col(Allocation.region_code), entity=col(Allocation.entity_id)))


async def allocated_fen(session: AsyncSession, fund_ids: list[str]) -> dict[str, int]:
    """What allocations took from each fund: one grouped query for a whole page."""
    if not fund_ids:
        return {}
    stmt = select(col(Allocation.fund_id), func.sum(col(Allocation.amount_fen))).where(col(Allocation.fund_id).in_(fund_ids)).group_by(col(Allocation.fund_id))
    return {fund_id: int(total or 0) for fund_id, total in (await session.execute(stmt)).all()}
