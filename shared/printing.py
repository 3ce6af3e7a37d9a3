"""Printed documents: Chinese A4 PDFs with a title, labelled fields, tables, a footer and a QR code.

A library, no web framework and no database: a service builds a ``Document`` of plain strings and
calls ``render`` (one document) or ``render_batch`` (several, each starting on a new page and
numbered on its own, as a village's cards are printed in one go). Rendering is CPU work of about
a second (the CJK font is parsed and subset): call it from async code with ``asyncio.to_thread``.

The font is the machine's CJK font as fontconfig finds it (``fc-match`` for a sans-serif face
covering ``zh-cn``), never a path from a request. fpdf2 embeds TrueType and CFF (OpenType) outlines
alike, so Debian's fonts-noto-cjk (installed by ``deploy/printing.sh``) or fonts-wqy-zenhei serve.
Without one, ``PrintingUnavailable`` is raised rather than a PDF of empty boxes.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, NamedTuple

import segno
from fpdf import FPDF
from fpdf.enums import Align, TableBordersLayout, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

__all__ = [
    "Column",
    "Document",
    "Field",
    "FontFile",
    "PrintingUnavailable",
    "Table",
    "cjk_font",
    "render",
    "render_batch",
    "yuan",
]

# A4 portrait, millimetres.
PAGE_WIDTH = 210.0
MARGIN = 15.0
FOOTER_HEIGHT = 12.0
QR_SIZE = 32.0
LINE = 6.0
FONT = "cjk"


class PrintingUnavailable(RuntimeError):
    """The machine has no font that can print Chinese (install fonts-noto-cjk: ``deploy/printing.sh``)."""


class Field(NamedTuple):
    """A labelled value of the header block (户主：林*国)."""

    label: str
    value: str


class Column(NamedTuple):
    """A table column: its heading, its relative width and how its cells align (R for amounts)."""

    title: str
    width: float = 1.0
    align: Literal["L", "C", "R"] = "L"


@dataclass(frozen=True)
class Table:
    """Rows of strings under headings. A long table breaks across pages and repeats its headings;
    ``total`` is a last row set in bold (a sum)."""

    columns: Sequence[Column]
    rows: Sequence[Sequence[str]]
    caption: str | None = None
    total: Sequence[str] | None = None
    empty: str = "（无）"

    def __post_init__(self) -> None:
        widths = len(self.columns)
        for row in [*self.rows, *([self.total] if self.total is not None else [])]:
            if len(row) != widths:
                raise ValueError(f"a row has {len(row)} cells for {widths} columns")


@dataclass(frozen=True)
class Document:
    """One printed document. ``qr_url`` is drawn as a QR code beside the header block, with
    ``qr_caption`` under it; ``notes`` are short paragraphs after the tables; ``footer`` is printed
    at the foot of every page with the page number."""

    title: str
    fields: Sequence[Field] = ()
    tables: Sequence[Table] = ()
    subtitle: str | None = None
    notes: Sequence[str] = ()
    footer: str = ""
    qr_url: str | None = None
    qr_caption: str | None = None
    keywords: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True)
class FontFile:
    """A font file and, for a collection (.ttc), the face's index in it."""

    path: str
    index: int
    family: str


def yuan(fen: int) -> str:
    """Integer fen as yuan with exactly two decimals and thousands separators: 123456 → '1,234.56'."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


@lru_cache(maxsize=1)
def cjk_font() -> FontFile:
    """The sans-serif face fontconfig picks for Simplified Chinese, if it really covers Chinese."""
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}\\n%{index}\\n%{family[0]}\\n%{lang}\\n", "sans-serif:lang=zh-cn:style=Regular"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout.split("\n")
    except (OSError, subprocess.SubprocessError) as exc:
        raise PrintingUnavailable(f"fontconfig is not usable: {exc}") from exc
    if len(out) < 4 or "zh-cn" not in out[3].split("|"):
        raise PrintingUnavailable("no installed font covers Chinese (zh-cn); install fonts-noto-cjk")
    path, index, family = out[0], out[1], out[2]
    return FontFile(path=path, index=int(index or 0), family=family)


class _Pdf(FPDF):
    """fpdf2 with the footers drawn after the layout, when each document's page count is known."""

    def footer(self) -> None:  # the footers are drawn by _draw_footers once every page exists
        return


def _new_pdf(font: FontFile) -> _Pdf:
    pdf = _Pdf(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(auto=True, margin=MARGIN + FOOTER_HEIGHT)
    pdf.add_font(FONT, fname=font.path, collection_font_number=font.index)
    pdf.set_creator("Fupin")
    return pdf


def _qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    """The URL as a QR code (error correction M), drawn as filled rectangles: sharp at any resolution."""
    code = segno.make(url, error="m", micro=False)
    border = 4
    modules = len(code.matrix)
    unit = size / (modules + 2 * border)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(code.matrix):
        c = 0
        while c < modules:
            if row[c]:
                start = c
                while c < modules and row[c]:
                    c += 1
                pdf.rect(x + (border + start) * unit, y + (border + r) * unit, (c - start) * unit, unit, style="F")
            else:
                c += 1


def _header(pdf: FPDF, doc: Document) -> None:
    width = PAGE_WIDTH - 2 * MARGIN
    top = pdf.get_y()
    text_width = width - (QR_SIZE + 4 if doc.qr_url else 0)
    pdf.set_font(FONT, size=18)
    pdf.multi_cell(text_width, 10, doc.title, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if doc.subtitle:
        pdf.set_font(FONT, size=10)
        pdf.multi_cell(text_width, LINE, doc.subtitle, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font(FONT, size=10)
    half = text_width / 2
    for i, f in enumerate(doc.fields):
        column = i % 2
        if column == 0 and i > 0:
            pdf.ln(LINE)
        pdf.set_x(MARGIN + column * half)
        pdf.cell(half, LINE, f"{f.label}：{f.value}")
    if doc.fields:
        pdf.ln(LINE)
    if doc.qr_url:
        _qr(pdf, doc.qr_url, MARGIN + width - QR_SIZE, top, QR_SIZE)
        if doc.qr_caption:
            pdf.set_font(FONT, size=7)
            pdf.set_xy(MARGIN + width - QR_SIZE - 2, top + QR_SIZE)
            pdf.multi_cell(QR_SIZE + 4, 3.5, doc.qr_caption, align=Align.C)
        pdf.set_y(max(pdf.get_y(), top + QR_SIZE + (8 if doc.qr_caption else 2)))
    pdf.set_x(MARGIN)
    pdf.ln(2)


def _table(pdf: FPDF, table: Table) -> None:
    if table.caption:
        pdf.set_font(FONT, size=11)
        pdf.cell(0, 8, table.caption, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=9)
    if not table.rows and table.total is None:
        pdf.cell(0, LINE, table.empty, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
        return
    aligns = tuple(c.align for c in table.columns)
    with pdf.table(
        col_widths=tuple(c.width for c in table.columns),
        text_align=aligns,
        line_height=5.0,
        repeat_headings=1,
        wrapmode=WrapMode.CHAR,
        borders_layout=TableBordersLayout.ALL,
        headings_style=FontFace(fill_color=(230, 230, 230)),
        padding=1,
    ) as grid:
        heading = grid.row()
        for c in table.columns:
            heading.cell(c.title, align=Align.C)
        for cells in table.rows:
            row = grid.row()
            for text in cells:
                row.cell(text)
        if table.total is not None:
            row = grid.row(style=FontFace(fill_color=(245, 245, 245)))
            for text in table.total:
                row.cell(text)
    pdf.ln(3)


def _notes(pdf: FPDF, doc: Document) -> None:
    pdf.set_font(FONT, size=9)
    for note in doc.notes:
        pdf.multi_cell(0, 5, note, new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=WrapMode.CHAR)


def _lay_out(pdf: _Pdf, doc: Document) -> tuple[int, int]:
    """One document from a new page; the first and last page numbers it took."""
    pdf.add_page()
    first = pdf.page_no()
    _header(pdf, doc)
    for table in doc.tables:
        _table(pdf, table)
    _notes(pdf, doc)
    return first, pdf.page_no()


def _draw_footers(pdf: _Pdf, spans: list[tuple[Document, int, int]]) -> None:
    width = PAGE_WIDTH - 2 * MARGIN
    pdf.set_auto_page_break(auto=False)
    for doc, first, last in spans:
        for page in range(first, last + 1):
            pdf.page = page
            pdf.set_font(FONT, size=8)
            pdf.set_xy(MARGIN, 297.0 - MARGIN - 5)
            pdf.cell(width * 0.75, 5, doc.footer)
            pdf.cell(width * 0.25, 5, f"第{page - first + 1}页/共{last - first + 1}页", align=Align.R)


def render_batch(docs: Sequence[Document], *, title: str | None = None) -> bytes:
    """Several documents in one PDF, each from a new page with its own page numbers."""
    if not docs:
        raise ValueError("nothing to print")
    pdf = _new_pdf(cjk_font())
    pdf.set_title(title or docs[0].title)
    keywords = sorted({k for d in docs for k in d.keywords})
    if keywords:
        pdf.set_keywords(" ".join(keywords))
    spans = []
    for doc in docs:
        first, last = _lay_out(pdf, doc)
        spans.append((doc, first, last))
    _draw_footers(pdf, spans)
    return bytes(pdf.output())


def render(doc: Document) -> bytes:
    """One document as PDF bytes."""
    return render_batch([doc], title=doc.title)
