"""Every table of the oversight service, from its aggregates' packages: ``metadata`` is what Alembic reads."""

from __future__ import annotations

from services.oversight.cases.models import Case
from services.oversight.fields import OversightTable, metadata
from services.oversight.known.models import KnownHousehold, KnownMember, KnownVillage
from services.oversight.notices.models import Notice

Base = OversightTable

__all__ = ["Base", "Case", "KnownHousehold", "KnownMember", "KnownVillage", "Notice", "metadata"]
