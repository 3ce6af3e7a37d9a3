"""Three-rights projects (R9, R22), quantified shares and assets (R10, R16)."""

from __future__ import annotations

from tests.funds.support import V1, keyed, make_allocation, make_entity, make_fund, make_household, make_village, post, problem, project_body


async def test_r9_agreement_giving_poor_households_under_half_is_refused(platform):
    village = await make_village(platform)
    entity = await make_entity(platform, villages=[village])
    r = await platform.client.post(f"{V1}/projects", json=project_body(village, entity, poor_share_bp=4999), headers=keyed(platform.admin))
    body = problem(r, 422, rule="R9", field="agreement.poor_share_bp")
    assert body["poor_share_bp"] == 4999 and body["minimum_bp"] == 5000
    listed = (await platform.client.get(f"{V1}/projects", headers=platform.as_("village_cadre", village, subject="c"))).json()["items"]
    assert listed == []


async def test_r9_project_keeps_ownership_use_and_income_rights_with_their_holders(platform):
    village = await make_village(platform)
    entity = await make_entity(platform, villages=[village])
    fund = await make_fund(platform, kind="shaoguan_guidance")
    allocation = await make_allocation(platform, fund, village, amount_fen=1_000_000)
    cadre = platform.as_("village_cadre", village, subject="cadre-p")
    p = await post(
        platform,
        "/projects",
        project_body(village, entity, [{"allocation_id": allocation, "amount_fen": 400_000}], poor_share_bp=5000, led_by="village_cadre"),
        headers=cadre,
    )
    assert p["village_code"] == village and p["entity_id"] == entity and p["led_by"] == "village_cadre"  # R22: who leads it
    assert p["guidance_fund"] is True and p["agreement"]["poor_share_bp"] == 5000
    assert p["funded_by"] == [{"allocation_id": allocation, "fund_id": fund, "amount_fen": 400_000}]
    hid = await make_household(platform, village)
    share = await post(platform, f"/projects/{p['id']}/shares", {"household_id": hid, "units": 7, "contribution": "land"}, headers=cadre)
    assert share["units"] == 7 and share["village_code"] == village
    problem(await platform.client.post(f"{V1}/projects/{p['id']}/shares", json={"household_id": hid, "units": 1}, headers=keyed(cadre)), 409)
    shares = (await platform.client.get(f"{V1}/projects/{p['id']}/shares", headers=platform.as_("entity_operator", entity, subject="op"))).json()["items"]
    assert [s["household_id"] for s in shares] == [hid]


async def test_project_cannot_draw_more_than_is_left_of_its_allocation(platform):
    village = await make_village(platform)
    entity = await make_entity(platform)
    allocation = await make_allocation(platform, await make_fund(platform), village, amount_fen=1_000)
    await post(platform, "/projects", project_body(village, entity, [{"allocation_id": allocation, "amount_fen": 700}]))
    r = await platform.client.post(
        f"{V1}/projects", json=project_body(village, entity, [{"allocation_id": allocation, "amount_fen": 301}]), headers=keyed(platform.admin)
    )
    assert problem(r, 422, field="funded_by[0].amount_fen")["left_fen"] == 300


async def test_shares_must_be_positive_and_the_household_known(platform):
    village = await make_village(platform)
    p = await post(platform, "/projects", project_body(village, await make_entity(platform)))
    hid = await make_household(platform, village)
    problem(
        await platform.client.post(f"{V1}/projects/{p['id']}/shares", json={"household_id": hid, "units": 0}, headers=keyed(platform.admin)), 422, field="units"
    )
    problem(
        await platform.client.post(f"{V1}/projects/{p['id']}/shares", json={"household_id": "nobody", "units": 1}, headers=keyed(platform.admin)),
        422,
        field="household_id",
    )


async def test_agreement_dates_are_ordered_and_industry_is_from_the_453_catalogue(platform):
    village = await make_village(platform)
    entity = await make_entity(platform)
    body = project_body(village, entity)
    body["agreement"] |= {"term_start": "2031-01-01", "term_end": "2030-12-31"}
    problem(await platform.client.post(f"{V1}/projects", json=body, headers=keyed(platform.admin)), 422, field="agreement.term_end")
    problem(
        await platform.client.post(f"{V1}/projects", json=project_body(village, entity, industry="durian"), headers=keyed(platform.admin)),
        422,
        field="industry",
    )


async def test_r10_asset_is_built_with_special_or_assistance_funds_only(platform):
    village = await make_village(platform)
    credit = await make_fund(platform, kind="microcredit")
    allocation = await make_allocation(platform, credit, village)
    r = await platform.client.post(
        f"{V1}/assets",
        json={"name": "冷库", "village_code": village, "value_fen": 1_000, "allocation_id": allocation, "built_on": "2026-05-01"},
        headers=keyed(platform.admin),
    )
    problem(r, 422, rule="R10", field="allocation_id")


async def test_r16_asset_rights_move_to_the_collective_once(platform):
    village = await make_village(platform)
    allocation = await make_allocation(platform, await make_fund(platform), village)
    asset = await post(
        platform, "/assets", {"name": "冷库", "village_code": village, "value_fen": 1_000_000, "allocation_id": allocation, "built_on": "2026-05-01"}
    )
    moved = await post(platform, f"/assets/{asset['id']}/rights-transfers", {"rights": "property", "transferred_on": "2026-07-01"}, expect=200)
    assert moved["property_rights_to_collective"] is True and moved["management_rights_to_collective"] is False
    again = await platform.client.post(
        f"{V1}/assets/{asset['id']}/rights-transfers", json={"rights": "property", "transferred_on": "2026-07-02"}, headers=keyed(platform.admin)
    )
    problem(again, 409)


async def test_r10_asset_handover_modes_are_contracting_lease_or_trusteeship(platform):
    village = await make_village(platform)
    allocation = await make_allocation(platform, await make_fund(platform), village)
    asset = await post(
        platform, "/assets", {"name": "大棚", "village_code": village, "value_fen": 1_000, "allocation_id": allocation, "built_on": "2026-05-01"}
    )
    entity = await make_entity(platform)
    body = {"mode": "sale", "entity_id": entity, "annual_fee_fen": 100, "start_on": "2026-06-01", "end_on": "2027-05-31"}
    problem(await platform.client.post(f"{V1}/assets/{asset['id']}/handover", json=body, headers=keyed(platform.admin)), 422, field="mode")
    out = await post(platform, f"/assets/{asset['id']}/handover", body | {"mode": "trusteeship"}, expect=200)
    assert out["handover_mode"] == "trusteeship" and out["entity_id"] == entity and out["annual_fee_fen"] == 100
