"""Disbursement against accounts (拨款报账, R10): requested with vouchers, approved by another person, paid; never above the allocation."""

from __future__ import annotations

from tests.funds.support import V1, keyed, make_allocation, make_fund, make_village, post, problem


def request(amount_fen: int, *vouchers: int):
    parts = vouchers or (amount_fen,)
    return {
        "amount_fen": amount_fen,
        "requested_on": "2026-04-02",
        "vouchers": [{"number": f"FP-{i}", "description": "发票", "amount_fen": v} for i, v in enumerate(parts)],
    }


async def _allocation(platform, amount_fen: int = 1_000_000):
    village = await make_village(platform)
    return village, await make_allocation(platform, await make_fund(platform), village, amount_fen=amount_fen)


async def test_r10_payment_requests_never_exceed_the_allocation(platform):
    village, allocation = await _allocation(platform, 1_000_000)
    cadre = platform.as_("village_cadre", village, subject="cadre-pay")
    await post(platform, f"/allocations/{allocation}/payment-requests", request(600_000, 400_000, 200_000), headers=cadre)
    r = await platform.client.post(f"{V1}/allocations/{allocation}/payment-requests", json=request(400_001), headers=keyed(cadre))
    body = problem(r, 422, rule="R10", field="amount_fen")
    assert body["allocated_fen"] == 1_000_000 and body["requested_fen"] == 600_000 and body["amount_fen"] == 400_001
    got = (await platform.client.get(f"{V1}/allocations/{allocation}", headers=cadre)).json()
    assert got["requested_fen"] == 600_000


async def test_r10_vouchers_must_add_up_to_the_request(platform):
    _, allocation = await _allocation(platform)
    problem(await platform.client.post(f"{V1}/allocations/{allocation}/payment-requests", json=request(500, 200, 200), headers=keyed(platform.admin)), 422)
    problem(
        await platform.client.post(
            f"{V1}/allocations/{allocation}/payment-requests",
            json={"amount_fen": 5, "requested_on": "2026-04-02", "vouchers": []},
            headers=keyed(platform.admin),
        ),
        422,
        field="vouchers",
    )


async def test_r10_request_is_approved_by_another_person_then_paid(platform):
    village, allocation = await _allocation(platform)
    cadre = platform.as_("village_cadre", village, subject="cadre-req")
    officer = platform.as_("county_officer", village[:6], subject="officer-pay")
    req = await post(platform, f"/allocations/{allocation}/payment-requests", request(300_000), headers=officer)
    assert problem(await platform.client.post(f"{V1}/payment-requests/{req['id']}/approve", headers=keyed(officer)), 403)["code"] == "separation_of_duties"
    problem(await platform.client.post(f"{V1}/payment-requests/{req['id']}/approve", headers=keyed(cadre)), 403)  # a village cadre does not approve payments
    assert (
        problem(await platform.client.post(f"{V1}/payment-requests/{req['id']}/pay", json={"paid_on": "2026-04-10"}, headers=keyed(platform.admin)), 409)[
            "code"
        ]
        == "not_approved"
    )
    approved = await post(platform, f"/payment-requests/{req['id']}/approve", {}, expect=200)
    assert approved["status"] == "approved" and approved["approved_by"] == "test-admin"
    paid = await post(platform, f"/payment-requests/{req['id']}/pay", {"paid_on": "2026-04-10"}, headers=officer, expect=200)
    assert paid["status"] == "paid" and paid["paid_on"] == "2026-04-10"
    assert (await platform.client.get(f"{V1}/allocations/{allocation}", headers=officer)).json()["paid_fen"] == 300_000


async def test_payment_request_outside_the_cadres_village_is_forbidden(platform):
    _, allocation = await _allocation(platform)
    stranger = platform.as_("village_cadre", await make_village(platform), subject="cadre-stranger")
    problem(await platform.client.post(f"{V1}/allocations/{allocation}/payment-requests", json=request(1), headers=keyed(stranger)), 404)
