"""Checking a sheet: every problem as (row, column, value, reason), against the file itself and the registry.

The whole file is checked first and its problems reported — the first ``MAX_REPORTED_ERRORS`` of
them, with the total count; only a file without a single problem is applied (``service.py``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from services.households.imports.columns import (
    COUNTY_BY_NAME,
    HEADERS,
    HOUSEHOLD_COLUMNS,
    LABOUR,
    MEMBER_COLUMNS,
    RELATION,
    REQUIRED,
    SEX,
    STATUS,
    YES_NO,
)
from services.households.imports.schemas import ImportProblem
from services.households.imports.sheet import _date, _text
from services.households.registry import repository
from services.households.registry.members import ID_NUMBER_UNAVAILABLE
from services.households.registry.models import Household, HouseholdBase
from services.households.registry.schemas import MemberIn
from services.households.registry.service import check_initial_status
from services.households.villages.models import Village
from shared.auth import Principal
from shared.bounds import BIRTH_MIN, DATE_MAX, DATE_MIN, clean_text
from shared.pii import PiiVault, citizen_id_problem, mask_citizen_id, mask_phone
from shared.problems import InvalidInput
from shared.regions import COUNTIES, county_of, division_code_problem

# Problems listed in a report; ``error_count`` tells how many there were in all.
MAX_REPORTED_ERRORS = 100


def _shown(column: str, value: str) -> str:
    """Never echo a full identity number (nor a phone number) in a report."""
    if column == "身份证号" and value:
        return mask_citizen_id(value) if len(value) >= 10 else "*" * len(value)
    if column == "联系电话" and value:
        return mask_phone(value)
    return value


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
            seen = village_names.setdefault(code, (values["村名"], values["乡镇"], rowno))
            if seen[0] != values["村名"]:
                plan.error(rowno, "村名", values["村名"], f"同一村代码的村名与第 {seen[2]} 行不一致")
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
        for column, mapping, key in (
            ("性别", SEX, "sex"),
            ("与户主关系", RELATION, "relation"),
            ("劳动能力", LABOUR, "labour_capacity"),
            ("贫困状态", STATUS, "poverty_status"),
        ):
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
        lead = members[0]
        for m in members[1:]:
            for key, column in (
                ("village_code", "村代码"),
                ("poverty_status", "贫困状态"),
                ("registered_on", "登记日期"),
                ("address", "家庭住址"),
                ("head_name", "户主姓名"),
                ("exit_year", "脱贫年度"),
            ):
                if m[key] != lead[key]:
                    plan.error(
                        m["row"],
                        column,
                        m[key] if not isinstance(m[key], date) else m[key].isoformat(),
                        f"同一户编号的「{column}」与第 {lead['row']} 行不一致",
                    )
        heads = [m for m in members if m["relation"] == "head"]
        if len(heads) != 1:
            plan.error(lead["row"], "与户主关系", None, f"户 {number} 须有且只有一名户主（现有 {len(heads)} 名）")
        elif heads[0]["name"] != lead["head_name"]:
            plan.error(heads[0]["row"], "户主姓名", lead["head_name"], "户主姓名与户主行的姓名不一致")

    # Against the registry: villages, household numbers and identity numbers already there.
    codes = sorted(village_names)
    known: dict[str, str] = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        known.update({code: name for code, name in (await session.execute(select(Village.code, Village.name).where(col(Village.code).in_(chunk)))).all()})
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
        existing.update((await session.execute(select(Household.household_number).where(col(Household.household_number).in_(chunk)))).scalars())
    for number in existing:
        plan.error(by_household[number][0]["row"], "户编号", number, "户编号已登记")
    all_members = [m for ms in by_household.values() for m in ms]
    for m in all_members:
        m["id_hash"] = vault.lookup_hash(m["id_number"])
    taken = await repository.taken_hashes(session, [m["id_hash"] for m in all_members])
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
