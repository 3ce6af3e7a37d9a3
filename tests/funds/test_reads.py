"""Reads through repositories: a list page costs as many SQL statements for 3 items as for 30."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from tests.funds.support import V1, make_allocation, make_entity, make_fund, make_household, make_village, post, project_body

_counting: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("counting", default=None)


@contextmanager
def statements(platform) -> Iterator[list[str]]:
    """The statements the funds database runs for requests made inside the block (not the relays' or consumers')."""
    engine = platform.context("funds").engine.sync_engine

    def before(conn, cursor, statement, parameters, context, executemany) -> None:
        seen = _counting.get()
        if seen is not None:
            seen.append(statement)

    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", before)
    token = _counting.set(seen)
    try:
        yield seen
    finally:
        _counting.reset(token)
        event.remove(engine, "before_cursor_execute", before)


async def _page_cost(platform, path: str, limit: int, headers) -> int:
    with statements(platform) as seen:
        r = await platform.client.get(f"{V1}{path}", params={"limit": limit}, headers=headers)
    assert r.status_code == 200, r.text
    assert len(r.json()["items"]) == limit
    assert seen, "no statement was counted: the counter does not see the request"
    return len(seen)


async def test_a_page_of_projects_costs_the_same_queries_for_3_as_for_30(platform):
    village = await make_village(platform)
    entity = await make_entity(platform, villages=[village])
    allocation = await make_allocation(platform, await make_fund(platform), village)
    for _ in range(30):
        await post(platform, "/projects", project_body(village, entity, [{"allocation_id": allocation, "amount_fen": 10_000}]))
    cadre = platform.as_("village_cadre", village)
    few, many = await _page_cost(platform, "/projects", 3, cadre), await _page_cost(platform, "/projects", 30, cadre)
    assert few == many <= 3, (few, many)  # the page, its fundings, its agreements (it was 1 + 2 per project)
    page = (await platform.client.get(f"{V1}/projects", params={"limit": 30}, headers=cadre)).json()["items"]
    assert all(p["funded_by"][0]["allocation_id"] == allocation and p["agreement"]["poor_share_bp"] == 6000 for p in page)


async def test_a_page_of_funds_costs_the_same_queries_for_3_as_for_30(platform):
    village = await make_village(platform)
    funds = [await make_fund(platform) for _ in range(30)]
    await make_allocation(platform, funds[-1], village, amount_fen=1_234)
    officer = platform.as_("county_officer", village[:6])
    few, many = await _page_cost(platform, "/funds", 3, officer), await _page_cost(platform, "/funds", 30, officer)
    assert few == many <= 2, (few, many)  # the page and one grouped sum (it was 1 + 1 per fund)
    fund = (await platform.client.get(f"{V1}/funds/{funds[-1]}", headers=officer)).json()
    assert fund["allocated_fen"] == 1_234


async def test_a_page_of_distributions_costs_the_same_queries_for_3_as_for_30(platform):
    village = await make_village(platform)
    entity = await make_entity(platform, villages=[village])
    allocation = await make_allocation(platform, await make_fund(platform), village)
    project = await post(platform, "/projects", project_body(village, entity, [{"allocation_id": allocation, "amount_fen": 10_000}]))
    household = await make_household(platform, village)
    await post(platform, f"/projects/{project['id']}/shares", {"household_id": household, "units": 1})
    for month in range(30):
        year, m = 2026 + month // 12, month % 12 + 1
        await post(platform, "/distributions", {"project_id": project["id"], "period": f"{year}-{m:02d}", "total_fen": 1_000, "paid_on": "2028-12-31"})
    cadre = platform.as_("village_cadre", village)
    few, many = await _page_cost(platform, "/distributions", 3, cadre), await _page_cost(platform, "/distributions", 30, cadre)
    assert few == many == 1, (few, many)  # the split is held on the row
