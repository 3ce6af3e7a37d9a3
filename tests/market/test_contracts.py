"""Order contracts (R12): floor-price settlement, order_production income, and filling partner orders."""

from __future__ import annotations

from typing import Any

from tests.helpers import eventually, unique_number
from tests.market.helpers import idempotent, make_entity, make_household, make_partner, make_village, market_events, order_payload, post_webhook


async def _contract(platform: Any, *, floor: int = 12000, quantity: str = "500", headers: dict[str, str] | None = None) -> dict[str, Any]:
    code = await make_village(platform)
    hid = await make_household(platform, code)
    entity = await make_entity(platform, [code])
    body = {
        "entity_id": entity,
        "household_id": hid,
        "product": "tea",
        "quantity": quantity,
        "unit": "kg",
        "floor_price_fen": floor,
        "starts_on": "2026-03-01",
        "ends_on": "2026-12-31",
    }
    r = await platform.client.post("/market/v1/contracts", json=body, headers=headers or platform.as_("entity_operator", entity))
    assert r.status_code == 201, r.text
    return r.json()


async def _deliver(platform: Any, contract: dict[str, Any], quantity: str, market: int, on: str = "2026-04-10") -> Any:
    return await platform.client.post(
        f"/market/v1/contracts/{contract['id']}/deliveries",
        json={"quantity": quantity, "grade": "first", "delivered_on": on, "market_price_fen": market},
        headers=idempotent(platform.as_("entity_operator", contract["entity_id"])),
    )


async def _ledger_order_income(platform: Any, household_id: str, expected: int) -> None:
    async def check() -> None:
        r = await platform.client.get(f"/ledger/v1/households/{household_id}/income", params={"year": 2026}, headers=platform.admin)
        assert r.status_code == 200, r.text
        assert r.json()["by_type"]["order_production"] == expected, r.json()

    await eventually(check)


async def test_r12_contract_signed_by_the_entity_emits_its_fact(platform):
    contract = await _contract(platform)
    assert contract["floor_price_fen"] == 12000 and contract["delivered"] == "0" and contract["settled_fen"] == 0
    facts = [e for e in await market_events(platform, "fupin.market.order_contract_signed.v1") if e["contract_id"] == contract["id"]]
    assert facts and facts[0]["household_id"] == contract["household_id"] and facts[0]["village_code"] == contract["village_code"]


async def test_r12_settlement_pays_the_floor_price_when_the_market_is_below_it(platform):
    contract = await _contract(platform, floor=12000)
    r = await _deliver(platform, contract, "20.5", market=11000)
    assert r.status_code == 201, r.text
    d = r.json()
    assert d["paid_price_fen"] == 12000 and d["floor_applied"] is True
    assert d["amount_fen"] == 246000  # 20.5 kg × 120.00 yuan, exact
    facts = [e for e in await market_events(platform, "fupin.market.delivery_settled.v1") if e["delivery_id"] == d["id"]]
    income = facts[0]["income"]
    assert income["benefit_type"] == "order_production" and income["amount_fen"] == 246000
    assert income["household_id"] == contract["household_id"]
    assert {k: v for k, v in income["lineage"].items() if v} == {"entity_id": contract["entity_id"], "contract_id": contract["id"], "delivery_id": d["id"]}
    await _ledger_order_income(platform, contract["household_id"], 246000)


async def test_r12_settlement_at_exactly_the_floor_price(platform):
    contract = await _contract(platform, floor=12000)
    r = await _deliver(platform, contract, "10", market=12000)
    assert r.status_code == 201, r.text
    assert r.json()["amount_fen"] == 120000 and r.json()["floor_applied"] is False


async def test_r12_settlement_pays_the_market_price_when_it_is_above_the_floor(platform):
    contract = await _contract(platform, floor=12000)
    r = await _deliver(platform, contract, "10", market=13050)
    assert r.status_code == 201, r.text
    assert r.json()["paid_price_fen"] == 13050 and r.json()["amount_fen"] == 130500 and r.json()["floor_applied"] is False
    again = await _deliver(platform, contract, "0.125", market=1, on="2026-05-01")
    assert again.status_code == 201, again.text
    assert again.json()["amount_fen"] == 1500  # 0.125 × 12000 fen, floor applies
    await _ledger_order_income(platform, contract["household_id"], 132000)
    got = (await platform.client.get(f"/market/v1/contracts/{contract['id']}", headers=platform.admin)).json()
    assert got["delivered"] == "10.125" and got["settled_fen"] == 132000


async def test_r12_contract_without_a_floor_price_above_zero_is_refused(platform):
    code = await make_village(platform)
    hid = await make_household(platform, code)
    entity = await make_entity(platform, [code])
    body = {
        "entity_id": entity,
        "household_id": hid,
        "product": "tea",
        "quantity": "5",
        "unit": "kg",
        "floor_price_fen": 0,
        "starts_on": "2026-03-01",
        "ends_on": "2026-12-31",
    }
    r = await platform.client.post("/market/v1/contracts", json=body, headers=platform.admin)
    assert r.status_code == 422, r.text
    assert r.json()["rule"] == "R12" and r.json()["field"] == "floor_price_fen"
    listed = await platform.client.get("/market/v1/contracts", params={"household_id": hid}, headers=platform.admin)
    assert listed.json()["items"] == []


async def test_r12_delivery_outside_the_term_or_beyond_the_contracted_quantity_is_refused_and_writes_nothing(platform):
    contract = await _contract(platform, quantity="10")
    late = await _deliver(platform, contract, "1", market=100, on="2027-01-05")
    assert late.status_code == 422 and late.json()["rule"] == "R12" and late.json()["field"] == "delivered_on", late.text
    too_much = await _deliver(platform, contract, "10.001", market=100)
    assert too_much.status_code == 422 and too_much.json()["rule"] == "R12" and too_much.json()["field"] == "quantity", too_much.text
    got = (await platform.client.get(f"/market/v1/contracts/{contract['id']}", headers=platform.admin)).json()
    assert got["delivered"] == "0" and got["settled_fen"] == 0
    listed = await platform.client.get(f"/market/v1/contracts/{contract['id']}/deliveries", headers=platform.admin)
    assert listed.json()["items"] == []


async def test_entity_operator_cannot_contract_for_another_entity_and_cadres_see_only_their_village(platform):
    contract = await _contract(platform)
    other_entity = await make_entity(platform, [contract["village_code"]])
    r = await _deliver(platform, {**contract, "entity_id": other_entity}, "1", market=100)
    assert r.status_code == 404, r.text  # another entity's contract does not exist for this operator
    other_village = await make_village(platform)
    cadre = platform.as_("village_cadre", other_village)
    assert (await platform.client.get(f"/market/v1/contracts/{contract['id']}", headers=cadre)).status_code == 404
    own = platform.as_("village_cadre", contract["village_code"])
    assert (await platform.client.get(f"/market/v1/contracts/{contract['id']}", headers=own)).status_code == 200
    assert (await _deliver(platform, contract, "1", market=100)).status_code == 201
    auditor = await platform.client.post(
        f"/market/v1/contracts/{contract['id']}/deliveries",
        json={"quantity": "1", "delivered_on": "2026-04-10", "market_price_fen": 100},
        headers=idempotent(platform.as_("auditor")),
    )
    assert auditor.status_code == 403


async def test_partner_order_line_is_filled_from_a_households_contracted_delivery(platform):
    contract = await _contract(platform)
    delivery = (await _deliver(platform, contract, "20", market=11000)).json()
    partner, secret = await make_partner(platform)
    r = await post_webhook(platform, partner, order_payload(unique_number("FILL-"), village=contract["village_code"], quantity="12.5"), secret)
    assert r.status_code == 200, r.text
    order_id = r.json()["order_id"]
    operator = platform.as_("entity_operator", contract["entity_id"])

    fill = await platform.client.post(
        f"/market/v1/orders/{order_id}/fills", json={"line_no": 1, "delivery_id": delivery["id"], "quantity": "12.5"}, headers=operator
    )
    assert fill.status_code == 201, fill.text
    assert fill.json()["household_id"] == contract["household_id"] and fill.json()["contract_id"] == contract["id"]
    over = await platform.client.post(
        f"/market/v1/orders/{order_id}/fills", json={"line_no": 1, "delivery_id": delivery["id"], "quantity": "0.001"}, headers=operator
    )
    assert over.status_code == 422 and over.json()["field"] == "quantity", over.text

    order = (await platform.client.get(f"/market/v1/orders/{order_id}", headers=platform.admin)).json()
    assert order["lines"][0]["filled"] == "12.5"
    fills = (await platform.client.get(f"/market/v1/orders/{order_id}/fills", headers=platform.admin)).json()["items"]
    assert [f["delivery_id"] for f in fills] == [delivery["id"]]
    facts = [e for e in await market_events(platform, "fupin.market.order_line_filled.v1") if e["order_id"] == order_id]
    assert len(facts) == 1 and facts[0]["household_id"] == contract["household_id"] and facts[0]["quantity"] == "12.5"
    deliveries = (await platform.client.get(f"/market/v1/contracts/{contract['id']}/deliveries", headers=platform.admin)).json()["items"]
    assert deliveries[0]["unallocated"] == "7.5"


async def test_fill_with_another_product_is_refused(platform):
    contract = await _contract(platform)
    delivery = (await _deliver(platform, contract, "5", market=11000)).json()
    partner, secret = await make_partner(platform)
    r = await post_webhook(platform, partner, order_payload(unique_number("FX-"), village=contract["village_code"], product="fruit", quantity="1"), secret)
    order_id = r.json()["order_id"]
    fill = await platform.client.post(
        f"/market/v1/orders/{order_id}/fills", json={"line_no": 1, "delivery_id": delivery["id"], "quantity": "1"}, headers=platform.admin
    )
    assert fill.status_code == 422 and fill.json()["field"] == "delivery_id", fill.text


async def test_r12_delivery_that_fills_a_partner_order_line_names_the_order_in_the_income_lineage(platform):
    contract = await _contract(platform)
    partner, secret = await make_partner(platform)
    r = await post_webhook(platform, partner, order_payload(unique_number("DL-"), village=contract["village_code"], quantity="30"), secret)
    order_id = r.json()["order_id"]
    body = {"quantity": "12.5", "delivered_on": "2026-04-10", "market_price_fen": 11000, "order_line": {"order_id": order_id, "line_no": 1}}
    operator = platform.as_("entity_operator", contract["entity_id"])
    d = await platform.client.post(f"/market/v1/contracts/{contract['id']}/deliveries", json=body, headers=idempotent(operator))
    assert d.status_code == 201, d.text
    assert d.json()["unallocated"] == "0" and d.json()["amount_fen"] == 150000
    facts = [e for e in await market_events(platform, "fupin.market.delivery_settled.v1") if e["delivery_id"] == d.json()["id"]]
    assert facts[0]["income"]["lineage"]["order_id"] == order_id
    order = (await platform.client.get(f"/market/v1/orders/{order_id}", headers=platform.admin)).json()
    assert order["lines"][0]["filled"] == "12.5"
    missing_line = await platform.client.post(
        f"/market/v1/contracts/{contract['id']}/deliveries", json=body | {"order_line": {"order_id": order_id, "line_no": 9}}, headers=idempotent(operator)
    )
    assert missing_line.status_code == 422 and missing_line.json()["field"] == "order_line.line_no", missing_line.text
    got = (await platform.client.get(f"/market/v1/contracts/{contract['id']}", headers=platform.admin)).json()
    assert got["delivered"] == "12.5"  # the refused delivery wrote nothing


async def test_lists_show_only_what_the_caller_may_see(platform):
    mine = await _contract(platform)
    theirs = await _contract(platform)
    cadre = platform.as_("village_cadre", mine["village_code"])
    ids = {c["id"] for c in (await platform.client.get("/market/v1/contracts", params={"limit": 500}, headers=cadre)).json()["items"]}
    assert mine["id"] in ids and theirs["id"] not in ids
    operator = platform.as_("entity_operator", theirs["entity_id"])
    ids = {c["id"] for c in (await platform.client.get("/market/v1/contracts", params={"limit": 500}, headers=operator)).json()["items"]}
    assert ids == {theirs["id"]}
