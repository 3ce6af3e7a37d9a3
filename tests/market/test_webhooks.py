"""Partner order webhooks: Standard Webhooks signatures, replay window, size limit, idempotency, rotation."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from services.market.signing import secret_key, sign
from tests.helpers import unique_number
from tests.market.helpers import (
    make_partner,
    make_village,
    market_events,
    new_partner_secret,
    order_payload,
    orders_with,
    post_webhook,
    signed_headers,
)


async def test_order_signed_with_the_standardwebhooks_reference_library_is_accepted_and_stored(platform):
    code = await make_village(platform)
    partner, secret = await make_partner(platform)
    po = unique_number("JD-")
    r = await post_webhook(platform, partner, order_payload(po, village=code, quantity="12.5", unit_price_fen=16000), secret)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "accepted"
    order_id = r.json()["order_id"]

    got = await platform.client.get(f"/market/v1/orders/{order_id}", headers=platform.admin)
    assert got.status_code == 200, got.text
    order = got.json()
    assert order["partner_order_id"] == po and order["village_code"] == code
    assert order["total_fen"] == 200000  # 12.5 kg × 160.00 yuan
    assert order["lines"][0]["quantity"] == "12.5" and order["lines"][0]["filled"] == "0"
    facts = [e for e in await market_events(platform, "fupin.market.partner_order_received.v1") if e["order_id"] == order_id]
    assert len(facts) == 1 and facts[0]["partner"] == partner and facts[0]["total_fen"] == 200000


async def test_seeded_partners_of_section_6_1_are_registered(platform):
    r = await platform.client.get("/market/v1/partners", params={"limit": 500}, headers=platform.admin)
    assert r.status_code == 200, r.text
    names = {p["code"]: p["name"] for p in r.json()["items"]}
    for code in ("jd", "suning", "lecuntao", "rural_taobao", "supply_marketing_coop", "rcc_xiantehui", "cmcc_lingnan_youpin", "china_post"):
        assert code in names
    assert names["jd"] == "京东"


async def test_seeded_partner_accepts_orders_once_it_has_a_secret(platform):
    code = await make_village(platform)
    secret = (await new_partner_secret(platform, "china_post"))["secret"]
    r = await post_webhook(platform, "china_post", order_payload(unique_number("CP-"), village=code), secret)
    assert r.status_code == 200, r.text


async def test_unknown_partner_is_401_and_nothing_is_stored(platform):
    code = await make_village(platform)
    _, secret = await make_partner(platform)
    po = unique_number("X-")
    r = await post_webhook(platform, "no_such_partner", order_payload(po, village=code), secret)
    assert r.status_code == 401, r.text
    assert r.json()["code"] == "webhook_unknown_partner"
    assert await orders_with(platform, "no_such_partner", po) == []


@pytest.mark.parametrize(
    "tamper",
    ["wrong_secret", "missing_signature", "tampered_body", "stale_timestamp", "future_timestamp", "missing_id", "not_v1"],
)
async def test_bad_signature_or_timestamp_is_401_and_nothing_is_stored(platform, tamper):
    code = await make_village(platform)
    partner, secret = await make_partner(platform)
    _, other_secret = await make_partner(platform)
    po = unique_number("B-")
    body = json.dumps(order_payload(po, village=code)).encode()
    when = datetime.now(UTC)
    if tamper == "stale_timestamp":
        when -= timedelta(minutes=6)
    if tamper == "future_timestamp":
        when += timedelta(minutes=6)
    headers = signed_headers(other_secret if tamper == "wrong_secret" else secret, body, when=when)
    if tamper == "missing_signature":
        del headers["webhook-signature"]
    if tamper == "missing_id":
        del headers["webhook-id"]
    if tamper == "not_v1":
        headers["webhook-signature"] = headers["webhook-signature"].replace("v1,", "v1a,")
    if tamper == "tampered_body":
        body = body.replace(b'"12.5"', b'"125.0"')
    r = await platform.client.post(f"/market/v1/webhooks/{partner}", content=body, headers=headers)
    assert r.status_code == 401, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert await orders_with(platform, partner, po) == []


async def test_timestamp_inside_the_window_is_accepted(platform):
    code = await make_village(platform)
    partner, secret = await make_partner(platform)
    when = datetime.now(UTC) - timedelta(minutes=4)
    r = await post_webhook(platform, partner, order_payload(unique_number("W-"), village=code), secret, when=when)
    assert r.status_code == 200, r.text


async def test_one_of_several_space_separated_signatures_matching_is_enough(platform):
    code = await make_village(platform)
    partner, secret = await make_partner(platform)
    body = json.dumps(order_payload(unique_number("M-"), village=code)).encode()
    headers = signed_headers(secret, body)
    bogus = sign(secret_key("whsec_" + "QUJD" * 8), headers["webhook-id"], int(headers["webhook-timestamp"]), body)
    headers["webhook-signature"] = f"{bogus} v2,abc {headers['webhook-signature']}"
    r = await platform.client.post(f"/market/v1/webhooks/{partner}", content=body, headers=headers)
    assert r.status_code == 200, r.text


async def test_body_over_256_kib_is_413_before_signature_checks(platform):
    partner, secret = await make_partner(platform)
    body = b'{"pad":"' + b"x" * (256 * 1024) + b'"}'
    r = await platform.client.post(f"/market/v1/webhooks/{partner}", content=body, headers=signed_headers(secret, body))
    assert r.status_code == 413, r.text
    assert r.json()["code"] == "payload_too_large"


async def test_chunked_body_over_256_kib_is_413(platform):
    partner, secret = await make_partner(platform)
    body = b'{"pad":"' + b"x" * (300 * 1024) + b'"}'
    headers = signed_headers(secret, body)

    async def chunks():
        for start in range(0, len(body), 16 * 1024):
            yield body[start : start + 16 * 1024]

    r = await platform.client.post(f"/market/v1/webhooks/{partner}", content=chunks(), headers=headers)
    assert "content-length" not in {k.lower() for k in r.request.headers}
    assert r.status_code == 413, r.text
    # Even when an Idempotency-Key makes the framework read the body before the webhook handler does.
    r = await platform.client.post(f"/market/v1/webhooks/{partner}", content=chunks(), headers=headers | {"Idempotency-Key": "k1"})
    assert r.status_code == 413, r.text
    huge = body * 8
    sent = []

    async def huge_chunks():
        for start in range(0, len(huge), 64 * 1024):
            sent.append(start)
            yield huge[start : start + 64 * 1024]

    r = await platform.client.post(f"/market/v1/webhooks/{partner}", content=huge_chunks(), headers=headers | {"Idempotency-Key": "k2"})
    assert r.status_code == 413, r.text
    assert len(sent) * 64 * 1024 <= 4 * 256 * 1024 + 64 * 1024  # reading stopped at the backstop, not at the end


async def test_redelivery_with_the_same_webhook_id_returns_the_first_response_and_writes_nothing(platform):
    code = await make_village(platform)
    partner, secret = await make_partner(platform)
    po = unique_number("R-")
    body = json.dumps(order_payload(po, village=code)).encode()
    headers = signed_headers(secret, body)
    first = await platform.client.post(f"/market/v1/webhooks/{partner}", content=body, headers=headers)
    assert first.status_code == 200, first.text
    again = await platform.client.post(f"/market/v1/webhooks/{partner}", content=body, headers=signed_headers(secret, body, msg_id=headers["webhook-id"]))
    assert again.status_code == 200, again.text
    assert again.content == first.content
    assert again.headers.get("webhook-replayed") == "true"
    assert len(await orders_with(platform, partner, po)) == 1
    order_id = first.json()["order_id"]
    facts = [e for e in await market_events(platform, "fupin.market.partner_order_received.v1") if e["order_id"] == order_id]
    assert len(facts) == 1


async def test_same_partner_order_with_a_new_webhook_id_and_same_content_is_a_duplicate_not_a_new_order(platform):
    code = await make_village(platform)
    partner, secret = await make_partner(platform)
    po = unique_number("D-")
    first = await post_webhook(platform, partner, order_payload(po, village=code), secret)
    second = await post_webhook(platform, partner, order_payload(po, village=code), secret)
    assert second.status_code == 200, second.text
    assert second.json() == {**first.json(), "status": "duplicate"}
    assert len(await orders_with(platform, partner, po)) == 1


async def test_same_partner_order_id_with_a_different_body_is_409_and_nothing_changes(platform):
    code = await make_village(platform)
    partner, secret = await make_partner(platform)
    po = unique_number("C-")
    first = await post_webhook(platform, partner, order_payload(po, village=code, quantity="12.5"), secret)
    assert first.status_code == 200, first.text
    r = await post_webhook(platform, partner, order_payload(po, village=code, quantity="99"), secret)
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "partner_order_conflict" and r.json()["field"] == "data.partner_order_id"
    orders = await orders_with(platform, partner, po)
    assert len(orders) == 1 and orders[0]["lines"][0]["quantity"] == "12.5"


async def test_secret_rotation_keeps_both_secrets_active_until_the_old_one_is_revoked(platform):
    code = await make_village(platform)
    partner, old = await make_partner(platform)
    old_id = (await platform.client.get(f"/market/v1/partners/{partner}/secrets", headers=platform.admin)).json()["items"][0]["id"]
    new = (await new_partner_secret(platform, partner))["secret"]
    for secret in (old, new):
        r = await post_webhook(platform, partner, order_payload(unique_number("ROT-"), village=code), secret)
        assert r.status_code == 200, r.text
    r = await platform.client.delete(f"/market/v1/partners/{partner}/secrets/{old_id}", headers=platform.admin)
    assert r.status_code == 200 and r.json()["revoked_at"], r.text
    refused = await post_webhook(platform, partner, order_payload(unique_number("ROT-"), village=code), old)
    assert refused.status_code == 401, refused.text
    accepted = await post_webhook(platform, partner, order_payload(unique_number("ROT-"), village=code), new)
    assert accepted.status_code == 200, accepted.text


async def test_secrets_are_listed_masked_and_only_admins_manage_them(platform):
    partner, secret = await make_partner(platform)
    listed = (await platform.client.get(f"/market/v1/partners/{partner}/secrets", headers=platform.admin)).json()["items"]
    assert len(listed) == 1 and secret not in json.dumps(listed) and listed[0]["masked"].endswith(secret[-4:])
    officer = platform.as_("county_officer", "440232")
    assert (await platform.client.post(f"/market/v1/partners/{partner}/secrets", headers=officer)).status_code == 403
    assert (await platform.client.post(f"/market/v1/partners/{partner}/secrets", headers=platform.as_("auditor"))).status_code == 403


async def test_switched_off_partner_is_refused_with_403(platform):
    code = await make_village(platform)
    partner, secret = await make_partner(platform)
    r = await platform.client.patch(f"/market/v1/partners/{partner}", json={"enabled": False}, headers={**platform.admin, "If-Match": "*"})
    assert r.status_code == 200 and r.json()["enabled"] is False, r.text
    po = unique_number("OFF-")
    refused = await post_webhook(platform, partner, order_payload(po, village=code), secret)
    assert refused.status_code == 403 and refused.json()["code"] == "partner_disabled", refused.text
    assert await orders_with(platform, partner, po) == []


async def test_product_the_partner_may_not_order_is_422_naming_the_line(platform):
    code = await make_village(platform)
    partner, secret = await make_partner(platform, products=["tea"])
    r = await post_webhook(platform, partner, order_payload(unique_number("P-"), village=code, product="pigs", unit="head"), secret)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "data.lines[0].product"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (b"{not json", None),
        (b'{"type":"order.created","data":{"partner_order_id":"x"}}', "data.placed_at"),
        ("fractional_fen", "data.lines[0].unit_price_fen"),
        ("unknown_village", "data.supply.village_code"),
        ("too_many_decimals", "data.lines[0].quantity"),
        ("naive_time", "data.placed_at"),
        ("extra_field", "data.lines[0].discount"),
    ],
)
async def test_signed_but_invalid_payload_is_422_naming_the_field(platform, payload, field):
    partner, secret = await make_partner(platform)
    code = await make_village(platform)
    if payload == "fractional_fen":
        payload = order_payload(unique_number("F-"), village=code, unit_price_fen=160.5)
    elif payload == "unknown_village":
        payload = order_payload(unique_number("F-"), village=code[:-3] + "999")
    elif payload == "too_many_decimals":
        payload = order_payload(unique_number("F-"), village=code, quantity="1.0005")
    elif payload == "naive_time":
        payload = order_payload(unique_number("F-"), village=code)
        payload["data"]["placed_at"] = "2026-03-01T07:59:12"
    elif payload == "extra_field":
        payload = order_payload(unique_number("F-"), village=code, discount=5)
    r = await post_webhook(platform, partner, payload, secret)
    assert r.status_code == 422, r.text
    if field:
        assert r.json()["field"] == field


async def test_concurrent_redeliveries_store_one_order_and_all_get_the_same_answer(platform):
    import asyncio

    code = await make_village(platform)
    partner, secret = await make_partner(platform)
    po = unique_number("CC-")
    body = json.dumps(order_payload(po, village=code)).encode()
    msg_id = f"msg_{po}"
    same_id = [signed_headers(secret, body, msg_id=msg_id) for _ in range(4)]
    new_ids = [signed_headers(secret, body) for _ in range(4)]
    responses = await asyncio.gather(*(platform.client.post(f"/market/v1/webhooks/{partner}", content=body, headers=h) for h in same_id + new_ids))
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    assert len({r.json()["order_id"] for r in responses}) == 1
    assert len({r.content for r in responses[:4]}) == 1  # one webhook-id, one answer
    # Exactly one message (the shared webhook-id or one of the new ones) created the order.
    assert sum(r.json()["status"] == "accepted" for r in [responses[0], *responses[4:]]) == 1
    assert len(await orders_with(platform, partner, po)) == 1
    order_id = responses[0].json()["order_id"]
    assert len([e for e in await market_events(platform, "fupin.market.partner_order_received.v1") if e["order_id"] == order_id]) == 1


async def test_order_supplied_by_a_cooperative_names_a_registered_entity(platform):
    from tests.market.helpers import make_entity

    code = await make_village(platform)
    entity = await make_entity(platform, [code])
    partner, secret = await make_partner(platform)
    ok = await post_webhook(platform, partner, order_payload(unique_number("E-"), entity=entity), secret)
    assert ok.status_code == 200, ok.text
    order = (await platform.client.get(f"/market/v1/orders/{ok.json()['order_id']}", headers=platform.as_("entity_operator", entity))).json()
    assert order["entity_id"] == entity and order["village_code"] is None
    unknown = await post_webhook(platform, partner, order_payload(unique_number("E-"), entity="0192f0a4-7c3e-7000-8000-000000000000"), secret)
    assert unknown.status_code == 422 and unknown.json()["field"] == "data.supply.entity_id", unknown.text


async def test_openapi_documents_the_webhook_payload_headers_and_errors(platform):
    spec = (await platform.client.get("/openapi.json")).json()
    op = spec["paths"]["/market/v1/webhooks/{partner}"]["post"]
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    line = schema["properties"]["data"]["properties"]["lines"]["items"]
    assert {"product", "quantity", "unit", "unit_price_fen"} <= set(line["properties"])
    assert schema["examples"][0]["data"]["lines"][0]["unit_price_fen"] == 16000
    assert {p["name"] for p in op["parameters"]} >= {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert {"401", "409", "413", "422"} <= set(op["responses"])
    assert "security" not in op or op["security"] == []
    assert "/market/v1/webhooks/_echo" not in spec["paths"]


async def test_redelivery_of_an_accepted_message_is_answered_as_before_even_after_the_partner_is_switched_off(platform):
    code = await make_village(platform)
    partner, secret = await make_partner(platform)
    body = json.dumps(order_payload(unique_number("AS-"), village=code)).encode()
    headers = signed_headers(secret, body)
    first = await platform.client.post(f"/market/v1/webhooks/{partner}", content=body, headers=headers)
    assert first.status_code == 200, first.text
    await platform.client.patch(
        f"/market/v1/partners/{partner}", json={"enabled": False, "allowed_products": ["pigs"]}, headers={**platform.admin, "If-Match": "*"}
    )
    again = await platform.client.post(f"/market/v1/webhooks/{partner}", content=body, headers=signed_headers(secret, body, msg_id=headers["webhook-id"]))
    assert again.status_code == 200 and again.content == first.content, again.text
    fresh = await platform.client.post(f"/market/v1/webhooks/{partner}", content=body, headers=signed_headers(secret, body))
    assert fresh.status_code == 403, fresh.text


async def test_reused_webhook_id_with_another_validly_signed_body_is_409_and_writes_nothing(platform):
    """What was seen: a known webhook-id with another body answered 200 "replayed" and dropped the new order silently."""
    code = await make_village(platform)
    partner, secret = await make_partner(platform)
    first_po, second_po = unique_number("RU-"), unique_number("RU-")
    body = json.dumps(order_payload(first_po, village=code)).encode()
    headers = signed_headers(secret, body)
    first = await platform.client.post(f"/market/v1/webhooks/{partner}", content=body, headers=headers)
    assert first.status_code == 200, first.text
    other = json.dumps(order_payload(second_po, village=code, quantity="99")).encode()
    reused = await platform.client.post(f"/market/v1/webhooks/{partner}", content=other, headers=signed_headers(secret, other, msg_id=headers["webhook-id"]))
    assert reused.status_code == 409, reused.text
    assert reused.headers["content-type"].startswith("application/problem+json")
    assert reused.json()["code"] == "webhook_id_reused" and reused.json()["field"] == "webhook-id"
    assert "webhook-replayed" not in reused.headers
    assert await orders_with(platform, partner, second_po) == []
    assert not [e for e in await market_events(platform, "fupin.market.partner_order_received.v1") if e["partner_order_id"] == second_po]
    # The same id with the same body is still the replay it was; the new order under its own id is accepted.
    again = await platform.client.post(f"/market/v1/webhooks/{partner}", content=body, headers=signed_headers(secret, body, msg_id=headers["webhook-id"]))
    assert again.status_code == 200 and again.content == first.content and again.headers.get("webhook-replayed") == "true"
    fresh = await platform.client.post(f"/market/v1/webhooks/{partner}", content=other, headers=signed_headers(secret, other))
    assert fresh.status_code == 200 and fresh.json()["status"] == "accepted", fresh.text


async def test_reused_webhook_id_is_compared_by_content_so_reordered_keys_are_the_same_body(platform):
    code = await make_village(platform)
    partner, secret = await make_partner(platform)
    payload = order_payload(unique_number("RK-"), village=code)
    body = json.dumps(payload).encode()
    headers = signed_headers(secret, body)
    first = await platform.client.post(f"/market/v1/webhooks/{partner}", content=body, headers=headers)
    assert first.status_code == 200, first.text
    reordered = json.dumps(dict(reversed(list(payload.items()))), indent=2).encode()
    again = await platform.client.post(
        f"/market/v1/webhooks/{partner}", content=reordered, headers=signed_headers(secret, reordered, msg_id=headers["webhook-id"])
    )
    assert again.status_code == 200 and again.content == first.content, again.text


@pytest.mark.parametrize("change", ["invalid_body", "partner_switched_off"])
async def test_reused_webhook_id_with_another_body_is_409_even_when_that_body_would_be_refused(platform, change):
    code = await make_village(platform)
    partner, secret = await make_partner(platform)
    body = json.dumps(order_payload(unique_number("RX-"), village=code)).encode()
    headers = signed_headers(secret, body)
    assert (await platform.client.post(f"/market/v1/webhooks/{partner}", content=body, headers=headers)).status_code == 200
    other_po = unique_number("RX-")
    other = json.dumps(order_payload(other_po, village=code, unit_price_fen=1.5 if change == "invalid_body" else 100)).encode()
    if change == "partner_switched_off":
        await platform.client.patch(f"/market/v1/partners/{partner}", json={"enabled": False}, headers={**platform.admin, "If-Match": "*"})
    r = await platform.client.post(f"/market/v1/webhooks/{partner}", content=other, headers=signed_headers(secret, other, msg_id=headers["webhook-id"]))
    assert r.status_code == 409 and r.json()["code"] == "webhook_id_reused", r.text
    assert await orders_with(platform, partner, other_po) == []


async def test_an_order_of_several_lines_is_committed_whole_with_its_event_and_webhook_id_before_the_200(platform):
    code = await make_village(platform)
    partner, secret = await make_partner(platform)
    po = unique_number("JD-")
    payload = order_payload(po, village=code)
    payload["data"]["lines"] = [
        {"line_no": 1, "product": "tea", "product_name": "必背红茶 250g", "quantity": "12.5", "unit": "kg", "unit_price_fen": 16000},
        {"line_no": 2, "product": "tea", "quantity": "3", "unit": "kg", "unit_price_fen": 8800},
        {"line_no": 7, "product": "tea", "quantity": "0.25", "unit": "kg", "unit_price_fen": 4000},
    ]
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = signed_headers(secret, body)
    r = await platform.client.post(f"/market/v1/webhooks/{partner}", content=body, headers=headers)
    assert r.status_code == 200 and r.json()["status"] == "accepted", r.text
    order_id = r.json()["order_id"]
    # Read back at once (no waiting): everything the 200 promised is committed.
    order = (await platform.client.get(f"/market/v1/orders/{order_id}", headers=platform.admin)).json()
    assert [(line["line_no"], line["quantity"], line["amount_fen"]) for line in order["lines"]] == [(1, "12.5", 200000), (2, "3", 26400), (7, "0.25", 1000)]
    assert order["total_fen"] == 227400 and order["lines"][0]["product_name"] == "必背红茶 250g"
    facts = [e for e in await market_events(platform, "fupin.market.partner_order_received.v1") if e["order_id"] == order_id]
    assert len(facts) == 1 and [line["amount_fen"] for line in facts[0]["lines"]] == [200000, 26400, 1000]
    again = await platform.client.post(f"/market/v1/webhooks/{partner}", content=body, headers=headers)
    assert again.headers.get("webhook-replayed") == "true" and again.content == r.content, "the webhook-id record was committed with the order"
