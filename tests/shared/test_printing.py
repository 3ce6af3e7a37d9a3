"""shared.printing: Chinese A4 PDFs whose pages a reader (poppler) renders with Chinese text and a QR code a decoder reads.

The rendering and the reading run off the event loop (``asyncio.to_thread``, ``tests.printed.look``): these
tests take seconds, and a platform alive on the same session loop must keep its Kafka consumers' heartbeats.
"""

from __future__ import annotations

import asyncio
import subprocess
from typing import Any

import pytest

from shared import printing
from shared.printing import Column, Document, Field, PrintingUnavailable, Table, yuan
from tests.printed import A4_AT_100_DPI, cjk_characters, ink, look

URL = "https://fupin.example.gov.cn/ledger/v1/statements/verify?household=0192f0a4&year=2026&digest=ab12"


def document(rows: int = 3, **kw: Any) -> Document:
    return Document(
        title="家庭收益明白卡",
        subtitle="韶扶组〔2018〕3号",
        fields=[Field("户主", "林*国"), Field("户编号", "H0001"), Field("村", "乳源瑶族自治县 某村"), Field("人口", "4 人")],
        tables=[
            Table(
                columns=[Column("序号", 0.6, "C"), Column("收益类型", 1.5), Column("来源", 4), Column("金额（元）", 1.4, "R")],
                rows=[[str(i + 1), "入股分红收益", f"合作社分红 第{i + 1}期", yuan(1000 * i + 1)] for i in range(rows)],
                caption="收益明细",
                total=["", "合计", "", yuan(sum(1000 * i + 1 for i in range(rows)))],
            )
        ],
        footer="韶关市产业扶贫平台",
        qr_url=URL,
        qr_caption="扫码核验",
        **kw,
    )


def test_yuan_is_exact_to_the_fen() -> None:
    assert [yuan(0), yuan(7), yuan(123456), yuan(-1050), yuan(100_000_000_001)] == ["0.00", "0.07", "1,234.56", "-10.50", "1,000,000,000.01"]


async def test_a_document_prints_chinese_on_an_a4_page_with_a_readable_qr_code() -> None:
    pdf = await asyncio.to_thread(printing.render, document())
    assert pdf.startswith(b"%PDF-")
    seen = await look(pdf)
    assert seen.pages == 1
    assert seen.images[1].size == A4_AT_100_DPI
    assert ink(seen.images[1]) > 0.01  # not blank
    text = seen.texts[0]
    # A missing or unembedded font gives empty text or boxes: the title and the fields must read back.
    assert "家庭收益明白卡" in text and "林*国" in text and "入股分红收益" in text and "第1页/共1页" in text
    assert cjk_characters(text) > 30
    assert seen.codes[1] == [URL]


async def test_a_long_table_breaks_across_pages_and_repeats_its_headings() -> None:
    pdf = await asyncio.to_thread(printing.render, document(rows=120))
    seen = await look(pdf, images=())
    assert seen.pages >= 3
    for page in range(2, seen.pages + 1):
        text = seen.texts[page - 1]
        assert "收益类型" in text and "金额（元）" in text, f"page {page} lost the headings"
        assert f"第{page}页/共{seen.pages}页" in text
    assert "合计" in seen.texts[-1] and yuan(sum(1000 * i + 1 for i in range(120))) in seen.texts[-1]


async def test_a_batch_numbers_each_document_on_its_own_pages() -> None:
    one, long = document(rows=1), document(rows=120)
    batch = await look(await asyncio.to_thread(printing.render_batch, [one, long, one]), images=())
    long_pages = (await look(await asyncio.to_thread(printing.render, long), images=())).pages
    assert batch.pages == 2 + long_pages
    assert "第1页/共1页" in batch.texts[0]
    assert f"第1页/共{long_pages}页" in batch.texts[1]
    assert "第1页/共1页" in batch.texts[-1]
    last = await look(await asyncio.to_thread(printing.render_batch, [one, long, one]), images=(batch.pages,))
    assert last.codes[batch.pages] == [URL]


async def test_an_empty_table_says_so_and_a_row_of_the_wrong_width_is_refused() -> None:
    pdf = await asyncio.to_thread(printing.render, Document(title="公示", tables=[Table(columns=[Column("姓名")], rows=[], empty="（本期无收益）")]))
    assert "本期无收益" in (await look(pdf, images=())).texts[0]
    with pytest.raises(ValueError, match="2 cells for 1 columns"):
        Table(columns=[Column("姓名")], rows=[["a", "b"]])
    with pytest.raises(ValueError, match="nothing to print"):
        printing.render_batch([])


def test_the_font_is_the_one_fontconfig_finds_for_chinese() -> None:
    font = printing.cjk_font()
    expected = subprocess.run(["fc-match", "-f", "%{file}", "sans-serif:lang=zh-cn:style=Regular"], capture_output=True, text=True, check=True).stdout
    assert font.path == expected


def test_without_a_chinese_font_printing_refuses_rather_than_print_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    def latin_only(*args: Any, **kw: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(args, 0, stdout="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf\n0\nDejaVu Sans\nen|fr|de\n", stderr="")

    printing.cjk_font.cache_clear()
    monkeypatch.setattr(printing.subprocess, "run", latin_only)
    try:
        with pytest.raises(PrintingUnavailable, match="zh-cn"):
            printing.render(document())
    finally:
        monkeypatch.undo()
        printing.cjk_font.cache_clear()
