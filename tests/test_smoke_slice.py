from shared.events.income import BENEFIT_TYPES
from tests.helpers import citizen_id, eventually, unique_number, village_code


async def test_household_reaches_ledger_with_all_six_benefit_types_at_zero(platform):
    c, h = platform.client, platform.admin
    code = village_code()
    assert (await c.post("/households/v1/villages", json={"code": code, "name": "测试村"}, headers=h)).status_code == 201
    member = {"name": "邓某", "id_number": citizen_id(), "relation": "head", "birth_date": "1980-03-15", "sex": "male", "labour_capacity": "full"}
    r = await c.post(
        "/households/v1/households",
        json={"household_number": unique_number(), "village_code": code, "registered_on": "2026-01-01", "members": [member]},
        headers=h,
    )
    assert r.status_code == 201, r.text
    hid = r.json()["id"]

    async def income():
        r = await c.get(f"/ledger/v1/households/{hid}/income", params={"year": 2026}, headers=h)
        assert r.status_code == 200, r.text
        return r.json()

    body = await eventually(income)
    assert set(body["by_type"]) == set(BENEFIT_TYPES)
    assert all(v == 0 for v in body["by_type"].values())
    assert body["total_fen"] == 0 and body["per_capita_fen"] == 0 and body["household_size"] == 1
