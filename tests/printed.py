"""Looking at printed PDFs as a reader would: a page as an image (pdftoppm), its text (pdftotext), its QR codes (zxing-cpp).

Shared by every test of a printed document (the income statements, the oversight notices). The tools
come from Debian's poppler-utils, installed by ``deploy/printing.sh`` (``make test`` runs it).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import zxingcpp
from PIL import Image, ImageStat

# A4 at 100 dpi: 210 × 297 mm is 826.8 × 1169.3 pixels, which poppler rounds up.
DPI = 100
A4_AT_100_DPI = (827, 1170)


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is missing: run deploy/printing.sh (make test does) to install poppler-utils"
    return path


def page_count(pdf: bytes) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "doc.pdf"
        src.write_bytes(pdf)
        out = subprocess.run([_tool("pdfinfo"), str(src)], capture_output=True, text=True, check=True, timeout=60).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def page_image(pdf: bytes, page: int = 1, dpi: int = DPI) -> Image.Image:
    """Page ``page`` (from 1) rendered by poppler, as an RGB image."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "doc.pdf"
        src.write_bytes(pdf)
        subprocess.run(
            [_tool("pdftoppm"), "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", str(src), str(Path(tmp) / "page")],
            capture_output=True,
            check=True,
            timeout=120,
        )
        png = (Path(tmp) / "page.png").read_bytes()
    return Image.open(io.BytesIO(png)).convert("RGB")


def page_text(pdf: bytes, page: int | None = None) -> str:
    """The text poppler extracts (of one page, or all): empty or boxes when the font did not embed."""
    args = [_tool("pdftotext"), "-enc", "UTF-8", "-layout"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "doc.pdf"
        src.write_bytes(pdf)
        return subprocess.run([*args, str(src), "-"], capture_output=True, check=True, timeout=60).stdout.decode("utf-8")


def cjk_characters(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")


def ink(image: Image.Image) -> float:
    """The share of the page that is not white (0 for a blank page)."""
    grey = image.convert("L").point(lambda v: 255 if v < 200 else 0)
    return float(ImageStat.Stat(grey).mean[0]) / 255


@dataclass(frozen=True)
class Code:
    text: str
    format: str


def qr_codes(image: Image.Image) -> list[Code]:
    """Every QR code a real decoder finds on the image."""
    return [Code(r.text, str(r.format)) for r in zxingcpp.read_barcodes(image) if r.valid]


def save_png(image: Image.Image, path: Path) -> None:
    """Keep a rendered page for the documentation (docs/oversight/*.png)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format="PNG", optimize=True)


@dataclass(frozen=True)
class Printed:
    """A PDF as a reader sees it: its page count, each page's text, and images and QR codes of the pages asked for."""

    pages: int
    texts: list[str]
    images: dict[int, Image.Image]
    codes: dict[int, list[str]]

    def compact(self, page: int) -> str:
        """A page's text without whitespace (pdftotext spaces CJK and Latin runs as it lays them out)."""
        return "".join(self.texts[page - 1].split())


def read(pdf: bytes, images: tuple[int, ...] = (1,)) -> Printed:
    pages = page_count(pdf)
    shown = {p: page_image(pdf, p) for p in images if p <= pages}
    return Printed(pages, [page_text(pdf, p) for p in range(1, pages + 1)], shown, {p: [c.text for c in qr_codes(i)] for p, i in shown.items()})


async def look(pdf: bytes, images: tuple[int, ...] = (1,)) -> Printed:
    """``read`` off the event loop: poppler and the decoder take seconds, during which a platform's consumers
    in the same process must keep their Kafka sessions alive (a blocked loop misses heartbeats)."""
    import asyncio

    return await asyncio.to_thread(read, pdf, images)
