"""A fund's reach names its households in one request: number and head's name, kept by funds from the households
facts (registration, renames, head changes), shown as the ledger's village dashboard shows them, in scope only."""

from __future__ import annotations

from functools import partial
from typing import Any

from tests.funds.support import V1, make_allocation, make_entity, make_fund, make_village, post, problem, project_body
from tests.helpers import citizen_id, eventually, unique_number


async def _household(platform, village: str, head: str, spouse: str) -> dict[str, Any]:
    people = [(head, "head", "1970-05-01", "male"), (spouse, "spouse", "1972-08-09", "female")]
    members = [
        {"name": n, "id_number": citizen_id(village[:6]), "relation": rel, "birth_date": born, "sex": sex, "labour_capacity": "full"}
        for n, rel, born, sex in people
    ]
    body = {
        "household_number": unique_number("R"),
        "village_code": village,
        "registered_on": "2026-01-01",
        "poverty_status": "registered_poor",
        "members": members,
    }
    r = await platform.client.post("/households/v1/households", json=body, headers=platform.admin)
    assert r.status_code == 201, r.text
    out = r.json()
    return {"id": out["id"], "number": body["household_number"], "members": {m["name"]: m["id"] for m in out["members"]}}


async def _reached(platform) -> dict[str, Any]:
    """A village fund finances a project in its village; shares go to a household there and one of the next village."""
    home, other = await make_village(platform), await make_village(platform)
    entity = await make_entity(platform, villages=[home, other])
    fund = await make_fund(platform, village=home)
    allocation = await make_allocation(platform, fund, home)
    project = await post(platform, "/projects", project_body(home, entity, [{"allocation_id": allocation, "amount_fen": 4_000_000}], poor_share_bp=5000))
    near = await _household(platform, home, "林建国", "王秀英")
    far = await _household(platform, other, "欧阳明辉", "陈小红")

    async def known() -> None:
        for h in (near, far):
            r = await platform.client.get(f"{V1}/households/{h['id']}", headers=platform.admin)
            assert r.status_code == 200, r.text

    await eventually(known)
    for h in (near, far):
        await post(platform, f"/projects/{project['id']}/shares", {"household_id": h["id"], "units": 1})
    d = await post(
        platform,
        "/distributions",
        {"project_id": project["id"], "period": "2026", "total_fen": 40_000, "paid_on": "2026-12-31"},
        headers=platform.as_("entity_operator", entity, subject="op-cards"),
    )
    await post(platform, f"/distributions/{d['id']}/approve", {}, expect=200)
    return {"home": home, "other": other, "fund": fund, "near": near, "far": far}


async def _dashboard(platform, village: str, headers: dict[str, str], hid: str) -> dict[str, Any]:
    """The ledger's village dashboard as this caller reads it, once the ledger has the household's head."""
    r = await platform.client.get(f"/ledger/v1/views/villages/{village}/households", params={"year": 2026}, headers=headers)
    assert r.status_code == 200, r.text
    rows = {row["household_id"]: row for row in r.json()["items"]}
    assert rows.get(hid, {}).get("head_name"), rows
    return rows


def _cards(reach: dict[str, Any]) -> dict[str, tuple[str | None, str | None, int]]:
    return {line["household_id"]: (line["household_number"], line["head_name"], line["amount_fen"]) for line in reach["households"]}


async def _reach(platform, fund: str, headers: dict[str, str]) -> dict[str, Any]:
    r = await platform.client.get(f"{V1}/funds/{fund}/reach", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


async def test_a_funds_reach_names_each_household_by_number_and_head_in_one_request(platform):
    s = await _reached(platform)
    near, far = s["near"], s["far"]
    reach = await _reach(platform, s["fund"], platform.admin)
    assert _cards(reach) == {near["id"]: (near["number"], "林建国", 10_000), far["id"]: (far["number"], "欧阳明辉", 10_000)}
    assert reach["out_of_scope_household_count"] == 0 and reach["household_count"] == 2

    # A rename (member_updated) and a new head when the head leaves (household_head_changed) reach the card.
    member = f"/households/v1/members/{near['members']['林建国']}"
    tag = (await platform.client.get(member, headers=platform.admin)).headers["ETag"]
    r = await platform.client.patch(member, json={"name": "林建华", "effective_on": "2026-05-01"}, headers=platform.admin | {"If-Match": tag})
    assert r.status_code == 200, r.text

    async def renamed() -> None:
        assert _cards(await _reach(platform, s["fund"], platform.admin))[near["id"]][1] == "林建华"

    await eventually(renamed)
    spouse = far["members"]["陈小红"]
    r = await platform.client.post(
        f"/households/v1/members/{far['members']['欧阳明辉']}/leave",
        json={"reason": "外出", "effective_on": "2026-07-01", "new_head_id": spouse},
        headers=platform.admin,
    )
    assert r.status_code == 200, r.text

    async def new_head() -> None:
        assert _cards(await _reach(platform, s["fund"], platform.admin))[far["id"]][1] == "陈小红"

    await eventually(new_head)


async def test_a_funds_reach_lists_only_households_in_scope_shown_as_the_ledger_dashboard_shows_them(platform):
    s = await _reached(platform)
    near, far = s["near"], s["far"]
    county = s["home"][:6]
    roles = {
        "city_admin": platform.admin,
        "auditor": platform.as_("auditor", subject="auditor-cards"),
        "county_officer": platform.as_("county_officer", county, subject="county-cards"),
        "village_cadre": platform.as_("village_cadre", s["home"], subject="cadre-cards"),
    }
    for role, headers in roles.items():
        reach = await _reach(platform, s["fund"], headers)
        listed = _cards(reach)
        expected = {near["id"]} if role == "village_cadre" else {near["id"], far["id"]}
        assert set(listed) == expected, role
        assert reach["out_of_scope_household_count"] == 2 - len(expected), role
        assert reach["household_count"] == 2 and reach["total_fen"] == 20_000, role  # the fund's totals stay whole
        # The same number and head's name the ledger's village dashboard gives this role for the household.
        for hid in listed:
            village = s["home"] if hid == near["id"] else s["other"]
            row = (await eventually(partial(_dashboard, platform, village, headers, hid)))[hid]
            assert (row["household_number"], row["head_name"]) == listed[hid][:2], role
        assert "id_number" not in str(reach)  # identity numbers never travel in events: funds has none to show
    # The other village's cadre does not see the fund (it is the home village's); a stranger's reach is a 404.
    problem(await platform.client.get(f"{V1}/funds/{s['fund']}/reach", headers=platform.as_("village_cadre", s["other"], subject="cadre-far")), 404)
