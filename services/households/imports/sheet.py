"""Reading a sheet, bounded (issue 11), and the template.

The route takes at most ``MAX_BODY_BYTES``; the file is read as a stream of rows (never decoded or
split into a list as a whole) and refused with a 413 problem once it holds more than ``MAX_ROWS``
rows; an .xlsx is opened only when its zip members' declared sizes add up to at most
``XLSX_MAX_UNCOMPRESSED_BYTES`` (a zip bomb is refused before openpyxl reads it, and Python's
zipfile never inflates a member past its declared size), in read-only mode."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from typing import IO, Any

from services.households.imports.columns import COLUMNS, EXAMPLE_ROW, HEADERS
from shared.problems import InvalidInput, PayloadTooLarge

# The import route's own body limit (the default for other routes is much smaller): a county's
# sheet of 40,000 member rows is about 7.3 MiB as CSV.
MAX_BODY_BYTES = 10 * 1024 * 1024


# Member rows (after the header) one file may hold; more is a 413 problem and nothing is imported.
MAX_ROWS = 50_000


MAX_READ_ROWS = 20 * MAX_ROWS  # rows read at all, blank ones included


# An .xlsx is a zip: the declared uncompressed sizes of its members, added up, and their number.
XLSX_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024


XLSX_MAX_MEMBERS = 1_000


MAX_CELL_CHARS = 1_000  # a cell longer than this is cut before it is checked (and reported as too long)


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
    text = io.TextIOWrapper(stream, encoding=_encoding(stream), errors="replace", newline="")
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
