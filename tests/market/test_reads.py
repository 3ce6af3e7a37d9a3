"""Market reads: answers read from the rows (no hand mappers), a list page costs as many statements for few items as for many,
and an answer names the same code table (enum) as the request that wrote it."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from tests.helpers import unique_number
from tests.market.helpers import make_partner, make_village, order_payload, post_webhook

_counting: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("counting", default=None)


@contextmanager
def statements(platform: Any) -> Iterator[list[str]]:
    """The statements the market database runs for requests made inside the block (not the relays' or consumers')."""
    engine = platform.context("market").engine.sync_engine

    def before(conn, cursor, statement, parameters, context, executemany) -> None:
        seen = _counting.get()
        if seen is not None:
            seen.append(statement)

    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", before)
    token = _counting.set(seen)
    try:
        yield seen
    finally:
        _counting.reset(token)
        event.remove(engine, "before_cursor_execute", before)


async def _page_cost(platform: Any, path: str, limit: int, **params: Any) -> tuple[int, list[dict[str, Any]]]:
    with statements(platform) as seen:
        r = await platform.client.get(f"/market/v1{path}", params={"limit": limit, **params}, headers=platform.admin)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert len(items) == limit
    assert seen, "no statement was counted: the counter does not see the request"
    return len(seen), items


async def test_a_page_of_orders_costs_the_same_statements_for_2_as_for_12(platform):
    village = await make_village(platform)
    partner, secret = await make_partner(platform)
    for i in range(12):
        r = await post_webhook(platform, partner, order_payload(unique_number("JD-"), village=village, quantity=f"{i + 1}.5"), secret)
        assert r.status_code == 200, r.text
    (few, _), (many, items) = await _page_cost(platform, "/orders", 2, partner=partner), await _page_cost(platform, "/orders", 12, partner=partner)
    assert few == many <= 2, (few, many)  # the page and one query for all its lines (it was 1 + 1 per order)
    assert sorted(o["lines"][0]["quantity"] for o in items) == sorted(f"{i + 1}.5" for i in range(12))
    assert all(o["lines"][0]["filled"] == "0" and o["buyer_kind"] == "enterprise" for o in items)


async def test_a_page_of_partners_costs_the_same_statements_for_2_as_for_10(platform):
    for _ in range(10):
        await make_partner(platform)
    (few, _), (many, items) = await _page_cost(platform, "/partners", 2), await _page_cost(platform, "/partners", 10)
    assert few == many <= 2, (few, many)  # the page and one grouped count of active secrets (it was 1 + 1 per partner)
    assert all(p["active_secrets"] >= 0 for p in items)


async def test_an_answer_names_the_code_table_its_request_does(platform):
    """Item 4 of #12: where a request takes an enum (kind, unit, grade, level, form, buyer kind), the answer declares the same enum."""
    doc = (await platform.client.get("/openapi.json")).json()
    schemas = doc["components"]["schemas"]
    pairs = [("ChannelIn", "ChannelOut"), ("WindowIn", "WindowOut"), ("EcommercePointIn", "EcommercePointOut"), ("ColdChainIn", "ColdChainOut")]
    pairs += [("ContractIn", "ContractOut"), ("DeliveryIn", "DeliveryOut")]
    checked = []
    for request, answer in pairs:
        for name, prop in schemas[request]["properties"].items():
            enum = prop.get("enum") or next((p["enum"] for p in prop.get("anyOf", []) if "enum" in p), None)
            if enum is None or name not in schemas[answer]["properties"]:
                continue
            assert schemas[answer]["properties"][name].get("enum") == enum, f"{answer}.{name} is not the enum {request}.{name} is"
            assert schemas[answer]["properties"][name]["x-code-table"] == name
            checked.append(f"{answer}.{name}")
    assert {"ChannelOut.kind", "ChannelOut.unit", "WindowOut.form", "EcommercePointOut.level", "ColdChainOut.kind", "DeliveryOut.grade"} <= set(checked)
    buyer = schemas["OrderOut"]["properties"]["buyer_kind"]
    assert "enterprise" in buyer["enum"] and set(buyer["x-enum-labels"]) == set(buyer["enum"])
