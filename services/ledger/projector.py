"""Applies facts from the log to the ledger's projections, a batch at a time, with bulk inserts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.ledger.models import HouseholdSize, IncomeEntry, LedgerHousehold
from shared.bus import Delivered
from shared.events.households import HouseholdLeftRegistry, HouseholdRegistered, HouseholdSizeChanged, HouseholdStatusChanged
from shared.regions import county_of, township_of


def _recorded_at(d: Delivered) -> datetime:
    return datetime.fromisoformat(str(d.envelope["time"]).replace("Z", "+00:00"))


async def project(session: AsyncSession, batch: list[Delivered]) -> None:
    households: list[dict[str, Any]] = []
    sizes: list[dict[str, Any]] = []
    incomes: list[dict[str, Any]] = []
    for d in batch:
        data = d.data
        income = getattr(data, "income", None)
        if income is not None:
            incomes.append(
                {
                    "event_id": d.id,
                    "household_id": income.household_id,
                    "benefit_type": str(income.benefit_type),
                    "amount_fen": income.amount_fen,
                    "occurred_on": income.occurred_on,
                    "recorded_at": _recorded_at(d),
                    "village_code": income.village_code,
                    "township_code": township_of(income.village_code),
                    "county_code": county_of(income.village_code),
                    "source": d.source,
                    "event_type": d.type,
                    "lineage": income.lineage.model_dump(exclude_none=True),
                    "reverses_event_id": income.reverses_event_id,
                }
            )
        elif isinstance(data, HouseholdRegistered):
            households.append(
                {
                    "household_id": data.household_id,
                    "household_number": data.household_number,
                    "village_code": data.village_code,
                    "township_code": township_of(data.village_code),
                    "county_code": county_of(data.village_code),
                    "poverty_status": data.poverty_status,
                    "registered_on": data.registered_on,
                }
            )
            sizes.append(_size(d, data.household_id, data.registered_on, data.member_count, data.labour_count))
        elif isinstance(data, HouseholdSizeChanged):
            sizes.append(_size(d, data.household_id, data.effective_on, data.member_count, data.labour_count))
        elif isinstance(data, (HouseholdStatusChanged, HouseholdLeftRegistry)):
            if households:  # keep insert order: flush pending registrations first
                await session.execute(insert(LedgerHousehold), households)
                households = []
            values: dict[str, Any] = (
                {"poverty_status": data.poverty_status} if isinstance(data, HouseholdStatusChanged) else {"left_on": data.effective_on}
            )
            await session.execute(update(LedgerHousehold).where(LedgerHousehold.household_id == data.household_id).values(**values))
    if households:
        await session.execute(insert(LedgerHousehold), households)
    if sizes:
        await session.execute(insert(HouseholdSize), sizes)
    if incomes:
        await session.execute(insert(IncomeEntry), incomes)


def _size(d: Delivered, household_id: str, on: date, members: int, labour: int) -> dict[str, Any]:
    return {
        "event_id": d.id,
        "household_id": household_id,
        "effective_on": on,
        "recorded_at": _recorded_at(d),
        "member_count": members,
        "labour_count": labour,
    }
