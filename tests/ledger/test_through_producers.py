"""End to end through a producer's HTTP API: households registers, employs and pays; the ledger books and judges."""

from __future__ import annotations

from shared.ids import new_id
from tests.helpers import citizen_id, eventually, unique_number, village_code
from tests.ledger.support import append, fact


async def test_wage_paid_through_households_api_is_booked_with_lineage_and_gives_a_labourer_a_way(platform):
    c, admin = platform.client, platform.admin
    code = village_code("440229")
    r = await c.post("/households/v1/villages", json={"code": code, "name": "测试村", "categories": ["province_poor"]}, headers=admin)
    assert r.status_code == 201, r.text
    people = [
        {"name": name, "id_number": citizen_id("440229"), "relation": rel, "birth_date": "1980-03-15", "sex": "male", "labour_capacity": "full"}
        for name, rel in (("邓一", "head"), ("邓二", "child"))
    ]
    r = await c.post(
        "/households/v1/households",
        json={"household_number": unique_number(), "village_code": code, "registered_on": "2026-01-01", "members": people},
        headers=admin,
    )
    assert r.status_code == 201, r.text
    household = r.json()
    worker, idle = (m["id"] for m in household["members"])
    entity = new_id()
    # The entity as the funds service states it; households learns of it from the log.
    await append(platform, fact("fupin.funds.entity_registered.v1", entity_id=entity, kind="cooperative", county_code="440229", village_codes=[code]))

    async def employed():
        r = await c.post(
            "/households/v1/employments",
            json={"member_id": worker, "entity_id": entity, "post": "茶园管护", "link": "production", "started_on": "2026-04-01"},
            headers=admin,
        )
        assert r.status_code == 201, r.text
        return r.json()

    employment = await eventually(employed)
    r = await c.post(
        "/households/v1/wages",
        json={"employment_id": employment["id"], "amount_fen": 240000, "period_start": "2026-04-01", "period_end": "2026-04-30", "paid_on": "2026-05-05"},
        headers={**admin, "Idempotency-Key": f"wage-{employment['id']}"},
    )
    assert r.status_code == 201, r.text

    async def booked():
        r = await c.get(f"/ledger/v1/households/{household['id']}/income", params={"year": 2026}, headers=admin)
        assert r.status_code == 200 and r.json()["by_type"]["wage_labor"] == 240000, r.text
        return r.json()

    body = await eventually(booked)
    assert body["household_size"] == 2 and body["per_capita_fen"] == 120000
    r = await c.get(f"/ledger/v1/households/{household['id']}/income/entries", headers=admin)
    (entry,) = r.json()["items"]
    assert entry["lineage"]["employment_id"] == employment["id"] and entry["source"] == "households"

    async def judged():
        r = await c.get(f"/ledger/v1/indicators/villages/{code}", params={"year": 2026}, headers=admin)
        got = {i["rule"]: i for i in r.json()["indicators"]}
        assert got["every_labourer_has_a_way"]["status"] == "not_met" and got["every_labourer_has_a_way"]["evidence"] == [idle], got
        assert got["R5"]["status"] == "met" and got["every_household_has_income_project"]["status"] == "met"
        assert r.json()["categories"] == ["province_poor"]

    await eventually(judged)
