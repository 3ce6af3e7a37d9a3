"""The market's boundary: strict, bounded bodies and parameters, references in scope, money writes keyed."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from services.market.models import Delivery, OrderContract
from shared.bounds import MAX_PAYMENT_FEN
from shared.ids import new_id
from tests.helpers import unique_number, village_code
from tests.market.helpers import (
    idempotent,
    make_entity,
    make_household,
    make_partner,
    make_village,
    market_events,
    order_payload,
    orders_with,
    post_webhook,
)

TYPO = "poor_household_fen"  # the misspelt field: it must be named, never dropped


def _examples(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """Every JSON request body of the market API with its first example."""
    out = []
    for path, item in doc["paths"].items():
        if not path.startswith("/market/") or "/webhooks/" in path:
            continue
        for method, op in item.items():
            content = (op.get("requestBody") or {}).get("content", {}).get("application/json")
            if not content:
                continue
            schema = content["schema"]
            if "$ref" in schema:
                schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
            out.append((method, path, schema["examples"][0]))
    return out


def _concrete(path: str) -> str:
    return path.replace("{contract_id}", new_id()).replace("{order_id}", new_id()).replace("{code}", "jd")


async def test_every_market_request_body_refuses_an_unknown_field_naming_it(platform):
    doc = (await platform.client.get("/openapi.json")).json()
    bodies = _examples(doc)
    assert len(bodies) >= 9  # partners (2), contracts, deliveries, fills, channels, windows, e-commerce points, cold chain
    for method, path, example in bodies:
        headers = idempotent(platform.admin) | ({"If-Match": "*"} if method == "patch" else {})  # updates are conditional (#13)
        r = await platform.client.request(method.upper(), _concrete(path), json=example | {TYPO: 1}, headers=headers)
        assert r.status_code == 422, (path, r.text)
        assert r.json()["field"] == TYPO, (path, r.json())


async def test_market_request_bodies_are_strict_objects_in_openapi(platform):
    doc = (await platform.client.get("/openapi.json")).json()
    schemas = doc["components"]["schemas"]
    for name in ("ContractIn", "DeliveryIn", "FillIn", "ChannelIn", "WindowIn", "EcommercePointIn", "ColdChainIn", "PartnerIn", "PartnerPatch"):
        assert schemas[name].get("additionalProperties") is False, name
    delivery = schemas["DeliveryIn"]["properties"]
    assert delivery["market_price_fen"]["maximum"] == 100_000_000
    assert delivery["delivered_on"]["format"] == "date"
    webhook = doc["paths"]["/market/v1/webhooks/{partner}"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert webhook["additionalProperties"] is False
    line = webhook["properties"]["data"]["properties"]["lines"]["items"]
    assert line["additionalProperties"] is False and line["properties"]["unit_price_fen"]["maximum"] == 100_000_000


async def _contract_parts(platform) -> tuple[str, str, str]:
    code = await make_village(platform)
    return code, await make_household(platform, code), await make_entity(platform, [code])


def _contract_body(entity: str, household: str, **kw: Any) -> dict[str, Any]:
    return {"entity_id": entity, "household_id": household, "product": "tea", "quantity": "500", "unit": "kg",
            "floor_price_fen": 12000, "starts_on": "2026-03-01", "ends_on": "2026-12-31"} | kw  # fmt: skip


@pytest.mark.parametrize(
    "change, field",
    [
        ({"floor_price_fen": 2**63}, "floor_price_fen"),
        ({"floor_price_fen": 10**30}, "floor_price_fen"),
        ({"floor_price_fen": "12000"}, "floor_price_fen"),
        ({"floor_price_fen": 12000.0}, "floor_price_fen"),
        ({"floor_price_fen": True}, "floor_price_fen"),
        ({"quantity": 500}, "quantity"),
        ({"quantity": "1e30"}, "quantity"),
        ({"quantity": "10000000.001"}, "quantity"),
        ({"quantity": "1.0005"}, "quantity"),
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-5"}, "quantity"),
        ({"quantity": "NaN"}, "quantity"),
        ({"starts_on": "0001-01-01"}, "starts_on"),
        ({"starts_on": 0}, "starts_on"),
        ({"ends_on": "9999-12-31"}, "ends_on"),
        ({"entity_id": "x" * 37}, "entity_id"),
        ({"product": "gold"}, "product"),
    ],
)
async def test_contract_money_quantities_dates_and_ids_out_of_bounds_are_422_and_write_nothing(platform, change, field):
    code, hid, entity = await _contract_parts(platform)
    r = await platform.client.post("/market/v1/contracts", json=_contract_body(entity, hid) | change, headers=platform.admin)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field, r.json()
    listed = await platform.client.get("/market/v1/contracts", params={"household_id": hid}, headers=platform.admin)
    assert listed.json()["items"] == []


async def test_contract_at_the_documented_ceilings_is_still_accepted(platform):
    code, hid, entity = await _contract_parts(platform)
    body = _contract_body(entity, hid, quantity="10000000", floor_price_fen=100_000_000, starts_on="2014-01-01", ends_on="2060-12-31")
    r = await platform.client.post("/market/v1/contracts", json=body, headers=platform.admin)
    assert r.status_code == 201, r.text
    assert r.json()["quantity"] == "10000000"


async def _contract(platform) -> dict[str, Any]:
    code, hid, entity = await _contract_parts(platform)
    r = await platform.client.post("/market/v1/contracts", json=_contract_body(entity, hid), headers=platform.as_("entity_operator", entity))
    assert r.status_code == 201, r.text
    return r.json()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"market_price_fen": 2**64}, "market_price_fen"),
        ({"market_price_fen": 100_000_001}, "market_price_fen"),
        ({"market_price_fen": -1}, "market_price_fen"),
        ({"delivered_on": 0}, "delivered_on"),
        ({"delivered_on": "2026-02-30"}, "delivered_on"),
        ({"grade": "best"}, "grade"),
        ({"order_line": {"order_id": new_id(), "line_no": "1"}}, "order_line.line_no"),
        ({"order_line": {"order_id": new_id(), "line_no": 1, "extra": 1}}, "order_line.extra"),
    ],
)
async def test_delivery_out_of_bounds_is_422_naming_the_field(platform, change, field):
    contract = await _contract(platform)
    body = {"quantity": "1", "delivered_on": "2026-04-10", "market_price_fen": 11000} | change
    r = await platform.client.post(f"/market/v1/contracts/{contract['id']}/deliveries", json=body, headers=idempotent(platform.admin))
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field, r.json()


async def test_r12_settlement_above_one_payments_ceiling_is_refused_and_writes_nothing(platform):
    code, hid, entity = await _contract_parts(platform)
    body = _contract_body(entity, hid, quantity="1000000", floor_price_fen=100_000_000)
    contract = (await platform.client.post("/market/v1/contracts", json=body, headers=platform.admin)).json()
    url = f"/market/v1/contracts/{contract['id']}/deliveries"
    # 101 units × 1,000,000 yuan = 10,100,000,000 fen: beyond MAX_PAYMENT_FEN, so it would be one income line too many fen.
    r = await platform.client.post(url, json={"quantity": "101", "delivered_on": "2026-04-10", "market_price_fen": 0}, headers=idempotent(platform.admin))
    assert r.status_code == 422 and r.json()["field"] == "quantity", r.text
    assert r.json()["max_fen"] == MAX_PAYMENT_FEN
    ok = await platform.client.post(url, json={"quantity": "100", "delivered_on": "2026-04-10", "market_price_fen": 0}, headers=idempotent(platform.admin))
    assert ok.status_code == 201 and ok.json()["amount_fen"] == MAX_PAYMENT_FEN, ok.text
    got = (await platform.client.get(f"/market/v1/contracts/{contract['id']}", headers=platform.admin)).json()
    assert got["delivered"] == "100"


async def test_delivery_without_an_idempotency_key_is_428_and_a_retry_with_one_settles_once(platform):
    contract = await _contract(platform)
    url = f"/market/v1/contracts/{contract['id']}/deliveries"
    body = {"quantity": "2", "delivered_on": "2026-04-10", "market_price_fen": 11000}
    operator = platform.as_("entity_operator", contract["entity_id"])
    bare = await platform.client.post(url, json=body, headers=operator)
    assert bare.status_code == 428, bare.text
    assert bare.json()["code"] == "idempotency_key_required" and bare.json()["field"] == "Idempotency-Key"
    assert (await platform.client.get(f"{url}", headers=platform.admin)).json()["items"] == []
    keyed = idempotent(operator)
    first = await platform.client.post(url, json=body, headers=keyed)
    again = await platform.client.post(url, json=body, headers=keyed)
    assert first.status_code == 201 and again.status_code == 201 and again.json() == first.json(), again.text
    assert len((await platform.client.get(url, headers=platform.admin)).json()["items"]) == 1
    settled = [e for e in await market_events(platform, "fupin.market.delivery_settled.v1") if e["contract_id"] == contract["id"]]
    assert len(settled) == 1


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("/market/v1/direct-supply-channels", {"counterparty": "   "}, "counterparty"),
        ("/market/v1/direct-supply-channels", {"counterparty": "某\u202e批发商"}, "counterparty"),
        ("/market/v1/direct-supply-channels", {"volume": "99999999999"}, "volume"),
        ("/market/v1/direct-supply-channels", {"period_start": "1970-01-01"}, "period_start"),
        ("/market/v1/direct-supply-channels", {"period_start": 0}, "period_start"),  # fuzz F9: it was stored as 1970-01-01
        ("/market/v1/direct-supply-channels", {"village_code": "4402321002"}, "village_code"),
        ("/market/v1/cold-chain-facilities", {"covered_village_codes": [""]}, "covered_village_codes[0]"),
        ("/market/v1/showcase-windows", {"opened_on": 0}, "opened_on"),
        ("/market/v1/showcase-windows", {"address_or_url": "x" * 501}, "address_or_url"),
        ("/market/v1/cold-chain-facilities", {"capacity": "1e9"}, "capacity"),
        ("/market/v1/cold-chain-facilities", {"county_code": "44O232"}, "county_code"),
        ("/market/v1/cold-chain-facilities", {"covered_bases": [{"base_code": "B", "name": "基地", "industry": "gold"}]}, "covered_bases[0].industry"),
        (
            "/market/v1/cold-chain-facilities",
            {"covered_bases": [{"base_code": "B", "name": "基地", "industry": "tea", "is_large": "yes"}]},
            "covered_bases[0].is_large",
        ),
        ("/market/v1/ecommerce-points", {"name": "\x00"}, "name"),
    ],
)
async def test_linkage_bodies_out_of_bounds_are_422_naming_the_field(platform, path, body, field):
    code = "440232100201"
    base = {
        "/market/v1/direct-supply-channels": {"village_code": code, "kind": "distributor", "counterparty": "某批发商", "period_start": "2026-01-01",
                                              "period_end": "2026-12-31", "volume": "1", "unit": "ton"},
        "/market/v1/showcase-windows": {"village_code": code, "form": "online", "opened_on": "2026-03-15"},
        "/market/v1/cold-chain-facilities": {"kind": "storage", "name": "冷库", "county_code": "440232", "opened_on": "2026-03-01"},
        "/market/v1/ecommerce-points": {"level": "county_centre", "name": "县电商中心", "county_code": "440232", "opened_on": "2026-03-01"},
    }[path]  # fmt: skip
    r = await platform.client.post(path, json=base | body, headers=platform.admin)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field, r.json()


@pytest.mark.parametrize(
    "body, field",
    [({"enabled": "yes"}, "enabled"), ({"enabled": 1}, "enabled"), ({"allowed_products": ["gold"]}, "allowed_products[0]")],
)
async def test_partner_flags_are_true_or_false_only(platform, body, field):
    partner, _ = await make_partner(platform)
    r = await platform.client.patch(f"/market/v1/partners/{partner}", json=body, headers={**platform.admin, "If-Match": "*"})
    assert r.status_code == 422 and r.json()["field"] == field, r.text
    assert (await platform.client.get(f"/market/v1/partners/{partner}", headers=platform.admin)).json()["enabled"] is True


@pytest.mark.parametrize(
    "path, params",
    [
        ("/market/v1/contracts", {"household_id": "x" * 37}),
        ("/market/v1/orders", {"partner_order_id": "x" * 101}),
        ("/market/v1/direct-supply-channels", {"village_code": "4402321002O1"}),
        ("/market/v1/showcase-windows", {"village_code": "1" * 40}),
        ("/market/v1/villages/440232100201/market-links", {"on": "9999-12-31"}),
        ("/market/v1/villages/440232100201/market-links", {"on": "0001-01-01"}),
        ("/market/v1/villages/4402321002%27/market-links", {}),
        (f"/market/v1/contracts/{'x' * 200}", {}),
        (f"/market/v1/orders/{'x' * 200}", {}),
    ],
)
async def test_market_query_and_path_parameters_out_of_bounds_are_422(platform, path, params):
    r = await platform.client.get(path, params=params, headers=platform.admin)
    assert r.status_code == 422, r.text


# ---- partner webhooks: strict and bounded, a valid payload still accepted -------------------------


@pytest.mark.parametrize(
    "mutate, field",
    [
        (lambda p: p["data"]["lines"][0].update(quantity="10000000.5"), "data.lines[0].quantity"),
        (lambda p: p["data"]["lines"][0].update(quantity=12.5), "data.lines[0].quantity"),
        (lambda p: p["data"]["lines"][0].update(unit_price_fen=2**63), "data.lines[0].unit_price_fen"),
        (lambda p: p["data"]["lines"][0].update(line_no="1"), "data.lines[0].line_no"),
        (lambda p: p["data"].update(placed_at="0001-01-01T00:00:00Z"), "data.placed_at"),
        (lambda p: p["data"]["buyer"].update(name="\u202e"), "data.buyer.name"),
        (lambda p: p["data"]["supply"].update(extra=1), "data.supply.extra"),
        (lambda p: p["data"].update(partner_order_id=" "), "data.partner_order_id"),
        (lambda p: p.update(note="x"), "note"),
    ],
)
async def test_partner_webhook_payload_out_of_bounds_is_422_naming_the_field_and_stores_nothing(platform, mutate, field):
    code = await make_village(platform)
    partner, secret = await make_partner(platform)
    payload = order_payload(unique_number("WB-"), village=code)
    mutate(payload)
    r = await post_webhook(platform, partner, payload, secret)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field, r.json()
    assert await orders_with(platform, partner, payload["data"]["partner_order_id"]) == []


async def test_the_documented_partner_payload_is_still_accepted(platform):
    """docs/webhooks.md's example, both lines, at the bounds' edges (3 decimals, the top unit price)."""
    from services.market.orders.schemas import WEBHOOK_EXAMPLE

    code = await make_village(platform)
    partner, secret = await make_partner(platform)
    payload = json.loads(json.dumps(WEBHOOK_EXAMPLE))
    payload["data"]["partner_order_id"] = unique_number("DOC-")
    payload["data"]["supply"] = {"village_code": code}
    payload["data"]["lines"].append({"line_no": 2, "product": "fruit", "quantity": "3.125", "unit": "box", "unit_price_fen": 100_000_000})
    r = await post_webhook(platform, partner, payload, secret)
    assert r.status_code == 200 and r.json()["status"] == "accepted", r.text


# ---- every reference in scope -----------------------------------------------------------------------


def _same_refusal(a: Any, b: Any) -> None:
    """Two refusals a caller cannot tell apart (the id it named aside)."""
    assert a.status_code == b.status_code, (a.text, b.text)
    ja, jb = a.json(), b.json()
    for key in ("code", "field", "title", "detail", "rule"):
        assert ja.get(key) == jb.get(key), (key, ja, jb)


async def test_county_officer_cannot_contract_another_countys_entity_or_household_as_if_they_did_not_exist(platform):
    county_a, county_b = "440232", "440281"
    a_code, b_code = village_code(county_a), village_code(county_b)
    await make_village(platform, code=a_code)
    await make_village(platform, code=b_code)
    a_household, b_household = await make_household(platform, a_code), await make_household(platform, b_code)
    a_entity, b_entity = await make_entity(platform, [a_code]), await make_entity(platform, [b_code])
    officer = platform.as_("county_officer", county_a)
    url = "/market/v1/contracts"

    foreign_entity = await platform.client.post(url, json=_contract_body(b_entity, a_household), headers=officer)
    missing_entity = await platform.client.post(url, json=_contract_body(new_id(), a_household), headers=officer)
    assert foreign_entity.status_code == 422 and foreign_entity.json()["field"] == "entity_id", foreign_entity.text
    _same_refusal(foreign_entity, missing_entity)

    foreign_household = await platform.client.post(url, json=_contract_body(a_entity, b_household), headers=officer)
    missing_household = await platform.client.post(url, json=_contract_body(a_entity, new_id()), headers=officer)
    assert foreign_household.status_code == 422 and foreign_household.json()["field"] == "household_id", foreign_household.text
    _same_refusal(foreign_household, missing_household)

    for hid in (a_household, b_household):
        assert (await platform.client.get(url, params={"household_id": hid}, headers=platform.admin)).json()["items"] == []
    ok = await platform.client.post(url, json=_contract_body(a_entity, a_household), headers=officer)
    assert ok.status_code == 201, ok.text


async def test_entity_operator_contracts_only_for_its_entity_and_in_the_villages_it_serves(platform):
    code, hid, entity = await _contract_parts(platform)
    other_code = await make_village(platform)
    elsewhere = await make_household(platform, other_code)
    other_entity = await make_entity(platform, [code])
    operator = platform.as_("entity_operator", entity)
    url = "/market/v1/contracts"
    not_served = await platform.client.post(url, json=_contract_body(entity, elsewhere), headers=operator)
    _same_refusal(not_served, await platform.client.post(url, json=_contract_body(entity, new_id()), headers=operator))
    for_another = await platform.client.post(url, json=_contract_body(other_entity, hid), headers=operator)
    _same_refusal(for_another, await platform.client.post(url, json=_contract_body(new_id(), hid), headers=operator))
    assert (await platform.client.post(url, json=_contract_body(entity, hid), headers=operator)).status_code == 201


async def test_delivery_naming_another_villages_order_is_refused_as_if_the_order_did_not_exist(platform):
    mine = await _contract(platform)
    other_code = await make_village(platform)
    partner, secret = await make_partner(platform)
    theirs = await post_webhook(platform, partner, order_payload(unique_number("SC-"), village=other_code), secret)
    assert theirs.status_code == 200, theirs.text
    operator = platform.as_("entity_operator", mine["entity_id"])
    url = f"/market/v1/contracts/{mine['id']}/deliveries"
    body = {"quantity": "1", "delivered_on": "2026-04-10", "market_price_fen": 11000}
    foreign = await platform.client.post(url, json=body | {"order_line": {"order_id": theirs.json()["order_id"], "line_no": 1}}, headers=idempotent(operator))
    missing = await platform.client.post(url, json=body | {"order_line": {"order_id": new_id(), "line_no": 1}}, headers=idempotent(operator))
    assert foreign.status_code == 422 and foreign.json()["field"] == "order_line.order_id", foreign.text
    _same_refusal(foreign, missing)
    assert (await platform.client.get(url, headers=platform.admin)).json()["items"] == []
    # Reads by id follow the same rule: the other village's order does not exist for this operator or that cadre.
    order_url = f"/market/v1/orders/{theirs.json()['order_id']}"
    _same_refusal(await platform.client.get(order_url, headers=operator), await platform.client.get(f"/market/v1/orders/{new_id()}", headers=operator))
    cadre = platform.as_("village_cadre", mine["village_code"])
    assert (await platform.client.get(order_url, headers=cadre)).status_code == 404
    assert (await platform.client.get(order_url, headers=platform.as_("village_cadre", other_code))).status_code == 200
    fills = await platform.client.post(f"{order_url}/fills", json={"line_no": 1, "delivery_id": new_id(), "quantity": "1"}, headers=operator)
    assert fills.status_code == 404, fills.text


async def test_an_entity_operator_sees_and_fills_the_orders_of_the_villages_it_serves(platform):
    contract = await _contract(platform)
    operator = platform.as_("entity_operator", contract["entity_id"])
    delivery = await platform.client.post(
        f"/market/v1/contracts/{contract['id']}/deliveries", json={"quantity": "5", "delivered_on": "2026-04-10", "market_price_fen": 11000},
        headers=idempotent(operator),
    )  # fmt: skip
    partner, secret = await make_partner(platform)
    po = unique_number("SV-")
    order = await post_webhook(platform, partner, order_payload(po, village=contract["village_code"], quantity="5"), secret)
    order_id = order.json()["order_id"]
    assert (await platform.client.get(f"/market/v1/orders/{order_id}", headers=operator)).status_code == 200
    listed = (await platform.client.get("/market/v1/orders", params={"partner": partner}, headers=operator)).json()["items"]
    assert [o["id"] for o in listed] == [order_id]
    fill = await platform.client.post(
        f"/market/v1/orders/{order_id}/fills", json={"line_no": 1, "delivery_id": delivery.json()["id"], "quantity": "5"}, headers=operator
    )
    assert fill.status_code == 201, fill.text


async def test_fill_with_a_delivery_outside_scope_is_refused_as_if_it_did_not_exist(platform):
    theirs = await _contract(platform)
    their_delivery = await platform.client.post(
        f"/market/v1/contracts/{theirs['id']}/deliveries", json={"quantity": "5", "delivered_on": "2026-04-10", "market_price_fen": 11000},
        headers=idempotent(platform.admin),
    )  # fmt: skip
    mine = await _contract(platform)
    partner, secret = await make_partner(platform)
    order = await post_webhook(platform, partner, order_payload(unique_number("FD-"), village=mine["village_code"], quantity="5"), secret)
    cadre = platform.as_("village_cadre", mine["village_code"])
    url = f"/market/v1/orders/{order.json()['order_id']}/fills"
    foreign = await platform.client.post(url, json={"line_no": 1, "delivery_id": their_delivery.json()["id"], "quantity": "1"}, headers=cadre)
    missing = await platform.client.post(url, json={"line_no": 1, "delivery_id": new_id(), "quantity": "1"}, headers=cadre)
    assert foreign.status_code == 422 and foreign.json()["field"] == "delivery_id", foreign.text
    _same_refusal(foreign, missing)


# ---- the database keeps the same bounds --------------------------------------------------------------


async def test_market_tables_refuse_out_of_bounds_rows_written_another_way(platform):
    ctx = platform.context("market")
    contract = {
        "id": new_id(), "entity_id": new_id(), "household_id": new_id(), "village_code": "440232100201", "product": "tea",
        "quantity_milli": 1000, "unit": "kg", "floor_price_fen": 100, "starts_on": date(2026, 1, 1),
        "ends_on": date(2026, 12, 31), "delivered_milli": 0, "settled_fen": 0, "signed_by": "t",
    }  # fmt: skip
    for bad in ({"floor_price_fen": 0}, {"quantity_milli": 0}, {"quantity_milli": 10**16}, {"delivered_milli": 2000}, {"settled_fen": -1}):
        with pytest.raises(IntegrityError):
            async with ctx.engine.begin() as conn:
                await conn.execute(insert(OrderContract.__table__).values(**contract | bad | {"id": new_id()}))
    delivery = {
        "id": new_id(), "contract_id": new_id(), "entity_id": new_id(), "household_id": new_id(), "village_code": "440232100201",
        "product": "tea", "unit": "kg", "quantity_milli": 1000, "grade": "first", "delivered_on": date(2026, 4, 1),
        "market_price_fen": 100, "floor_price_fen": 100, "paid_price_fen": 100, "amount_fen": MAX_PAYMENT_FEN + 1, "filled_milli": 0,
    }  # fmt: skip
    with pytest.raises(IntegrityError):
        async with ctx.engine.begin() as conn:
            await conn.execute(insert(Delivery.__table__).values(**delivery))
    async with ctx.sessionmaker() as session:
        assert (await session.execute(select(Delivery).where(Delivery.id == delivery["id"]))).first() is None
