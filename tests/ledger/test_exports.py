"""Exports an office sends upward (issue #17 item 4): XLSX that opens with openpyxl and CSV, Chinese headers,
the API's own numbers, scoped to the caller, with the row count announced before the body."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook

from shared.events.income import BENEFIT_NAMES_ZH, BENEFIT_TYPES, BenefitType
from shared.ids import new_id
from tests.helpers import eventually, village_code
from tests.ledger.support import append, fact, household, income, village

B = BenefitType
COUNTY = "440224"  # 仁化县


def fen(value: Any) -> int:
    return int(Decimal(str(value)) * 100)


def sheet_rows(content: bytes, index: int = 0) -> list[dict[str, Any]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    rows = list(book.worksheets[index].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


async def _export(platform: Any, report: str, fmt: str = "xlsx", headers: dict[str, str] | None = None, **params: Any) -> Any:
    r = await platform.client.get(f"/ledger/v1/exports/{report}", params={"format": fmt, **params}, headers=headers or platform.admin)
    assert r.status_code == 200, r.text
    assert int(r.headers["x-fupin-bytes"]) == len(r.content)
    return r


async def test_a_households_xlsx_opens_with_openpyxl_and_matches_the_apis_income_and_categories(platform):
    code = village_code(COUNTY)
    homes = [household(code, members=1 + i) for i in range(4)]
    lines = [income(h, b, 1234 * (i + 1) + j, date(2026, 3, 1)) for i, h in enumerate(homes[:3]) for j, b in enumerate(B)]
    await append(platform, village(code), *homes, *lines)

    async def exported() -> list[dict[str, Any]]:
        r = await _export(platform, "households", level="village", code=code, year=2026)
        rows = sheet_rows(r.content)
        assert int(r.headers["x-fupin-rows"]) == len(rows) == 4 and sum(fen(x["六类收益合计（元）"]) for x in rows) > 0
        assert sum(fen(x["六类收益合计（元）"]) for x in rows) == sum(line.income.amount_fen for line in lines)  # type: ignore[attr-defined]
        return rows

    await eventually(exported)
    r = await platform.client.post(
        f"/ledger/v1/households/{homes[0].household_id}/production-costs",
        json={"amount_fen": 999, "occurred_on": "2026-02-01", "item": "化肥"},
        headers=platform.admin | {"Idempotency-Key": new_id()},
    )
    assert r.status_code == 201, r.text
    rows = await exported()
    for row in rows:
        hid = row["户ID"]
        api = (await platform.client.get(f"/ledger/v1/households/{hid}/income", params={"year": 2026}, headers=platform.admin)).json()
        cats = (await platform.client.get(f"/ledger/v1/households/{hid}/income/categories", params={"year": 2026}, headers=platform.admin)).json()
        assert {b: fen(row[f"{BENEFIT_NAMES_ZH[B(b)]}（元）"]) for b in BENEFIT_TYPES} == api["by_type"]
        assert fen(row["六类收益合计（元）"]) == api["total_fen"] and row["家庭人口"] == api["household_size"]
        assert fen(row["人均收入（元）"]) == api["per_capita_fen"]
        assert fen(row["经营净收入（元）"]) == cats["categories"]["business"]["net_fen"]
        assert fen(row["工资性收入（元）"]) == cats["categories"]["wage"]["net_fen"]
        assert fen(row["生产成本（元）"]) == (999 if hid == homes[0].household_id else 0)
    assert next(r for r in rows if r["户ID"] == homes[0].household_id)["经营收入口径"] == "净收入"

    # The same report as CSV, UTF-8 with a byte-order mark for Excel, the same figures.
    r = await _export(platform, "households", "csv", level="village", code=code, year=2026)
    assert r.content.startswith(b"\xef\xbb\xbf") and r.headers["content-type"].startswith("text/csv")
    as_csv = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [fen(x["六类收益合计（元）"]) for x in as_csv] == [fen(x["六类收益合计（元）"]) for x in rows]

    # Scoped: another village's cadre gets a 404, as for the ledger's other reads.
    other = platform.as_("village_cadre", village_code(COUNTY))
    r = await platform.client.get("/ledger/v1/exports/households", params={"format": "xlsx", "level": "village", "code": code, "year": 2026}, headers=other)
    assert r.status_code == 404, r.text


async def test_the_early_warning_indicator_and_fund_use_exports_match_the_apis(platform):
    code = village_code(COUNTY)
    homes = [household(code, members=2) for _ in range(3)]
    await append(
        platform,
        village(code, ["province_poor"]),
        *homes,
        income(homes[0], B.wage_labor, 50_000, date(2026, 9, 1)),
        fact("fupin.funds.allocation_recorded.v1", allocation_id=new_id(), county_code=COUNTY, village_code=code, purpose="industry", amount_fen=7_000_000),
        fact("fupin.funds.allocation_recorded.v1", allocation_id=new_id(), county_code=COUNTY, village_code=code, purpose="other", amount_fen=3_000_000),
    )
    params = {"level": "village", "code": code, "as_of": "2026-11-15"}

    async def listed() -> dict[str, Any]:
        r = await platform.client.get(f"/ledger/v1/monitoring/villages/{code}", params={"as_of": "2026-11-15", "limit": 500}, headers=platform.admin)
        body = r.json()
        assert {h.household_id for h in homes} <= {i["household_id"] for i in body["items"]}
        return body

    api = await eventually(listed)
    rows = sheet_rows((await _export(platform, "early-warning", **params)).content)
    assert [(x["户ID"], x["预警ID"]) for x in rows] == [(h["household_id"], f["flag_id"]) for h in api["items"] for f in h["flags"]]
    assert all(fen(x["监测线（元）"]) == api["line"]["fen"] for x in rows)
    assert {x["预警类型"] for x in rows} >= {"低于监测线", "连续无收入"}

    labels = {"met": "达标", "not_met": "未达标", "no_data": "无数据"}

    async def matrix_is_the_view() -> None:
        # Two reads of a county other tests write to (their allocations move R1): compared until no fact lands between them.
        r = await _export(platform, "indicators", level="county", code=COUNTY, year=2026)
        matrix = {x["村代码"]: x for x in sheet_rows(r.content)}
        view = (await platform.client.get(f"/ledger/v1/views/counties/{COUNTY}/villages", params={"year": 2026}, headers=platform.admin)).json()
        assert set(matrix) == {v["village_code"] for v in view["villages"]}
        for v in view["villages"]:
            assert {i["rule"]: labels[i["status"]] for i in v["indicators"]} == {k: matrix[v["village_code"]][k] for k in (i["rule"] for i in v["indicators"])}
            assert fen(matrix[v["village_code"]]["人均收入（元）"]) == v["per_capita_fen"]

    await eventually(matrix_is_the_view)

    r = await _export(platform, "fund-use", level="county", code=COUNTY, year=2026)
    summary = {x["项目"]: x["数值"] for x in sheet_rows(r.content, 0)}
    # A village's R1 is judged on its county's allocations: its numbers are the county's, its verdict the county's.
    village_r1 = await platform.client.get(f"/ledger/v1/indicators/villages/{code}", params={"year": 2026}, headers=platform.admin)
    r1 = next(i for i in village_r1.json()["indicators"] if i["rule"] == "R1")
    assert fen(summary["专项资金（扣除教育、医疗，元）"]) == r1["numbers"]["net_fen"] and fen(summary["其中产业发展（元）"]) == r1["numbers"]["industry_fen"]
    assert summary["R1 判定（§1.1）"] == labels[r1["status"]]
    assert len(sheet_rows(r.content, 1)) >= 2

    r = await platform.client.get(
        "/ledger/v1/exports/fund-use", params={"format": "csv", "level": "village", "code": code, "year": 2026}, headers=platform.admin
    )
    assert r.status_code == 422 and r.json()["field"] == "level", r.text
