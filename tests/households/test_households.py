"""Households and members (issue 4, items 2 and 5): registration, bad input, changes as facts, ``as_of`` history."""

from __future__ import annotations

from datetime import date

from tests.helpers import eventually, unique_number, village_code
from tests.households.support import V1, make_household, make_village, member, outbox_count, outbox_events, tomorrow


async def test_household_registers_with_members_masked_ids_and_facts(platform):
    c = platform.client
    village = await make_village(platform)
    head = member(name="邓大", wishes_to_work_away=True, is_party_member=True)
    body = await make_household(
        platform, village, members=[head, member(relation="child", labour="none", name="邓小", birth=date(2015, 6, 1))], address="一组12号"
    )
    assert body["household_size"] == 2 and body["labour_count"] == 1
    assert body["county_code"] == "440232" and body["poverty_status"] == "registered_poor"
    county = platform.as_("county_officer", "440232")
    got = (await c.get(f"{V1}/households/{body['id']}", headers=county)).json()
    numbers = [m["id_number"] for m in got["members"]]
    assert head["id_number"] not in numbers and all("********" in n for n in numbers)
    cadre = platform.as_("village_cadre", village)
    got = (await c.get(f"{V1}/households/{body['id']}", headers=cadre)).json()
    assert head["id_number"] in [m["id_number"] for m in got["members"]]
    registered = await outbox_events(platform, "household_registered", subject=body["id"])
    assert registered[0]["data"]["member_count"] == 2 and registered[0]["data"]["labour_count"] == 1
    members = [e for e in await outbox_events(platform, "member_registered") if e["data"]["household_id"] == body["id"]]
    assert {m["data"]["name"] for m in members} == {"邓大", "邓小"}
    assert all(head["id_number"] not in str(m) for m in members)


async def test_unknown_village_is_422_and_writes_nothing(platform):
    before = await outbox_count(platform)
    r = await platform.client.post(
        f"{V1}/households",
        json={"household_number": unique_number(), "village_code": village_code(), "registered_on": "2026-01-01", "members": [member()]},
        headers=platform.admin,
    )
    assert r.status_code == 422 and r.json()["field"] == "village_code"
    assert await outbox_count(platform) == before


async def test_duplicate_identity_number_in_one_request_is_422(platform):
    village = await make_village(platform)
    m = member()
    r = await platform.client.post(
        f"{V1}/households",
        json={"household_number": unique_number(), "village_code": village, "registered_on": "2026-01-01", "members": [m, {**m, "relation": "spouse"}]},
        headers=platform.admin,
    )
    assert r.status_code == 422 and r.json()["field"] == "members[1].id_number"


async def test_member_in_two_households_is_422_and_nothing_written(platform):
    c = platform.client
    village = await make_village(platform)
    m = member()
    await make_household(platform, village, members=[m])
    number = unique_number()
    r = await c.post(
        f"{V1}/households",
        json={"household_number": number, "village_code": village, "registered_on": "2026-01-01", "members": [member(), {**m, "relation": "spouse"}]},
        headers=platform.admin,
    )
    assert r.status_code == 422 and r.json()["field"] == "members[1].id_number"
    listed = (await c.get(f"{V1}/households", params={"village": village}, headers=platform.admin)).json()["items"]
    assert number not in [h["household_number"] for h in listed]


async def test_birth_date_in_the_future_is_422(platform):
    village = await make_village(platform)
    bad = member()
    bad["birth_date"] = tomorrow()
    r = await platform.client.post(
        f"{V1}/households",
        json={"household_number": unique_number(), "village_code": village, "registered_on": "2026-01-01", "members": [bad]},
        headers=platform.admin,
    )
    assert r.status_code == 422 and r.json()["field"] == "members[0].birth_date"


async def test_invalid_identity_number_is_422_naming_the_member(platform):
    village = await make_village(platform)
    bad = member(id_number="440232198003150012")  # wrong check character
    r = await platform.client.post(
        f"{V1}/households",
        json={"household_number": unique_number(), "village_code": village, "registered_on": "2026-01-01", "members": [bad]},
        headers=platform.admin,
    )
    assert r.status_code == 422 and r.json()["field"] == "members[0].id_number"
    assert "440232198003150012" not in r.text


async def test_status_history_exit_and_return_answer_as_of(platform):
    c, h = platform.client, platform.admin
    village = await make_village(platform)
    hh = await make_household(platform, village, registered_on="2025-01-10")
    hid = hh["id"]
    r = await c.post(
        f"{V1}/households/{hid}/status", json={"poverty_status": "exited", "effective_on": "2025-12-20", "exit_year": 2025, "reason": "收入达标"}, headers=h
    )
    assert r.status_code == 200, r.text
    r = await c.post(
        f"{V1}/households/{hid}/status", json={"poverty_status": "returned_to_poverty", "effective_on": "2026-06-01", "reason": "因病返贫"}, headers=h
    )
    assert r.status_code == 200, r.text
    assert r.json()["poverty_status"] == "returned_to_poverty"

    async def on(day):
        r = await c.get(f"{V1}/households/{hid}", params={"as_of": day}, headers=h)
        assert r.status_code == 200, r.text
        return r.json()

    assert (await on("2025-06-01"))["poverty_status"] == "registered_poor"
    mid = await on("2026-01-01")
    assert mid["poverty_status"] == "exited" and mid["exit_year"] == 2025 and len(mid["status_history"]) == 2
    assert (await on("2026-07-01"))["poverty_status"] == "returned_to_poverty"
    assert (await c.get(f"{V1}/households/{hid}", params={"as_of": "2024-12-31"}, headers=h)).status_code == 404
    changed = await outbox_events(platform, "household_status_changed", subject=hid)
    assert [e["data"]["poverty_status"] for e in changed] == ["exited", "returned_to_poverty"]
    assert changed[0]["data"]["exit_year"] == 2025 and changed[1]["data"]["previous_status"] == "exited"


async def test_exit_without_year_and_impossible_transition_are_422(platform):
    c, h = platform.client, platform.admin
    village = await make_village(platform)
    hid = (await make_household(platform, village))["id"]
    r = await c.post(f"{V1}/households/{hid}/status", json={"poverty_status": "exited", "effective_on": "2026-02-01"}, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "exit_year"
    r = await c.post(f"{V1}/households/{hid}/status", json={"poverty_status": "returned_to_poverty", "effective_on": "2026-02-01"}, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "poverty_status"
    r = await c.post(f"{V1}/households/{hid}/status", json={"poverty_status": "exited", "effective_on": "2025-12-01", "exit_year": 2025}, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "effective_on"  # before the registration
    assert (await c.get(f"{V1}/households/{hid}", headers=h)).json()["poverty_status"] == "registered_poor"
    assert await outbox_events(platform, "household_status_changed", subject=hid) == []


async def test_members_join_change_and_leave_with_size_events_and_history(platform):
    c, h = platform.client, platform.admin
    village = await make_village(platform)
    hh = await make_household(platform, village, members=[member(), member(relation="spouse", labour="full", sex="female")], registered_on="2026-01-01")
    hid = hh["id"]
    spouse = next(m for m in hh["members"] if m["relation"] == "spouse")
    child = member(relation="child", labour="none", name="邓三", birth=date(2026, 2, 1))
    r = await c.post(f"{V1}/households/{hid}/members", json={**child, "joined_on": "2026-02-01"}, headers=h)
    assert r.status_code == 201, r.text
    r = await c.patch(
        f"{V1}/members/{spouse['id']}", json={"labour_capacity": "none", "effective_on": "2026-04-01", "reason": "因病"}, headers={**h, "If-Match": "*"}
    )
    assert r.status_code == 200 and r.json()["labour_capacity"] == "none"
    r = await c.post(f"{V1}/members/{spouse['id']}/leave", json={"reason": "外嫁", "effective_on": "2026-06-01"}, headers=h)
    assert r.status_code == 200 and r.json()["left_on"] == "2026-06-01"

    sizes = [
        (e["data"]["effective_on"], e["data"]["member_count"], e["data"]["labour_count"])
        for e in await outbox_events(platform, "household_size_changed", subject=hid)
    ]
    assert sizes == [("2026-02-01", 3, 2), ("2026-04-01", 3, 1), ("2026-06-01", 2, 1)]
    updated = await outbox_events(platform, "member_updated", subject=spouse["id"])
    assert updated[0]["data"]["changed"] == ["labour_capacity"] and updated[0]["data"]["labour_capacity"] == "none"
    left = await outbox_events(platform, "member_left", subject=spouse["id"])
    assert left[0]["data"]["reason"] == "外嫁"

    async def on(day):
        return (await c.get(f"{V1}/households/{hid}", params={"as_of": day}, headers=h)).json()

    jan, mar, may, now = await on("2026-01-15"), await on("2026-03-01"), await on("2026-05-01"), await on(date.today().isoformat())
    assert (jan["household_size"], jan["labour_count"]) == (2, 2)
    assert (mar["household_size"], mar["labour_count"]) == (3, 2)
    assert (may["household_size"], may["labour_count"]) == (3, 1)
    assert next(m for m in may["members"] if m["id"] == spouse["id"])["labour_capacity"] == "none"
    assert next(m for m in mar["members"] if m["id"] == spouse["id"])["labour_capacity"] == "full"
    assert next(m for m in may["members"] if m["id"] == spouse["id"])["left_on"] is None  # not yet left on that day
    assert (now["household_size"], now["labour_count"]) == (2, 1) and spouse["id"] not in [m["id"] for m in now["members"]]
    # Nothing is deleted: the current view still lists the member who left, with the date.
    full = (await c.get(f"{V1}/households/{hid}", headers=h)).json()
    assert next(m for m in full["members"] if m["id"] == spouse["id"])["left_reason"] == "外嫁"


async def test_member_who_left_may_join_another_household_but_not_two_at_once(platform):
    c, h = platform.client, platform.admin
    village = await make_village(platform)
    person = member(relation="spouse", sex="female")
    first = await make_household(platform, village, members=[member(), person])
    second = await make_household(platform, village, members=[member()])
    body = {**person, "joined_on": "2026-03-01"}
    r = await c.post(f"{V1}/households/{second['id']}/members", json=body, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "id_number"
    moved = next(m for m in first["members"] if m["relation"] == "spouse")
    assert (await c.post(f"{V1}/members/{moved['id']}/leave", json={"reason": "婚嫁迁出", "effective_on": "2026-03-01"}, headers=h)).status_code == 200
    r = await c.post(f"{V1}/households/{second['id']}/members", json=body, headers=h)
    assert r.status_code == 201, r.text


async def test_household_leaves_registry_with_reason_and_stays_queryable(platform):
    c, h = platform.client, platform.admin
    village = await make_village(platform)
    hid = (await make_household(platform, village))["id"]
    r = await c.post(f"{V1}/households/{hid}/leave", json={"reason": "整户迁出", "effective_on": "2026-09-30"}, headers=h)
    assert r.status_code == 200 and r.json()["in_registry"] is False
    before = (await c.get(f"{V1}/households/{hid}", params={"as_of": "2026-09-01"}, headers=h)).json()
    assert before["in_registry"] is True and before["left_on"] is None and before["household_size"] == 2
    after = (await c.get(f"{V1}/households/{hid}", headers=h)).json()
    assert after["left_reason"] == "整户迁出" and after["left_on"] == "2026-09-30"
    events = await outbox_events(platform, "household_left_registry", subject=hid)
    assert events[0]["data"] == {"household_id": hid, "village_code": village, "reason": "整户迁出", "effective_on": "2026-09-30"}
    again = await c.post(f"{V1}/households/{hid}/leave", json={"reason": "x", "effective_on": "2026-10-01"}, headers=h)
    assert again.status_code == 409
    listed = [x["id"] for x in (await c.get(f"{V1}/households", params={"village": village}, headers=h)).json()["items"]]
    assert hid not in listed
    listed = [x["id"] for x in (await c.get(f"{V1}/households", params={"village": village, "include_left": "true"}, headers=h)).json()["items"]]
    assert hid in listed


async def test_address_correction_is_a_fact(platform):
    c, h = platform.client, platform.admin
    village = await make_village(platform)
    hid = (await make_household(platform, village, address="一组1号"))["id"]
    etag = (await c.get(f"{V1}/households/{hid}", headers=h)).headers["etag"]
    r = await c.patch(f"{V1}/households/{hid}", json={"address": "二组3号", "reason": "门牌调整"}, headers={**h, "If-Match": etag})
    assert r.status_code == 200 and r.json()["address"] == "二组3号"
    events = await outbox_events(platform, "household_corrected", subject=hid)
    assert events[0]["data"]["changed"] == ["address"] and events[0]["data"]["address"] == "二组3号"


async def test_future_dates_for_changes_are_422(platform):
    c, h = platform.client, platform.admin
    village = await make_village(platform)
    hh = await make_household(platform, village)
    mid = hh["members"][0]["id"]
    r = await c.post(f"{V1}/members/{mid}/leave", json={"reason": "x", "effective_on": tomorrow()}, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "effective_on"
    r = await c.post(f"{V1}/households/{hh['id']}/leave", json={"reason": "x", "effective_on": tomorrow()}, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "effective_on"
    r = await c.post(f"{V1}/households/{hh['id']}/members", json={**member(), "joined_on": tomorrow()}, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "joined_on"


async def test_household_scope_other_county_404_on_read_403_on_write_and_auditor_reads_only(platform):
    c = platform.client
    village = await make_village(platform, county="440224")
    hh = await make_household(platform, village)
    hid, mid = hh["id"], hh["members"][0]["id"]
    other = platform.as_("county_officer", "440281")
    assert (await c.get(f"{V1}/households/{hid}", headers=other)).status_code == 404
    assert (await c.get(f"{V1}/members/{mid}", headers=other)).status_code == 404
    writes = [
        ("POST", f"{V1}/households/{hid}/status", {"poverty_status": "not_poor", "effective_on": "2026-02-01"}),
        ("POST", f"{V1}/households/{hid}/leave", {"reason": "x", "effective_on": "2026-02-01"}),
        ("PATCH", f"{V1}/households/{hid}", {"address": "x"}),
        ("POST", f"{V1}/households/{hid}/members", {**member(county="440224"), "joined_on": "2026-02-01"}),
        ("PATCH", f"{V1}/members/{mid}", {"labour_capacity": "none", "effective_on": "2026-02-01"}),
        ("POST", f"{V1}/members/{mid}/leave", {"reason": "x", "effective_on": "2026-02-01"}),
    ]
    auditor = platform.as_("auditor")
    for method, path, body in writes:
        # With an If-Match (required on the PATCHes), the update's own scope check answers.
        assert (await c.request(method, path, json=body, headers={**other, "If-Match": "*"})).status_code == 403, path
        assert (await c.request(method, path, json=body, headers={**auditor, "If-Match": "*"})).status_code == 403, path
    r = await c.post(
        f"{V1}/households",
        json={"household_number": unique_number(), "village_code": village, "registered_on": "2026-01-01", "members": [member(county="440224")]},
        headers=other,
    )
    assert r.status_code == 403
    assert (await c.get(f"{V1}/households/{hid}", headers=auditor)).status_code == 200
    assert (await c.get(f"{V1}/households/{hid}", headers=platform.as_("county_officer", "440224"))).status_code == 200
    assert (await c.get(f"{V1}/households/{hid}", headers=platform.admin)).json()["poverty_status"] == "registered_poor"


async def test_village_cadre_registers_only_in_its_village(platform):
    c = platform.client
    mine = await make_village(platform)
    other = await make_village(platform)
    cadre = platform.as_("village_cadre", mine)
    ok = await c.post(
        f"{V1}/households",
        json={"household_number": unique_number(), "village_code": mine, "registered_on": "2026-01-01", "members": [member()]},
        headers=cadre,
    )
    assert ok.status_code == 201
    no = await c.post(
        f"{V1}/households",
        json={"household_number": unique_number(), "village_code": other, "registered_on": "2026-01-01", "members": [member()]},
        headers=cadre,
    )
    assert no.status_code == 403


async def test_ledger_follows_household_size_changes_for_per_capita_income(platform):
    c, h = platform.client, platform.admin
    village = await make_village(platform)
    hid = (await make_household(platform, village, registered_on="2026-01-01"))["id"]
    r = await c.post(
        f"{V1}/households/{hid}/members", json={**member(relation="child", labour="none", birth=date(2026, 1, 20)), "joined_on": "2026-01-20"}, headers=h
    )
    assert r.status_code == 201

    async def size():
        r = await c.get(f"/ledger/v1/households/{hid}/income", params={"year": 2026}, headers=h)
        assert r.status_code == 200, r.text
        assert r.json()["household_size"] == 3

    await eventually(size)


async def test_members_of_a_household_that_left_may_be_registered_elsewhere(platform):
    c, h = platform.client, platform.admin
    village = await make_village(platform)
    person = member()
    old = await make_household(platform, village, members=[person])
    body = {"household_number": unique_number(), "village_code": village, "registered_on": "2026-05-01", "members": [person]}
    assert (await c.post(f"{V1}/households", json=body, headers=h)).status_code == 422
    assert (await c.post(f"{V1}/households/{old['id']}/leave", json={"reason": "分户", "effective_on": "2026-04-30"}, headers=h)).status_code == 200
    r = await c.post(f"{V1}/households", json=body, headers=h)
    assert r.status_code == 201, r.text
    # The old household's history still lists the person.
    past = (await c.get(f"{V1}/households/{old['id']}", params={"as_of": "2026-03-01"}, headers=h)).json()
    assert [m["name"] for m in past["members"]] == [person["name"]]
