"""Reads of partners: the statements their lists page over, and what a page of them adds up."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.market.base import col
from services.market.partners.models import Partner, PartnerSecret


def partners() -> Select[Any]:
    return select(Partner)


def secrets_of(code: str) -> Select[Any]:
    return select(PartnerSecret).where(col(PartnerSecret.partner) == code)


async def active_secrets(session: AsyncSession, codes: list[str]) -> dict[str, int]:
    """Each partner's secrets not revoked: one grouped query for a whole page."""
    if not codes:
        return {}
    stmt = (
        select(col(PartnerSecret.partner), func.count())
        .where(col(PartnerSecret.partner).in_(codes), col(PartnerSecret.revoked_at).is_(None))
        .group_by(col(PartnerSecret.partner))
    )
    return {code: int(n) for code, n in (await session.execute(stmt)).all()}
