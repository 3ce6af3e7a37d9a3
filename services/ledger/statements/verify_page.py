"""The check of a printed card as a plain HTML page in Chinese: what a phone shows after scanning its QR code."""

from __future__ import annotations

from html import escape

from services.ledger.statements.schemas import LineCheck, StatementCheck
from shared.events.income import BENEFIT_NAMES_ZH, BenefitType
from shared.labels import LABELS
from shared.printing import yuan

COLOURS = {"verified": "#1a7f37", "pending_checkpoint": "#9a6700", "failed": "#cf222e", "not_matching": "#cf222e"}


def _mark(value: bool | None) -> str:
    return "—" if value is None else ("✔" if value else "✘")


def _row(c: LineCheck) -> str:
    kind = BENEFIT_NAMES_ZH.get(BenefitType(c.benefit_type), c.benefit_type) if c.benefit_type in BenefitType.__members__ else c.benefit_type
    cells = [c.occurred_on.isoformat(), kind, yuan(c.amount_fen), c.event_id, _mark(c.in_log and bool(c.event_hash_ok and c.income_matches)), _mark(c.included)]
    return "<tr>" + "".join(f"<td>{escape(x)}</td>" for x in cells) + "</tr>"


def render(check: StatementCheck, *, json_url: str) -> str:
    rows = "".join(_row(c) for c in check.lines)
    table = (
        "<table><tr><th>日期</th><th>收益类型</th><th>金额（元）</th><th>事件号</th><th>在日志中且未被改动</th><th>签名检查点包含证明</th></tr>"
        f"{rows}</table><p>合计 {escape(yuan(check.total_fen or 0))} 元；打印后台账又记录 {check.later_lines or 0} 笔。</p>"
        if check.lines
        else ""
    )
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>收益明白卡核验</title><style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:.2em .4em;font-size:.9em}</style></head><body>"
        f"<h1>收益明白卡核验（{check.year} 年度）</h1>"
        f'<p style="color:{COLOURS[check.verdict]};font-weight:bold">{escape(LABELS["verdict"][check.verdict][0])}：{escape(check.message)}</p>'
        f"{table}"
        f'<p><a href="{escape(json_url)}">机读核验结果（JSON）</a></p></body></html>'
    )
