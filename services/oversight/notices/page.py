"""The public notice as a plain HTML page: what was posted, in Chinese, every value escaped."""

from __future__ import annotations

from html import escape

from services.oversight.notices.schemas import PublicNotice


def yuan(fen: int) -> str:
    return f"{fen // 100:,}.{fen % 100:02d}"


REGISTRY_KINDS = ("registry_entry", "registry_exit")


def _table(n: PublicNotice) -> tuple[str, str]:
    """The header and rows: a registry notice posts each household's change; a money notice its share and amount."""
    if n.kind in REGISTRY_KINDS:
        rows = "\n".join(f"<tr><td>{escape(line.name)}</td><td>{escape(line.note or '')}</td></tr>" for line in n.lines)
        return "<tr><th>户主</th><th>登记变动</th></tr>", rows
    rows = "\n".join(
        f"<tr><td>{escape(line.name)}</td><td>{line.units}</td><td>{yuan(line.amount_fen)}</td><td>{escape(line.note or '')}</td></tr>" for line in n.lines
    )
    return "<tr><th>户主</th><th>份额</th><th>金额（元）</th><th>说明</th></tr>", rows


def render(n: PublicNotice) -> str:
    head, rows = _table(n)
    total = "" if n.kind in REGISTRY_KINDS else f"<p>贫困户分配合计：{yuan(n.total_fen)} 元，共 {n.household_count} 户</p>"
    objections = "\n".join(
        f"<li>{escape(o.category_zh)}：{escape(o.status)}（{o.raised_on.isoformat()}）"
        + (f" — {escape(o.resolution_reason)}" if o.resolution_reason else "")
        + "</li>"
        for o in n.objections
    )
    lineage = "".join(f"<li>{escape(k)}: {escape(v or '')}</li>" for k, v in n.lineage.items())
    place = escape(n.village_name or n.village_code)
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(n.title)} — {place}</title>
<style>body{{font-family:sans-serif;max-width:48rem;margin:1rem auto;padding:0 1rem}}table{{border-collapse:collapse;width:100%}}
td,th{{border:1px solid #999;padding:.3rem .5rem;text-align:left}}.code{{font-family:monospace;font-size:1.2rem}}</style></head>
<body>
<h1>{escape(n.title)}</h1>
<p>{place}　核验码 <span class="code">{escape(n.code)}</span>　状态：{escape(n.status_zh)}</p>
<p>{escape(n.window_note)}<br>公示时间：{n.opened_at:%Y-%m-%d %H:%M} 至 {n.closes_at:%Y-%m-%d %H:%M}（UTC）</p>
<p>依据：{escape(n.rule or "")} {escape(n.rule_text or "")}</p>
{total}
<table><thead>{head}</thead><tbody>
{rows}
</tbody></table>
<h2>资金来源</h2><ul>{lineage}</ul>
<h2>异议及处理结果</h2><ul>{objections or "<li>暂无</li>"}</ul>
<p>对公示内容有异议的，可在公示期内提出（姓名、电话可不填）。</p>
<p><small>公示内容摘要（SHA-256）：{escape(n.digest)}</small></p>
</body></html>
"""
