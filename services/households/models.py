"""Every table of the households service, from its aggregates' packages: ``Base.metadata`` is what Alembic reads.

Nothing is deleted: members and households carry the dates they joined and left, statuses and
labour capacities keep their history rows, so the registry can answer ``as_of`` any day.
"""

from __future__ import annotations

from services.households.employment.models import Employment, KnownEntity, WagePayment
from services.households.fields import HouseholdsTable
from services.households.registry.models import Household, HouseholdStatus, Member, MemberCapacity
from services.households.villages.models import Village, VillageCategoryRow

Base = HouseholdsTable  # ``Base.metadata``: what Alembic, the outbox and the tests read

__all__ = ["Base", "Employment", "Household", "HouseholdStatus", "KnownEntity", "Member", "MemberCapacity", "Village", "VillageCategoryRow", "WagePayment"]
