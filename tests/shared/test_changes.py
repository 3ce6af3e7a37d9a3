"""The change feed (issue #13 item 6): every change after a cursor exactly once, in commit order, in scope."""

from __future__ import annotations

from sqlalchemy import select

from shared.auth import Principal, Role
from shared.changes import visible_change
from tests.helpers import citizen_id, unique_number, village_code


async def _read_to_end(platform, headers: dict[str, str], since: str | None, limit: int = 3) -> tuple[list[dict], str]:
    entries: list[dict] = []
    cursor = since
    while True:
        params = {"limit": limit, **({"since": cursor} if cursor else {})}
        r = await platform.client.get("/households/v1/changes", params=params, headers=headers)
        assert r.status_code == 200, r.text
        page = r.json()
        assert len(page["items"]) <= limit
        entries += page["items"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return entries, cursor


async def _register_household(platform, code: str) -> str:
    member = {"name": "同步", "id_number": citizen_id(code[:6]), "relation": "head", "birth_date": "1975-05-05", "sex": "male", "labour_capacity": "full"}
    body = {"household_number": unique_number(), "village_code": code, "registered_on": "2026-02-01", "members": [member]}
    r = await platform.client.post("/households/v1/households", json=body, headers=platform.admin)
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def test_the_feed_replays_every_change_after_a_cursor_exactly_once_in_commit_order(platform):
    _, cursor = await _read_to_end(platform, platform.admin, None, limit=500)
    code = village_code("440205")
    assert (await platform.client.post("/households/v1/villages", json={"code": code, "name": "同步村"}, headers=platform.admin)).status_code == 201
    households = [await _register_household(platform, code) for _ in range(3)]

    entries, end = await _read_to_end(platform, platform.admin, cursor, limit=2)

    ctx = platform.context("households")
    outbox = ctx.spec.metadata.tables["outbox"]
    from shared.paging import decode_cursor

    async with ctx.sessionmaker() as s:
        expected = (
            await s.execute(select(outbox.c.sequence, outbox.c.type).where(outbox.c.sequence > decode_cursor(cursor)).order_by(outbox.c.sequence))
        ).all()
    # Exactly once each, in sequence (commit) order, nothing missing.
    assert [decode_cursor(e["cursor"]) for e in entries] == [row.sequence for row in expected]
    assert [e["type"] for e in entries] == [row.type for row in expected]
    assert {e["subject"] for e in entries if e["type"].endswith("household_registered.v1")} >= set(households)
    assert any(e["type"].endswith("village_registered.v1") and e["subject"] == code for e in entries)
    for e in entries:
        assert set(e) == {"cursor", "type", "subject", "ids", "occurred_at"}  # ids only, never the data
    # From the end, nothing new; a new change appears once.
    again, same_end = await _read_to_end(platform, platform.admin, end)
    assert again == [] and same_end == end
    late = await _register_household(platform, code)
    after, _ = await _read_to_end(platform, platform.admin, end)
    assert late in {e["subject"] for e in after} and len({e["cursor"] for e in after}) == len(after)


async def test_the_feed_shows_a_scoped_caller_only_its_region_and_moves_its_cursor_past_the_rest(platform):
    _, start = await _read_to_end(platform, platform.admin, None, limit=500)
    mine, other = village_code("440205"), village_code("440232")
    for code in (mine, other):
        assert (await platform.client.post("/households/v1/villages", json={"code": code, "name": "范围村"}, headers=platform.admin)).status_code == 201
    mine_household, other_household = await _register_household(platform, mine), await _register_household(platform, other)

    cadre = platform.as_("village_cadre", mine)
    seen, cadre_end = await _read_to_end(platform, cadre, start, limit=2)
    subjects = {e["subject"] for e in seen}
    assert mine_household in subjects and mine in subjects
    assert other_household not in subjects and other not in subjects
    assert all((e["ids"].get("village_code") or "").startswith(mine) for e in seen)
    # The cadre's cursor moved past what it may not see: the admin from there sees nothing older.
    _, admin_end = await _read_to_end(platform, platform.admin, start, limit=500)
    assert cadre_end == admin_end


async def test_a_bad_cursor_is_a_422_naming_since(platform):
    r = await platform.client.get("/households/v1/changes", params={"since": "%%%"}, headers=platform.admin)
    assert r.status_code == 422 and r.json()["field"] == "since"
    r = await platform.client.get("/households/v1/changes", params={"since": "InRleHQi"}, headers=platform.admin)  # a string key
    assert r.status_code == 422 and r.json()["field"] == "since"


def test_an_event_whose_scope_cannot_be_placed_is_shown_only_to_roles_that_see_everything():
    payment = {"request_id": "r1", "amount_fen": 100}
    assert visible_change(Principal("a", Role.city_admin), payment)
    assert visible_change(Principal("a", Role.auditor), payment)
    assert not visible_change(Principal("c", Role.county_officer, "440205"), payment)
    assert not visible_change(Principal("e", Role.entity_operator, "e1"), payment)
    income = {"line_id": "l1", "income": {"household_id": "h", "village_code": "440205100201", "entity_id": "e1"}}
    assert visible_change(Principal("c", Role.county_officer, "440205"), income)
    assert visible_change(Principal("e", Role.entity_operator, "e1"), income)
    assert not visible_change(Principal("v", Role.village_cadre, "440205100202"), income)
