"""Fund sources and allocations: R1 per county, R2, scope and bad input."""

from __future__ import annotations

from tests.funds.support import V1, keyed, make_entity, make_fund, make_village, post, problem


def allocation(fund: str, village: str | None, purpose: str, amount_fen: int, **kw):
    return {
        "fund_id": fund,
        "village_code": village,
        "purpose": purpose,
        "recipient_kind": "village_collective",
        "amount_fen": amount_fen,
        "allocated_on": "2026-03-01",
        **kw,
    }


async def test_r1_other_purposes_may_not_take_more_than_40_percent_of_the_special_fund_less_education_and_medical(platform):
    county = "440281"  # this county's special fund is used by this test alone
    village = await make_village(platform, county=county)
    fund = await make_fund(platform, county=county, kind="provincial_special", amount_fen=10_000_000)
    await post(platform, "/allocations", allocation(fund, village, "education", 2_000_000))
    await post(platform, "/allocations", allocation(fund, village, "other", 3_200_000))  # exactly 40 % of 8,000,000
    r = await platform.client.post(f"{V1}/allocations", json=allocation(fund, village, "other", 1), headers=keyed(platform.admin))
    body = problem(r, 422, rule="R1", field="purpose")
    assert body["base_fen"] == 8_000_000 and body["max_other_fen"] == 3_200_000 and body["other_fen"] == 3_200_001
    # Medical care shrinks the base, so it too can break R1.
    r = await platform.client.post(f"{V1}/allocations", json=allocation(fund, village, "medical", 10_000), headers=keyed(platform.admin))
    problem(r, 422, rule="R1")
    await post(platform, "/allocations", allocation(fund, village, "industry", 4_800_000))
    report = (await platform.client.get(f"{V1}/counties/{county}/special-fund", headers=platform.admin)).json()
    assert report["received_fen"] == 10_000_000 and report["allocated_fen"] == 10_000_000
    assert report["industry_share_bp"] == 6000 and report["meets_r1"] is True


async def test_r1_report_shows_a_county_short_of_industry_while_allocating(platform):
    county = "440282"
    village = await make_village(platform, county=county)
    fund = await make_fund(platform, county=county, kind="provincial_special", amount_fen=1_000_000)
    await post(platform, "/allocations", allocation(fund, village, "other", 400_000))
    report = (await platform.client.get(f"{V1}/counties/{county}/special-fund", headers=platform.admin)).json()
    assert report["industry_share_bp"] == 0 and report["meets_r1"] is False
    await post(platform, "/allocations", allocation(fund, village, "industry", 600_000))
    report = (await platform.client.get(f"{V1}/counties/{county}/special-fund", headers=platform.admin)).json()
    assert report["industry_share_bp"] == 6000 and report["meets_r1"] is True


async def test_r2_special_fund_into_a_government_platform_company_is_refused(platform):
    village = await make_village(platform)
    fund = await make_fund(platform, kind="provincial_special")
    platform_company = await make_entity(platform, kind="government_platform_company")
    body = allocation(fund, village, "industry", 1_000, recipient_kind="government_platform_company", recipient_id=platform_company)
    problem(await platform.client.post(f"{V1}/allocations", json=body, headers=keyed(platform.admin)), 422, rule="R2", field="recipient_kind")
    # Calling the platform company an "operating entity" does not get round R2.
    disguised = body | {"recipient_kind": "operating_entity"}
    problem(await platform.client.post(f"{V1}/allocations", json=disguised, headers=keyed(platform.admin)), 422, rule="R2")
    # Other assistance funds may go to a platform company.
    other = await make_fund(platform, kind="other_assistance")
    ok = await post(platform, "/allocations", body | {"fund_id": other})
    assert ok["entity_id"] == platform_company and ok["fund_kind"] == "other_assistance"
    allocated = (await platform.client.get(f"{V1}/funds/{fund}", headers=platform.admin)).json()["allocated_fen"]
    assert allocated == 0  # the refused allocations wrote nothing


async def test_allocation_names_the_supported_entity_and_cannot_exceed_the_fund(platform):
    village = await make_village(platform)
    entity = await make_entity(platform, villages=[village])
    fund = await make_fund(platform, amount_fen=1_000)
    a = await post(platform, "/allocations", allocation(fund, village, "industry", 600, recipient_kind="operating_entity", recipient_id=entity))
    assert a["entity_id"] == entity and a["recipient_id"] == entity and a["county_code"] == village[:6]
    r = await platform.client.post(f"{V1}/allocations", json=allocation(fund, village, "industry", 401), headers=keyed(platform.admin))
    assert problem(r, 422, field="amount_fen")["allocated_fen"] == 600


async def test_amounts_are_integer_fen_and_positive(platform):
    village = await make_village(platform)
    fund = await make_fund(platform)
    for bad in (12.5, 0, -1, "100"):
        r = await platform.client.post(f"{V1}/allocations", json=allocation(fund, village, "industry", bad), headers=keyed(platform.admin))
        problem(r, 422, field="amount_fen")


async def test_county_officer_acts_in_their_county_only(platform):
    village = await make_village(platform)  # in 440232
    own = platform.as_("county_officer", "440232", subject="officer-ruyuan")
    other = platform.as_("county_officer", "440233", subject="officer-xinfeng")
    fund = (
        await post(
            platform,
            "/funds",
            {"kind": "other_assistance", "name": "乳源帮扶资金", "county_code": "440232", "amount_fen": 1_000, "received_on": "2026-02-01"},
            headers=own,
        )
    )["id"]
    r = await platform.client.post(
        f"{V1}/funds",
        json={"kind": "other_assistance", "name": "x", "county_code": "440232", "amount_fen": 1, "received_on": "2026-02-01"},
        headers=keyed(other),
    )
    assert problem(r, 403)["code"] == "out_of_scope"
    problem(await platform.client.get(f"{V1}/funds/{fund}", headers=other), 404)
    # Another county's fund is answered exactly like a fund that does not exist (scope never leaks existence).
    foreign = problem(
        await platform.client.post(f"{V1}/allocations", json=allocation(fund, village, "industry", 10), headers=keyed(other)), 422, field="fund_id"
    )
    missing = problem(
        await platform.client.post(f"{V1}/allocations", json=allocation("no-such-fund", village, "industry", 10), headers=keyed(other)), 422, field="fund_id"
    )
    assert foreign["detail"] == missing["detail"]
    listed = (await platform.client.get(f"{V1}/funds", headers=other, params={"limit": 500})).json()["items"]
    assert fund not in {f["id"] for f in listed}
    auditor = platform.as_("auditor", subject="auditor-1")
    assert (await platform.client.get(f"{V1}/funds/{fund}", headers=auditor)).status_code == 200
    assert (
        problem(await platform.client.post(f"{V1}/allocations", json=allocation(fund, village, "industry", 10), headers=keyed(auditor)), 403)["code"]
        == "role_not_allowed"
    )


async def test_dates_are_ordered_and_a_village_fund_stays_in_its_village(platform):
    village, other = await make_village(platform), await make_village(platform)
    fund = await make_fund(platform)  # received 2026-02-01
    early = allocation(fund, village, "industry", 10) | {"allocated_on": "2026-01-31"}
    problem(await platform.client.post(f"{V1}/allocations", json=early, headers=keyed(platform.admin)), 422, field="allocated_on")
    guidance = await make_fund(platform, kind="dongguan_guidance", village=village)
    problem(
        await platform.client.post(f"{V1}/allocations", json=allocation(guidance, other, "industry", 10), headers=keyed(platform.admin)),
        422,
        field="village_code",
    )
    assert (await post(platform, "/allocations", allocation(guidance, village, "industry", 10)))["village_code"] == village


async def test_allocations_page_with_cursors_and_an_operator_sees_those_naming_its_entity(platform):
    village = await make_village(platform)
    entity = await make_entity(platform, villages=[village])
    fund = await make_fund(platform)
    made = [
        (await post(platform, "/allocations", allocation(fund, village, "industry", 10 + i, recipient_kind="operating_entity", recipient_id=entity)))["id"]
        for i in range(3)
    ]
    await post(platform, "/allocations", allocation(fund, village, "industry", 5))  # to the collective: not the operator's
    operator = platform.as_("entity_operator", entity, subject="op-pages")
    first = (await platform.client.get(f"{V1}/allocations", params={"limit": 2}, headers=operator)).json()
    assert [a["id"] for a in first["items"]] == made[:2] and first["next_cursor"]
    second = (await platform.client.get(f"{V1}/allocations", params={"limit": 2, "cursor": first["next_cursor"]}, headers=operator)).json()
    assert [a["id"] for a in second["items"]] == made[2:] and second["next_cursor"] is None
