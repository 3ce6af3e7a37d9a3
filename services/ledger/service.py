"""Ledger queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.ledger import domain
from services.ledger.models import HouseholdSize, IncomeEntry, LedgerHousehold
from services.ledger.schemas import HouseholdIncome
from shared.auth import Principal, ensure_readable
from shared.problems import InvalidInput, NotFound


def _period(year: int, month: int | None) -> tuple[date, date]:
    if month is None:
        return date(year, 1, 1), date(year + 1, 1, 1)
    if not 1 <= month <= 12:
        raise InvalidInput("月份须在 1–12 之间", detail_en="month must be within 1..12", field="month")
    end = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, 1), end


async def household_income(
    *, session: AsyncSession, principal: Principal, household_id: str, year: int, month: int | None = None, as_of: date | None = None
) -> HouseholdIncome:
    household = await session.get(LedgerHousehold, household_id)
    if household is None:
        raise NotFound("户不存在", detail_en=f"household {household_id} not found")
    ensure_readable(principal, region=household.village_code, what="户")
    start, end = _period(year, month)
    stmt = (
        select(IncomeEntry.benefit_type, func.sum(IncomeEntry.amount_fen))
        .where(IncomeEntry.household_id == household_id, IncomeEntry.occurred_on >= start, IncomeEntry.occurred_on < end)
        .group_by(IncomeEntry.benefit_type)
    )
    size_stmt = select(HouseholdSize.member_count).where(
        HouseholdSize.household_id == household_id, HouseholdSize.effective_on < end
    )
    if as_of is not None:
        known_until = datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=UTC)
        stmt = stmt.where(IncomeEntry.recorded_at < known_until)
        size_stmt = size_stmt.where(HouseholdSize.recorded_at < known_until)
    totals = domain.by_type((b, int(a or 0)) for b, a in (await session.execute(stmt)).all())
    size = (await session.execute(size_stmt.order_by(HouseholdSize.effective_on.desc(), HouseholdSize.recorded_at.desc()).limit(1))).scalar()
    total = sum(totals.values())
    return HouseholdIncome(
        household_id=household_id,
        year=year,
        month=month,
        as_of=as_of,
        by_type=totals,
        total_fen=total,
        household_size=int(size or 0),
        per_capita_fen=domain.per_capita(total, int(size or 0)),
    )
