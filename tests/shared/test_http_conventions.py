"""Conventions every service inherits: idempotent writes, problem details in two languages, paging, request ids."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from tests.helpers import citizen_id, unique_number, village_code


def _household_body(code: str) -> dict:
    member = {"name": "幂等", "id_number": citizen_id(), "relation": "head", "birth_date": "1970-01-01", "sex": "male", "labour_capacity": "full"}
    return {"household_number": unique_number(), "village_code": code, "registered_on": "2026-01-10", "members": [member]}


async def _village(platform) -> str:
    code = village_code()
    r = await platform.client.post("/households/v1/villages", json={"code": code, "name": "约定村"}, headers=platform.admin)
    assert r.status_code == 201
    return code


async def _count(platform, table: str) -> int:
    ctx = platform.context("households")
    t = ctx.spec.metadata.tables[table]
    async with ctx.sessionmaker() as s:
        return int((await s.execute(select(func.count()).select_from(t))).scalar_one())


async def test_retry_with_the_same_idempotency_key_returns_the_first_response_and_writes_nothing(platform):
    code = await _village(platform)
    body = _household_body(code)
    headers = {**platform.admin, "Idempotency-Key": f"retry-{body['household_number']}"}
    first = await platform.client.post("/households/v1/households", json=body, headers=headers)
    assert first.status_code == 201
    households, events = await _count(platform, "household"), await _count(platform, "outbox")
    again = await platform.client.post("/households/v1/households", json=body, headers=headers)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["location"] == first.headers["location"]
    assert (await _count(platform, "household"), await _count(platform, "outbox")) == (households, events)


async def test_same_idempotency_key_with_a_different_body_is_409(platform):
    code = await _village(platform)
    body = _household_body(code)
    headers = {**platform.admin, "Idempotency-Key": f"k-{body['household_number']}"}
    assert (await platform.client.post("/households/v1/households", json=body, headers=headers)).status_code == 201
    other = {**body, "address": "另一个地址"}
    r = await platform.client.post("/households/v1/households", json=other, headers=headers)
    assert r.status_code == 409 and r.json()["code"] == "idempotency_key_reused"


async def test_idempotency_keys_belong_to_their_subject(platform):
    code = await _village(platform)
    a, b = _household_body(code), _household_body(code)
    key = f"shared-{a['household_number']}"
    r1 = await platform.client.post("/households/v1/households", json=a, headers={**platform.as_("city_admin", subject="alice"), "Idempotency-Key": key})
    r2 = await platform.client.post("/households/v1/households", json=b, headers={**platform.as_("city_admin", subject="bob"), "Idempotency-Key": key})
    assert r1.status_code == r2.status_code == 201 and r1.json()["id"] != r2.json()["id"]


async def test_rejected_request_writes_nothing(platform):
    code = await _village(platform)
    before = (await _count(platform, "household"), await _count(platform, "outbox"))
    body = _household_body(code)
    body["members"].append({**body["members"][0], "name": "重复"})  # same identity number twice
    r = await platform.client.post("/households/v1/households", json=body, headers=platform.admin)
    assert r.status_code == 422 and r.json()["field"] == "members[1].id_number"
    assert (await _count(platform, "household"), await _count(platform, "outbox")) == before


async def test_problem_details_in_chinese_by_default_and_english_on_request(platform):
    bad = {"code": "123", "name": "x"}
    zh = await platform.client.post("/households/v1/villages", json=bad, headers=platform.admin)
    en = await platform.client.post("/households/v1/villages", json=bad, headers={**platform.admin, "Accept-Language": "en-US,en;q=0.9"})
    assert zh.status_code == en.status_code == 422
    assert zh.headers["content-type"] == "application/problem+json"
    assert zh.json()["title"] == "输入不合法" and en.json()["title"] == "Invalid input"
    for body in (zh.json(), en.json()):
        assert body["type"] == "urn:fupin:problem:validation_failed" and body["status"] == 422 and body["field"] == "code"


async def test_every_response_carries_a_request_id_and_echoes_the_callers(platform):
    r = await platform.client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    assert (await platform.client.get("/healthz")).headers["x-request-id"]


async def test_lists_page_with_cursors_without_gaps_or_repeats(platform):
    codes = set()
    county = "440205"
    for _ in range(5):
        code = village_code(county)
        codes.add(code)
        assert (await platform.client.post("/households/v1/villages", json={"code": code, "name": "分页村"}, headers=platform.admin)).status_code == 201
    seen: list[str] = []
    cursor = None
    headers = platform.as_("county_officer", county)
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await platform.client.get("/households/v1/villages", params=params, headers=headers)).json()
        assert len(page["items"]) <= 2
        seen += [v["code"] for v in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) and codes <= set(seen)


async def test_bad_cursor_is_a_422_naming_it(platform):
    r = await platform.client.get("/households/v1/villages", params={"cursor": "%%%"}, headers=platform.admin)
    assert r.status_code == 422 and r.json()["field"] == "cursor"


async def test_every_event_names_who_did_it(platform):
    code = village_code()
    headers = platform.as_("county_officer", code[:6], subject="officer-wang")
    assert (await platform.client.post("/households/v1/villages", json={"code": code, "name": "谁做的村"}, headers=headers)).status_code == 201
    ctx = platform.context("households")
    outbox = ctx.spec.metadata.tables["outbox"]
    async with ctx.sessionmaker() as s:
        payload = (await s.execute(select(outbox.c.payload).where(outbox.c.subject == code))).scalar_one()
    envelope = json.loads(payload)
    assert envelope["actor"] == "officer-wang" and envelope["actorrole"] == "county_officer"
