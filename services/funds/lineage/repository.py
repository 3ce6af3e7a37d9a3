"""Reads of the lineage: a household's income lines, the households funds knows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlmodel import col

from services.funds.lineage.models import IncomePayment


def income_lines_of(*, household_id: str) -> Select[Any]:
    return select(IncomePayment).where(col(IncomePayment.household_id) == household_id)
