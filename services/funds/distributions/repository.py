"""Reads of distributions: the one place their scoped statement is built."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlmodel import col

from services.funds.distributions.models import Distribution
from shared.auth import Principal, visible


def visible_distributions(principal: Principal) -> Select[Any]:
    return select(Distribution).where(visible(principal, region=col(Distribution.village_code), entity=col(Distribution.entity_id)))
