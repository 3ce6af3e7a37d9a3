"""Idempotency records: a keyed digest of the canonical request, the response sealed, no personal data, expiry."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select, update

from shared.db import utcnow
from shared.service import idempotency_record_id, purge_expired_idempotency_records
from tests.helpers import citizen_id, unique_number, village_code

V1 = "/households/v1"


async def _village(platform) -> str:
    code = village_code()
    r = await platform.client.post(f"{V1}/villages", json={"code": code, "name": "幂等村"}, headers=platform.admin)
    assert r.status_code == 201, r.text
    return code


def _household(code: str, *, phone: str | None = None, id_number: str | None = None) -> dict:
    member = {"name": "幂等", "id_number": id_number or citizen_id(), "relation": "head", "birth_date": "1970-01-01", "sex": "male", "labour_capacity": "full"}
    if phone:
        member["phone"] = phone
    return {"household_number": unique_number(), "village_code": code, "registered_on": "2026-01-10", "members": [member]}


async def _rows(platform, service: str = "households") -> list:
    ctx = platform.context(service)
    table = ctx.spec.metadata.tables["idempotency_record"]
    async with ctx.sessionmaker() as s:
        return list((await s.execute(select(table))).all())


async def _count(platform, table: str) -> int:
    ctx = platform.context("households")
    t = ctx.spec.metadata.tables[table]
    async with ctx.sessionmaker() as s:
        return int((await s.execute(select(func.count()).select_from(t))).scalar_one())


async def test_replay_with_the_json_keys_in_another_order_is_a_replay(platform):
    code = await _village(platform)
    body = _household(code)
    headers = {**platform.admin, "Idempotency-Key": f"order-{body['household_number']}", "Content-Type": "application/json"}
    first = await platform.client.post(f"{V1}/households", content=json.dumps(body).encode(), headers=headers)
    assert first.status_code == 201, first.text
    households = await _count(platform, "household")
    reordered = {k: (v if k != "members" else [dict(reversed(list(m.items()))) for m in v]) for k, v in reversed(list(body.items()))}
    assert json.dumps(reordered) != json.dumps(body)
    again = await platform.client.post(f"{V1}/households", content=json.dumps(reordered, indent=2).encode(), headers=headers)
    assert again.status_code == 201, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert await _count(platform, "household") == households


async def test_same_key_with_another_body_or_query_is_still_a_409(platform):
    code = await _village(platform)
    body = _household(code)
    headers = {**platform.admin, "Idempotency-Key": f"diff-{body['household_number']}"}
    assert (await platform.client.post(f"{V1}/households", json=body, headers=headers)).status_code == 201
    changed = {**body, "members": [{**body["members"][0], "name": "另一人"}]}
    r = await platform.client.post(f"{V1}/households", json=changed, headers=headers)
    assert r.status_code == 409 and r.json()["code"] == "idempotency_key_reused"


async def test_idempotency_records_hold_neither_identity_nor_phone_numbers(platform):
    code = await _village(platform)
    id_number, phone = citizen_id(), "13912345678"
    body = _household(code, phone=phone, id_number=id_number)
    headers = {**platform.admin, "Idempotency-Key": f"pii-{body['household_number']}"}
    first = await platform.client.post(f"{V1}/households", json=body, headers=headers)
    assert first.status_code == 201, first.text
    assert id_number in first.text and phone in first.text  # the city administrator sees full numbers in the answer
    rows = await _rows(platform)
    assert rows
    stored = b"".join(value if isinstance(value, bytes) else str(value).encode() for row in rows for value in row)
    for secret in (id_number, phone, id_number[6:14], phone[3:]):
        assert secret.encode() not in stored
        assert secret.encode("utf-16-le") not in stored
    # ... and the replay still answers the full, original response.
    again = await platform.client.post(f"{V1}/households", json=body, headers=headers)
    assert again.headers["idempotent-replayed"] == "true" and again.json() == first.json()


async def _age(platform, key: str, path: str, *, hours: int) -> None:
    ctx = platform.context("households")
    table = ctx.spec.metadata.tables["idempotency_record"]
    record = idempotency_record_id(ctx.vault, "test-admin", "POST", path, key)
    async with ctx.sessionmaker() as s:
        done = await s.execute(update(table).where(table.c.id == record).values(created_at=utcnow() - timedelta(hours=hours)))
        assert done.rowcount == 1
        await s.commit()


async def test_an_expired_idempotency_record_is_not_replayed(platform):
    assert platform.settings.idempotency_ttl_hours == 72
    code = await _village(platform)
    body = _household(code)
    key = f"old-{body['household_number']}"
    headers = {**platform.admin, "Idempotency-Key": key}
    first = await platform.client.post(f"{V1}/households", json=body, headers=headers)
    assert first.status_code == 201
    await _age(platform, key, f"{V1}/households", hours=71)
    assert (await platform.client.post(f"{V1}/households", json=body, headers=headers)).headers.get("idempotent-replayed") == "true"
    await _age(platform, key, f"{V1}/households", hours=73)
    other = _household(code)
    r = await platform.client.post(f"{V1}/households", json=other, headers=headers)
    assert r.status_code == 201, r.text  # a fresh request, neither a replay nor a 409
    assert "idempotent-replayed" not in r.headers and r.json()["id"] != first.json()["id"]


async def test_expired_idempotency_records_are_purged_in_bounded_batches(platform):
    ctx = platform.context("households")
    table = ctx.spec.metadata.tables["idempotency_record"]
    code = await _village(platform)
    keys = []
    for _ in range(3):
        body = _household(code)
        keys.append(f"purge-{body['household_number']}")
        assert (await platform.client.post(f"{V1}/households", json=body, headers={**platform.admin, "Idempotency-Key": keys[-1]})).status_code == 201
    for key in keys[:2]:
        await _age(platform, key, f"{V1}/households", hours=100)
    ids = [idempotency_record_id(ctx.vault, "test-admin", "POST", f"{V1}/households", k) for k in keys]
    async with ctx.sessionmaker() as s:
        removed = await purge_expired_idempotency_records(s, table, before=utcnow() - timedelta(hours=72), limit=1)
        await s.commit()
    assert removed == 1
    async with ctx.sessionmaker() as s:
        removed = await purge_expired_idempotency_records(s, table, before=utcnow() - timedelta(hours=72), limit=100)
        await s.commit()
        left = set((await s.execute(select(table.c.id).where(table.c.id.in_(ids)))).scalars())
    assert removed >= 1 and left == {ids[2]}
