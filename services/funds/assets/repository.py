"""Reads of assets: the one place their scoped statement is built."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlmodel import col

from services.funds.assets.models import Asset
from shared.auth import Principal, visible


def visible_assets(principal: Principal) -> Select[Any]:
    return select(Asset).where(visible(principal, region=col(Asset.village_code), entity=col(Asset.entity_id)))
