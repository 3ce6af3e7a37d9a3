"""Villages (issue 4, item 1): division codes, categories with pairing, helpers, the "453" industry."""

from __future__ import annotations

from tests.helpers import village_code
from tests.households.support import V1, make_village, outbox_events


async def test_village_registers_with_categories_helpers_and_industry(platform):
    c = platform.client
    code = village_code()
    helpers = [
        {"role": "first_secretary", "name": "李某", "unit": "东莞市某局"},
        {"role": "resident_cadre", "name": "陈某"},
        {"role": "technical_cadre", "name": "王某", "department": "agriculture", "unit": "乳源县农业农村局"},
    ]
    body = {
        "code": code,
        "name": "必背村",
        "township_name": "必背镇",
        "categories": ["province_poor", "relatively_poor_dongguan"],
        "paired_unit": "东莞市某局",
        "characteristic_industry": "tea",
        "helpers": helpers,
    }
    r = await c.post(f"{V1}/villages", json=body, headers=platform.admin)
    assert r.status_code == 201, r.text
    got = (await c.get(f"{V1}/villages/{code}", headers=platform.admin)).json()
    assert got["county_code"] == "440232" and got["county_name"] == "乳源瑶族自治县"
    assert got["township_code"] == code[:9]
    assert got["categories"] == ["province_poor", "relatively_poor_dongguan"]
    assert [h["role"] for h in got["helpers"]] == ["first_secretary", "resident_cadre", "technical_cadre"]
    assert got["helpers"][2]["department"] == "agriculture"
    events = await outbox_events(platform, "village_registered", subject=code)
    assert len(events) == 1 and events[0]["data"]["characteristic_industry"] == "tea"
    assert events[0]["data"]["paired_unit"] == "东莞市某局"


async def test_invalid_division_code_is_422_naming_code(platform):
    for bad in ("44023210020", "440299100201", "440232000201", "510232100201"):
        r = await platform.client.post(f"{V1}/villages", json={"code": bad, "name": "x"}, headers=platform.admin)
        assert r.status_code == 422, bad
        assert r.json()["field"] == "code"
        assert (await platform.client.get(f"{V1}/villages/{bad}", headers=platform.admin)).status_code == 404


async def test_relatively_poor_village_needs_its_paired_unit(platform):
    code = village_code()
    r = await platform.client.post(f"{V1}/villages", json={"code": code, "name": "x", "categories": ["relatively_poor_shaoguan"]}, headers=platform.admin)
    assert r.status_code == 422 and r.json()["field"] == "paired_unit"
    assert (await platform.client.get(f"{V1}/villages/{code}", headers=platform.admin)).status_code == 404


async def test_technical_cadre_needs_a_department_and_one_first_secretary_at_most(platform):
    code = village_code()
    r = await platform.client.post(
        f"{V1}/villages", json={"code": code, "name": "x", "helpers": [{"role": "technical_cadre", "name": "王某"}]}, headers=platform.admin
    )
    assert r.status_code == 422 and r.json()["field"] == "helpers[0].department"
    two = [{"role": "first_secretary", "name": "甲"}, {"role": "first_secretary", "name": "乙"}]
    r = await platform.client.post(f"{V1}/villages", json={"code": code, "name": "x", "helpers": two}, headers=platform.admin)
    assert r.status_code == 422 and r.json()["field"] == "helpers[1].role"


async def test_unknown_industry_outside_453_catalogue_is_422(platform):
    r = await platform.client.post(f"{V1}/villages", json={"code": village_code(), "name": "x", "characteristic_industry": "durian"}, headers=platform.admin)
    assert r.status_code == 422 and r.json()["field"] == "characteristic_industry"


async def test_village_correction_emits_village_updated_and_keeps_category_filter_true(platform):
    c = platform.client
    code = await make_village(platform, categories=["scattered_poor"])
    r = await c.patch(
        f"{V1}/villages/{code}",
        json={"categories": ["relatively_poor_dongguan"], "paired_unit": "东莞市某局", "reason": "帮扶关系调整"},
        headers={**platform.admin, "If-Match": "*"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["categories"] == ["relatively_poor_dongguan"]
    events = await outbox_events(platform, "village_updated", subject=code)
    assert events and events[-1]["data"]["categories"] == ["relatively_poor_dongguan"]
    listed = (await c.get(f"{V1}/villages", params={"category": "relatively_poor_dongguan", "limit": 500}, headers=platform.admin)).json()
    assert code in [v["code"] for v in listed["items"]]
    listed = (await c.get(f"{V1}/villages", params={"category": "scattered_poor", "limit": 500}, headers=platform.admin)).json()
    assert code not in [v["code"] for v in listed["items"]]


async def test_duplicate_village_is_409(platform):
    code = await make_village(platform)
    r = await platform.client.post(f"{V1}/villages", json={"code": code, "name": "again"}, headers=platform.admin)
    assert r.status_code == 409 and r.json()["field"] == "code"


async def test_village_scope_county_officer_and_auditor(platform):
    c = platform.client
    mine = await make_village(platform, county="440222")
    other = await make_village(platform, county="440281")
    officer = platform.as_("county_officer", "440222")
    assert (await c.get(f"{V1}/villages/{mine}", headers=officer)).status_code == 200
    assert (await c.get(f"{V1}/villages/{other}", headers=officer)).status_code == 404
    assert (await c.patch(f"{V1}/villages/{other}", json={"name": "改"}, headers={**officer, "If-Match": "*"})).status_code == 403
    r = await c.post(f"{V1}/villages", json={"code": village_code("440281"), "name": "x"}, headers=officer)
    assert r.status_code == 403
    listed = (await c.get(f"{V1}/villages", params={"limit": 500}, headers=officer)).json()["items"]
    assert listed and all(v["county_code"] == "440222" for v in listed)
    auditor = platform.as_("auditor")
    assert (await c.get(f"{V1}/villages/{other}", headers=auditor)).status_code == 200
    assert (await c.post(f"{V1}/villages", json={"code": village_code(), "name": "x"}, headers=auditor)).status_code == 403
    assert (await c.patch(f"{V1}/villages/{mine}", json={"name": "改"}, headers={**auditor, "If-Match": "*"})).status_code == 403
