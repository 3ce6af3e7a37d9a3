"""The exports' own statement: a place's households with their year's income by type, in one grouped query.

Each household's sums are its entries dated in the year whatever their village, as
``/households/{id}/income`` sums them; sizes and costs come from the functions the API itself uses.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.ledger import service as ledger
from services.ledger.models import IncomeEntry, LedgerHousehold, col
from services.ledger.monitoring.repository import place_filter


async def income_by_household(session: AsyncSession, level: str, code: str, year: int) -> dict[str, dict[str, int]]:
    """household id → benefit type → fen, for the place's households, their entries dated in ``year``."""
    start, end = ledger.period(year, None)
    rows = await session.execute(
        select(col(IncomeEntry.household_id), col(IncomeEntry.benefit_type), func.sum(col(IncomeEntry.amount_fen)))
        .join(LedgerHousehold, col(LedgerHousehold.household_id) == col(IncomeEntry.household_id))
        .where(place_filter(level, code), col(IncomeEntry.occurred_on) >= start, col(IncomeEntry.occurred_on) < end)
        .group_by(col(IncomeEntry.household_id), col(IncomeEntry.benefit_type))
    )
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for hid, benefit, fen in rows.all():
        out[hid][benefit] = int(fen or 0)
    return out


async def households_of(session: AsyncSession, level: str, code: str, year: int) -> tuple[list[LedgerHousehold], dict[str, tuple[int, int]]]:
    """The place's households on the register during ``year`` (as ``/aggregates`` counts them) and their sizes at its end."""
    start, end = ledger.period(year, None)
    homes = await ledger._households_in(session, level, code, start, end)  # type: ignore[arg-type]  # level is checked by _check_place first
    return homes, await ledger._sizes_at(session, [h.household_id for h in homes], end)


async def count_households(session: AsyncSession, level: str, code: str, year: int) -> int:
    start, end = ledger.period(year, None)
    stmt: Any = (
        select(func.count())
        .select_from(LedgerHousehold)
        .where(
            place_filter(level, code),
            col(LedgerHousehold.registered_on) < end,
            (col(LedgerHousehold.left_on).is_(None)) | (col(LedgerHousehold.left_on) >= start),
        )
    )
    return int((await session.execute(stmt)).scalar() or 0)
