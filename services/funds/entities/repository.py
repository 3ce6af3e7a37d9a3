"""Which entities a principal sees: the one place the entity scope is built."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlmodel import col

from services.funds.entities.models import Entity
from shared.auth import REGION_ROLES, Principal, can_read, visible
from shared.regions import county_of


def entity_visible(principal: Principal, entity: Entity) -> bool:
    """Entities register with a county: everyone working inside that county (and its own operator) sees them."""
    if can_read(principal, region=entity.county_code, entity_id=entity.id):
        return True
    return principal.role in REGION_ROLES and bool(principal.scope) and county_of(principal.scope or "") == entity.county_code


def entities_visible(principal: Principal) -> Any:
    """``entity_visible`` as a WHERE clause for lists."""
    clause = visible(principal, region=col(Entity.county_code), entity=col(Entity.id))
    if principal.role in REGION_ROLES and principal.scope:
        clause = clause | (col(Entity.county_code) == county_of(principal.scope))
    return clause


def visible_entities(principal: Principal) -> Select[Any]:
    return select(Entity).where(entities_visible(principal))
