"""Aggregates by place and the policy indicators over HTTP, built from the producers' facts."""

from __future__ import annotations

from datetime import date

from services.ledger import indicators
from shared.events.income import BENEFIT_TYPES, BenefitType
from shared.ids import new_id
from tests.helpers import eventually, village_code
from tests.ledger.support import append, fact, fresh_township, household, income, member, village

B = BenefitType


async def test_village_and_county_aggregates_by_type_with_shares_and_households_without_income(platform):
    county = "440222"
    code = fresh_township(county) + "201"  # its township's total is exact: no other test books villages there
    h1, h2, h3 = household(code, members=2), household(code, members=4), household(code, members=1)
    await append(platform, village(code), h1, h2, h3)
    await append(platform, income(h1, B.wage_labor, 3000), income(h2, B.equity_dividend, 1000), income(h2, B.wage_labor, 0 + 2000))

    async def village_agg():
        r = await platform.client.get("/ledger/v1/aggregates", params={"level": "village", "code": code, "year": 2026}, headers=platform.admin)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["total_fen"] == 6000 and body["households"] == 3
        return body

    body = await eventually(village_agg)
    assert body["by_type"] == {**dict.fromkeys(BENEFIT_TYPES, 0), "wage_labor": 5000, "equity_dividend": 1000}
    assert body["share_bp"]["wage_labor"] == 8333 and body["share_bp"]["equity_dividend"] == 1667 and sum(body["share_bp"].values()) == 10000
    assert body["people"] == 7 and body["per_capita_fen"] == 6000 // 7
    assert body["per_capita_distribution"] == {"min": 0, "p25": 0, "p50": 750, "p75": 1500, "max": 1500}
    assert body["households_without_income"] == {"count": 1, "items": [h3.household_id], "next_cursor": None}

    r = await platform.client.get("/ledger/v1/aggregates", params={"level": "county", "code": county, "year": 2026}, headers=platform.admin)
    assert r.json()["by_type"]["wage_labor"] >= 5000
    r = await platform.client.get("/ledger/v1/aggregates", params={"level": "township", "code": code[:9], "year": 2026}, headers=platform.admin)
    assert r.json()["total_fen"] == 6000
    r = await platform.client.get("/ledger/v1/aggregates", params={"level": "city", "code": "4402", "year": 2026}, headers=platform.admin)
    assert r.json()["total_fen"] >= 6000


async def test_aggregates_are_scoped_by_the_callers_region(platform):
    officer = platform.as_("county_officer", "440222")
    ok = await platform.client.get("/ledger/v1/aggregates", params={"level": "county", "code": "440222", "year": 2026}, headers=officer)
    assert ok.status_code == 200
    other = await platform.client.get("/ledger/v1/aggregates", params={"level": "county", "code": "440232", "year": 2026}, headers=officer)
    assert other.status_code == 404
    city = await platform.client.get("/ledger/v1/aggregates", params={"level": "city", "code": "4402", "year": 2026}, headers=officer)
    assert city.status_code == 404
    bad = await platform.client.get("/ledger/v1/aggregates", params={"level": "village", "code": "12", "year": 2026}, headers=platform.admin)
    assert bad.status_code == 422 and bad.json()["field"] == "code"


async def _indicators(platform, code: str, **expect: str) -> dict:
    async def check():
        r = await platform.client.get(f"/ledger/v1/indicators/villages/{code}", params={"year": 2026}, headers=platform.admin)
        assert r.status_code == 200, r.text
        got = {i["rule"]: i for i in r.json()["indicators"]}
        for rule, status in expect.items():
            assert got[rule]["status"] == status, (rule, got[rule])
        return got

    return await eventually(check)


async def test_village_indicators_answer_every_rule_and_no_data_for_an_empty_village(platform):
    code = village_code("440224")
    got = await _indicators(platform, code, every_household_has_income_project="no_data", every_labourer_has_a_way="no_data", R6="no_data", R7="no_data")
    assert list(got) == [
        "R1",
        "R3",
        "R4",
        "R5",
        "R6",
        "R7",
        "R8",
        "R9",
        "R10",
        "R11",
        "R12",
        "R13",
        "R14",
        "R17",
        "R18",
        "R19",
        "R20",
        "R21",
        "R22",
        "every_household_has_income_project",
        "every_labourer_has_a_way",
    ]


async def test_every_household_has_income_project_turns_met_when_the_last_household_earns(platform):
    code = village_code("440224")
    h1, h2 = household(code), household(code)
    await append(platform, village(code, ["province_poor"]), h1, h2, income(h1, B.wage_labor, 100))
    got = await _indicators(platform, code, every_household_has_income_project="not_met")
    assert got["every_household_has_income_project"]["evidence"] == [h2.household_id]
    await append(platform, income(h2, B.policy_support, 100))
    await _indicators(platform, code, every_household_has_income_project="met")


async def test_r5_village_indicator_met_by_a_registered_cooperative(platform):
    code = village_code("440224")
    await append(platform, village(code))
    await _indicators(platform, code, R5="not_met")
    await append(platform, fact("fupin.funds.entity_registered.v1", entity_id=new_id(), kind="cooperative", county_code=code[:6], village_codes=[code]))
    got = await _indicators(platform, code, R5="met")
    assert got["R5"]["numbers"]["joint_stock_or_cooperative"] == 1 and len(got["R5"]["evidence"]) == 1


async def test_r18_and_r19_village_indicators_from_market_facts(platform):
    code = village_code("440224")
    await append(platform, village(code))
    await _indicators(platform, code, R18="not_met", R19="not_met")
    await append(platform, fact("fupin.market.direct_supply_channel_opened.v1", channel_id=new_id(), village_code=code))
    got = await _indicators(platform, code, R18="met", R19="not_met")
    assert len(got["R18"]["evidence"]) == 1


async def test_every_labourer_has_a_way_and_r13_from_employment(platform):
    code = village_code("440224")
    h = household(code)
    worker, idle = member(h), member(h)
    entity = new_id()
    await append(platform, village(code), h, worker, idle)
    got = await _indicators(platform, code, every_labourer_has_a_way="not_met")
    assert sorted(got["every_labourer_has_a_way"]["evidence"]) == sorted([worker.member_id, idle.member_id])
    await append(
        platform,
        fact(
            "fupin.funds.allocation_recorded.v1",
            allocation_id=new_id(),
            county_code=code[:6],
            village_code=code,
            entity_id=entity,
            recipient_kind="operating_entity",
            recipient_id=entity,
        ),
    )
    await _indicators(platform, code, R13="not_met")
    await append(
        platform,
        fact(
            "fupin.households.employment_started.v1",
            employment_id=new_id(),
            member_id=worker.member_id,
            household_id=h.household_id,
            village_code=code,
            entity_id=entity,
            started_on=date(2026, 2, 1),
        ),
    )
    got = await _indicators(platform, code, R13="met")
    assert got["every_labourer_has_a_way"]["evidence"] == [idle.member_id]


async def test_county_indicators_are_scoped(platform):
    r = await platform.client.get("/ledger/v1/indicators/counties/440224", params={"year": 2026}, headers=platform.admin)
    assert r.status_code == 200 and len(r.json()["indicators"]) == len(indicators.INDICATORS) == 21
    officer = platform.as_("county_officer", "440222")
    assert (await platform.client.get("/ledger/v1/indicators/counties/440224", params={"year": 2026}, headers=officer)).status_code == 404
    assert (await platform.client.get(f"/ledger/v1/indicators/villages/{village_code('440224')}", params={"year": 2026}, headers=officer)).status_code == 404
