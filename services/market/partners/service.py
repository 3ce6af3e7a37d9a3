"""Use cases of partner platforms: keyword-only functions over a session; they flush and emit, never commit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.market.base import col
from services.market.partners import repository
from services.market.partners.cache import PartnerCache
from services.market.partners.models import Partner, PartnerSecret
from services.market.partners.schemas import PartnerIn, PartnerOut, PartnerPatch, SecretCreated, SecretOut
from services.market.signing import new_secret
from shared.auth import Principal
from shared.db import utcnow
from shared.events.market import PartnerRegistered
from shared.ids import new_id
from shared.outbox import emit
from shared.paging import Page, PageParams, paginate
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


def _out(partner: Partner, active: dict[str, int]) -> PartnerOut:
    return PartnerOut.model_validate(partner.model_dump() | {"active_secrets": active.get(partner.code, 0)})


async def partner_out(session: AsyncSession, partner: Partner) -> PartnerOut:
    return _out(partner, await repository.active_secrets(session, [partner.code]))


async def list_partners(*, session: AsyncSession, page: PageParams) -> Page[PartnerOut]:
    """A page of partners in two statements: the page, and its active secrets counted together."""
    rows = await paginate(session, repository.partners(), key=col(Partner.code), params=page, to_item=lambda p: p)
    active = await repository.active_secrets(session, [p.code for p in rows.items])
    return Page[PartnerOut](items=[_out(p, active) for p in rows.items], next_cursor=rows.next_cursor)


async def get_partner(*, session: AsyncSession, code: str) -> Partner:
    partner = await session.get(Partner, code)
    if partner is None:
        raise NotFound("合作平台不存在", detail_en=f"partner {code} not found")
    return partner


async def read_partner(*, session: AsyncSession, code: str) -> PartnerOut:
    return await partner_out(session, await get_partner(session=session, code=code))


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


async def list_secrets(*, session: AsyncSession, code: str, page: PageParams) -> Page[SecretOut]:
    await get_partner(session=session, code=code)
    return await paginate(session, repository.secrets_of(code), key=col(PartnerSecret.id), params=page, to_item=SecretOut.model_validate)


async def add_secret(*, session: AsyncSession, principal: Principal, vault: PiiVault, cache: PartnerCache, code: str) -> SecretCreated:
    """A new active secret; the old ones stay active until revoked, so a partner rotates without downtime."""
    await get_partner(session=session, code=code)
    secret = new_secret()
    row = PartnerSecret(id=new_id(), partner=code, secret_cipher=vault.encrypt(secret), hint=secret[-4:], created_at=utcnow(), created_by=principal.subject)
    session.add(row)
    await session.flush()
    cache.invalidate(code)
    return SecretCreated(**SecretOut.model_validate(row).model_dump(), secret=secret)


async def revoke_secret(*, session: AsyncSession, cache: PartnerCache, code: str, secret_id: str) -> SecretOut:
    row = await session.get(PartnerSecret, secret_id)
    if row is None or row.partner != code:
        raise NotFound("密钥不存在", detail_en=f"secret {secret_id} not found")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        await session.flush()
    cache.invalidate(code)
    return SecretOut.model_validate(row)
