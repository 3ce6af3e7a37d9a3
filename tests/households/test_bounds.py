"""Issue 11: bounded, strict input for every households request body, and one head per household."""

from __future__ import annotations

from datetime import date

import pytest

from tests.helpers import unique_number
from tests.households.support import V1, keyed, make_household, make_village, member, outbox_count, register_entity


async def _post_household(platform, village: str, members, **over):
    body = {"household_number": unique_number(), "village_code": village, "registered_on": "2026-01-01", "members": members, **over}
    return await platform.client.post(f"{V1}/households", json=body, headers=platform.admin)


async def _employment(platform):
    village = await make_village(platform)
    hh = await make_household(platform, village)
    entity = await register_entity(platform, villages=[village])
    r = await platform.client.post(
        f"{V1}/employments",
        json={"member_id": hh["members"][0]["id"], "entity_id": entity, "post": "茶园管护", "link": "production", "started_on": "2026-03-01"},
        headers=platform.admin,
    )
    assert r.status_code == 201, r.text
    return r.json()


def _wage(employment_id: str, **over):
    return {"employment_id": employment_id, "amount_fen": 1000, "period_start": "2026-03-01", "period_end": "2026-03-31", "paid_on": "2026-04-05", **over}


async def test_a_misspelt_field_is_a_422_naming_it_and_writes_nothing(platform):
    village = await make_village(platform)
    before = await outbox_count(platform)
    r = await _post_household(platform, village, [member()], adress="一组1号")
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "adress"
    r = await _post_household(platform, village, [member(phone_number="13800000000")])
    assert r.status_code == 422 and r.json()["field"] == "members[0].phone_number", r.text
    assert await outbox_count(platform) == before


async def test_a_date_given_as_a_number_is_refused_not_read_as_1970(platform):
    village = await make_village(platform)
    r = await _post_household(platform, village, [member()], registered_on=0)
    assert r.status_code == 422 and r.json()["field"] == "registered_on", r.text


async def test_a_date_before_the_registry_began_or_far_in_the_future_is_refused(platform):
    village = await make_village(platform)
    for day in ("0001-01-01", "2013-12-31", "2999-01-01"):
        r = await _post_household(platform, village, [member()], registered_on=day)
        assert r.status_code == 422 and r.json()["field"] == "registered_on", (day, r.text)
    r = await _post_household(platform, village, [member(birth_date="1899-12-31")])
    assert r.status_code == 422 and r.json()["field"] == "members[0].birth_date", r.text


async def test_yes_is_not_true_for_a_flag(platform):
    village = await make_village(platform)
    for value in ("yes", 1, "true"):
        r = await _post_household(platform, village, [member(wishes_to_work_away=value)])
        assert r.status_code == 422 and r.json()["field"] == "members[0].wishes_to_work_away", (value, r.text)
    ok = await _post_household(platform, village, [member(wishes_to_work_away=True)])
    assert ok.status_code == 201 and ok.json()["members"][0]["wishes_to_work_away"] is True


@pytest.mark.parametrize("name", ["", "   ", "邓\u202e某", "邓\x00某", "邓\n某", "邓" * 51])
async def test_a_blank_overlong_or_control_character_name_is_refused(platform, name):
    village = await make_village(platform)
    r = await _post_household(platform, village, [member(name=name)])
    assert r.status_code == 422 and r.json()["field"] == "members[0].name", r.text


async def test_names_are_stored_in_nfc(platform):
    village = await make_village(platform)
    r = await _post_household(platform, village, [member(name="Jose\u0301 邓")])
    assert r.status_code == 201, r.text
    assert r.json()["members"][0]["name"] == "Jos\u00e9 邓"


@pytest.mark.parametrize("amount", [2**63, 10**30, 10**10 + 1, True, "1000"])
async def test_a_wage_above_its_ceiling_or_beyond_int64_is_422_and_writes_nothing(platform, amount):
    emp = await _employment(platform)
    before = await outbox_count(platform)
    r = await platform.client.post(f"{V1}/wages", json=_wage(emp["id"], amount_fen=amount), headers=keyed(platform.admin))
    assert r.status_code == 422 and r.json()["field"] == "amount_fen", r.text
    assert await outbox_count(platform) == before


async def test_a_wage_without_an_idempotency_key_is_428_and_a_retry_with_one_counts_once(platform):
    emp = await _employment(platform)
    before = await outbox_count(platform)
    r = await platform.client.post(f"{V1}/wages", json=_wage(emp["id"]), headers=platform.admin)
    assert r.status_code == 428 and r.json()["code"] == "idempotency_key_required", r.text
    assert await outbox_count(platform) == before
    headers = keyed(platform.admin)
    first = await platform.client.post(f"{V1}/wages", json=_wage(emp["id"]), headers=headers)
    again = await platform.client.post(f"{V1}/wages", json=_wage(emp["id"]), headers=headers)
    assert first.status_code == 201 and again.status_code == 201 and again.json()["id"] == first.json()["id"]
    listed = (await platform.client.get(f"{V1}/wages", params={"employment_id": emp["id"]}, headers=platform.admin)).json()["items"]
    assert len(listed) == 1


async def test_a_query_integer_beyond_int64_is_422_not_500(platform):
    r = await platform.client.get(f"{V1}/households", params={"limit": str(2**64)}, headers=platform.admin)
    assert r.status_code == 422 and r.json()["field"] == "limit", r.text
    r = await platform.client.get(f"{V1}/households/x", params={"as_of": "99999-01-01"}, headers=platform.admin)
    assert r.status_code == 422 and r.json()["field"] == "as_of", r.text


async def test_an_exit_year_beyond_the_window_is_refused(platform):
    village = await make_village(platform)
    r = await _post_household(platform, village, [member()], poverty_status="exited", exit_year=2**63)
    assert r.status_code == 422 and r.json()["field"] == "exit_year", r.text


# ---- exactly one head, at least one member -----------------------------------------------------


async def test_a_household_without_members_or_without_a_head_is_refused(platform):
    village = await make_village(platform)
    before = await outbox_count(platform)
    r = await _post_household(platform, village, [])
    assert r.status_code == 422 and r.json()["field"] == "members", r.text
    r = await _post_household(platform, village, [member(relation="spouse"), member(relation="child")])
    assert r.status_code == 422 and r.json()["field"] == "members" and r.json()["code"] == "one_head", r.text
    assert await outbox_count(platform) == before


async def test_a_household_with_two_heads_is_refused_naming_the_second(platform):
    village = await make_village(platform)
    r = await _post_household(platform, village, [member(), member(relation="spouse"), member()])
    assert r.status_code == 422 and r.json()["field"] == "members[2].relation", r.text


async def test_a_second_head_cannot_join(platform):
    village = await make_village(platform)
    hh = await make_household(platform, village)
    r = await platform.client.post(f"{V1}/households/{hh['id']}/members", json={**member(), "joined_on": "2026-02-01"}, headers=platform.admin)
    assert r.status_code == 422 and r.json()["field"] == "relation", r.text
    assert len((await platform.client.get(f"{V1}/households/{hh['id']}", headers=platform.admin)).json()["members"]) == 2


async def test_the_head_leaves_only_with_a_successor_who_becomes_head(platform):
    c, h = platform.client, platform.admin
    village = await make_village(platform)
    hh = await make_household(platform, village)
    head = next(m for m in hh["members"] if m["relation"] == "head")
    spouse = next(m for m in hh["members"] if m["relation"] == "spouse")
    leave = {"reason": "去世", "effective_on": "2026-06-01"}
    r = await c.post(f"{V1}/members/{head['id']}/leave", json=leave, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "new_head_id", r.text
    r = await c.post(f"{V1}/members/{head['id']}/leave", json={**leave, "new_head_id": "not-a-member"}, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "new_head_id", r.text
    r = await c.post(f"{V1}/members/{spouse['id']}/leave", json={**leave, "new_head_id": head["id"]}, headers=h)
    assert r.status_code == 422 and r.json()["field"] == "new_head_id", r.text
    r = await c.post(f"{V1}/members/{head['id']}/leave", json={**leave, "new_head_id": spouse["id"]}, headers=h)
    assert r.status_code == 200, r.text
    now = (await c.get(f"{V1}/households/{hh['id']}", headers=h)).json()
    current = [m for m in now["members"] if m["left_on"] is None]
    assert [(m["id"], m["relation"]) for m in current] == [(spouse["id"], "head")]
    # The last member cannot leave: the household leaves the registry instead.
    r = await c.post(f"{V1}/members/{spouse['id']}/leave", json={"reason": "迁出", "effective_on": "2026-07-01"}, headers=h)
    assert r.status_code == 422 and r.json()["code"] == "household_needs_member", r.text


# ---- every reference in scope ------------------------------------------------------------------


async def test_an_entity_of_another_county_is_not_shown_to_a_county_officer(platform):
    village_b = await make_village(platform, county="440233")
    entity = await register_entity(platform, county="440233", villages=[village_b])
    officer_a = platform.as_("county_officer", "440232")
    r = await platform.client.get(f"{V1}/entities/{entity}", headers=officer_a)
    assert r.status_code == 404, r.text
    unknown = await platform.client.get(f"{V1}/entities/0192f0a4-0000-7000-8000-00000000dead", headers=officer_a)
    assert r.json()["detail"].replace(entity, "") == unknown.json()["detail"].replace("0192f0a4-0000-7000-8000-00000000dead", "")
    assert (await platform.client.get(f"{V1}/entities/{entity}", headers=platform.as_("county_officer", "440233"))).status_code == 200
    assert (await platform.client.get(f"{V1}/entities/{entity}", headers=platform.as_("village_cadre", village_b))).status_code == 200
    assert (await platform.client.get(f"{V1}/entities/{entity}", headers=platform.as_("entity_operator", entity))).status_code == 200


async def test_hiring_into_an_entity_of_another_county_is_refused_as_if_it_did_not_exist(platform):
    village_a = await make_village(platform, county="440232")
    hh = await make_household(platform, village_a)
    entity_b = await register_entity(platform, county="440233", villages=[await make_village(platform, county="440233")])
    officer_a = platform.as_("county_officer", "440232")
    before = await outbox_count(platform)
    body = {"member_id": hh["members"][0]["id"], "entity_id": entity_b, "post": "x", "link": "production", "started_on": "2026-03-01"}
    r = await platform.client.post(f"{V1}/employments", json=body, headers=officer_a)
    unknown = await platform.client.post(f"{V1}/employments", json=body | {"entity_id": "0192f0a4-0000-7000-8000-00000000dead"}, headers=officer_a)
    assert r.status_code == unknown.status_code == 422 and r.json()["field"] == "entity_id", r.text
    assert r.json()["title"] == unknown.json()["title"]
    assert await outbox_count(platform) == before


async def test_hiring_a_member_of_another_county_is_refused_as_if_they_did_not_exist(platform):
    village_b = await make_village(platform, county="440233")
    hh_b = await make_household(platform, village_b)
    entity = await register_entity(platform, county="440232", villages=[await make_village(platform, county="440232")])
    officer_a = platform.as_("county_officer", "440232")
    body = {"member_id": hh_b["members"][0]["id"], "entity_id": entity, "post": "x", "link": "production", "started_on": "2026-03-01"}
    r = await platform.client.post(f"{V1}/employments", json=body, headers=officer_a)
    assert r.status_code == 422 and r.json()["field"] == "member_id", r.text
    unknown = await platform.client.post(f"{V1}/employments", json=body | {"member_id": "no-such-member"}, headers=officer_a)
    assert unknown.json()["title"] == r.json()["title"]


async def test_an_identity_number_registered_in_another_county_is_refused_like_one_registered_in_ours(platform):
    """Nothing in the answer tells county A's officer that, or where, a county B person is registered."""
    village_a = await make_village(platform, county="440232")
    village_b = await make_village(platform, county="440233")
    person_b = member(county="440233", birth=date(1981, 1, 1))
    person_a = member(county="440232", birth=date(1981, 1, 2))
    await make_household(platform, village_b, members=[person_b])
    await make_household(platform, village_a, members=[person_a])
    officer_a = platform.as_("county_officer", "440232")
    body = {"household_number": unique_number(), "village_code": village_a, "registered_on": "2026-01-01"}
    theirs = await platform.client.post(f"{V1}/households", json=body | {"members": [person_b]}, headers=officer_a)
    ours = await platform.client.post(f"{V1}/households", json=body | {"members": [person_a]}, headers=officer_a)
    assert theirs.status_code == ours.status_code == 422, theirs.text
    strip = lambda p: {k: v for k, v in p.items() if k not in ("instance",)}  # noqa: E731
    assert strip(theirs.json()) == strip(ours.json())
    assert "440233" not in theirs.text and village_b not in theirs.text
    assert "已登记" not in theirs.json()["detail"] and "registered in a household" not in theirs.text


async def test_the_database_refuses_an_oversized_wage_or_a_year_one_date_written_around_the_api(platform):
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from services.households.models import Household, WagePayment
    from shared.ids import new_id

    emp = await _employment(platform)
    ctx = platform.context("households")
    row = {
        "id": new_id(), "employment_id": emp["id"], "member_id": emp["member_id"], "household_id": emp["household_id"],
        "village_code": emp["village_code"], "entity_id": emp["entity_id"], "amount_fen": 2**62,
        "period_start": date(2026, 3, 1), "period_end": date(2026, 3, 31), "paid_on": date(2026, 4, 5), "reported_by": "city",
    }  # fmt: skip
    with pytest.raises(IntegrityError):
        async with ctx.engine.begin() as conn:
            await conn.execute(insert(WagePayment), [row])
    village = await make_village(platform)
    with pytest.raises(IntegrityError):
        async with ctx.engine.begin() as conn:
            await conn.execute(
                insert(Household),
                [
                    {
                        "id": new_id(),
                        "household_number": unique_number(),
                        "village_code": village,
                        "poverty_status": "registered_poor",
                        "registered_on": date(1, 1, 1),
                    }
                ],
            )
