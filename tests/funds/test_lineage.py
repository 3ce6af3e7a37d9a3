"""Lineage both ways: a household's income line back to its fund, and a fund forward to the households it reached."""

from __future__ import annotations

from tests.funds.support import V1, make_allocation, make_entity, make_fund, make_household, make_village, post, problem, project_body
from tests.helpers import eventually


async def _approved_distribution(platform):
    """A project funded 3:1 by two funds; two poor households with 1 and 3 units; 100,000 fen declared."""
    village = await make_village(platform)
    entity = await make_entity(platform, villages=[village])
    fund_a, fund_b = await make_fund(platform, kind="provincial_special"), await make_fund(platform, kind="other_assistance")
    alloc_a, alloc_b = await make_allocation(platform, fund_a, village), await make_allocation(platform, fund_b, village)
    funded_by = [{"allocation_id": alloc_a, "amount_fen": 3_000_000}, {"allocation_id": alloc_b, "amount_fen": 1_000_000}]
    project = await post(platform, "/projects", project_body(village, entity, funded_by, poor_share_bp=5000))
    households = [await make_household(platform, village) for _ in range(2)]
    for hid, units in zip(households, (1, 3), strict=True):
        await post(platform, f"/projects/{project['id']}/shares", {"household_id": hid, "units": units})
    d = await post(
        platform,
        "/distributions",
        {"project_id": project["id"], "period": "2026", "total_fen": 100_000, "paid_on": "2026-12-31"},
        headers=platform.as_("entity_operator", entity, subject="op-lineage"),
    )
    await post(platform, f"/distributions/{d['id']}/approve", {}, expect=200)
    return {
        "village": village,
        "entity": entity,
        "funds": (fund_a, fund_b),
        "allocations": (alloc_a, alloc_b),
        "project": project,
        "households": households,
        "distribution": d,
    }


async def test_distribution_lineage_runs_from_funds_through_project_and_agreement_to_each_household(platform):
    s = await _approved_distribution(platform)
    body = (await platform.client.get(f"{V1}/lineage/distributions/{s['distribution']['id']}", headers=platform.admin)).json()
    assert {(f["fund_id"], f["allocation_id"], f["amount_fen"]) for f in body["funds"]} == {
        (s["funds"][0], s["allocations"][0], 3_000_000),
        (s["funds"][1], s["allocations"][1], 1_000_000),
    }
    assert body["project"]["id"] == s["project"]["id"] and body["project"]["agreement"]["id"] == s["project"]["agreement"]["id"]
    assert body["distribution"]["poor_households_fen"] == 50_000
    paid = {p["household_id"]: p["amount_fen"] for p in body["payments"]}
    assert paid == {s["households"][0]: 12_500, s["households"][1]: 37_500}
    # The income line names the allocation that put the most in.
    assert all(p["lineage"]["fund_id"] == s["funds"][0] and p["lineage"]["agreement_id"] == s["project"]["agreement"]["id"] for p in body["payments"])


async def test_fund_reach_attributes_each_line_to_the_funds_in_proportion_to_what_they_put_in(platform):
    s = await _approved_distribution(platform)
    a = (await platform.client.get(f"{V1}/funds/{s['funds'][0]}/reach", headers=platform.admin)).json()
    b = (await platform.client.get(f"{V1}/funds/{s['funds'][1]}/reach", headers=platform.admin)).json()
    assert a["household_count"] == 2 and b["household_count"] == 2
    assert a["total_fen"] + b["total_fen"] == 50_000  # every fen reached is attributed to exactly one fund
    reach_a = {line["household_id"]: line["amount_fen"] for line in a["households"]}
    assert reach_a == {s["households"][0]: 9_375, s["households"][1]: 28_125}  # three quarters of 12,500 and 37,500


async def test_fund_reach_names_its_villages_projects_and_entities_and_pages_its_households(platform):
    s = await _approved_distribution(platform)
    url = f"{V1}/funds/{s['funds'][0]}/reach"
    whole = (await platform.client.get(url, headers=platform.admin)).json()
    assert whole["next_cursor"] is None and len(whole["households"]) == 2
    (village,) = whole["villages"]
    assert (village["household_count"], village["amount_fen"]) == (2, whole["total_fen"])
    (project,) = whole["projects"]
    assert project["project_id"] == s["project"]["id"] and project["name"] == s["project"]["name"] and project["amount_fen"] == 37_500
    (entity,) = whole["entities"]
    assert entity["entity_id"] == project["entity_id"] and entity["name"] and entity["amount_fen"] == 37_500
    first = (await platform.client.get(url, params={"limit": 1}, headers=platform.admin)).json()
    assert len(first["households"]) == 1 and first["next_cursor"] and first["total_fen"] == whole["total_fen"]
    second = (await platform.client.get(url, params={"limit": 1, "cursor": first["next_cursor"]}, headers=platform.admin)).json()
    assert second["next_cursor"] is None and first["households"] + second["households"] == whole["households"]


async def test_an_income_event_in_the_ledger_traces_back_to_its_fund(platform):
    s = await _approved_distribution(platform)
    hid = s["households"][1]

    async def entries():
        r = await platform.client.get(f"/ledger/v1/households/{hid}/income/entries", headers=platform.admin)
        assert r.status_code == 200, r.text
        items = [e for e in r.json()["items"] if e["source"] == "funds"]
        assert items
        return items

    entry = (await eventually(entries))[0]
    line = (await platform.client.get(f"{V1}/lineage/income/{entry['event_id']}", headers=platform.admin)).json()
    assert line["household_id"] == hid and line["amount_fen"] == 37_500 == entry["amount_fen"]
    assert line["lineage"]["distribution_id"] == s["distribution"]["id"] and line["lineage"]["fund_id"] == s["funds"][0]


async def test_lineage_is_out_of_reach_outside_scope(platform):
    s = await _approved_distribution(platform)
    stranger = platform.as_("village_cadre", await make_village(platform), subject="cadre-lineage")
    problem(await platform.client.get(f"{V1}/lineage/distributions/{s['distribution']['id']}", headers=stranger), 404)
    problem(await platform.client.get(f"{V1}/households/{s['households'][0]}/income-lines", headers=stranger), 404)
    own = platform.as_("village_cadre", s["village"], subject="cadre-own")
    assert (await platform.client.get(f"{V1}/lineage/distributions/{s['distribution']['id']}", headers=own)).status_code == 200
