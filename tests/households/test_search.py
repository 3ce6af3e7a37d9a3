"""Household search (issue #13, item 3): by name, household number and identity number, in scope; filters, sort, total."""

from __future__ import annotations

from datetime import date

from tests.households.support import V1, make_household, make_village, member

COUNTY = "440203"  # 武江区


async def _search(platform, headers=None, **params):
    r = await platform.client.get(f"{V1}/households", params=params, headers=headers or platform.admin)
    assert r.status_code == 200, r.text
    return r.json()


async def test_search_by_member_name_substring_household_number_and_identity_number(platform):
    village = await make_village(platform, county=COUNTY)
    wanted_person = member(county=COUNTY, name="邓秋菊", birth=date(1975, 4, 4))
    wanted = await make_household(platform, village, members=[member(county=COUNTY, name="邓大山"), {**wanted_person, "relation": "spouse"}])
    other = await make_household(platform, village, members=[member(county=COUNTY, name="黄小明")])

    by_name = await _search(platform, village=village, name="秋菊")
    assert [h["id"] for h in by_name["items"]] == [wanted["id"]]
    assert [h["id"] for h in (await _search(platform, village=village, name="邓"))["items"]] == [wanted["id"]]
    by_number = await _search(platform, household_number=other["household_number"])
    assert [h["id"] for h in by_number["items"]] == [other["id"]]
    by_id = await _search(platform, id_number=wanted_person["id_number"])
    assert [h["id"] for h in by_id["items"]] == [wanted["id"]]
    assert (await _search(platform, village=village, name="不存在"))["items"] == []


async def test_search_finds_only_households_in_the_callers_scope(platform):
    mine = await make_village(platform, county=COUNTY)
    theirs = await make_village(platform, county="440204")
    stranger = member(county="440204", name="外县人", birth=date(1968, 8, 8))
    await make_household(platform, theirs, members=[stranger])
    officer = platform.as_("county_officer", COUNTY)
    assert (await _search(platform, headers=officer, id_number=stranger["id_number"]))["items"] == []
    assert (await _search(platform, headers=officer, name="外县人"))["items"] == []
    assert mine  # the officer's own county has villages; the stranger is simply not visible


async def test_an_identity_number_is_never_echoed_to_a_role_that_sees_it_masked(platform):
    village = await make_village(platform, county=COUNTY)
    person = member(county=COUNTY, birth=date(1981, 1, 21))
    await make_household(platform, village, members=[person])
    officer = platform.as_("county_officer", COUNTY)
    r = await platform.client.get(f"{V1}/households", params={"id_number": person["id_number"]}, headers=officer)
    assert r.status_code == 200 and person["id_number"] not in r.text
    malformed = person["id_number"][:-1] + ("0" if person["id_number"][-1] != "0" else "1")
    r = await platform.client.get(f"{V1}/households", params={"id_number": malformed}, headers=officer)
    assert r.status_code == 422 and r.json()["field"] == "id_number" and malformed not in r.text


async def test_filters_by_exit_year_and_status_sort_and_total(platform):
    c, h = platform.client, platform.admin
    village = await make_village(platform, county=COUNTY)
    a = await make_household(platform, village, members=[member(county=COUNTY)], registered_on="2026-01-03", household_number="S-3")
    b = await make_household(platform, village, members=[member(county=COUNTY)], registered_on="2026-01-01", household_number="S-1")
    d = await make_household(platform, village, members=[member(county=COUNTY)], registered_on="2026-01-02", household_number="S-2")
    r = await c.post(f"{V1}/households/{b['id']}/status", json={"poverty_status": "exited", "effective_on": "2026-06-01", "exit_year": 2026}, headers=h)
    assert r.status_code == 200, r.text

    exited = await _search(platform, village=village, year=2026, poverty_status="exited", include_total="true")
    assert [x["id"] for x in exited["items"]] == [b["id"]] and exited["total"] == 1
    assert (await _search(platform, village=village))["total"] is None

    ids, cursor = [], None
    while True:
        params = {"village": village, "sort": "-registered_on", "limit": 2, "include_total": "true", **({"cursor": cursor} if cursor else {})}
        body = await _search(platform, **params)
        assert body["total"] == 3
        ids += [x["id"] for x in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert ids == [a["id"], d["id"], b["id"]]
    by_number = await _search(platform, village=village, sort="household_number")
    assert [x["household_number"] for x in by_number["items"]] == ["S-1", "S-2", "S-3"]


async def test_unknown_or_malformed_search_parameters_are_refused(platform):
    for params, field in (({"nmae": "邓"}, "nmae"), ({"sort": "name"}, "sort"), ({"year": "1999"}, "year"), ({"name": ""}, "name")):
        r = await platform.client.get(f"{V1}/households", params=params, headers=platform.admin)
        assert r.status_code == 422, (params, r.text)
        assert r.json()["field"] == field, (params, r.json())
