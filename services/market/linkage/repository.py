"""Reads of market linkage: the scoped statements lists page over, and what covers a village or a base."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.market.base import col
from services.market.linkage.models import ColdChainFacility, Coverage, DirectSupplyChannel, EcommercePoint, ShowcaseWindow
from shared.auth import Principal, visible

Facility = EcommercePoint | ColdChainFacility
KIND: dict[type[Facility], str] = {EcommercePoint: "ecommerce_point", ColdChainFacility: "cold_chain"}
F = TypeVar("F", EcommercePoint, ColdChainFacility)


def visible_channels(principal: Principal, village_code: str | None) -> Select[Any]:
    stmt = select(DirectSupplyChannel).where(visible(principal, region=col(DirectSupplyChannel.village_code)))
    return stmt.where(col(DirectSupplyChannel.village_code) == village_code) if village_code else stmt


def visible_windows(principal: Principal, village_code: str | None) -> Select[Any]:
    stmt = select(ShowcaseWindow).where(visible(principal, region=col(ShowcaseWindow.village_code)))
    return stmt.where(col(ShowcaseWindow.village_code) == village_code) if village_code else stmt


def visible_points(principal: Principal) -> Select[Any]:
    return select(EcommercePoint).where(visible(principal, region=col(EcommercePoint.county_code)))


def visible_facilities(principal: Principal) -> Select[Any]:
    return select(ColdChainFacility).where(visible(principal, region=col(ColdChainFacility.county_code)))


async def channels_of(session: AsyncSession, village_code: str) -> list[DirectSupplyChannel]:
    return list((await session.execute(select(DirectSupplyChannel).where(col(DirectSupplyChannel.village_code) == village_code))).scalars())


async def windows_of(session: AsyncSession, village_code: str) -> list[ShowcaseWindow]:
    return list((await session.execute(select(ShowcaseWindow).where(col(ShowcaseWindow.village_code) == village_code))).scalars())


async def covering_village(session: AsyncSession, model: type[F], village_code: str) -> list[F]:
    """The points or facilities whose coverage names the village."""
    ids = select(col(Coverage.facility_id)).where(col(Coverage.facility_kind) == KIND[model], col(Coverage.village_code) == village_code)
    return list((await session.execute(select(model).where(col(model.id).in_(ids)))).scalars())


async def covering_base(session: AsyncSession, principal: Principal, model: type[F], base_code: str) -> list[F]:
    """The points or facilities in the caller's scope whose coverage names the base."""
    stmt = (
        select(model)
        .join(Coverage, col(Coverage.facility_id) == col(model.id))
        .where(col(Coverage.base_code) == base_code, visible(principal, region=col(model.county_code)))
    )
    return list((await session.execute(stmt)).scalars().unique())
