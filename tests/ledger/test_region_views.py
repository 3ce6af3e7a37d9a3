"""Township and city overviews and the village's links (issue #14, village, township and city screens): each one request.

The township's villages are the county overview's, restricted to the township; the city's counties are
the sums of their villages with each rule's statuses counted; neither runs more statements for more
villages. A village's projects and market links come from the facts their producers published.
"""

from __future__ import annotations

from shared.events.income import BenefitType
from shared.ids import new_id
from tests.helpers import eventually, village_code
from tests.ledger.support import append, fact, household, income, village
from tests.ledger.test_views import _statements

B = BenefitType
YEAR = {"year": 2026}


async def _county(platform, county: str, townships: int = 2, per: int = 2) -> list[str]:
    codes = []
    for t in range(townships):
        for _ in range(per):
            c = village_code(county)
            codes.append(c[:6] + f"{100 + t:03d}" + c[9:])
    homes = [household(c, members=2) for c in codes]
    await append(platform, *(village(c, ["province_poor"]) for c in codes), *homes, *(income(h, B.wage_labor, 100 * (i + 1)) for i, h in enumerate(homes)))
    return codes


async def test_a_township_overview_is_the_county_overview_of_its_villages_in_six_statements(platform):
    codes = await _county(platform, "440205")
    township = codes[0][:9]
    url = f"/ledger/v1/views/townships/{township}/villages"

    async def settled() -> None:
        r = await platform.client.get(url, params=YEAR, headers=platform.admin)
        assert r.status_code == 200, r.text
        mine = [v for v in r.json()["villages"] if v["village_code"] in codes]
        assert len(mine) == 2 and all(v["total_fen"] > 0 for v in mine)

    await eventually(settled)

    async def same_as_the_county() -> None:
        body = (await platform.client.get(url, params=YEAR, headers=platform.admin)).json()
        assert all(v["village_code"].startswith(township) for v in body["villages"])
        county = (await platform.client.get("/ledger/v1/views/counties/440205/villages", params=YEAR, headers=platform.admin)).json()
        # Only this test's villages: other tests' facts in the shared county may land between the two reads.
        ours = {c for c in codes if c.startswith(township)}
        assert [v for v in body["villages"] if v["village_code"] in ours] == [v for v in county["villages"] if v["village_code"] in ours]

    await eventually(same_as_the_county)
    # Six, and a seventh where shares are quantified in a village of the place (other tests' villages may be in it).
    assert await _statements(platform, url) in (6, 7)
    officer = platform.as_("township_officer", township)
    assert (await platform.client.get(url, params=YEAR, headers=officer)).status_code == 200
    other = platform.as_("county_officer", "440281")
    assert (await platform.client.get(url, params=YEAR, headers=other)).status_code == 404


async def test_the_city_overview_sums_each_countys_villages_and_counts_their_indicators(platform):
    codes = await _county(platform, "440222", townships=1, per=3)

    async def projected() -> None:  # the households and income logs land apart: wait for all of ours first
        r = await platform.client.get("/ledger/v1/views/counties/440222/villages", params=YEAR, headers=platform.admin)
        mine = [v for v in r.json()["villages"] if v["village_code"] in codes]
        assert len(mine) == 3 and all(v["total_fen"] > 0 and v["households"] == 1 for v in mine)

    await eventually(projected)

    async def settled() -> None:
        r = await platform.client.get("/ledger/v1/views/city/counties", params=YEAR, headers=platform.admin)
        assert r.status_code == 200, r.text
        assert any(c["county_code"] == "440222" and c["total_fen"] > 0 for c in r.json()["counties"])

    await eventually(settled)

    async def consistent() -> None:
        # Other tests' facts may still be arriving in the shared platform: compare one settled read with another.
        body = (await platform.client.get("/ledger/v1/views/city/counties", params=YEAR, headers=platform.admin)).json()
        for county in body["counties"][:3]:
            url = f"/ledger/v1/views/counties/{county['county_code']}/villages"
            villages = (await platform.client.get(url, params=YEAR, headers=platform.admin)).json()["villages"]
            assert county["villages"] == len(villages)
            assert county["total_fen"] == sum(v["total_fen"] for v in villages)
            assert county["households"] == sum(v["households"] for v in villages)
            for count in county["indicators"]:
                statuses = [i["status"] for v in villages for i in v["indicators"] if i["rule"] == count["rule"]]
                assert (count["met"], count["not_met"], count["no_data"]) == tuple(statuses.count(s) for s in ("met", "not_met", "no_data"))

    await eventually(consistent)
    assert await _statements(platform, "/ledger/v1/views/city/counties") in (6, 7)  # the seventh where shares are, as above
    officer = platform.as_("county_officer", "440222")
    assert (await platform.client.get("/ledger/v1/views/city/counties", params=YEAR, headers=officer)).status_code in (403, 404)


async def test_a_villages_links_list_its_projects_and_the_market_links_that_cover_it(platform):
    code = village_code("440224")
    fund, alloc, entity, project = new_id(), new_id(), new_id(), new_id()
    await append(
        platform,
        village(code, ["province_poor"]),
        fact("fupin.funds.fund_received.v1", fund_id=fund, name="链接测试资金", county_code=code[:6]),
        fact("fupin.funds.entity_registered.v1", entity_id=entity, name="链接测试合作社", county_code=code[:6], village_codes=[code]),
        fact(
            "fupin.funds.allocation_recorded.v1",
            allocation_id=alloc,
            fund_id=fund,
            county_code=code[:6],
            village_code=code,
            recipient_id=entity,
            entity_id=entity,
        ),
        fact("fupin.funds.project_registered.v1", project_id=project, name="链接茶园", village_code=code, entity_id=entity, funded_by=[alloc]),
        fact("fupin.funds.agreement_signed.v1", agreement_id=new_id(), project_id=project, village_code=code, entity_id=entity, poor_share_bp=6000),
        fact("fupin.market.direct_supply_channel_opened.v1", channel_id=new_id(), village_code=code, counterparty="某中学食堂"),
        fact("fupin.market.cold_chain_facility_registered.v1", facility_id=new_id(), name="镇冷库", county_code=code[:6], covered_village_codes=[code]),
        fact("fupin.market.cold_chain_facility_registered.v1", facility_id=new_id(), name="别处冷库", county_code=code[:6], covered_village_codes=[]),
    )
    url = f"/ledger/v1/views/villages/{code}/links"

    async def settled() -> dict:
        r = await platform.client.get(url, headers=platform.admin)
        assert r.status_code == 200, r.text
        assert r.json()["projects"] and len(r.json()["market_links"]) == 2
        return r.json()

    body = await eventually(settled)
    p = body["projects"][0]
    assert (p["name"], p["entity_name"], p["fund_names"], p["poor_share_bp"]) == ("链接茶园", "链接测试合作社", ["链接测试资金"], 6000)
    links = {(m["market_link"], m["rule"], m["name"]) for m in body["market_links"]}
    assert links == {("direct_supply_channel", "R18", "某中学食堂"), ("cold_chain_facility", "R21", "镇冷库")}
    assert (await platform.client.get(url, headers=platform.as_("village_cadre", village_code("440224")))).status_code == 404
