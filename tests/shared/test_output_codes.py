"""Codes read back from stored facts are enums on output, labelled (#13 item 1), and never a 500 on old data.

Each field's enum lists every code its input side and its contracts carry (shared.labels.output_enum); each such
code is stored here through the real write path, legacy codes (``relatively_poor``) and free text through the
fact log or the stored row, and read back: a known legacy code as itself, free text as ``other``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import count
from typing import Any

import pytest
from sqlalchemy import text

from services.ledger.schemas import INCOME_SOURCES
from services.market.linkage.models import EcommercePoint
from shared.events.funds import ProjectRegistered
from shared.events.income import BENEFIT_TYPES, BenefitType
from shared.ids import new_id
from shared.labels import LABELS, enums
from shared.regions import INDUSTRIES
from tests.funds.support import make_entity, make_village, post, project_body
from tests.helpers import eventually
from tests.ledger.support import append, fresh_township, household, income, village

INPUT_CATEGORIES = ("province_poor", "relatively_poor_dongguan", "relatively_poor_shaoguan", "scattered_poor")
_n = count(201)


def _schema(spec: dict[str, Any], name: str, prop: str) -> dict[str, Any]:
    node = spec["components"]["schemas"][name]["properties"][prop]
    node = node.get("items", node)
    return node if "enum" in node else next(n for n in node["anyOf"] if "enum" in n)


def test_the_five_fields_are_labelled_enums_of_every_code_their_contracts_carry(spec):
    categories = set(INPUT_CATEGORIES) | {"relatively_poor", "other"}
    expected = {
        ("IncomeEntryOut", "source"): set(INCOME_SOURCES) | {"other"},
        ("Indicators", "categories"): categories,
        ("VillageOverview", "categories"): categories,
        ("VillageProject", "industry"): set(INDUSTRIES) | {"other"},
        ("CoveredBase", "industry"): set(INDUSTRIES) | {"other"},
    }
    assert set(INCOME_SOURCES) == {"funds", "households", "market"}  # the sources one of whose contracts carries an income line
    for (name, prop), values in expected.items():
        node = _schema(spec, name, prop)
        assert set(node["enum"]) == values, (name, prop)
        assert set(node["x-enum-labels"]) == values and all(label["zh-CN"] and label["en"] for label in node["x-enum-labels"].values()), (name, prop)
    assert LABELS["categories"]["relatively_poor"][0].startswith("相对贫困村")


async def _get(platform, url: str, **params: Any) -> dict[str, Any]:
    r = await platform.client.get(url, params=params, headers=platform.admin)
    assert r.status_code == 200, r.text
    return r.json()


async def test_village_categories_read_back_every_input_code_the_legacy_one_and_free_text_as_other(platform):
    township = fresh_township("440232")
    written = {}
    for category in INPUT_CATEGORIES:  # the registry's write path
        code = f"{township}{next(_n):03d}"
        body = {"code": code, "name": "测试村", "township_name": "测试镇", "categories": [category]}
        if category.startswith("relatively_poor"):
            body["paired_unit"] = "东莞市某局"
        r = await platform.client.post("/households/v1/villages", json=body, headers=platform.admin)
        assert r.status_code == 201, r.text
        written[code] = [category]
    legacy, free = f"{township}{next(_n):03d}", f"{township}{next(_n):03d}"
    await append(platform, village(legacy, ["relatively_poor"]), village(free, ["relatively_poor", "重点帮扶村"]))  # old facts
    expected = written | {legacy: ["relatively_poor"], free: ["relatively_poor", "other"]}

    async def overview() -> dict[str, Any]:
        body = await _get(platform, f"/ledger/v1/views/townships/{township}/villages", year=2026)
        got = {v["village_code"]: v["categories"] for v in body["villages"]}
        assert got == expected
        return got

    await eventually(overview)
    for code, categories in expected.items():
        assert (await _get(platform, f"/ledger/v1/indicators/villages/{code}", year=2026))["categories"] == categories


async def test_project_industries_read_back_every_catalogue_code_and_free_text_as_other(platform):
    code = await make_village(platform)
    entity = await make_entity(platform, villages=[code])
    for industry in INDUSTRIES:  # funds' write path
        await post(platform, "/projects", project_body(code, entity, industry=industry, name=f"{industry} 基地"))
    old = ProjectRegistered.model_validate(ProjectRegistered.example | {"project_id": new_id(), "village_code": code, "industry": "毛竹", "name": "旧项目"})
    await append(platform, old)
    expected = {f"{i} 基地": i for i in INDUSTRIES} | {"旧项目": "other"}

    async def links() -> None:
        got = {p["name"]: p["industry"] for p in (await _get(platform, f"/ledger/v1/views/villages/{code}/links"))["projects"]}
        assert got == expected

    await eventually(links)


async def test_income_sources_read_back_each_paying_source_and_an_old_row_as_other(platform):
    code = f"{fresh_township('440232')}{next(_n):03d}"
    h = household(code)
    paid_by = {"market": BenefitType.order_production, "households": BenefitType.wage_labor, "funds": BenefitType.equity_dividend}
    await append(platform, village(code, ["province_poor"]), h, *(income(h, benefit, 1_000) for benefit in paid_by.values()))
    url = f"/ledger/v1/households/{h.household_id}/income/entries"

    async def entries() -> list[dict[str, Any]]:
        items = (await _get(platform, url))["items"]
        assert len(items) == 3
        return items

    items = await eventually(entries)
    assert {e["benefit_type"]: e["source"] for e in items} == {b.value: s for s, b in paid_by.items()}
    # A row an earlier version wrote with a source no table knows (its envelope's whole source URI).
    async with platform.context("ledger").write_session() as session:
        await session.execute(text("UPDATE income_entry SET source = '/fupin/funds' WHERE household_id = :h AND source = 'funds'"), {"h": h.household_id})
    assert {e["benefit_type"]: e["source"] for e in (await _get(platform, url))["items"]} == {
        "order_production": "market",
        "wage_labor": "households",
        "equity_dividend": "other",
    }


async def test_covered_base_industries_read_back_every_catalogue_code_and_an_old_row_as_other(platform):
    bases = [{"base_code": f"T-{i}", "name": f"{i} 基地", "industry": i} for i in INDUSTRIES]
    body = {"level": "county_centre", "name": "县电商中心", "county_code": "440232", "opened_on": "2026-03-01", "covered_bases": bases}
    r = await platform.client.post("/market/v1/ecommerce-points", json=body, headers=platform.as_("county_officer", "440232"))
    assert r.status_code == 201, r.text
    point = r.json()
    assert [b["industry"] for b in point["covered_bases"]] == list(INDUSTRIES)
    async with platform.context("market").write_session() as session:
        stored = [*bases, {"base_code": "OLD-1", "name": "旧基地", "industry": "毛竹", "township_code": None, "is_large": False}]
        row = await session.get(EcommercePoint, point["id"])
        row.covered_bases = stored
    found = None
    cursor = None
    while found is None:
        page = await _get(platform, "/market/v1/ecommerce-points", limit=500, **({"cursor": cursor} if cursor else {}))
        found = next((p for p in page["items"] if p["id"] == point["id"]), None)
        cursor = page["next_cursor"]
        assert found or cursor, "the point is listed"
    assert [b["industry"] for b in found["covered_bases"]] == [*INDUSTRIES, "other"]


def test_an_income_fact_of_an_unknown_benefit_type_is_never_booked_by_the_replays_fast_reading():
    """The six benefit types (shared.events.income.BenefitType) are an enum on output with no ``other``: so no stored income
    row may hold another. The live path validates the contract (``IncomeLine.benefit_type: BenefitType``) and parks what
    fails; the replay's fast reading (services.ledger.fastread) must send such a fact the same plain way, not COPY it."""
    from services.ledger import fastread, projector
    from tests.ledger.test_contract_reading import _consumed, _envelope, _example

    cls = next(c for c in _consumed() if "income" in c.model_fields)
    envelope = _envelope(_example(cls))
    envelope["data"]["income"]["benefit_type"] = "land_rent"  # no such type in §5
    incomes, _, others = fastread.read([json.dumps(envelope, ensure_ascii=False).encode()], datetime(2026, 12, 2, tzinfo=UTC), set())
    assert incomes == [] and [o["id"] for o in others] == [envelope["id"]]
    rows = projector.rows_of(others)
    assert rows.incomes == [] and [p["event_id"] for p in rows.parked] == [envelope["id"]]


# The names of answer fields that hold codes: each must be an enum (with its labels), never a plain string. The list
# is the names the OpenAPI already uses for enums anywhere (on input or output), and these.
CODE_NAMES = {"benefit_type", "source", "kind", "status", "category", "categories", "industry", "verdict", "release"}
# Answer fields of those names that are free text, not codes — each with why.
FREE_TEXT = {
    "Problem.type",  # RFC 9457: a URI reference naming the problem type, not a code table
}


def _output_schemas(spec: dict[str, Any]) -> set[str]:
    """The components an answer reaches (from any response, through every $ref)."""
    schemas = spec["components"]["schemas"]

    def refs(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/components/schemas/"):
                yield ref.rsplit("/", 1)[-1]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    todo = [name for item in spec["paths"].values() for op in item.values() if isinstance(op, dict) for name in refs(op.get("responses", {}))]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(refs(schemas[name]))
    return seen


def _plain_string(node: dict[str, Any]) -> bool:
    if node.get("type") == "array":
        return _plain_string(node.get("items", {}))
    options = node.get("anyOf", [node])
    return any(o.get("type") == "string" and "enum" not in o and "format" not in o for o in options) and not any("enum" in o or "$ref" in o for o in options)


def test_no_answer_field_that_holds_codes_is_a_plain_string(spec):
    enum_names = {where.rsplit("?", 1)[-1].rsplit(".", 1)[-1].strip() for _, where, _ in enums(spec)}
    names = CODE_NAMES | enum_names
    schemas = spec["components"]["schemas"]
    plain = sorted(
        f"{name}.{prop}"
        for name in _output_schemas(spec)
        for prop, node in schemas[name].get("properties", {}).items()
        if prop in names and _plain_string(node) and f"{name}.{prop}" not in FREE_TEXT
    )
    assert plain == [], f"answer fields holding codes as plain strings (make them enums, or list them in FREE_TEXT with why): {plain}"
    # and the walk sees what it must: the benefit types on every income answer, labelled
    for name in ("IncomeEntryOut", "IncomePaymentOut", "DistributionOut", "StatementLine", "LineCheck", "PublicNotice"):
        node = schemas[name]["properties"]["benefit_type"]
        ref = next(o["$ref"] for o in node.get("anyOf", [node]) if "$ref" in o)
        assert ref.endswith("/BenefitType"), name
    assert set(schemas["BenefitType"]["enum"]) == set(BENEFIT_TYPES)
    assert set(schemas["BenefitType"]["x-enum-labels"]) == set(BENEFIT_TYPES)


def test_the_walk_catches_a_plain_string_code():
    spec = {
        "paths": {"/x": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/XOut"}}}}}}}},
        "components": {"schemas": {"XOut": {"properties": {"status": {"type": "string"}, "note": {"type": "string"}}}}},
    }
    with pytest.raises(AssertionError, match=r"XOut\.status"):
        test_no_answer_field_that_holds_codes_is_a_plain_string(spec)
