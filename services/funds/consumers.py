"""Handlers of other services' facts. Funds keeps a small table of households (village, poverty status)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.funds.models import KnownHousehold
from shared.bus import Delivered
from shared.events.households import HouseholdCorrected, HouseholdLeftRegistry, HouseholdRegistered, HouseholdStatusChanged


async def apply_household_facts(session: AsyncSession, batch: list[Delivered]) -> None:
    """Idempotent by construction: each fact sets state, so applying it twice changes nothing."""
    for d in batch:
        data = d.data
        if isinstance(data, HouseholdRegistered):
            household = await session.get(KnownHousehold, data.household_id)
            if household is None:
                session.add(KnownHousehold(id=data.household_id, village_code=data.village_code, poverty_status=data.poverty_status))
                await session.flush()
        elif isinstance(data, (HouseholdStatusChanged, HouseholdLeftRegistry, HouseholdCorrected)):
            household = await session.get(KnownHousehold, data.household_id)
            if household is None:
                continue
            household.village_code = data.village_code
            if isinstance(data, HouseholdStatusChanged):
                household.poverty_status = data.poverty_status
            elif isinstance(data, HouseholdLeftRegistry):
                household.left_on = data.effective_on
            await session.flush()
