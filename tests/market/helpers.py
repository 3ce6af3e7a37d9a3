"""Market test helpers: villages, households and operating entities as market learns of them, and signed webhooks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from services.market.models import KnownEntity, KnownHousehold, KnownVillage
from shared.ids import new_id
from tests.helpers import citizen_id, eventually, unique_number, village_code


def idempotent(headers: dict[str, str], key: str | None = None) -> dict[str, str]:
    """Headers for a write that creates a money fact (a settlement): they need an Idempotency-Key."""
    return headers | {"Idempotency-Key": key or f"test-{new_id()}"}


async def make_village(platform: Any, *, paired_unit: str | None = "东莞市某局", code: str | None = None) -> str:
    code = code or village_code()
    body: dict[str, Any] = {"code": code, "name": "测试村", "categories": ["province_poor"]}
    if paired_unit:
        body["paired_unit"] = paired_unit
    r = await platform.client.post("/households/v1/villages", json=body, headers=platform.admin)
    assert r.status_code == 201, r.text
    await _known(platform, KnownVillage, KnownVillage.code, code)
    return code


async def make_household(platform: Any, code: str) -> str:
    member = {"name": "邓某", "id_number": citizen_id(), "relation": "head", "birth_date": "1980-03-15", "sex": "male", "labour_capacity": "full"}
    r = await platform.client.post(
        "/households/v1/households",
        json={"household_number": unique_number(), "village_code": code, "registered_on": "2026-01-01", "members": [member]},
        headers=platform.admin,
    )
    assert r.status_code == 201, r.text
    hid = r.json()["id"]
    await _known(platform, KnownHousehold, KnownHousehold.id, hid)
    return hid


async def make_entity(platform: Any, village_codes: list[str]) -> str:
    """An operating entity registered through the funds API; market learns of it from ``entity_registered``."""
    from tests.funds.support import credit_code

    body = {
        "name": "测试茶叶专业合作社",
        "kind": "cooperative",
        "credit_code": credit_code(),
        "county_code": village_codes[0][:6],
        "village_codes": village_codes,
    }
    r = await platform.client.post("/funds/v1/entities", json=body, headers=platform.admin)
    assert r.status_code == 201, r.text
    entity_id = r.json()["id"]
    await _known(platform, KnownEntity, KnownEntity.id, entity_id)
    return entity_id


async def _known(platform: Any, model: Any, column: Any, key: str) -> None:
    ctx = platform.context("market")

    async def check() -> None:
        async with ctx.sessionmaker() as session:
            assert (await session.execute(select(column).where(column == key))).first() is not None, f"market does not know {key} yet"

    await eventually(check)


async def market_events(platform: Any, event_type: str) -> list[dict[str, Any]]:
    """The data of the market's facts of one type, read from its outbox (what the ledger consumes)."""
    ctx = platform.context("market")
    outbox = ctx.spec.metadata.tables["outbox"]
    async with ctx.sessionmaker() as session:
        rows = (await session.execute(select(outbox.c.payload).where(outbox.c.type == event_type).order_by(outbox.c.sequence))).scalars()
        return [json.loads(p)["data"] for p in rows]


def order_payload(partner_order_id: str, *, village: str | None = None, entity: str | None = None, **line: Any) -> dict[str, Any]:
    supply = {"village_code": village} if village else {"entity_id": entity}
    return {
        "type": "order.created",
        "timestamp": "2026-03-01T08:00:00Z",
        "data": {
            "partner_order_id": partner_order_id,
            "placed_at": "2026-03-01T07:59:12Z",
            "buyer": {"kind": "enterprise", "name": "东莞某食品有限公司"},
            "supply": supply,
            "lines": [{"line_no": 1, "product": "tea", "quantity": "12.5", "unit": "kg", "unit_price_fen": 16000} | line],
        },
    }


def signed_headers(secret: str, body: bytes, *, msg_id: str | None = None, when: datetime | None = None) -> dict[str, str]:
    """Headers signed by the Standard Webhooks reference library."""
    from standardwebhooks.webhooks import Webhook

    msg_id = msg_id or f"msg_{new_id()}"
    when = when or datetime.now(UTC)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, when, body.decode()),
        "content-type": "application/json",
    }


async def new_partner_secret(platform: Any, partner: str) -> dict[str, Any]:
    r = await platform.client.post(f"/market/v1/partners/{partner}/secrets", headers=platform.admin)
    assert r.status_code == 201, r.text
    return r.json()


async def post_webhook(platform: Any, partner: str, payload: dict[str, Any] | bytes, secret: str, **kw: Any) -> Any:
    body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    headers = signed_headers(secret, body, **kw)
    return await platform.client.post(f"/market/v1/webhooks/{partner}", content=body, headers=headers)


async def make_partner(platform: Any, *, products: list[str] | None = None) -> tuple[str, str]:
    """A fresh partner platform with one active secret: (code, secret)."""
    code = unique_number("p").lower()
    body: dict[str, Any] = {"code": code, "name": "测试平台"}
    if products is not None:
        body["allowed_products"] = products
    r = await platform.client.post("/market/v1/partners", json=body, headers=platform.admin)
    assert r.status_code == 201, r.text
    return code, (await new_partner_secret(platform, code))["secret"]


async def orders_with(platform: Any, partner: str, partner_order_id: str) -> list[dict[str, Any]]:
    r = await platform.client.get("/market/v1/orders", params={"partner": partner, "partner_order_id": partner_order_id}, headers=platform.admin)
    assert r.status_code == 200, r.text
    return r.json()["items"]
