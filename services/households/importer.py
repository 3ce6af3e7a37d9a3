"""Bulk import of villages, households and members from the spreadsheets village and county offices keep.

One row per member, Chinese column headers (``COLUMNS``). The whole file is checked first and
its problems reported as (row, column, value, reason) — the first ``MAX_REPORTED_ERRORS`` of
them, with the total count; only a file without a single problem is applied, in one
transaction, with bulk inserts.

Bounded (issue 11): the route takes at most ``MAX_BODY_BYTES``; the file is read as a stream of
rows (never decoded or split into a list as a whole) and refused with a 413 problem once it
holds more than ``MAX_ROWS`` rows; an .xlsx is opened only when its zip members' declared sizes
add up to at most ``XLSX_MAX_UNCOMPRESSED_BYTES`` (a zip bomb is refused before openpyxl reads
it, and Python's zipfile never inflates a member past its declared size), in read-only mode.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.households import domain
from services.households.models import (
    Household,
    HouseholdBase,
    HouseholdStatus,
    Member,
    MemberBase,
    MemberCapacity,
    Village,
)
from services.households.schemas import ImportProblem, ImportReport, MemberIn
from services.households.service import (
    ID_NUMBER_UNAVAILABLE,
    _taken_hashes,
    check_initial_status,
)
from shared.auth import Principal
from shared.bounds import BIRTH_MIN, DATE_MAX, DATE_MIN, clean_text
from shared.events.households import (
    HouseholdRegistered,
    MemberRegistered,
    VillageRegistered,
)
from shared.ids import new_id
from shared.outbox import emit
from shared.pii import PiiVault, citizen_id_problem, mask_citizen_id, mask_phone
from shared.problems import InvalidInput, PayloadTooLarge
from shared.regions import COUNTIES, county_of, division_code_problem, township_of

# (header, required, what it holds)
COLUMNS: list[tuple[str, bool, str]] = [
    ("县(区)", True, "县级区划名称或 6 位代码，如 乳源瑶族自治县 / 440232"),
    ("乡镇", True, "乡镇名称"),
    ("村代码", True, "12 位统计用区划代码"),
    ("村名", True, "村名称"),
    ("户编号", True, "户编号（同一户的每个成员行相同）"),
    ("户主姓名", True, "户主姓名"),
    ("姓名", True, "成员姓名"),
    ("身份证号", True, "18 位居民身份证号"),
    ("与户主关系", True, "户主 / 配偶 / 子女 / 父母 / 孙子女 / 兄弟姐妹 / 其他"),
    ("性别", True, "男 / 女"),
    ("出生日期", True, "YYYY-MM-DD"),
    ("劳动能力", True, "全劳动力 / 半劳动力 / 无劳动力"),
    ("是否外出务工意愿", False, "是 / 否"),
    ("是否党员", False, "是 / 否"),
    ("是否村干部", False, "是 / 否"),
    ("贫困状态", True, "在册贫困户 / 已脱贫 / 返贫 / 非贫困户"),
    ("脱贫年度", False, "已脱贫户填写，如 2019"),
    ("登记日期", True, "YYYY-MM-DD"),
    ("家庭住址", False, "家庭住址"),
    ("联系电话", False, "成员联系电话（选填），加密保存，仅有权限的角色可见完整号码"),
]
HEADERS = [c[0] for c in COLUMNS]

# Where each field of the API's own models is read from: a member row is checked by ``MemberIn``
# and its household by ``HouseholdBase``, the same declarations (and bounds) the API uses, and
# stored by the same table columns. A field added to either without a column here fails a test.
MEMBER_COLUMNS: dict[str, str] = {
    "name": "姓名",
    "id_number": "身份证号",
    "phone": "联系电话",
    "relation": "与户主关系",
    "birth_date": "出生日期",
    "sex": "性别",
    "labour_capacity": "劳动能力",
    "wishes_to_work_away": "是否外出务工意愿",
    "is_party_member": "是否党员",
    "is_village_cadre": "是否村干部",
}
HOUSEHOLD_COLUMNS: dict[str, str] = {
    "household_number": "户编号",
    "village_code": "村代码",
    "poverty_status": "贫困状态",
    "exit_year": "脱贫年度",
    "registered_on": "登记日期",
    "address": "家庭住址",
}
REQUIRED = [c[0] for c in COLUMNS if c[1]]

EXAMPLE_ROW = [
    "乳源瑶族自治县", "必背镇", "440232100201", "必背村", "4402321002010001", "邓某某", "邓某某",
    "440232198003150013", "户主", "男", "1980-03-15", "全劳动力", "是", "否", "否", "在册贫困户", "", "2026-03-01", "必背村一组12号", "13812345678",
]  # fmt: skip

SEX = {"男": "male", "女": "female", "male": "male", "female": "female"}
RELATION = {
    "户主": "head", "本人": "head", "配偶": "spouse", "妻": "spouse", "夫": "spouse", "妻子": "spouse", "丈夫": "spouse",
    "子女": "child", "子": "child", "女": "child", "儿子": "child", "女儿": "child", "之子": "child", "之女": "child",
    "父母": "parent", "父亲": "parent", "母亲": "parent", "孙子女": "grandchild", "孙子": "grandchild", "孙女": "grandchild",
    "兄弟姐妹": "sibling", "兄弟": "sibling", "姐妹": "sibling", "其他": "other",
}  # fmt: skip
LABOUR = {
    "全劳动力": "full", "普通劳动力": "full", "技能劳动力": "full", "有劳动力": "full",
    "半劳动力": "partial", "弱劳动力": "partial", "部分劳动力": "partial",
    "无劳动力": "none", "丧失劳动力": "none",
}  # fmt: skip
YES_NO = {"是": True, "否": False, "": False, "y": True, "n": False, "yes": True, "no": False, "1": True, "0": False, "true": True, "false": False}
STATUS = {
    "在册贫困户": "registered_poor", "贫困户": "registered_poor", "未脱贫": "registered_poor",
    "已脱贫": "exited", "脱贫": "exited", "返贫": "returned_to_poverty", "非贫困户": "not_poor",
}  # fmt: skip
COUNTY_BY_NAME = {name: code for code, name in COUNTIES.items()}

# The import route's own body limit (the default for other routes is much smaller): a county's
# sheet of 40,000 member rows is about 7.3 MiB as CSV.
MAX_BODY_BYTES = 10 * 1024 * 1024
# Member rows (after the header) one file may hold; more is a 413 problem and nothing is imported.
MAX_ROWS = 50_000
MAX_READ_ROWS = 20 * MAX_ROWS  # rows read at all, blank ones included
# Problems listed in a report; ``error_count`` tells how many there were in all.
MAX_REPORTED_ERRORS = 100
# An .xlsx is a zip: the declared uncompressed sizes of its members, added up, and their number.
XLSX_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
XLSX_MAX_MEMBERS = 1_000
MAX_CELL_CHARS = 1_000  # a cell longer than this is cut before it is checked (and reported as too long)


# ---- reading the file ---------------------------------------------------------------------------


def too_many_rows() -> PayloadTooLarge:
    return PayloadTooLarge(
        f"文件超过 {MAX_ROWS} 行成员记录，请分批导入",
        detail_en=f"the file holds more than {MAX_ROWS} member rows; import it in parts",
        field="file",
        code="import_too_many_rows",
        max_rows=MAX_ROWS,
    )


def _is_xlsx(filename: str, stream: IO[bytes]) -> bool:
    stream.seek(0)
    magic = stream.read(2)
    stream.seek(0)
    return magic == b"PK" or filename.lower().endswith(".xlsx")


def _xlsx_rows(stream: IO[bytes]) -> Iterator[list[Any]]:
    try:
        archive = zipfile.ZipFile(stream)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InvalidInput("无法读取 Excel 文件（须为 .xlsx）", detail_en="cannot read the Excel file (.xlsx expected)", field="file") from None
    declared = sum(m.file_size for m in members)
    if len(members) > XLSX_MAX_MEMBERS or declared > XLSX_MAX_UNCOMPRESSED_BYTES:
        raise PayloadTooLarge(
            f"Excel 文件解压后超过 {XLSX_MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB",
            detail_en=f"the .xlsx would inflate to {declared} bytes in {len(members)} parts; at most {XLSX_MAX_UNCOMPRESSED_BYTES} bytes",
            field="file",
            code="xlsx_too_large",
        )
    stream.seek(0)
    from openpyxl import load_workbook

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001  # openpyxl raises many kinds of error on a malformed file; each is a 422
        raise InvalidInput("无法读取 Excel 文件（须为 .xlsx）", detail_en="cannot read the Excel file (.xlsx expected)", field="file") from None
    try:
        for r in book.worksheets[0].iter_rows(values_only=True):
            yield list(r)
    finally:
        book.close()


def _encoding(stream: IO[bytes]) -> str:
    """UTF-8 (with or without BOM) when the whole stream decodes as such, else GB18030; read in chunks."""
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := stream.read(1 << 16):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "gb18030"
    stream.seek(0)
    return encoding


def _csv_rows(stream: IO[bytes]) -> Iterator[list[Any]]:
    text = io.TextIOWrapper(stream, encoding=_encoding(stream), errors="replace", newline="")  # type: ignore[arg-type]
    try:
        yield from csv.reader(text)
    except csv.Error as exc:
        raise InvalidInput(f"CSV 格式无效：{exc}", detail_en=f"invalid CSV: {exc}", field="file") from None
    finally:
        text.detach()


def read_rows(filename: str, content: bytes | IO[bytes]) -> Iterator[list[Any]]:
    """The sheet as a stream of rows of cells (header first), from CSV (UTF-8 with or without BOM, or GB18030) or .xlsx.

    Raises the 413 problem ``too_many_rows`` while reading row ``MAX_ROWS + 2``.
    """
    stream: IO[bytes] = io.BytesIO(content) if isinstance(content, bytes) else content
    rows = _xlsx_rows(stream) if _is_xlsx(filename, stream) else _csv_rows(stream)
    filled = 0
    for n, row in enumerate(rows):
        # Blank rows (a sheet's formatted but empty tail) are not members, but are not free either.
        if any(v is not None and str(v).strip() for v in row):
            filled += 1
        if filled > MAX_ROWS + 1 or n > MAX_READ_ROWS:
            raise too_many_rows()
        yield row


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value)[:MAX_CELL_CHARS].strip()


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    try:  # the common case, and much faster than strptime
        return date.fromisoformat(text) if len(text) == 10 else None if not text else _parse_date(text)
    except ValueError:
        return _parse_date(text)


def _parse_date(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _shown(column: str, value: str) -> str:
    """Never echo a full identity number (nor a phone number) in a report."""
    if column == "身份证号" and value:
        return mask_citizen_id(value) if len(value) >= 10 else "*" * len(value)
    if column == "联系电话" and value:
        return mask_phone(value)
    return value


# ---- checking -----------------------------------------------------------------------------------


@dataclass
class Plan:
    villages: dict[str, dict[str, Any]] = field(default_factory=dict)  # new villages only
    households: dict[str, dict[str, Any]] = field(default_factory=dict)  # by household number
    members: list[dict[str, Any]] = field(default_factory=list)
    errors: list[ImportProblem] = field(default_factory=list)  # the first MAX_REPORTED_ERRORS
    error_count: int = 0  # all of them
    rows: int = 0
    numbers: set[str] = field(default_factory=set)  # every household number seen

    def error(self, row: int, column: str | None, value: Any, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            shown = _shown(column or "", _text(value)) if value is not None else None
            self.errors.append(ImportProblem(row=row, column=column, value=shown, reason=reason))


M = TypeVar("M", bound=BaseModel)


def _validated(plan: Plan, rowno: int, model: type[M], values: dict[str, Any], columns: dict[str, str]) -> M | None:
    """``values`` checked by the API's own model; each problem is reported against the column it came from."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else ""
            column = columns.get(name)
            plan.error(rowno, column, values.get(name), f"「{column or name}」无效：{error['msg']}")
        return None


async def check(session: AsyncSession, principal: Principal, vault: PiiVault, rows: Iterator[list[Any]] | list[list[Any]], *, today: date) -> Plan:
    plan = Plan()
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        plan.error(1, None, None, "文件为空：第 1 行须为表头")
        return plan
    header = [_text(h) for h in first]
    index = {h: i for i, h in enumerate(header) if h}
    for column in REQUIRED:
        if column not in index:
            plan.error(1, column, None, f"缺少必填列「{column}」")
    if plan.error_count:
        return plan

    def cell(raw: list[Any], column: str) -> Any:
        i = index.get(column)
        return raw[i] if i is not None and i < len(raw) else None

    seen_ids: dict[str, int] = {}
    village_names: dict[str, tuple[str, str, int]] = {}
    by_household: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for offset, raw in enumerate(rows):
        rowno = offset + 2
        if all(_text(v) == "" for v in raw):
            continue
        plan.rows += 1
        before = plan.error_count
        values = {c: _text(cell(raw, c)) for c in HEADERS}
        if values["户编号"]:
            plan.numbers.add(values["户编号"])
        for column in REQUIRED:
            if values[column] == "":
                plan.error(rowno, column, "", f"「{column}」为必填")
        if plan.error_count > before:
            continue
        record: dict[str, Any] = {"row": rowno}
        code = values["村代码"]
        problem = division_code_problem(code)
        if problem:
            plan.error(rowno, "村代码", code, f"村代码无效：{problem}")
        else:
            county = values["县(区)"]
            county_code = county if county.isdigit() else COUNTY_BY_NAME.get(county)
            if county_code != county_of(code):
                plan.error(rowno, "县(区)", county, f"县(区)与村代码不符（村代码属于 {COUNTIES.get(county_of(code), county_of(code))}）")
            if not principal.region_allows(code):
                plan.error(rowno, "村代码", code, "超出您的管辖范围")
            first = village_names.setdefault(code, (values["村名"], values["乡镇"], rowno))
            if first[0] != values["村名"]:
                plan.error(rowno, "村名", values["村名"], f"同一村代码的村名与第 {first[2]} 行不一致")
        record["village_code"] = code
        id_number = values["身份证号"].upper()
        id_problem = citizen_id_problem(id_number)
        if id_problem:
            plan.error(rowno, "身份证号", id_number, f"身份证号无效：{id_problem}")
        elif id_number in seen_ids:
            plan.error(rowno, "身份证号", id_number, f"身份证号与第 {seen_ids[id_number]} 行重复")
        else:
            seen_ids[id_number] = rowno
        record["id_number"] = id_number
        for column, mapping, key in (("性别", SEX, "sex"), ("与户主关系", RELATION, "relation"), ("劳动能力", LABOUR, "labour_capacity"), ("贫困状态", STATUS, "poverty_status")):
            mapped = mapping.get(values[column])
            if mapped is None:
                allowed = " / ".join(k for k in mapping if not k.isascii())
                plan.error(rowno, column, values[column], f"取值无效，可填：{allowed}")
            record[key] = mapped
        for column, key in (("是否外出务工意愿", "wishes_to_work_away"), ("是否党员", "is_party_member"), ("是否村干部", "is_village_cadre")):
            flag = YES_NO.get(values[column].lower())
            if flag is None:
                plan.error(rowno, column, values[column], "取值无效，可填：是 / 否")
            record[key] = bool(flag)
        birth = _date(cell(raw, "出生日期"))
        if birth is None:
            plan.error(rowno, "出生日期", values["出生日期"], "日期格式无效，应为 YYYY-MM-DD")
        elif birth > today:
            plan.error(rowno, "出生日期", values["出生日期"], "出生日期不能晚于今天")
        elif birth < BIRTH_MIN:
            plan.error(rowno, "出生日期", values["出生日期"], f"出生日期不能早于 {BIRTH_MIN.isoformat()}")
        elif not id_problem and id_number[6:14] != birth.strftime("%Y%m%d"):
            plan.error(rowno, "出生日期", values["出生日期"], "出生日期与身份证号不符")
        record["birth_date"] = birth
        registered = _date(cell(raw, "登记日期"))
        if registered is None:
            plan.error(rowno, "登记日期", values["登记日期"], "日期格式无效，应为 YYYY-MM-DD")
        elif registered > today:
            plan.error(rowno, "登记日期", values["登记日期"], "登记日期不能晚于今天")
        elif not DATE_MIN <= registered <= DATE_MAX:
            plan.error(rowno, "登记日期", values["登记日期"], f"登记日期须在 {DATE_MIN.isoformat()} 至 {DATE_MAX.isoformat()} 之间")
        record["registered_on"] = registered
        exit_year: int | None = None
        if values["脱贫年度"]:
            if values["脱贫年度"].isdigit():
                exit_year = int(values["脱贫年度"])
            else:
                plan.error(rowno, "脱贫年度", values["脱贫年度"], "脱贫年度须为 4 位年份")
        record["exit_year"] = exit_year
        if record["poverty_status"] and registered is not None:
            try:
                check_initial_status(record["poverty_status"], exit_year, registered)
            except InvalidInput as exc:
                plan.error(rowno, "脱贫年度", values["脱贫年度"], exc.detail or "脱贫年度不合理")
        for column, limit in (("户编号", 40), ("姓名", 50), ("户主姓名", 50), ("村名", 100), ("乡镇", 100), ("家庭住址", 300)):
            if len(values[column]) > limit:
                plan.error(rowno, column, values[column][:50], f"「{column}」过长（最多 {limit} 个字符）")
            elif values[column]:
                try:  # the API's rules for names: NFC, no control or bidirectional-override characters
                    clean = clean_text(values[column])
                except ValueError as exc:
                    plan.error(rowno, column, values[column][:50], f"「{column}」含不允许的字符（{exc}）")
                else:
                    values[column] = clean
        record["name"] = values["姓名"]
        record["head_name"] = values["户主姓名"]
        record["address"] = values["家庭住址"] or None
        record["household_number"] = values["户编号"]
        record["phone"] = values["联系电话"] or None
        if plan.error_count == before:
            # What the API itself would accept for this member and household (e.g. a phone number).
            record["member"] = _validated(plan, rowno, MemberIn, {f: record[f] for f in MEMBER_COLUMNS}, MEMBER_COLUMNS)
            record["household"] = _validated(plan, rowno, HouseholdBase, {f: record[f] for f in HOUSEHOLD_COLUMNS}, HOUSEHOLD_COLUMNS)
        if plan.error_count == before:
            by_household[values["户编号"]].append(record)

    # Household-level consistency: every row of a household agrees, and it has exactly one head.
    for number, members in by_household.items():
        first = members[0]
        for m in members[1:]:
            for key, column in (("village_code", "村代码"), ("poverty_status", "贫困状态"), ("registered_on", "登记日期"), ("address", "家庭住址"), ("head_name", "户主姓名"), ("exit_year", "脱贫年度")):
                if m[key] != first[key]:
                    plan.error(m["row"], column, m[key] if not isinstance(m[key], date) else m[key].isoformat(), f"同一户编号的「{column}」与第 {first['row']} 行不一致")
        heads = [m for m in members if m["relation"] == "head"]
        if len(heads) != 1:
            plan.error(first["row"], "与户主关系", None, f"户 {number} 须有且只有一名户主（现有 {len(heads)} 名）")
        elif heads[0]["name"] != first["head_name"]:
            plan.error(heads[0]["row"], "户主姓名", first["head_name"], "户主姓名与户主行的姓名不一致")

    # Against the registry: villages, household numbers and identity numbers already there.
    codes = sorted(village_names)
    known: dict[str, str] = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        known.update({code: name for code, name in (await session.execute(select(Village.code, Village.name).where(Village.code.in_(chunk)))).all()})
    for code, (name, township, rowno) in village_names.items():
        if code in known:
            if known[code] != name:
                plan.error(rowno, "村名", name, f"村名与已登记的「{known[code]}」不一致")
        elif not division_code_problem(code):
            plan.villages[code] = {"code": code, "name": name, "township_name": township}
    numbers = list(by_household)
    existing: set[str] = set()
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        existing.update((await session.execute(select(Household.household_number).where(Household.household_number.in_(chunk)))).scalars())
    for number in existing:
        plan.error(by_household[number][0]["row"], "户编号", number, "户编号已登记")
    all_members = [m for ms in by_household.values() for m in ms]
    for m in all_members:
        m["id_hash"] = vault.lookup_hash(m["id_number"])
    taken = await _taken_hashes(session, [m["id_hash"] for m in all_members])
    for m in all_members:
        if m["id_hash"] in taken:
            # The same words whoever's region the person is registered in (see service.ID_NUMBER_UNAVAILABLE).
            plan.error(m["row"], "身份证号", m["id_number"], f"该行无法导入：{ID_NUMBER_UNAVAILABLE}")
    plan.errors.sort(key=lambda e: (e.row, HEADERS.index(e.column) if e.column in HEADERS else -1))
    if not plan.error_count:
        for number, members in by_household.items():
            plan.households[number] = members[0]
        plan.members = all_members
    return plan


# ---- applying -----------------------------------------------------------------------------------


async def apply(session: AsyncSession, vault: PiiVault, plan: Plan) -> None:
    """Bulk-insert the checked plan and record its facts (village, household, member registered)."""
    village_rows = [
        {"code": v["code"], "name": v["name"], "township_code": township_of(v["code"]), "township_name": v["township_name"],
         "county_code": county_of(v["code"]), "categories": [], "helpers": []}
        for v in plan.villages.values()
    ]  # fmt: skip
    household_ids = {number: new_id() for number in plan.households}
    household_rows = [{**h["household"].model_dump(), "id": household_ids[n]} for n, h in plan.households.items()]
    member_fields = set(MemberBase.model_fields)
    status_rows = [
        {"id": new_id(), "household_id": r["id"], "poverty_status": r["poverty_status"], "effective_on": r["registered_on"], "exit_year": r["exit_year"]}
        for r in household_rows
    ]
    member_rows = []
    for m in plan.members:
        given: MemberIn = m["member"]
        member_rows.append(
            {
                **given.model_dump(include=member_fields),
                "id": new_id(),
                "household_id": household_ids[m["household_number"]],
                "id_number_hash": m["id_hash"],
                "current_id_hash": m["id_hash"],
                "id_number_cipher": vault.encrypt(given.id_number),
                "phone_cipher": vault.encrypt(given.phone) if given.phone else None,
                "joined_on": m["registered_on"],
            }
        )
    capacity_rows = [{"id": new_id(), "member_id": r["id"], "labour_capacity": r["labour_capacity"], "effective_on": r["joined_on"]} for r in member_rows]
    for model, rows in ((Village, village_rows), (Household, household_rows), (HouseholdStatus, status_rows), (Member, member_rows), (MemberCapacity, capacity_rows)):
        for start in range(0, len(rows), 5000):
            await session.execute(insert(model), rows[start : start + 5000])

    for v in village_rows:
        emit(session, VillageRegistered(village_code=v["code"], name=v["name"], township_code=v["township_code"], county_code=v["county_code"], township_name=v["township_name"]))
    members_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in member_rows:
        members_of[r["household_id"]].append(r)
    for h in household_rows:
        members = members_of[h["id"]]
        emit(
            session,
            HouseholdRegistered(
                household_id=h["id"],
                household_number=h["household_number"],
                village_code=h["village_code"],
                poverty_status=h["poverty_status"],
                registered_on=h["registered_on"],
                member_count=len(members),
                labour_count=sum(1 for m in members if m["labour_capacity"] in domain.WITH_LABOUR),
            ),
        )
        for m in members:
            emit(
                session,
                MemberRegistered(
                    member_id=m["id"],
                    household_id=h["id"],
                    village_code=h["village_code"],
                    name=m["name"],
                    birth_year=m["birth_date"].year,
                    sex=m["sex"],
                    labour_capacity=m["labour_capacity"],
                    wishes_to_work_away=m["wishes_to_work_away"],
                    is_party_member=m["is_party_member"],
                    is_village_cadre=m["is_village_cadre"],
                    joined_on=m["joined_on"],
                    relation=m["relation"],
                ),
            )


async def run_import(
    session: AsyncSession, principal: Principal, vault: PiiVault, *, filename: str, content: bytes | IO[bytes], dry_run: bool, today: date
) -> ImportReport:
    plan = await check(session, principal, vault, read_rows(filename, content), today=today)
    report = ImportReport(
        dry_run=dry_run,
        valid=not plan.error_count,
        applied=False,
        rows=plan.rows,
        villages_new=len(plan.villages),
        households=len(plan.households) if not plan.error_count else len(plan.numbers),
        members=len(plan.members) if not plan.error_count else plan.rows,
        errors=plan.errors,
        error_count=plan.error_count,
    )
    if plan.error_count and not dry_run:
        raise InvalidInput(
            f"导入文件有 {plan.error_count} 处错误，未导入任何数据",
            detail_en=f"the file has {plan.error_count} problems; nothing was imported",
            field="file",
            code="import_rejected",
            errors=[e.model_dump() for e in plan.errors],
            error_count=plan.error_count,
            report=report.model_dump(mode="json"),
        )
    if not dry_run:
        await apply(session, vault, plan)
        report.applied = True
    return report


# ---- the template -------------------------------------------------------------------------------


def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerow(EXAMPLE_ROW)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "户籍成员"
    sheet.append(HEADERS)
    sheet.append(EXAMPLE_ROW)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for col in sheet.columns:
        sheet.column_dimensions[col[0].column_letter].width = 16
    notes = book.create_sheet("填写说明")
    notes.append(["列", "是否必填", "填写说明"])
    for header, required, what in COLUMNS:
        notes.append([header, "必填" if required else "选填", what])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
