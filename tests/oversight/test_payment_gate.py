"""拨款报账 against a distribution or a subsidy split is payable only once its village notice released the money."""

from __future__ import annotations

from typing import Any

from tests.funds.support import V1, keyed, make_allocation, make_entity, make_fund, make_village, post, problem
from tests.helpers import eventually
from tests.oversight.support import advance, approved, cadre, decide, household, notice_of, object_to, shares, subsidy, transferred_land
from tests.oversight.test_release_gate import AFTER_THE_WINDOW


def paying(amount_fen: int, **what: str) -> dict[str, Any]:
    return {
        "amount_fen": amount_fen,
        "requested_on": "2026-04-02",
        "vouchers": [{"number": "FP-1", "description": "分红发放表", "amount_fen": amount_fen}],
    } | what


async def approved_request(platform: Any, allocation: str, body: dict[str, Any]) -> dict[str, Any]:
    req = await post(platform, f"/allocations/{allocation}/payment-requests", body)
    officer = platform.as_("county_officer", "440232", subject="officer-notice-pay")
    return await post(platform, f"/payment-requests/{req['id']}/approve", {}, headers=officer, expect=200)


async def pay(platform: Any, request_id: str):
    return await platform.client.post(f"{V1}/payment-requests/{request_id}/pay", json={"paid_on": "2026-12-31"}, headers=keyed(platform.admin))


async def test_a_payment_request_for_a_distribution_is_refused_while_its_notice_is_open_and_paid_once_released(gated):
    s = await shares(gated, units=(1,))
    d = await approved(gated, s)
    req = await approved_request(gated, s["allocation"], paying(180_000, distribution_id=d["id"]))
    assert req["distribution_id"] == d["id"]
    await notice_of(gated, d["id"], status="open")
    body = problem(await pay(gated, req["id"]), 409, field="distribution_id")
    assert body["code"] == "notice_not_released" and body["rule"] == "公示" and body["release"] == "held"

    advance(gated, AFTER_THE_WINDOW)
    await notice_of(gated, d["id"], status="released")

    async def payable() -> None:
        r = await pay(gated, req["id"])
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "paid"

    await eventually(payable)


async def test_a_payment_request_for_a_blocked_subsidy_is_refused_and_stays_refused_once_it_is_withdrawn(gated):
    s = await transferred_land(gated)
    sub = await subsidy(gated, s)
    allocation = await make_allocation(gated, await make_fund(gated), s["village"])
    req = await approved_request(gated, allocation, paying(7000, subsidy_id=sub["id"]))
    notice = await notice_of(gated, sub["id"], status="open")
    objection = await object_to(gated, notice["code"])
    await decide(gated, objection["id"], "upheld", headers=cadre(gated, s["village"], "c"))
    advance(gated, AFTER_THE_WINDOW)
    await notice_of(gated, sub["id"], status="blocked")

    async def blocked() -> None:
        assert problem(await pay(gated, req["id"]), 409, field="subsidy_id")["release"] == "blocked"

    await eventually(blocked)
    r = await gated.client.post(f"{V1}/subsidies/{sub['id']}/withdraw", json={"reason": "更正"}, headers=keyed(gated.admin))
    assert r.status_code == 200, r.text
    assert problem(await pay(gated, req["id"]), 409, field="subsidy_id")["code"] == "notice_superseded"


async def test_a_payment_request_names_a_distribution_its_allocation_funds(platform):
    s = await shares(platform, units=(1,))
    d = await approved(platform, s)  # window 0: paid at approval, so payable at once
    other_village = await make_village(platform)
    other = await make_allocation(platform, await make_fund(platform), other_village)
    r = await platform.client.post(f"{V1}/allocations/{other}/payment-requests", json=paying(1000, distribution_id=d["id"]), headers=keyed(platform.admin))
    problem(r, 422, field="distribution_id")
    r = await platform.client.post(
        f"{V1}/allocations/{s['allocation']}/payment-requests", json=paying(1000, distribution_id=d["id"], subsidy_id=d["id"]), headers=keyed(platform.admin)
    )
    problem(r, 422)
    req = await approved_request(platform, s["allocation"], paying(1000, distribution_id=d["id"]))
    r = await pay(platform, req["id"])
    assert r.status_code == 200 and r.json()["status"] == "paid", r.text


async def test_r10_an_asset_income_split_is_held_by_its_notice_like_a_dividend(gated):
    village = await make_village(gated)
    allocation = await make_allocation(gated, await make_fund(gated, kind="provincial_special"), village, amount_fen=20_000_000)
    asset = await post(
        gated, "/assets", {"name": "光伏电站", "village_code": village, "value_fen": 20_000_000, "allocation_id": allocation, "built_on": "2026-05-01"}
    )
    entity = await make_entity(gated, villages=[village])
    handover = {"mode": "lease", "entity_id": entity, "annual_fee_fen": 1_000_000, "start_on": "2026-06-01", "end_on": "2029-05-31"}
    await post(gated, f"/assets/{asset['id']}/handover", handover, expect=200)
    hid, _ = await household(gated, village, "林建国")
    await post(gated, f"/assets/{asset['id']}/shares", {"household_id": hid, "units": 1})
    d = await post(gated, "/distributions", {"asset_id": asset["id"], "period": "2026", "total_fen": 100_000, "paid_on": "2026-12-31"})
    d = await post(gated, f"/distributions/{d['id']}/approve", {}, headers=cadre(gated, village), expect=200)
    assert d["benefit_type"] == "asset_income" and d["release"] == "held"
    notice = await notice_of(gated, d["id"], status="open")
    assert notice["rule"] == "R10" and notice["lineage"]["asset_id"] == asset["id"] and notice["total_fen"] == 50_000
    req = await approved_request(gated, allocation, paying(50_000, distribution_id=d["id"]))
    assert problem(await pay(gated, req["id"]), 409)["code"] == "notice_not_released"
    advance(gated, AFTER_THE_WINDOW)
    await notice_of(gated, d["id"], status="released")

    async def paid() -> None:
        r = await gated.client.get(f"{V1}/households/{hid}/income-lines", headers=gated.admin)
        assert [(line["benefit_type"], line["amount_fen"]) for line in r.json()["items"]] == [("asset_income", 50_000)]

    await eventually(paid)
