"""Reads of subsidies: the one place their scoped statement is built (a subsidy concerns a household, so its village)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlmodel import col

from services.funds.subsidies.models import Subsidy
from shared.auth import Principal, visible


def visible_subsidies(principal: Principal) -> Select[Any]:
    return select(Subsidy).where(visible(principal, region=col(Subsidy.village_code)))
