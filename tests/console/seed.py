"""Seed a running platform through its public HTTP API for the console's browser tests.

Two villages of one county, households with members, a three-rights project with quantified
shares, an approved distribution and a subsidy (so households have income of two benefit types),
and a CSV for the import screen with one bad row.
"""

from __future__ import annotations

import csv
import io
import time
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from services.funds.domain import credit_code_check_char
from services.households.imports.columns import HEADERS
from shared.pii import make_citizen_id

COUNTY = "440232"  # 乳源瑶族自治县
VILLAGE_A = "440232105105"
VILLAGE_B = "440232105106"
_keys = iter(range(1, 1_000_000))


def _key(what: str) -> dict[str, str]:
    return {"Idempotency-Key": f"console-seed-{what}-{next(_keys)}"}


class Seeder:
    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=30)
        self.tokens: dict[str, dict[str, str]] = {}

    def as_(self, role: str, scope: str | None = None, subject: str | None = None) -> dict[str, str]:
        key = f"{role}/{scope}/{subject}"
        if key not in self.tokens:
            r = self.http.post("/dev/v1/token", json={"role": role, "scope": scope, "subject": subject})
            assert r.status_code == 200, r.text
            self.tokens[key] = {"Authorization": f"Bearer {r.json()['token']}"}
        return self.tokens[key]

    def post(self, path: str, body: dict[str, Any], *, who: dict[str, str] | None = None, expect: int = 201) -> dict[str, Any]:
        r = self.http.post(path, json=body, headers={**(who or self.as_("city_admin", subject="seed-admin")), **_key(path)})
        assert r.status_code == expect, f"{path}: {r.status_code} {r.text}"
        return r.json()

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.http.get(path, params=params, headers=self.as_("city_admin", subject="seed-admin"))

    def eventually(self, check, what: str, timeout: float = 60.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            time.sleep(0.1)


def seed(base: str, out_dir: Path) -> dict[str, Any]:
    s = Seeder(base)
    today = date.today()
    year = today.year
    # The project's agreement and the distributed periods lie in last year (whole quarters, all
    # ended); the payments are made today, so the income is this year's.
    last = year - 1
    serial = iter(range(500, 999))

    def person(name: str, relation: str, birth: date, sex: str, labour: str) -> dict[str, Any]:
        return {
            "name": name,
            "id_number": make_citizen_id(COUNTY, birth, next(serial)),
            "relation": relation,
            "birth_date": birth.isoformat(),
            "sex": sex,
            "labour_capacity": labour,
        }

    for code, name, township in ((VILLAGE_A, "必背村", "必背镇"), (VILLAGE_B, "王坑村", "必背镇")):
        s.post(
            "/households/v1/villages",
            {"code": code, "name": name, "township_name": township, "categories": ["province_poor"], "characteristic_industry": "tea"},
        )
    families = [
        (
            "A1",
            VILLAGE_A,
            [
                person("邓建国", "head", date(1975, 4, 2), "male", "full"),
                person("陈秀英", "spouse", date(1978, 9, 12), "female", "full"),
                person("邓小明", "child", date(2010, 6, 1), "male", "none"),
            ],
        ),
        ("A2", VILLAGE_A, [person("李桂兰", "head", date(1960, 2, 20), "female", "partial"), person("黄志强", "child", date(1990, 11, 3), "male", "full")]),
        ("A3", VILLAGE_A, [person("张国华", "head", date(1955, 8, 8), "male", "none")]),
        ("B1", VILLAGE_B, [person("刘海燕", "head", date(1982, 1, 30), "female", "full")]),
    ]
    households: dict[str, dict[str, Any]] = {}
    for label, village, members in families:
        number = f"{village}{len(households) + 1:04d}"
        h = s.post(
            "/households/v1/households",
            {"household_number": number, "village_code": village, "registered_on": f"{last}-01-05", "poverty_status": "registered_poor", "members": members},
        )
        households[label] = {"id": h["id"], "number": number, "head": members[0]["name"], "village": village}
    for h in households.values():
        s.eventually(lambda h=h: s.get(f"/funds/v1/households/{h['id']}").status_code == 200, "funds to learn the households")

    first17 = f"93{COUNTY}MA{7_654_321:07d}"
    entity = s.post(
        "/funds/v1/entities",
        {
            "name": "乳源必背茶叶专业合作社",
            "kind": "cooperative",
            "credit_code": first17 + credit_code_check_char(first17),
            "county_code": COUNTY,
            "village_codes": [VILLAGE_A],
        },
    )
    fund = s.post(
        "/funds/v1/funds",
        {"kind": "other_assistance", "name": f"{year}年东莞对口帮扶资金", "county_code": COUNTY, "amount_fen": 100_000_000, "received_on": f"{last}-01-02"},
    )
    allocation = s.post(
        "/funds/v1/allocations",
        {
            "fund_id": fund["id"],
            "village_code": VILLAGE_A,
            "purpose": "industry",
            "recipient_kind": "village_collective",
            "amount_fen": 10_000_000,
            "allocated_on": f"{last}-01-03",
        },
    )
    project = s.post(
        "/funds/v1/projects",
        {
            "name": "必背村茶叶基地",
            "village_code": VILLAGE_A,
            "industry": "tea",
            "area_tenth_mu": 805,
            "contiguous": True,
            "entity_id": entity["id"],
            "led_by": "party_member",
            "funded_by": [{"allocation_id": allocation["id"], "amount_fen": 5_000_000}],
            "agreement": {"signed_on": f"{last - 1}-12-20", "term_start": f"{last}-01-01", "term_end": f"{last + 5}-12-31", "poor_share_bp": 6000},
        },
    )
    for label, units in (("A1", 2), ("A2", 1)):
        s.post(f"/funds/v1/projects/{project['id']}/shares", {"household_id": households[label]["id"], "units": units, "contribution": "funds"})
    d = s.post("/funds/v1/distributions", {"project_id": project["id"], "period": f"{last}-Q1", "total_fen": 300_000, "paid_on": today.isoformat()})
    s.post(f"/funds/v1/distributions/{d['id']}/approve", {}, who=s.as_("city_admin", subject="seed-checker"), expect=200)
    s.post("/funds/v1/subsidies", {"household_id": households["A1"]["id"], "name": "耕地地力保护补贴", "total_fen": 52_050, "paid_on": today.isoformat()})

    def booked() -> bool:
        r = s.get(f"/ledger/v1/households/{households['A1']['id']}/income", year=year)
        return r.status_code == 200 and r.json()["by_type"].get("policy_support", 0) == 52_050 and r.json()["by_type"].get("equity_dividend", 0) > 0

    s.eventually(booked, "the ledger to book the seeded income")

    # The import screen: one good member row and one with a wrong identity number (row 3).
    rows = [HEADERS]
    good_id = make_citizen_id(COUNTY, date(1970, 5, 5), 990)
    bad_id = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")
    base_row = {
        "县(区)": COUNTY,
        "乡镇": "必背镇",
        "村代码": VILLAGE_A,
        "村名": "必背村",
        "户编号": f"{VILLAGE_A}0099",
        "户主姓名": "钟永红",
        "与户主关系": "户主",
        "性别": "男",
        "出生日期": "1970-05-05",
        "劳动能力": "全劳动力",
        "贫困状态": "在册贫困户",
        "登记日期": f"{last}-01-06",
    }
    rows.append([{**base_row, "姓名": "钟永红", "身份证号": good_id}.get(h, "") for h in HEADERS])
    rows.append([{**base_row, "姓名": "钟芳", "身份证号": bad_id, "与户主关系": "子女", "性别": "女"}.get(h, "") for h in HEADERS])
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    import_csv = out_dir / "import-with-error.csv"
    import_csv.write_text(buf.getvalue(), encoding="utf-8")
    check = s.http.post(
        "/households/v1/imports",
        params={"dry_run": "true"},
        files={"file": (import_csv.name, import_csv.read_bytes(), "text/csv")},
        headers={**s.as_("city_admin", subject="seed-admin"), **_key("import")},
    )
    errors = check.json().get("errors", [])
    assert errors and errors[0]["row"] == 3, check.text

    return {
        "base": base,
        "year": year,
        "county": COUNTY,
        "villageA": VILLAGE_A,
        "villageB": VILLAGE_B,
        "households": households,
        "project": {"id": project["id"], "name": project["name"]},
        "fund": {"id": fund["id"], "name": fund["name"]},
        "importCsv": str(import_csv),
        "importError": errors[0],
        "periods": {"seeded": f"{last}-Q1", "proposed": f"{last}-Q2", "r9": f"{last}-Q3"},
    }
