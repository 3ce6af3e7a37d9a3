"""The webhook path's view of a partner: enabled, its products, its secrets decrypted to HMAC keys, cached per process."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.market.base import col
from services.market.partners.models import Partner, PartnerSecret
from services.market.settings import get_market_settings
from services.market.signing import secret_key
from shared.pii import PiiVault

CACHE_KEY = "market.partner_cache"


@dataclass(frozen=True)
class PartnerAuth:
    """What the webhook path needs of a partner, with its secrets decrypted to HMAC keys."""

    code: str
    enabled: bool
    allowed_products: frozenset[str]
    keys: tuple[bytes, ...]


class PartnerCache:
    """Per-process cache of decrypted partner secrets, so a webhook costs no decryption and no query."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._entries: dict[str, tuple[float, PartnerAuth | None]] = {}

    def invalidate(self, code: str | None = None) -> None:
        if code is None:
            self._entries.clear()
        else:
            self._entries.pop(code, None)

    async def get(self, session: AsyncSession, vault: PiiVault, code: str) -> PartnerAuth | None:
        now = time.monotonic()
        hit = self._entries.get(code)
        if hit is not None and hit[0] > now:
            return hit[1]
        partner = await session.get(Partner, code)
        auth = None
        if partner is not None:
            rows = (
                await session.execute(
                    select(col(PartnerSecret.secret_cipher)).where(col(PartnerSecret.partner) == code, col(PartnerSecret.revoked_at).is_(None))
                )
            ).scalars()
            auth = PartnerAuth(
                code=code,
                enabled=partner.enabled,
                allowed_products=frozenset(partner.allowed_products or ()),
                keys=tuple(secret_key(vault.decrypt(c)) for c in rows),
            )
        self._entries[code] = (now + self.ttl, auth)
        return auth


def cache_of(extras: dict[str, object]) -> PartnerCache:
    cache = extras.get(CACHE_KEY)
    if not isinstance(cache, PartnerCache):
        cache = PartnerCache(get_market_settings().partner_cache_seconds)
        extras[CACHE_KEY] = cache
    return cache
