"""Bulk import (issue 4, item 4): template, dry run, row-by-row error report, all or nothing, CSV and .xlsx."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import Workbook, load_workbook

from services.households.imports.columns import HEADERS, HOUSEHOLD_COLUMNS, MEMBER_COLUMNS
from services.households.registry.schemas import HouseholdIn, MemberIn
from tests.helpers import citizen_id, unique_number, village_code
from tests.households.support import V1, make_household, make_village, member, outbox_count, outbox_events

COUNTY = "440281"  # 乐昌市


def row(
    village: str,
    number: str,
    *,
    name: str,
    relation: str = "户主",
    head: str | None = None,
    id_number: str | None = None,
    birth: date | None = None,
    **over: str,
) -> dict[str, str]:
    id_number = id_number or citizen_id(COUNTY, birth)
    birth = birth or date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    values = {
        "县(区)": "乐昌市",
        "乡镇": "坪石镇",
        "村代码": village,
        "村名": "导入村",
        "户编号": number,
        "户主姓名": head or name,
        "姓名": name,
        "身份证号": id_number,
        "与户主关系": relation,
        "性别": "男",
        "出生日期": birth.isoformat(),
        "劳动能力": "全劳动力",
        "是否外出务工意愿": "是",
        "是否党员": "否",
        "是否村干部": "否",
        "贫困状态": "在册贫困户",
        "脱贫年度": "",
        "登记日期": "2026-02-01",
        "家庭住址": "一组1号",
        "联系电话": "",
    }
    values.update(over)
    return values


def as_csv(rows: list[dict[str, str]], *, bom: bool = True) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADERS)
    writer.writeheader()
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def as_xlsx(rows: list[dict[str, str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for r in rows:
        sheet.append([date.fromisoformat(r[h]) if h in ("出生日期", "登记日期") else r[h] for h in HEADERS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def upload(platform, content: bytes, *, dry_run: bool, filename: str = "户籍.csv", headers=None):
    return await platform.client.post(
        f"{V1}/imports", params={"dry_run": str(dry_run).lower()}, files={"file": (filename, content)}, headers=headers or platform.admin
    )


def family(village: str) -> tuple[str, list[dict[str, str]]]:
    number = unique_number("IMP")
    return number, [
        row(village, number, name="黄大"),
        row(village, number, name="李二", relation="配偶", head="黄大", 性别="女", 劳动能力="半劳动力", birth=date(1978, 1, 2)),
        row(village, number, name="黄三", relation="子女", head="黄大", 劳动能力="无劳动力", 是否外出务工意愿="否", birth=date(2012, 9, 9)),
    ]


async def test_template_has_the_chinese_headers_in_csv_and_xlsx(platform):
    r = await platform.client.get(f"{V1}/imports/template", params={"format": "csv"}, headers=platform.admin)
    assert r.status_code == 200 and r.content.startswith("\ufeff".encode())
    header = next(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert header == HEADERS and "身份证号" in header and "劳动能力" in header
    r = await platform.client.get(f"{V1}/imports/template", params={"format": "xlsx"}, headers=platform.admin)
    book = load_workbook(io.BytesIO(r.content), read_only=True)
    assert [c.value for c in next(book.worksheets[0].iter_rows(max_row=1))] == HEADERS
    assert book.sheetnames[1] == "填写说明"


async def test_dry_run_reports_and_writes_nothing_then_import_applies_csv(platform):
    village = village_code(COUNTY)
    number, rows = family(village)
    before = await outbox_count(platform)
    r = await upload(platform, as_csv(rows), dry_run=True)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["valid"] is True and report["applied"] is False and report["errors"] == []
    assert (report["rows"], report["households"], report["members"], report["villages_new"]) == (3, 1, 3, 1)
    assert await outbox_count(platform) == before
    assert (await platform.client.get(f"{V1}/villages/{village}", headers=platform.admin)).status_code == 404

    r = await upload(platform, as_csv(rows, bom=False), dry_run=False)
    assert r.status_code == 201, r.text
    assert r.json()["applied"] is True
    listed = (await platform.client.get(f"{V1}/households", params={"village": village}, headers=platform.admin)).json()["items"]
    assert [h["household_number"] for h in listed] == [number]
    assert (listed[0]["household_size"], listed[0]["labour_count"]) == (3, 2)
    hh = (await platform.client.get(f"{V1}/households/{listed[0]['id']}", headers=platform.admin)).json()
    assert {m["name"]: (m["relation"], m["labour_capacity"], m["sex"]) for m in hh["members"]} == {
        "黄大": ("head", "full", "male"),
        "李二": ("spouse", "partial", "female"),
        "黄三": ("child", "none", "male"),
    }
    assert hh["address"] == "一组1号" and hh["registered_on"] == "2026-02-01"
    registered = await outbox_events(platform, "household_registered", subject=listed[0]["id"])
    assert registered[0]["data"]["member_count"] == 3 and registered[0]["data"]["labour_count"] == 2
    assert (await outbox_events(platform, "village_registered", subject=village))[0]["data"]["name"] == "导入村"


async def test_xlsx_import_applies(platform):
    village = village_code(COUNTY)
    number, rows = family(village)
    r = await upload(platform, as_xlsx(rows), dry_run=False, filename="户籍.xlsx")
    assert r.status_code == 201, r.text
    listed = (await platform.client.get(f"{V1}/households", params={"village": village}, headers=platform.admin)).json()["items"]
    assert [h["household_number"] for h in listed] == [number] and listed[0]["household_size"] == 3


async def test_error_report_names_row_column_value_reason_and_nothing_is_applied(platform):
    existing_village = await make_village(platform, county=COUNTY)
    taken = member(county=COUNTY)
    await make_household(platform, existing_village, members=[taken])
    village = village_code(COUNTY)
    good_number, good = family(village)
    bad_number = unique_number("IMP")
    dup = citizen_id(COUNTY, date(1990, 1, 1))
    future = date.today().replace(year=date.today().year + 1)
    rows = good + [
        row(village, bad_number, name="周一", id_number=dup, birth=date(1990, 1, 1)),  # row 5
        row(village, bad_number, name="周二", relation="配偶", head="周一", id_number=dup, birth=date(1990, 1, 1)),  # row 6: duplicate id
        row(village, bad_number, name="周三", relation="子女", head="周一", 出生日期=future.isoformat()),  # row 7: future birth
        row("440281000001", unique_number("IMP"), name="吴某"),  # row 8: invalid code
        row(village, unique_number("IMP"), name="郑某", 劳动能力="很能干"),  # row 9: unknown value
        row(existing_village, unique_number("IMP"), name="某某", id_number=taken["id_number"]),  # row 10: in another household
    ]
    before = await outbox_count(platform)
    r = await upload(platform, as_csv(rows), dry_run=False)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["field"] == "file" and body["code"] == "import_rejected"
    errors = {(e["row"], e["column"]): e for e in body["errors"]}
    assert (6, "身份证号") in errors and "第 5 行" in errors[(6, "身份证号")]["reason"]
    assert (7, "出生日期") in errors
    assert (8, "村代码") in errors and errors[(8, "村代码")]["value"] == "440281000001"
    assert (9, "劳动能力") in errors and errors[(9, "劳动能力")]["value"] == "很能干"
    assert (10, "身份证号") in errors
    # Identity numbers are never echoed in full.
    assert dup not in r.text and taken["id_number"] not in r.text
    assert errors[(6, "身份证号")]["value"] == dup[:6] + "********" + dup[-4:]
    assert all(e["row"] >= 5 for e in body["errors"])  # the good family has no problem
    assert await outbox_count(platform) == before
    listed = (await platform.client.get(f"{V1}/households", params={"village": village}, headers=platform.admin)).json()["items"]
    assert listed == []

    dry = await upload(platform, as_csv(rows), dry_run=True)
    assert dry.status_code == 200 and dry.json()["valid"] is False
    assert {(e["row"], e["column"]) for e in dry.json()["errors"]} == set(errors)


async def test_household_rows_must_agree_and_have_one_head(platform):
    village = village_code(COUNTY)
    number = unique_number("IMP")
    rows = [
        row(village, number, name="甲"),
        row(village, number, name="乙", relation="配偶", head="甲", 登记日期="2026-03-01"),
        row(village, unique_number("IMP"), name="丙", relation="子女", head="丙"),
    ]
    r = await upload(platform, as_csv(rows), dry_run=True)
    keys = {(e["row"], e["column"]) for e in r.json()["errors"]}
    assert (3, "登记日期") in keys and (4, "与户主关系") in keys


async def test_missing_required_column_is_reported_on_the_header_row(platform):
    content = "\ufeff村代码,户编号,姓名\n440281100101,H1,某\n".encode()
    r = await upload(platform, content, dry_run=True)
    assert r.status_code == 200
    errors = r.json()["errors"]
    assert errors and all(e["row"] == 1 for e in errors)
    assert "身份证号" in {e["column"] for e in errors}


async def test_import_outside_scope_is_reported_and_auditor_may_not_import(platform):
    village = village_code(COUNTY)
    _, rows = family(village)
    officer = platform.as_("county_officer", "440203")
    r = await upload(platform, as_csv(rows), dry_run=True, headers=officer)
    assert r.status_code == 200 and {e["column"] for e in r.json()["errors"]} == {"村代码"}
    assert (await upload(platform, as_csv(rows), dry_run=False, headers=officer)).status_code == 422
    assert (await upload(platform, as_csv(rows), dry_run=True, headers=platform.as_("auditor"))).status_code == 403


async def test_overlong_cells_are_reported_not_failed_on(platform):
    village = village_code(COUNTY)
    number, rows = family(village)
    rows[0]["家庭住址"] = "很" * 301
    for r in rows:
        r["家庭住址"] = rows[0]["家庭住址"]
    r = await upload(platform, as_csv(rows), dry_run=False)
    assert r.status_code == 422
    assert (2, "家庭住址") in {(e["row"], e["column"]) for e in r.json()["errors"]}


async def test_template_example_row_passes_the_dry_run(platform):
    r = await platform.client.get(f"{V1}/imports/template", params={"format": "csv"}, headers=platform.admin)
    header, example = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    values = dict(zip(header, example, strict=True))
    # Fresh registry keys, so the check is about the example's values, not about earlier tests' data.
    values |= {
        "村代码": village_code(values["村代码"][:6]),
        "户编号": unique_number("TPL"),
        "身份证号": citizen_id(values["村代码"][:6], date.fromisoformat(values["出生日期"])),
    }
    report = (await upload(platform, as_csv([values]), dry_run=True)).json()
    assert report["valid"] is True, report["errors"]
    assert report["households"] == 1 and report["members"] == 1


# ---- bounded resources (issue 11) --------------------------------------------------------------


async def test_a_file_over_the_row_cap_is_a_413_saying_so_and_writes_nothing(platform):
    from services.households.imports.sheet import MAX_ROWS

    before = await outbox_count(platform)
    # A large generated CSV: one row more than the cap (short rows, so the body stays small).
    body = ",".join(HEADERS).encode() + b"\n" + b"H1\n" * (MAX_ROWS + 1)
    r = await upload(platform, body, dry_run=True)
    assert r.status_code == 413, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "import_too_many_rows" and r.json()["max_rows"] == MAX_ROWS and str(MAX_ROWS) in r.json()["detail"]
    assert (await upload(platform, body, dry_run=False)).status_code == 413
    assert await outbox_count(platform) == before


async def test_a_large_file_reports_the_first_hundred_problems_and_counts_them_all(platform):
    from services.households.imports.check import MAX_REPORTED_ERRORS

    village = village_code(COUNTY)
    rows = [row(village, unique_number("BAD"), name=f"错{i}", 劳动能力="很能干") for i in range(3000)]
    r = await upload(platform, as_csv(rows), dry_run=True)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["valid"] is False and report["rows"] == 3000
    assert report["error_count"] == 3000 and len(report["errors"]) == MAX_REPORTED_ERRORS
    assert [e["row"] for e in report["errors"]] == list(range(2, 2 + MAX_REPORTED_ERRORS))
    rejected = await upload(platform, as_csv(rows), dry_run=False)
    assert rejected.status_code == 422 and rejected.json()["error_count"] == 3000 and len(rejected.json()["errors"]) == MAX_REPORTED_ERRORS


async def test_an_import_body_over_ten_mib_is_a_413_problem(platform):
    from services.households.imports.sheet import MAX_BODY_BYTES

    r = await upload(platform, b"x" * (MAX_BODY_BYTES + 1), dry_run=True)
    assert r.status_code == 413, r.text[:300]
    assert r.headers["content-type"].startswith("application/problem+json")


async def test_an_xlsx_that_would_inflate_past_its_limit_is_refused_before_it_is_opened(platform):
    import zipfile

    from services.households.imports.sheet import XLSX_MAX_UNCOMPRESSED_BYTES

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (XLSX_MAX_UNCOMPRESSED_BYTES + 1))
    assert len(out.getvalue()) < 1024 * 1024  # a small upload
    r = await upload(platform, out.getvalue(), dry_run=True, filename="户籍.xlsx")
    assert r.status_code == 413 and r.json()["code"] == "xlsx_too_large", r.text


async def test_an_xlsx_over_the_row_cap_is_a_413(platform, monkeypatch):
    from services.households.imports import sheet

    monkeypatch.setattr(sheet, "MAX_ROWS", 5)
    village = village_code(COUNTY)
    rows = [r for _ in range(2) for r in family(village)[1]]
    r = await upload(platform, as_xlsx(rows), dry_run=True, filename="户籍.xlsx")
    assert r.status_code == 413 and r.json()["code"] == "import_too_many_rows", r.text


async def test_a_dry_run_never_tells_whether_a_person_outside_the_scope_is_registered(platform):
    """County A's officer learns the same about a county B person as about one of A's own: only that the row cannot be imported."""
    village_a = await make_village(platform, county=COUNTY)
    village_b = await make_village(platform, county="440233")
    person_b = member(county="440233", birth=date(1979, 7, 7))
    person_a = member(county=COUNTY, birth=date(1979, 7, 8))
    await make_household(platform, village_b, members=[person_b])
    await make_household(platform, village_a, members=[person_a])
    officer_a = platform.as_("county_officer", COUNTY)
    theirs = row(village_a, unique_number("LEAK"), name="外县人", id_number=person_b["id_number"])
    ours = row(village_a, unique_number("LEAK"), name="本县人", id_number=person_a["id_number"])
    r = await upload(platform, as_csv([theirs, ours]), dry_run=True, headers=officer_a)
    assert r.status_code == 200, r.text
    by_row = {e["row"]: e for e in r.json()["errors"] if e["column"] == "身份证号"}
    assert set(by_row) == {2, 3}
    assert by_row[2]["reason"] == by_row[3]["reason"]
    assert "在册" not in by_row[2]["reason"] and "成员" not in by_row[2]["reason"]  # it does not say the person is registered
    reasons = " ".join(e["reason"] for e in r.json()["errors"])
    assert village_b not in r.text and "440233" not in reasons and "乳源" not in reasons, r.json()["errors"]


async def test_names_with_control_characters_are_reported_in_an_import(platform):
    village = village_code(COUNTY)
    number, rows = family(village)
    rows[1]["姓名"] = "李\u202e二"
    r = await upload(platform, as_csv(rows), dry_run=True)
    assert (3, "姓名") in {(e["row"], e["column"]) for e in r.json()["errors"]}


async def test_a_registration_date_before_the_registry_began_is_reported(platform):
    village = village_code(COUNTY)
    number, rows = family(village)
    for x in rows:
        x["登记日期"] = "0001-01-01"
    r = await upload(platform, as_csv(rows), dry_run=True)
    assert (2, "登记日期") in {(e["row"], e["column"]) for e in r.json()["errors"]}


def test_the_importer_reads_every_field_the_api_takes_for_a_member_and_a_household():
    # The member phone once reached the API but not the importer: a field added to the shared
    # bases (models.MemberBase / HouseholdBase) or to the create models now needs its column here.
    assert set(MEMBER_COLUMNS) == set(MemberIn.model_fields)
    assert set(HOUSEHOLD_COLUMNS) == set(HouseholdIn.model_fields) - {"members"}
    assert set(MEMBER_COLUMNS.values()) | set(HOUSEHOLD_COLUMNS.values()) <= set(HEADERS)


async def test_imported_phone_is_stored_encrypted_and_shown_in_full_or_masked_by_role(platform):
    village = village_code(COUNTY)
    _, rows = family(village)
    rows[0]["联系电话"] = "138-1234-5678"
    r = await upload(platform, as_csv(rows), dry_run=False)
    assert r.status_code == 201, r.text
    [listed] = (await platform.client.get(f"{V1}/households", params={"village": village}, headers=platform.admin)).json()["items"]
    full = (await platform.client.get(f"{V1}/households/{listed['id']}", headers=platform.admin)).json()
    phones = {m["name"]: m["phone"] for m in full["members"]}
    assert phones == {"黄大": "13812345678", "李二": None, "黄三": None}  # normalised as the API normalises it
    officer = platform.as_("county_officer", COUNTY)
    masked = (await platform.client.get(f"{V1}/households/{listed['id']}", headers=officer)).json()
    assert {m["name"]: m["phone"] for m in masked["members"]}["黄大"] == "138****5678"
    ctx = platform.context("households")
    table = ctx.spec.metadata.tables["member"]
    async with ctx.engine.connect() as conn:
        stored = (await conn.execute(table.select().where(table.c.household_id == listed["id"], table.c.name == "黄大"))).one()
    assert stored.phone_cipher and "5678" not in stored.phone_cipher


async def test_an_import_row_with_a_phone_the_api_would_refuse_is_reported_masked_and_nothing_is_applied(platform):
    village = village_code(COUNTY)
    _, rows = family(village)
    rows[1]["联系电话"] = "12ab345678"
    before = await outbox_count(platform)
    r = await upload(platform, as_csv(rows), dry_run=True)
    report = r.json()
    assert r.status_code == 200 and report["valid"] is False, r.text
    [problem] = report["errors"]
    assert (problem["row"], problem["column"]) == (3, "联系电话") and "12ab345678" not in problem["value"]
    r = await upload(platform, as_csv(rows), dry_run=False)
    assert r.status_code == 422 and r.json()["code"] == "import_rejected"
    assert await outbox_count(platform) == before
