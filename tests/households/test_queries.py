"""Queries (issue 4, item 6): filters, cursor paging, dashboard counts, all within the caller's scope."""

from __future__ import annotations

from tests.households.support import V1, make_household, make_village, member


async def _ids(platform, headers=None, **params):
    """Every household id the list returns for ``params``, following the cursor."""
    out, cursor = [], None
    while True:
        q = {**params, "limit": 2}
        if cursor:
            q["cursor"] = cursor
        r = await platform.client.get(f"{V1}/households", params=q, headers=headers or platform.admin)
        assert r.status_code == 200, r.text
        body = r.json()
        assert len(body["items"]) <= 2
        out += [h["id"] for h in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            return out


async def test_filters_by_region_category_status_and_labour_with_cursor_paging(platform):
    c, h = platform.client, platform.admin
    poor = await make_village(platform, county="440229", categories=["province_poor"])
    scattered = await make_village(platform, county="440229", categories=["scattered_poor"])
    a = await make_household(platform, poor, members=[member(county="440229", labour="none")])
    b = await make_household(platform, poor)
    d = await make_household(platform, scattered, members=[member(county="440229", labour="partial")])
    e = await make_household(platform, scattered)
    r = await c.post(f"{V1}/households/{e['id']}/status", json={"poverty_status": "exited", "effective_on": "2026-06-01", "exit_year": 2026}, headers=h)
    assert r.status_code == 200

    ours = {a["id"], b["id"], d["id"], e["id"]}

    async def in_county(**params):
        # Other tests register households in 440229 too (the platform is shared): the county filter
        # must return all of ours, in order, and nothing from another county.
        ids = await _ids(platform, county="440229", **params)
        for other in set(ids) - ours:
            r = await c.get(f"{V1}/households/{other}", headers=h)
            assert r.json()["village_code"].startswith("440229"), r.text
        return [i for i in ids if i in ours]

    assert await in_county() == [a["id"], b["id"], d["id"], e["id"]]
    assert await _ids(platform, village=poor) == [a["id"], b["id"]]
    assert await _ids(platform, township=scattered[:9], village=scattered) == [d["id"], e["id"]]
    assert await in_county(category="province_poor") == [a["id"], b["id"]]
    assert await in_county(poverty_status="exited") == [e["id"]]
    assert await in_county(labour_capacity="none") == [a["id"]]
    assert await in_county(labour_capacity="partial") == [b["id"], d["id"], e["id"]]
    page = (await c.get(f"{V1}/households", params={"village": poor}, headers=h)).json()["items"]
    assert page[1]["household_size"] == 2 and page[1]["labour_count"] == 2 and page[0]["labour_count"] == 0


async def test_bad_filters_are_422_naming_the_parameter(platform):
    for params, field in (
        ({"county": "4402"}, "county"),
        ({"village": "abc"}, "village"),
        ({"poverty_status": "rich"}, "poverty_status"),
        ({"cursor": "%%%"}, "cursor"),
    ):
        r = await platform.client.get(f"{V1}/households", params=params, headers=platform.admin)
        assert r.status_code == 422, params
        assert r.json()["field"] == field


async def test_lists_contain_only_rows_in_scope(platform):
    mine = await make_village(platform, county="440233")
    other = await make_village(platform, county="440282")
    ours = await make_household(platform, mine, members=[member(county="440233")])
    theirs = await make_household(platform, other, members=[member(county="440282")])
    officer = platform.as_("county_officer", "440233")
    seen = await _ids(platform, headers=officer)
    assert ours["id"] in seen and theirs["id"] not in seen
    assert await _ids(platform, headers=officer, county="440282") == []
    cadre = platform.as_("village_cadre", mine)
    assert await _ids(platform, headers=cadre) == [ours["id"]]
    assert await _ids(platform, headers=platform.as_("entity_operator", "some-entity")) == []


async def test_stats_count_households_members_and_labourers_within_scope(platform):
    c, h = platform.client, platform.admin
    village = await make_village(platform, county="440204", categories=["province_poor"])
    other = await make_village(platform, county="440204")
    await make_household(platform, village, members=[member(county="440204"), member(relation="spouse", labour="none", county="440204", sex="female")])
    gone = await make_household(platform, village, members=[member(county="440204")])
    left = await make_household(platform, village, members=[member(county="440204"), member(relation="child", labour="partial", county="440204")])
    await make_household(platform, other, members=[member(county="440204")])
    assert (await c.post(f"{V1}/households/{gone['id']}/leave", json={"reason": "迁出", "effective_on": "2026-05-01"}, headers=h)).status_code == 200
    assert (
        await c.post(f"{V1}/households/{left['id']}/status", json={"poverty_status": "exited", "effective_on": "2026-05-01", "exit_year": 2026}, headers=h)
    ).status_code == 200
    child = next(m for m in left["members"] if m["relation"] == "child")
    assert (await c.post(f"{V1}/members/{child['id']}/leave", json={"reason": "入学", "effective_on": "2026-06-01"}, headers=h)).status_code == 200

    s = (await c.get(f"{V1}/stats", params={"village": village}, headers=h)).json()
    assert s == {
        "villages": 1,
        "households": 2,
        "members": 3,
        "labourers": 2,
        "households_by_status": {"registered_poor": 1, "exited": 1},
        "labourers_by_status": {"registered_poor": 1, "exited": 1},
        "members_by_labour_capacity": {"full": 2, "none": 1},
        "households_by_category": {"province_poor": 2},
    }
    cadre = (await c.get(f"{V1}/stats", headers=platform.as_("village_cadre", other))).json()
    assert cadre["households"] == 1 and cadre["villages"] == 1 and cadre["households_by_category"] == {}
    stranger = (await c.get(f"{V1}/stats", params={"village": village}, headers=platform.as_("county_officer", "440205"))).json()
    assert stranger["households"] == 0 and stranger["villages"] == 0


INFRASTRUCTURE = ("outbox", "consumed_event", "consumer_position", "idempotency_record", "merkle_node")


async def _statements_of(platform, request) -> list[str]:
    """The SQL statements the households database runs while ``request`` is answered (the event log's own left out)."""
    from sqlalchemy import event

    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if not any(table in statement for table in INFRASTRUCTURE):
            seen.append(statement)

    engine = platform.context("households").engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        await request()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


async def test_a_household_list_page_costs_as_many_statements_for_30_households_as_for_3(platform):
    small = await make_village(platform, county="440224")
    large = await make_village(platform, county="440224")
    for village, n in ((small, 3), (large, 30)):
        for _ in range(n):
            await make_household(platform, village, members=[member(county="440224"), member(relation="spouse", labour="none", sex="female", county="440224")])

    async def page_of(village: str, size: int):
        async def request():
            r = await platform.client.get(f"{V1}/households", params={"village": village, "limit": 50}, headers=platform.admin)
            assert r.status_code == 200, r.text
            items = r.json()["items"]
            assert len(items) == size and all(h["household_size"] == 2 and h["labour_count"] == 1 for h in items)

        return await _statements_of(platform, request)

    three, thirty = await page_of(small, 3), await page_of(large, 30)
    assert len(three) == len(thirty), (three, thirty)
    assert len(thirty) <= 2  # the page, then one grouped count of its households' current members
