"""Partner platforms (§6.1): the registry, their webhook secrets (several active, for rotation), the on/off switch."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.market.models import Partner, PartnerSecret, col
from services.market.schemas import PartnerIn, PartnerOut, PartnerPatch, SecretCreated, SecretOut
from services.market.settings import get_market_settings
from services.market.signing import new_secret, secret_key
from shared.auth import Principal
from shared.db import utcnow
from shared.events.market import PartnerRegistered
from shared.ids import new_id
from shared.outbox import emit
from shared.pii import PiiVault
from shared.problems import Conflict, NotFound
from shared.regions import INDUSTRIES

# §6.1 names these platforms; they are seeded at start-up and may order every 453 product.
SEED_PARTNERS: dict[str, str] = {
    "jd": "京东",
    "suning": "苏宁",
    "lecuntao": "乐村淘",
    "rural_taobao": "农村淘宝",
    "supply_marketing_coop": "供销社",
    "rcc_xiantehui": "农信社鲜特汇",
    "cmcc_lingnan_youpin": "中国移动岭南优品",
    "china_post": "中国邮政",
}

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


async def seed_partners(session: AsyncSession) -> int:
    """Register the eight §6.1 platforms that are missing; idempotent."""
    existing = set((await session.execute(select(col(Partner.code)))).scalars())
    added = 0
    for code, name in SEED_PARTNERS.items():
        if code in existing:
            continue
        session.add(Partner(code=code, name=name, enabled=True, allowed_products=list(INDUSTRIES)))
        emit(session, PartnerRegistered(partner=code, name=name, allowed_products=list(INDUSTRIES), enabled=True))
        added += 1
    await session.flush()
    return added


async def _active_count(session: AsyncSession, code: str) -> int:
    return int(
        (
            await session.execute(
                select(func.count()).select_from(PartnerSecret).where(col(PartnerSecret.partner) == code, col(PartnerSecret.revoked_at).is_(None))
            )
        ).scalar_one()
    )


async def partner_out(session: AsyncSession, p: Partner) -> PartnerOut:
    return PartnerOut(
        code=p.code, name=p.name, enabled=p.enabled, allowed_products=list(p.allowed_products or []), active_secrets=await _active_count(session, p.code)
    )


async def get_partner(*, session: AsyncSession, code: str) -> Partner:
    partner = await session.get(Partner, code)
    if partner is None:
        raise NotFound("合作平台不存在", detail_en=f"partner {code} not found")
    return partner


async def register_partner(*, session: AsyncSession, cache: PartnerCache, data: PartnerIn) -> PartnerOut:
    if await session.get(Partner, data.code) is not None:
        raise Conflict(f"合作平台 {data.code} 已存在", detail_en=f"partner {data.code} exists", field="code")
    partner = Partner(code=data.code, name=data.name, enabled=data.enabled, allowed_products=list(data.allowed_products))
    session.add(partner)
    await session.flush()
    emit(session, PartnerRegistered(partner=partner.code, name=partner.name, allowed_products=partner.allowed_products, enabled=partner.enabled))
    cache.invalidate(data.code)
    return await partner_out(session, partner)


async def update_partner(*, session: AsyncSession, cache: PartnerCache, code: str, data: PartnerPatch) -> PartnerOut:
    partner = await get_partner(session=session, code=code)
    if data.enabled is not None:
        partner.enabled = data.enabled
    if data.allowed_products is not None:
        partner.allowed_products = list(data.allowed_products)
    await session.flush()
    cache.invalidate(code)
    return await partner_out(session, partner)


def _masked(hint: str) -> str:
    return f"whsec_…{hint}"


def secret_out(s: PartnerSecret) -> SecretOut:
    return SecretOut(id=s.id, partner=s.partner, masked=_masked(s.hint), created_at=s.created_at, revoked_at=s.revoked_at)


async def add_secret(*, session: AsyncSession, principal: Principal, vault: PiiVault, cache: PartnerCache, code: str) -> SecretCreated:
    """A new active secret; the old ones stay active until revoked, so a partner rotates without downtime."""
    await get_partner(session=session, code=code)
    secret = new_secret()
    row = PartnerSecret(id=new_id(), partner=code, secret_cipher=vault.encrypt(secret), hint=secret[-4:], created_at=utcnow(), created_by=principal.subject)
    session.add(row)
    await session.flush()
    cache.invalidate(code)
    return SecretCreated(**secret_out(row).model_dump(), secret=secret)


async def revoke_secret(*, session: AsyncSession, cache: PartnerCache, code: str, secret_id: str) -> SecretOut:
    row = await session.get(PartnerSecret, secret_id)
    if row is None or row.partner != code:
        raise NotFound("密钥不存在", detail_en=f"secret {secret_id} not found")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        await session.flush()
    cache.invalidate(code)
    return secret_out(row)
