"""Code tables (issue #13 item 2): every enum value in the OpenAPI has a Chinese and an English label, in the
document and from ``GET /v1/labels``, which a UI caches with its ETag."""

from __future__ import annotations

import re

from shared.labels import LABELS, enums, missing_labels


def test_every_enum_value_in_the_openapi_has_a_label(spec):
    assert not missing_labels(spec), missing_labels(spec)
    found = list(enums(spec))
    assert len({table for table, _, _ in found}) >= 25


def test_every_label_is_chinese_first_then_english():
    han = re.compile(r"[\u4e00-\u9fff]")
    for table, values in LABELS.items():
        for value, (zh, en) in values.items():
            assert han.search(zh), (table, value, zh)
            assert en and not han.search(en), (table, value, en)


def test_the_benefit_types_are_a_code_table():
    assert set(LABELS["benefit_type"]) == {"order_production", "wage_labor", "lease_back", "policy_support", "asset_income", "equity_dividend"}
    assert LABELS["benefit_type"]["lease_back"][0] == "反租倒包收益"


def test_enums_in_the_openapi_carry_their_labels(spec):
    member = spec["components"]["schemas"]["MemberIn"]["properties"]["relation"]
    assert member["x-code-table"] == "relation"
    assert member["x-enum-labels"]["head"] == {"zh-CN": "户主", "en": "Head of household"}
    assert member["x-enumDescriptions"]["head"] == "户主 — Head of household"
    role = spec["components"]["schemas"]["Role"]
    assert role["x-code-table"] == "user_role" and set(role["x-enum-labels"]) == set(role["enum"])


async def test_labels_endpoint_serves_every_table_and_revalidates_with_its_etag(platform):
    r = await platform.client.get("/v1/labels")
    assert r.status_code == 200
    body = r.json()
    assert set(body["tables"]) == set(LABELS)
    relation = {v["value"]: v for v in body["tables"]["relation"]["values"]}
    assert relation["head"] == {"value": "head", "zh": "户主", "en": "Head of household"}
    assert any(u.startswith("MemberIn.") for u in body["tables"]["relation"]["used_by"])
    etag = r.headers["etag"]
    assert etag == f'"{body["version"]}"' and not etag.startswith("W/")
    again = await platform.client.get("/v1/labels", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    stale = await platform.client.get("/v1/labels", headers={"If-None-Match": '"something-older"'})
    assert stale.status_code == 200 and stale.json() == body


def test_one_code_meaning_two_things_gets_a_table_for_each_place(spec):
    """An "open" notice (公示中) is not an "open" monitoring flag (待识别): a shared ``status`` table labelled both 待识别."""
    notice = spec["paths"]["/oversight/v1/notices"]["get"]
    (status,) = [p for p in notice["parameters"] if p["name"] == "status"]
    schema = status["schema"]
    node = schema if "enum" in schema else next(s for s in schema.get("anyOf", []) if "enum" in s)
    assert node["x-code-table"] == "notice_status" and node["x-enum-labels"]["open"]["zh-CN"] == "公示中"
    flag = spec["components"]["schemas"]["FlagOut"]["properties"]["status"]
    assert flag["x-code-table"] == "flag_status" and flag["x-enum-labels"]["open"]["zh-CN"] == "待识别"
