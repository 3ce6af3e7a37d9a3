"""Every indicator judged from the producers' real contracts: a village that meets them all, then one that breaks R3."""

from __future__ import annotations

from shared.events.income import BenefitType
from shared.ids import new_id
from tests.helpers import eventually, village_code
from tests.ledger.support import append, fact, household, income, member, village

COUNTY = "440205"  # 曲江区: no other ledger test books facts here


async def _village_indicators(platform, code: str) -> dict:
    r = await platform.client.get(f"/ledger/v1/indicators/villages/{code}", params={"year": 2026}, headers=platform.admin)
    assert r.status_code == 200, r.text
    return {i["rule"]: i for i in r.json()["indicators"]}


async def test_a_village_meeting_r1_to_r22_and_both_goals_then_r3_broken_by_a_low_guidance_share(platform):
    code = village_code(COUNTY)
    h = household(code, members=3, labour=1)
    m = member(h, party=True)
    entity, project, asset, alloc = new_id(), new_id(), new_id(), new_id()
    await append(platform, village(code, ["province_poor", "relatively_poor_dongguan"]), h, m)

    async def training_knows_the_labourer():
        # Training states every new labourer "behind" first; our verdict must come after its own.
        r = await platform.client.get(f"/training/v1/members/{m.member_id}/training-file", headers=platform.admin)
        assert r.status_code == 200, r.text

    await eventually(training_knows_the_labourer)
    await append(
        platform,
        fact("fupin.funds.entity_registered.v1", entity_id=entity, kind="cooperative", county_code=COUNTY, village_codes=[code]),
        fact(
            "fupin.funds.allocation_recorded.v1",
            allocation_id=alloc,
            county_code=COUNTY,
            village_code=code,
            purpose="industry",
            entity_id=entity,
            recipient_id=entity,
            amount_fen=600,
        ),
        fact(
            "fupin.funds.allocation_recorded.v1",
            allocation_id=new_id(),
            county_code=COUNTY,
            village_code=code,
            purpose="other",
            entity_id=None,
            recipient_kind="village_collective",
            recipient_id=code,
            amount_fen=400,
        ),
        fact(
            "fupin.funds.project_registered.v1",
            project_id=project,
            village_code=code,
            entity_id=entity,
            area_tenth_mu=805,
            contiguous=True,
            led_by="party_member",
            funded_by=[alloc],
        ),
        fact("fupin.funds.agreement_signed.v1", agreement_id=new_id(), project_id=project, village_code=code, entity_id=entity),
        fact(
            "fupin.funds.distribution_approved.v1",
            distribution_id=new_id(),
            project_id=project,
            asset_id=None,
            entity_id=entity,
            village_code=code,
            total_fen=1000,
            poor_households_fen=600,
            poor_share_bp=6000,
            guidance_fund=True,
            benefit_type="equity_dividend",
        ),
        fact("fupin.funds.shares_quantified.v1", share_id=new_id(), project_id=project, entity_id=entity, village_code=code, household_id=h.household_id),
        fact("fupin.funds.asset_registered.v1", asset_id=asset, village_code=code),
        fact("fupin.funds.asset_handed_over.v1", handover_id=new_id(), asset_id=asset, village_code=code, mode="lease", entity_id=entity),
        fact(
            "fupin.funds.distribution_approved.v1",
            distribution_id=new_id(),
            project_id=None,
            asset_id=asset,
            agreement_id=None,
            entity_id=entity,
            village_code=code,
            total_fen=100,
            poor_households_fen=50,
            poor_share_bp=5000,
            guidance_fund=False,
            benefit_type="asset_income",
        ),
        fact("fupin.funds.loan_granted.v1", loan_id=new_id(), household_id=h.household_id, village_code=code, entity_id=entity),
        fact(
            "fupin.funds.lease_back_agreed.v1",
            lease_back_id=new_id(),
            entity_id=entity,
            household_id=h.household_id,
            village_code=code,
            has_disaster_terms=True,
        ),
    )
    await append(
        platform,
        fact("fupin.training.session_completed.v1", member_id=m.member_id, household_id=h.household_id, village_code=code),
        fact(
            "fupin.training.labourer_compliance_changed.v1",
            member_id=m.member_id,
            household_id=h.household_id,
            village_code=code,
            year=2026,
            status="compliant",
        ),
        fact("fupin.market.direct_supply_channel_opened.v1", channel_id=new_id(), village_code=code),
        fact("fupin.market.order_contract_signed.v1", contract_id=new_id(), entity_id=entity, household_id=h.household_id, village_code=code),
        fact("fupin.market.showcase_window_opened.v1", window_id=new_id(), village_code=code),
        fact(
            "fupin.market.ecommerce_point_registered.v1",
            point_id=new_id(),
            county_code=COUNTY,
            township_code=code[:9],
            covered_village_codes=[code],
            covered_bases=[],
        ),
        fact(
            "fupin.market.cold_chain_facility_registered.v1",
            facility_id=new_id(),
            county_code=COUNTY,
            township_code=code[:9],
            covered_village_codes=[code],
            covered_bases=[],
        ),
        fact(
            "fupin.households.employment_started.v1",
            employment_id=new_id(),
            member_id=m.member_id,
            household_id=h.household_id,
            village_code=code,
            entity_id=entity,
        ),
        income(h, BenefitType.equity_dividend, 600),
    )

    async def all_met():
        got = await _village_indicators(platform, code)
        assert {rule: i["status"] for rule, i in got.items() if i["status"] != "met"} == {}, got
        return got

    got = await eventually(all_met)
    assert got["R1"]["numbers"]["share_bp"] == 6000
    assert got["R4"]["numbers"]["funded_with_entity"] == 1
    assert got["R22"]["numbers"]["cadre_or_party_led"] == 1
    assert got["R13"]["numbers"] == {"supported_entities": 1, "hiring_poor": 1} and len(got["R13"]["evidence"]) == 1  # the employment

    r = await platform.client.get(f"/ledger/v1/indicators/counties/{COUNTY}", params={"year": 2026}, headers=platform.admin)
    county = {i["rule"]: i["status"] for i in r.json()["indicators"]}
    assert county["R1"] == "met" and county["R5"] == "met" and county["R18"] == "met"

    # A guidance-fund distribution giving poor households 50 %: enough for R9 and R17 (≥50 %), not for R3 (≥60 %).
    low = fact(
        "fupin.funds.distribution_approved.v1",
        distribution_id=new_id(),
        project_id=project,
        asset_id=None,
        entity_id=entity,
        village_code=code,
        total_fen=1000,
        poor_households_fen=500,
        poor_share_bp=5000,
        guidance_fund=True,
        benefit_type="equity_dividend",
    )
    await append(platform, low)

    async def r3_broken():
        got = await _village_indicators(platform, code)
        assert got["R3"]["status"] == "not_met", got["R3"]
        return got

    got = await eventually(r3_broken)
    assert got["R9"]["status"] == "met" and got["R17"]["status"] == "met"
    assert got["R3"]["numbers"]["failing"] == 1 and got["R3"]["numbers"]["floor_bp"] == 6000
