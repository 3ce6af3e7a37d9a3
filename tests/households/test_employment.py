"""Employment and wages (issue 4, item 3; R13 §5.2): entities learned from funds, wage_labor income in the ledger."""

from __future__ import annotations

from tests.helpers import eventually
from tests.households.support import V1, keyed, make_household, make_village, outbox_count, outbox_events, register_entity, tomorrow


async def _employed(platform, *, county: str = "440232"):
    village = await make_village(platform, county=county)
    hh = await make_household(platform, village)
    entity = await register_entity(platform, county=county, villages=[village])
    worker = hh["members"][0]
    r = await platform.client.post(
        f"{V1}/employments",
        json={"member_id": worker["id"], "entity_id": entity, "post": "茶园管护", "link": "production", "started_on": "2026-03-01"},
        headers=platform.admin,
    )
    assert r.status_code == 201, r.text
    return village, hh, entity, r.json()


async def test_households_learns_entities_from_funds_facts(platform):
    entity = await register_entity(platform, name="必背茶叶合作社")
    r = await platform.client.get(f"{V1}/entities/{entity}", headers=platform.admin)
    assert r.json()["name"] == "必背茶叶合作社" and r.json()["kind"] == "cooperative"


async def test_r13_employment_by_unknown_entity_is_422_naming_entity_id(platform):
    village = await make_village(platform)
    hh = await make_household(platform, village)
    before = await outbox_count(platform)
    r = await platform.client.post(
        f"{V1}/employments",
        json={
            "member_id": hh["members"][0]["id"],
            "entity_id": "0192f0a4-0000-7000-8000-00000000dead",
            "post": "x",
            "link": "processing",
            "started_on": "2026-03-01",
        },
        headers=platform.admin,
    )
    assert r.status_code == 422 and r.json()["field"] == "entity_id"
    assert await outbox_count(platform) == before


async def test_r13_employment_starts_and_ends_with_facts(platform):
    village, hh, entity, emp = await _employed(platform)
    started = await outbox_events(platform, "employment_started", subject=emp["id"])
    assert started[0]["data"]["entity_id"] == entity and started[0]["data"]["link"] == "production"
    assert started[0]["data"]["household_id"] == hh["id"]
    r = await platform.client.post(f"{V1}/employments/{emp['id']}/end", json={"ended_on": "2026-10-31", "reason": "季节性用工结束"}, headers=platform.admin)
    assert r.status_code == 200 and r.json()["ended_on"] == "2026-10-31"
    ended = await outbox_events(platform, "employment_ended", subject=emp["id"])
    assert ended[0]["data"]["ended_on"] == "2026-10-31" and ended[0]["data"]["entity_id"] == entity
    again = await platform.client.post(f"{V1}/employments/{emp['id']}/end", json={"ended_on": "2026-11-01"}, headers=platform.admin)
    assert again.status_code == 409


async def test_r13_employment_before_member_joined_is_422(platform):
    village = await make_village(platform)
    hh = await make_household(platform, village, registered_on="2026-05-01")
    entity = await register_entity(platform, villages=[village])
    r = await platform.client.post(
        f"{V1}/employments",
        json={"member_id": hh["members"][0]["id"], "entity_id": entity, "post": "x", "link": "distribution", "started_on": "2026-04-01"},
        headers=platform.admin,
    )
    assert r.status_code == 422 and r.json()["rule"] == "R13" and r.json()["field"] == "started_on"


async def test_r13_wage_books_wage_labor_income_in_the_ledger(platform):
    c = platform.client
    village, hh, entity, emp = await _employed(platform)
    operator = platform.as_("entity_operator", entity)
    r = await c.post(
        f"{V1}/wages",
        json={"employment_id": emp["id"], "amount_fen": 240000, "period_start": "2026-03-01", "period_end": "2026-03-31", "paid_on": "2026-04-05"},
        headers=keyed(operator),
    )
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    assert r.json()["reported_by"] == "entity"
    paid = await outbox_events(platform, "wage_paid", subject=pid)
    income = paid[0]["data"]["income"]
    assert income["benefit_type"] == "wage_labor" and income["amount_fen"] == 240000 and income["household_id"] == hh["id"]
    lineage = {k: v for k, v in income["lineage"].items() if v is not None}
    assert lineage == {"entity_id": entity, "employment_id": emp["id"], "payment_id": pid}

    async def booked():
        r = await c.get(f"/ledger/v1/households/{hh['id']}/income", params={"year": 2026}, headers=platform.admin)
        assert r.status_code == 200, r.text
        assert r.json()["by_type"]["wage_labor"] == 240000
        return r.json()

    body = await eventually(booked)
    assert body["total_fen"] == 240000
    listed = (await c.get(f"{V1}/wages", params={"employment_id": emp["id"]}, headers=operator)).json()["items"]
    assert [w["id"] for w in listed] == [pid]


async def test_r13_wage_negative_fractional_or_zero_amount_is_422_and_writes_nothing(platform):
    c = platform.client
    _, _, _, emp = await _employed(platform)
    before = await outbox_count(platform)
    for amount in (-100, 12.5, 0, "100"):
        r = await c.post(
            f"{V1}/wages",
            json={"employment_id": emp["id"], "amount_fen": amount, "period_start": "2026-03-01", "period_end": "2026-03-31", "paid_on": "2026-04-05"},
            headers=keyed(platform.admin),
        )
        assert r.status_code == 422, amount
        assert r.json()["field"] == "amount_fen"
    assert await outbox_count(platform) == before
    assert (await c.get(f"{V1}/wages", params={"employment_id": emp["id"]}, headers=platform.admin)).json()["items"] == []


async def test_r13_wage_period_outside_the_employment_is_422(platform):
    c = platform.client
    _, _, _, emp = await _employed(platform)
    r = await c.post(
        f"{V1}/wages",
        json={"employment_id": emp["id"], "amount_fen": 1000, "period_start": "2026-02-01", "period_end": "2026-02-28", "paid_on": "2026-03-05"},
        headers=keyed(platform.admin),
    )
    assert r.status_code == 422 and r.json()["rule"] == "R13" and r.json()["field"] == "period_start"
    r = await c.post(
        f"{V1}/wages",
        json={"employment_id": emp["id"], "amount_fen": 1000, "period_start": "2026-03-01", "period_end": "2026-03-31", "paid_on": tomorrow()},
        headers=keyed(platform.admin),
    )
    assert r.status_code == 422 and r.json()["field"] == "paid_on"


async def test_r13_entity_operator_reports_wages_only_for_its_own_employees(platform):
    c = platform.client
    village, hh, entity, emp = await _employed(platform)
    stranger = await register_entity(platform, name="别家公司")
    body = {"employment_id": emp["id"], "amount_fen": 1000, "period_start": "2026-03-01", "period_end": "2026-03-31", "paid_on": "2026-04-05"}
    # Another entity's employment is refused as if it did not exist (nothing tells the stranger it does).
    r = await c.post(f"{V1}/wages", json=body, headers=keyed(platform.as_("entity_operator", stranger)))
    assert r.status_code == 422 and r.json()["field"] == "employment_id", r.text
    assert (await c.get(f"{V1}/employments/{emp['id']}", headers=keyed(platform.as_("entity_operator", stranger)))).status_code == 404
    listed = (await c.get(f"{V1}/employments", headers=platform.as_("entity_operator", stranger))).json()["items"]
    assert listed == []
    # A stranger cannot hire into another entity either.
    r = await c.post(
        f"{V1}/employments",
        json={"member_id": hh["members"][1]["id"], "entity_id": entity, "post": "x", "link": "production", "started_on": "2026-03-01"},
        headers=platform.as_("entity_operator", stranger),
    )
    assert r.status_code == 403
    # The village cadre reports for its village; a cadre of another village may not.
    other_village = await make_village(platform)
    r = await c.post(f"{V1}/wages", json=body, headers=keyed(platform.as_("village_cadre", other_village)))
    assert r.status_code == 422 and r.json()["field"] == "employment_id", r.text
    r = await c.post(f"{V1}/wages", json=body, headers=keyed(platform.as_("village_cadre", village)))
    assert r.status_code == 201 and r.json()["reported_by"] == "village"
    assert (await c.post(f"{V1}/wages", json=body, headers=keyed(platform.as_("auditor")))).status_code == 403
    own = (await c.get(f"{V1}/employments", headers=keyed(platform.as_("entity_operator", entity)))).json()["items"]
    assert [e["id"] for e in own] == [emp["id"]]


async def test_entity_updated_fact_refreshes_the_known_entity(platform):
    from shared.events.funds import EntityUpdated
    from shared.outbox import emit

    entity = await register_entity(platform, name="旧名称合作社")
    async with platform.context("funds").write_session() as session:
        emit(session, EntityUpdated(entity_id=entity, name="新名称合作社", kind="joint_stock_company", village_codes=[]))

    async def renamed():
        r = await platform.client.get(f"{V1}/entities/{entity}", headers=platform.admin)
        assert r.json()["name"] == "新名称合作社" and r.json()["kind"] == "joint_stock_company"

    await eventually(renamed)


async def test_r13_entity_registered_through_the_funds_api_can_employ_members(platform):
    from tests.funds.support import credit_code

    village = await make_village(platform)
    hh = await make_household(platform, village)
    body = {
        "name": "必背生态农业股份有限公司",
        "kind": "joint_stock_company",
        "credit_code": credit_code(),
        "county_code": village[:6],
        "village_codes": [village],
    }
    r = await platform.client.post("/funds/v1/entities", json=body, headers=platform.admin)
    assert r.status_code == 201, r.text
    entity = r.json()["id"]

    async def known():
        assert (await platform.client.get(f"{V1}/entities/{entity}", headers=platform.admin)).status_code == 200

    await eventually(known)
    employment = {"member_id": hh["members"][0]["id"], "entity_id": entity, "post": "包装", "link": "processing", "started_on": "2026-03-01"}
    r = await platform.client.post(f"{V1}/employments", json=employment, headers=platform.admin)
    assert r.status_code == 201, r.text
    assert r.json()["entity_id"] == entity and r.json()["link"] == "processing"
