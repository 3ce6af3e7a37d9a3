"""Reads of land transfers and lease-backs: the one place their scoped statements are built."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlmodel import col

from services.funds.land.models import LandTransfer, LeaseBack
from shared.auth import Principal, visible


def visible_land_transfers(principal: Principal) -> Select[Any]:
    return select(LandTransfer).where(visible(principal, region=col(LandTransfer.village_code), entity=col(LandTransfer.entity_id)))


def visible_lease_backs(principal: Principal) -> Select[Any]:
    return select(LeaseBack).where(visible(principal, region=col(LeaseBack.village_code), entity=col(LeaseBack.entity_id)))
