"""The notice as posted on paper: an A4 Chinese PDF (``shared/printing.py``) with a QR code to its public page."""

from __future__ import annotations

from services.oversight.notices.schemas import PublicNotice
from shared.printing import Column, Document, Field, PrintingUnavailable, Table, render, yuan

LINEAGE_ZH = {
    "fund_id": "资金",
    "allocation_id": "资金分配",
    "project_id": "项目",
    "asset_id": "资产",
    "agreement_id": "合作协议",
    "distribution_id": "收益分配",
    "entity_id": "经营主体",
    "subsidy_id": "补贴",
    "land_transfer_id": "土地流转",
}


def _lines(n: PublicNotice) -> Table:
    """A registry notice posts each household's change; a money notice each household's share and amount."""
    if n.kind in ("registry_entry", "registry_exit"):
        return Table(
            columns=[Column("序号", 0.5, "C"), Column("户主", 1.5), Column("登记变动", 3.0)],
            rows=[[str(i), line.name, line.note or ""] for i, line in enumerate(n.lines, 1)],
            caption=f"贫困户登记变动（共 {n.household_count} 户）",
        )
    return Table(
        columns=[Column("序号", 0.5, "C"), Column("户主", 1.5), Column("份额", 0.8, "R"), Column("金额（元）", 1.2, "R")],
        rows=[[str(i), line.name, str(line.units), yuan(line.amount_fen)] for i, line in enumerate(n.lines, 1)],
        total=["", "合计", str(sum(line.units for line in n.lines)), yuan(n.total_fen)],
        caption=f"贫困户分配明细（共 {n.household_count} 户）",
    )


def document(n: PublicNotice, *, url: str) -> Document:
    lines = _lines(n)
    objections = [f"异议（{o.category_zh}）：{o.status}" + (f"，{o.resolution_reason}" if o.resolution_reason else "") for o in n.objections]
    return Document(
        title=n.title,
        subtitle=n.village_name or n.village_code,
        fields=[
            Field("核验码", n.code),
            Field("状态", n.status_zh),
            Field("期间", n.period or ""),
            Field("依据", n.rule or ""),
        ],
        tables=[lines],
        notes=[
            n.window_note,
            f"公示时间：{n.opened_at:%Y-%m-%d %H:%M} 至 {n.closes_at:%Y-%m-%d %H:%M}（UTC）。",
            f"依据：{n.rule or ''} {n.rule_text or ''}".strip(),
            *(["资金来源：" + "；".join(f"{LINEAGE_ZH.get(k, k)} {v}" for k, v in n.lineage.items() if v)] if n.lineage else []),
            *[f"{line.name}：{line.note}" for line in n.lines if line.note and n.kind == "subsidy"],
            *objections,
            "对公示内容有异议的，请在公示期内扫描二维码或到村委会提出（姓名、电话可不填）。",
            f"公示内容摘要（SHA-256）：{n.digest}",
        ],
        footer=f"核验码 {n.code}",
        qr_url=url,
        qr_caption="扫码核验",
        keywords=("公示", n.code),
    )


__all__ = ["PrintingUnavailable", "document", "pdf"]


def pdf(n: PublicNotice, *, url: str) -> bytes:
    return render(document(n, url=url))
