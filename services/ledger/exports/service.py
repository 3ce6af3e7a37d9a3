"""The reports an office sends upward, as tables with Chinese headers: built from the API's own functions, rendered as XLSX or CSV.

- households (户收入): each household with its income by the six types and the four national categories;
- indicators (指标矩阵): each village of a county against every rule, as ``/views/counties/{code}/villages`` judges them;
- early warning (防返贫监测预警): one row per flag, most severe household first, as ``/monitoring/...`` lists them;
- fund use (资金使用, R1): the county's allocations of the special fund and R1's verdict, as ``/indicators/counties/{code}``.

Money is shown in yuan with two decimals (the fen figure / 100, exact). A report larger than ``MAX_ROWS``
is refused (422): an office exports a county, a city exports its counties one by one.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import IO, Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from policy.settings import thresholds
from services.ledger import domain as ledger_domain
from services.ledger import indicators as ledger_indicators
from services.ledger import service as ledger
from services.ledger.categories.domain import CATEGORIES, CATEGORY_NAMES_ZH
from services.ledger.categories.service import costs_of, figures
from services.ledger.exports import repository
from services.ledger.monitoring import service as monitoring
from services.ledger.views import queries as views
from shared.auth import Principal
from shared.events.income import BENEFIT_NAMES_ZH, BENEFIT_TYPES, BenefitType
from shared.labels import LABELS
from shared.problems import InvalidInput

Report = Literal["households", "indicators", "early-warning", "fund-use"]
Format = Literal["xlsx", "csv"]
MAX_ROWS = 200_000  # a county of 40,000 households has ~40,000 household rows and ~100,000 flags at most
MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv; charset=utf-8"}


def yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def label(table: str, value: Any) -> str:
    return LABELS.get(table, {}).get(str(value), (str(value), ""))[0]


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)


@dataclass
class Export:
    name: str
    sheets: list[Sheet]

    @property
    def rows(self) -> int:
        return sum(len(s.rows) for s in self.sheets)


def _bounded(n: int) -> None:
    if n > MAX_ROWS:
        raise InvalidInput(
            f"导出行数 {n} 超过上限 {MAX_ROWS}，请缩小范围（按县或乡镇导出）",
            detail_en=f"the export would have {n} rows, more than {MAX_ROWS}: narrow the place (a county or a township)",
            field="code",
        )


async def households(*, session: AsyncSession, principal: Principal, level: ledger.Level, code: str, year: int) -> Export:
    ledger._check_place(principal, level, code)
    _bounded(await repository.count_households(session, level, code, year))
    homes, sizes = await repository.households_of(session, level, code, year)
    income = await repository.income_by_household(session, level, code, year)
    costs = await costs_of(session, [h.household_id for h in homes], year)
    headers = ["户ID", "户编号", "村代码", "贫困状态", "家庭人口", *[f"{BENEFIT_NAMES_ZH[BenefitType(b)]}（元）" for b in BENEFIT_TYPES], "六类收益合计（元）"]
    headers += [f"{CATEGORY_NAMES_ZH[c]}（元）" for c in CATEGORIES] + ["经营收入口径", "生产成本（元）", "人均收入（元）"]
    sheet = Sheet(f"{year}年户收入", headers)
    for h in homes:
        by_type = ledger_domain.by_type(income.get(h.household_id, {}).items())
        total = sum(by_type.values())
        members = sizes.get(h.household_id, (0, 0))[0]
        cost = costs.get(h.household_id, 0)
        cats = figures(by_type, cost)
        sheet.rows.append(
            [
                h.household_id,
                h.household_number,
                h.village_code,
                label("poverty_status", h.poverty_status),
                members,
                *[yuan(by_type[b]) for b in BENEFIT_TYPES],
                yuan(total),
                *[yuan(cats[c].net_fen) for c in CATEGORIES],
                "净收入" if cats["business"].basis == "net" else "毛收入（未录入成本）",
                yuan(cost),
                yuan(ledger_domain.per_capita(total, members)),
            ]
        )
    return Export(f"households-{code}-{year}", [sheet])


async def indicators(*, session: AsyncSession, principal: Principal, level: ledger.Level, code: str, year: int) -> Export:
    if level != "county":
        raise InvalidInput("指标矩阵按县导出", detail_en="the indicator matrix is exported per county (level=county)", field="level")
    overview = await views.county_villages(session=session, principal=principal, code=code, year=year)
    rules = sorted({i.rule for v in overview.villages for i in v.indicators}, key=lambda r: (len(r), r))
    sheet = Sheet(f"{year}年指标矩阵", ["村代码", "村名", "户数", "人口", "人均收入（元）", *rules])
    for v in overview.villages:
        status = {i.rule: label("status", i.status) for i in v.indicators}
        sheet.rows.append([v.village_code, v.name or "", v.households, v.people, yuan(v.per_capita_fen), *[status.get(r, "") for r in rules]])
    return Export(f"indicators-{code}-{year}", [sheet])


async def early_warning(*, session: AsyncSession, principal: Principal, level: ledger.Level, code: str, as_of: date | None) -> Export:
    day, items, _, _ = await monitoring.flagged_households(session=session, principal=principal, level=level, code=code, as_of=as_of)
    _bounded(sum(len(h.flags) for h in items))
    line = monitoring.line_of(monitoring.monitoring(), day.year)
    headers = ["户ID", "户编号", "村代码", "家庭人口", "预计年收入（元）", "预计人均收入（元）", "监测线（元）", "户严重程度"]
    headers += ["预警ID", "预警类型", "预警严重程度", "预警起始日", "政策依据", "状态", "处理人", "处理日期", "依据事件"]
    sheet = Sheet(f"防返贫监测预警（截至{day.isoformat()}）", headers)
    for h in items:
        for f in h.flags:
            sheet.rows.append(
                [
                    h.household_id,
                    h.household_number,
                    h.village_code,
                    h.members,
                    yuan(h.projected_fen),
                    yuan(h.per_capita_fen),
                    yuan(line.fen),
                    h.severity,
                    f.flag_id,
                    label("kind", f.kind),
                    f.severity,
                    f.raised_on.isoformat(),
                    f.clause,
                    label("status", f.status),
                    f.status_by or "",
                    f.status_on.isoformat() if f.status_on else "",
                    " ".join(f.evidence),
                ]
            )
    return Export(f"early-warning-{code}-{day.isoformat()}", [sheet])


async def fund_use(*, session: AsyncSession, principal: Principal, level: ledger.Level, code: str, year: int) -> Export:
    """R1 for the county, judged by the indicator service's own function over the allocations it loads, and those allocations."""
    if level != "county":
        raise InvalidInput("资金使用报告按县导出（R1 按县判定）", detail_en="the fund-use report is per county (R1 is judged per county)", field="level")
    ledger._check_place(principal, level, code)
    span = ledger.indicator_span(year, None)
    pool = (await ledger.county_allocations(session, code)).get(code, [])
    facts = ledger_domain.Facts({}, ledger._published(), year=year, span=span, county_allocations=pool)
    r1 = ledger_indicators.indicator("R1", facts, thresholds())
    cited = {e.id for e in r1.evidence}
    allocations = sorted(
        (a for a in pool if a["event_id"] in cited or a.get("allocation_id") in cited), key=lambda a: (str(a.get("allocated_on")), a["event_id"])
    )
    detail = Sheet("资金分配明细", ["分配ID", "资金ID", "资金类型", "用途", "接收方类型", "村代码", "金额（元）", "分配日期", "事件ID"])
    for a in allocations:
        detail.rows.append(
            [
                a.get("allocation_id"),
                a.get("fund_id"),
                label("kind", a.get("fund_kind")),
                label("purpose", a.get("purpose")),
                label("recipient_kind", a.get("recipient_kind")),
                a.get("village_code") or "",
                yuan(int(a.get("amount_fen") or 0)),
                a.get("allocated_on"),
                a["event_id"],
            ]
        )
    n = r1.numbers
    summary = Sheet("R1 资金使用", ["项目", "数值"])
    summary.rows += [
        ["县代码", code],
        ["年度", year],
        ["专项资金（扣除教育、医疗，元）", yuan(n.get("net_fen", 0))],
        ["其中产业发展（元）", yuan(n.get("industry_fen", 0))],
        ["产业占比（%）", Decimal(n.get("share_bp", 0)) / 100],
        ["要求（%，不低于）", Decimal(n.get("floor_bp", 0)) / 100],
        ["R1 判定（§1.1）", label("status", r1.status)],
    ]
    return Export(f"fund-use-{code}-{year}", [summary, detail])


# ---- rendering -----------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    return format(value, ".2f") if isinstance(value, Decimal) else value


def render(export: Export, fmt: Format) -> IO[bytes]:
    """The export as a file (kept in memory up to 16 MiB, then on disk), rewound; run in a worker thread."""
    out: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115  # handed to the response, which closes it
    if fmt == "csv":
        # UTF-8 with a byte-order mark: Excel on a Chinese Windows desktop opens it with the right characters.
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        for i, sheet in enumerate(export.sheets):
            if i:
                writer.writerow([])
            if len(export.sheets) > 1:
                writer.writerow([f"# {sheet.title}"])
            writer.writerow(sheet.headers)
            writer.writerows([_cell(v) for v in row] for row in sheet.rows)
        text.flush()
        text.detach()
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        for sheet in export.sheets:
            ws = book.create_sheet(title=sheet.title[:31])
            ws.append(sheet.headers)
            for row in sheet.rows:
                ws.append(row)
        book.save(out)
    out.seek(0)
    return out


def chunks(file: IO[bytes], size: int = 64 * 1024) -> Iterator[bytes]:
    try:
        while block := file.read(size):
            yield block
    finally:
        file.close()


def file_name(export: Export, fmt: Format) -> str:
    return f"{export.name}.{fmt}"


def size_of(file: IO[bytes]) -> int:
    file.seek(0, io.SEEK_END)
    n = file.tell()
    file.seek(0)
    return n


__all__: Sequence[str] = ("Export", "Sheet", "chunks", "early_warning", "file_name", "fund_use", "households", "indicators", "render", "size_of")
