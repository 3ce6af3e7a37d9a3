"""Reads of order contracts: the scoped statements their lists page over."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from services.market.base import col
from services.market.contracts.models import Delivery, OrderContract
from shared.auth import Principal, visible


def visible_contracts(principal: Principal, *, household_id: str | None, entity_id: str | None) -> Select[Any]:
    stmt = select(OrderContract).where(visible(principal, region=col(OrderContract.village_code), entity=col(OrderContract.entity_id)))
    if household_id:
        stmt = stmt.where(col(OrderContract.household_id) == household_id)
    if entity_id:
        stmt = stmt.where(col(OrderContract.entity_id) == entity_id)
    return stmt


def deliveries_of(contract_id: str) -> Select[Any]:
    return select(Delivery).where(col(Delivery.contract_id) == contract_id)
