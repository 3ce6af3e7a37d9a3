"""A statement as the printed card (收益明白卡): one A4 page where it fits, Chinese, with the QR code of its check."""

from __future__ import annotations

from datetime import UTC, datetime

from services.ledger.statements.schemas import Behind, HouseholdStatement, StatementLine
from services.ledger.statements.service import CLAUSES
from shared import printing
from shared.events.income import BENEFIT_NAMES_ZH, BenefitType
from shared.printing import Column, Document, Field, Table, yuan

TITLE = "家庭收益明白卡"
# A card names at most this many of a line's sources (entity, project, agreement … in that order).
SOURCES_SHOWN = 3


def _short(identifier: str) -> str:
    return identifier[-8:]


def _source(behind: list[Behind]) -> str:
    parts = [f"{b.label}：{b.name or '编号' + _short(b.id)}" for b in behind[:SOURCES_SHOWN]]
    return "；".join(parts) or "—"


def _line(n: int, line: StatementLine) -> list[str]:
    kind = line.benefit_name + ("（冲正）" if line.reverses_event_id else "")
    return [str(n), line.occurred_on.isoformat(), kind, _source(line.behind), line.clause, yuan(line.amount_fen), _short(line.event_id)]


def card(statement: HouseholdStatement, *, printed_at: datetime | None = None) -> Document:
    """The card's document: household, place and year; each line with its source and clause; totals by type; the QR code."""
    s = statement
    place = "".join(p for p in (s.county_name, s.village_name) if p) or s.village_code
    lines = Table(
        caption="收益明细",
        columns=[
            Column("序号", 0.55, "C"),
            Column("日期", 1.05, "C"),
            Column("收益类型", 1.3),
            Column("资金、主体、项目或协议", 3.6),
            Column("政策条款", 0.8, "C"),
            Column("金额（元）", 1.2, "R"),
            Column("事件号", 0.95, "C"),
        ],
        rows=[_line(i + 1, line) for i, line in enumerate(s.lines)],
        total=["", "", "合计", f"{len(s.lines)} 笔", "", yuan(s.total_fen), ""],
        empty="本年度暂无收益记录。",
    )
    totals = Table(
        caption="按收益类型汇总",
        columns=[Column("收益类型", 1.6), Column("政策条款", 0.8, "C"), Column("笔数", 0.6, "R"), Column("金额（元）", 1.2, "R")],
        rows=[
            [BENEFIT_NAMES_ZH[BenefitType(kind)], CLAUSES[kind][0], str(sum(1 for line in s.lines if line.benefit_type == kind)), yuan(fen)]
            for kind, fen in s.by_type.items()
            if kind in CLAUSES
        ],
        total=["合计", "", str(len(s.lines)), yuan(s.total_fen)],
    )
    known = s.known_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if s.known_at else "—"
    printed = (printed_at or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%d")
    return Document(
        title=f"{TITLE}（{s.year} 年度）",
        subtitle="韶关市产业精准扶贫 · 依据韶扶组〔2018〕3号",
        fields=[
            Field("户主", s.head_name or "—"),
            Field("户编号", s.household_number),
            Field("所在地", place),
            Field("村代码", s.village_code),
            Field("家庭人口", f"{s.household_size} 人"),
            Field("年度总收益", f"{yuan(s.total_fen)} 元"),
            Field("人均收益", f"{yuan(s.per_capita_fen)} 元"),
            Field("核验码", s.verification_code),
        ],
        tables=[lines, totals],
        notes=[
            f"本卡列出台账截至 {known} 记录的 {s.year} 年度全部收益，金额精确到分；人均收益为年度总收益除以年末家庭人口（向下取整到分）。",
            "政策条款：§5.1 订单生产、§5.2 劳动务工、§5.3 反租倒包、§5.4 政策扶持、§5.5 资产扶贫、§5.6 入股分红（韶扶组〔2018〕3号 第五部分）。",
            "扫描右上角二维码，可按事件号逐笔核对台账及签名日志（Merkle 包含证明）；如有疑问，请向村委会或镇（乡）扶贫办反映。",
        ],
        footer=f"户编号 {s.household_number} · 核验码 {s.verification_code} · 打印日期 {printed}",
        qr_url=s.verify_url,
        qr_caption="扫码核验",
        keywords=("收益明白卡", s.household_number),
    )


def render(statements: list[HouseholdStatement], *, printed_at: datetime | None = None) -> bytes:
    """One card, or a village's cards in one PDF (each from a new page, numbered on its own)."""
    docs = [card(s, printed_at=printed_at) for s in statements]
    return printing.render_batch(docs, title=f"{TITLE}（{statements[0].year} 年度）" if statements else TITLE)
