"""Operating entities: unified social credit code (GB 32100), kinds, the villages they work in."""

from __future__ import annotations

from services.funds.domain import credit_code_problem
from tests.funds.support import V1, credit_code, keyed, make_village, post, problem


def test_credit_code_helper_makes_codes_the_validator_accepts_and_a_changed_character_breaks_them():
    code = credit_code()
    assert credit_code_problem(code) is None
    assert credit_code_problem("91350100M000100Y43") is None  # a published real-world code
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    assert "check character" in credit_code_problem(wrong)
    assert credit_code_problem(code[:17]) == "must be 18 characters"
    assert "not allowed" in credit_code_problem(code[:5] + "I" + code[6:])


async def test_entity_with_an_invalid_credit_code_is_refused_naming_the_field(platform):
    code = credit_code()
    bad = code[:17] + ("0" if code[17] != "0" else "1")
    r = await platform.client.post(
        f"{V1}/entities", json={"name": "某合作社", "kind": "cooperative", "credit_code": bad, "county_code": "440232"}, headers=keyed(platform.admin)
    )
    problem(r, 422, field="credit_code")


async def test_entity_is_registered_once_per_credit_code_and_readable_by_its_operator(platform):
    village = await make_village(platform)
    body = {"name": "必背茶叶合作社", "kind": "joint_stock_company", "credit_code": credit_code(), "county_code": "440232", "village_codes": [village]}
    entity = await post(platform, "/entities", body)
    assert entity["village_codes"] == [village] and entity["kind"] == "joint_stock_company"
    problem(await platform.client.post(f"{V1}/entities", json=body, headers=keyed(platform.admin)), 409, field="credit_code")
    operator = platform.as_("entity_operator", entity["id"], subject="op-e")
    assert (await platform.client.get(f"{V1}/entities/{entity['id']}", headers=operator)).status_code == 200
    items = (await platform.client.get(f"{V1}/entities", headers=operator)).json()["items"]
    assert [e["id"] for e in items] == [entity["id"]]
    problem(await platform.client.post(f"{V1}/entities", json=body | {"credit_code": credit_code()}, headers=keyed(operator)), 403)


async def test_entity_villages_must_lie_in_its_county(platform):
    elsewhere = await make_village(platform, county="440233")
    r = await platform.client.post(
        f"{V1}/entities",
        json={"name": "x", "kind": "family_farm", "credit_code": credit_code(), "county_code": "440232", "village_codes": [elsewhere]},
        headers=keyed(platform.admin),
    )
    problem(r, 422, field="village_codes[0]")


async def test_entity_villages_can_be_changed_within_its_county_by_its_county(platform):
    village, second = await make_village(platform), await make_village(platform)
    entity = await post(
        platform, "/entities", {"name": "合作社", "kind": "cooperative", "credit_code": credit_code(), "county_code": "440232", "village_codes": [village]}
    )
    other_county = platform.as_("county_officer", "440233", subject="officer-other")
    problem(await platform.client.patch(f"{V1}/entities/{entity['id']}", json={"village_codes": [second]}, headers={**other_county, "If-Match": "*"}), 404)
    own = platform.as_("county_officer", "440232", subject="officer-own")
    etag = (await platform.client.get(f"{V1}/entities/{entity['id']}", headers=own)).headers["etag"]
    r = await platform.client.patch(
        f"{V1}/entities/{entity['id']}", json={"village_codes": [village, second], "name": "新合作社"}, headers={**own, "If-Match": etag}
    )
    assert r.status_code == 200, r.text
    assert r.json()["village_codes"] == [village, second] and r.json()["name"] == "新合作社"
    got = (await platform.client.get(f"{V1}/entities/{entity['id']}", headers=platform.admin)).json()
    assert got["village_codes"] == [village, second]
