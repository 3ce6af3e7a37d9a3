"""Market linkage (R18–R21): the facts that feed the village indicators, and the village's own summary."""

from __future__ import annotations

from typing import Any

from tests.market.helpers import make_village, market_events


async def _links(platform: Any, code: str, on: str = "2026-06-01") -> dict[str, Any]:
    r = await platform.client.get(f"/market/v1/villages/{code}/market-links", params={"on": on}, headers=platform.admin)
    assert r.status_code == 200, r.text
    return r.json()


async def test_r18_direct_supply_channel_counts_for_its_village_within_its_period(platform):
    code = await make_village(platform)
    assert (await _links(platform, code))["r18_direct_supply"] == {"rule": "R18", "met": False, "count": 0}
    body = {
        "village_code": code,
        "kind": "school_canteen",
        "counterparty": "乳源县第一中学食堂",
        "product": "vegetables",
        "period_start": "2026-03-01",
        "period_end": "2026-12-31",
        "volume": "20000",
        "unit": "kg",
    }
    r = await platform.client.post("/market/v1/direct-supply-channels", json=body, headers=platform.as_("village_cadre", code))
    assert r.status_code == 201, r.text
    assert (await _links(platform, code))["r18_direct_supply"] == {"rule": "R18", "met": True, "count": 1}
    assert (await _links(platform, code, on="2027-01-01"))["r18_direct_supply"]["met"] is False
    facts = [e for e in await market_events(platform, "fupin.market.direct_supply_channel_opened.v1") if e["village_code"] == code]
    assert len(facts) == 1 and facts[0]["kind"] == "school_canteen" and facts[0]["volume"] == "20000"


async def test_r18_partner_platform_channel_names_a_known_partner(platform):
    code = await make_village(platform)
    body = {
        "village_code": code,
        "kind": "partner_platform",
        "counterparty": "京东",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "volume": "100",
        "unit": "kg",
    }
    missing = await platform.client.post("/market/v1/direct-supply-channels", json=body, headers=platform.admin)
    assert missing.status_code == 422, missing.text
    unknown = await platform.client.post("/market/v1/direct-supply-channels", json=body | {"partner": "nobody"}, headers=platform.admin)
    assert unknown.status_code == 422 and unknown.json()["field"] == "partner", unknown.text
    ok = await platform.client.post("/market/v1/direct-supply-channels", json=body | {"partner": "jd"}, headers=platform.admin)
    assert ok.status_code == 201, ok.text


async def test_r18_cadre_cannot_open_a_channel_for_another_village(platform):
    code, other = await make_village(platform), await make_village(platform)
    body = {
        "village_code": other,
        "kind": "distributor",
        "counterparty": "某批发商",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "volume": "1",
        "unit": "ton",
    }
    r = await platform.client.post("/market/v1/direct-supply-channels", json=body, headers=platform.as_("village_cadre", code))
    assert r.status_code == 403, r.text


async def test_r19_showcase_window_sits_at_the_villages_paired_unit(platform):
    code = await make_village(platform, paired_unit="东莞市农业农村局")
    r = await platform.client.post(
        "/market/v1/showcase-windows", json={"village_code": code, "form": "online", "opened_on": "2026-03-15"}, headers=platform.admin
    )
    assert r.status_code == 201, r.text
    assert r.json()["paired_unit"] == "东莞市农业农村局"
    assert (await _links(platform, code))["r19_showcase_window"] == {"rule": "R19", "met": True, "count": 1}
    facts = [e for e in await market_events(platform, "fupin.market.showcase_window_opened.v1") if e["village_code"] == code]
    assert facts[0]["form"] == "online" and facts[0]["paired_unit"] == "东莞市农业农村局"


async def test_r19_window_at_another_unit_or_without_a_paired_unit_is_refused(platform):
    code = await make_village(platform, paired_unit="东莞市农业农村局")
    wrong = await platform.client.post(
        "/market/v1/showcase-windows",
        json={"village_code": code, "form": "physical", "opened_on": "2026-03-15", "paired_unit": "别的单位"},
        headers=platform.admin,
    )
    assert wrong.status_code == 422 and wrong.json()["rule"] == "R19", wrong.text
    unpaired = await make_village(platform, paired_unit=None)
    none = await platform.client.post(
        "/market/v1/showcase-windows", json={"village_code": unpaired, "form": "physical", "opened_on": "2026-03-15"}, headers=platform.admin
    )
    assert none.status_code == 422 and none.json()["rule"] == "R19" and none.json()["field"] == "paired_unit", none.text
    assert (await _links(platform, code))["r19_showcase_window"]["met"] is False


async def test_r20_ecommerce_station_covers_the_villages_it_names(platform):
    code = await make_village(platform)
    other = await make_village(platform)
    body = {
        "level": "township_station",
        "name": "必背镇电商服务站",
        "county_code": code[:6],
        "township_code": code[:9],
        "covered_village_codes": [code],
        "covered_bases": [{"base_code": "RY-TEA-01", "name": "必背茶叶基地", "industry": "tea", "is_large": True}],
        "opened_on": "2026-03-01",
    }
    r = await platform.client.post("/market/v1/ecommerce-points", json=body, headers=platform.as_("county_officer", code[:6]))
    assert r.status_code == 201, r.text
    assert (await _links(platform, code))["r20_ecommerce_station"] == {"rule": "R20", "met": True, "count": 1}
    assert (await _links(platform, other))["r20_ecommerce_station"]["met"] is False
    assert (await _links(platform, code, on="2026-02-01"))["r20_ecommerce_station"]["met"] is False
    point_id = r.json()["id"]
    facts = [e for e in await market_events(platform, "fupin.market.ecommerce_point_registered.v1") if e["point_id"] == point_id]
    assert facts[0]["covered_village_codes"] == [code] and facts[0]["covered_bases"][0]["is_large"] is True


async def test_r20_station_needs_its_township_and_village_shop_its_village(platform):
    code = await make_village(platform)
    base = {"name": "站", "county_code": code[:6], "opened_on": "2026-03-01", "covered_village_codes": [code]}
    r = await platform.client.post("/market/v1/ecommerce-points", json=base | {"level": "township_station"}, headers=platform.admin)
    assert r.status_code == 422 and r.json()["rule"] == "R20" and r.json()["field"] == "township_code", r.text
    r = await platform.client.post("/market/v1/ecommerce-points", json=base | {"level": "village_shop"}, headers=platform.admin)
    assert r.status_code == 422 and r.json()["field"] == "village_code", r.text
    shop = await platform.client.post(
        "/market/v1/ecommerce-points", json=base | {"level": "village_shop", "village_code": code, "covered_village_codes": []}, headers=platform.admin
    )
    assert shop.status_code == 201 and shop.json()["covered_village_codes"] == [code], shop.text


async def test_r21_cold_chain_covers_villages_and_industry_bases(platform):
    code = await make_village(platform)
    body = {
        "kind": "pre_cooling",
        "name": "必背镇茶叶预冷库",
        "county_code": code[:6],
        "township_code": code[:9],
        "capacity": "200",
        "capacity_unit": "ton",
        "covered_village_codes": [code],
        "covered_bases": [{"base_code": "RY-TEA-01", "name": "必背茶叶基地", "industry": "tea", "is_large": True}],
        "opened_on": "2026-03-01",
    }
    assert (await _links(platform, code))["r21_cold_chain"]["met"] is False
    r = await platform.client.post("/market/v1/cold-chain-facilities", json=body, headers=platform.as_("county_officer", code[:6]))
    assert r.status_code == 201, r.text
    assert (await _links(platform, code))["r21_cold_chain"] == {"rule": "R21", "met": True, "count": 1}
    facts = [e for e in await market_events(platform, "fupin.market.cold_chain_facility_registered.v1") if e["facility_id"] == r.json()["id"]]
    assert facts[0]["kind"] == "pre_cooling" and facts[0]["covered_village_codes"] == [code]


async def test_r21_cold_chain_coverage_outside_the_county_is_refused(platform):
    code = await make_village(platform)
    body = {"kind": "storage", "name": "冷库", "county_code": "440281", "covered_village_codes": [code], "opened_on": "2026-03-01"}
    r = await platform.client.post("/market/v1/cold-chain-facilities", json=body, headers=platform.admin)
    assert r.status_code == 422 and r.json()["field"] == "covered_village_codes[0]", r.text
    officer = await platform.client.post(
        "/market/v1/cold-chain-facilities", json=body | {"county_code": code[:6]}, headers=platform.as_("county_officer", "440281")
    )
    assert officer.status_code == 403, officer.text


async def test_r21_large_base_needs_pre_cooling_and_r20_a_station(platform):
    code = await make_village(platform)
    base = {"base_code": f"B-{code}", "name": "某茶叶基地", "industry": "tea", "township_code": code[:9], "is_large": True}
    storage = {"kind": "storage", "name": "冷库", "county_code": code[:6], "covered_bases": [base], "opened_on": "2026-03-01"}
    assert (await platform.client.post("/market/v1/cold-chain-facilities", json=storage, headers=platform.admin)).status_code == 201
    url = f"/market/v1/bases/{base['base_code']}/market-links"
    links = (await platform.client.get(url, params={"on": "2026-06-01"}, headers=platform.admin)).json()
    assert links["is_large"] is True
    assert links["r21_cold_chain"] == {"rule": "R21", "met": True, "count": 1}
    assert links["r21_pre_cooling"] == {"rule": "R21", "met": False, "count": 0}
    assert links["r20_ecommerce_station"]["met"] is False
    pre = storage | {"kind": "pre_cooling", "name": "预冷库"}
    assert (await platform.client.post("/market/v1/cold-chain-facilities", json=pre, headers=platform.admin)).status_code == 201
    station = {"level": "county_centre", "name": "县电商中心", "county_code": code[:6], "covered_bases": [base], "opened_on": "2026-03-01"}
    assert (await platform.client.post("/market/v1/ecommerce-points", json=station, headers=platform.admin)).status_code == 201
    links = (await platform.client.get(url, params={"on": "2026-06-01"}, headers=platform.admin)).json()
    assert links["r21_pre_cooling"] == {"rule": "R21", "met": True, "count": 1}
    assert links["r21_cold_chain"]["count"] == 2 and links["r20_ecommerce_station"]["met"] is True
    unknown = await platform.client.get("/market/v1/bases/NO-SUCH-BASE/market-links", headers=platform.admin)
    assert unknown.status_code == 404
