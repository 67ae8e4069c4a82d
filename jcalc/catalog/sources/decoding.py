"""Text and rows of a CMS file: decoding, CSV and workbook rows, fixed-width records, cleaning."""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from datetime import date, datetime, time
from pathlib import Path
from typing import Final

from jcalc.catalog.sources.columns import HEADER_SEARCH_ROWS as HEADER_SEARCH_ROWS
from jcalc.catalog.sources.columns import KIND_NAMES as KIND_NAMES
from jcalc.catalog.sources.columns import KINDS as KINDS
from jcalc.catalog.sources.columns import Kind as Kind
from jcalc.catalog.sources.columns import normalize_header as normalize_header
from jcalc.catalog.sources.containers import (
    HEAD_BYTES,
    check_workbook_sizes,
    is_old_excel,
    open_zip,
)
from jcalc.catalog.sources.errors import SourceFileError

_FIXED_WIDTH_LINE: Final = re.compile(r"[ A-Z0-9]{5}[0-9]{5}[3478]")


def is_record_line(line: str) -> bool:
    """Whether a line is a record of the HCPCS fixed-width file (code, sequence, record type)."""
    return len(line) >= 293 and _FIXED_WIDTH_LINE.match(line) is not None


def looks_fixed_width(text: str) -> bool:
    """Whether text is the HCPCS fixed-width file (320-character records), perhaps below a
    short disclaimer block (as in the 2019 annual file)."""
    lines = [line for line in text[:HEAD_BYTES].splitlines()[:HEADER_SEARCH_ROWS] if line.strip()]
    return any(is_record_line(line) for line in lines[:20])


# ---------------------------------------------------------------- text and rows


def decode(path: Path, data: bytes, member: str | None = None) -> str:
    """Text of a CMS file: UTF-8 (with or without BOM) or UTF-16 when the bytes say so, else
    Windows-1252."""
    where = f"'{member}' inside the zip: " if member else ""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceFileError(
            path, f"{where}line {line} is not valid text in the encoding its first bytes announce"
        ) from exc
    if b"\x00" in data[:HEAD_BYTES]:
        raise SourceFileError(path, f"{where}this is a binary file, not a CSV or text file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceFileError(
            path,
            f"{where}byte 0x{data[exc.start]:02X} on line {line} is neither Windows-1252 nor "
            "UTF-8 text: the file is damaged or saved in another encoding",
        ) from exc


def decode_head(data: bytes) -> str:
    """Best-effort text of the first bytes of a file, for sniffing only."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data[: len(data) // 2 * 2].decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:  # a character cut by the head's end
            return data[: exc.start].decode("utf-8", errors="replace")
    return data.decode("cp1252", errors="replace")


def csv_rows(path: Path, text: str, member: str | None = None) -> list[list[str]]:
    """All rows of CSV text; broken quoting (e.g. a file cut inside a quoted field) raises."""
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows.extend(reader)
    except csv.Error as exc:
        where = f"'{member}' inside the zip, " if member else ""
        number = len(rows) + 1
        if "end of data" in str(exc):
            problem = f"{where}row {number} ends inside a quoted field: the file looks cut off"
        else:
            problem = f"{where}row {number} is not valid CSV ({exc})"
        raise SourceFileError(path, problem) from exc
    return rows


def sniff_csv_rows(text: str, complete: bool) -> list[list[str]]:
    """Rows of the start of a CSV file, leniently (the last line may be cut when not complete)."""
    lines = text.splitlines(keepends=True)
    if not complete and len(lines) > 1:
        lines = lines[:-1]
    try:
        return list(csv.reader(lines))
    except csv.Error:
        return []


def cell_text(value: object) -> str:
    """A workbook cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def xlsx_sheets(
    path: Path, data: bytes, member: str | None = None, max_rows: int | None = None
) -> list[list[list[str]]]:
    """Rows of every worksheet of an .xlsx workbook (cells as text)."""
    import openpyxl  # slow to import; only some inputs need it

    with open_zip(path, data) as book_parts:  # refuse parts that inflate beyond the limit
        check_workbook_sizes(path, book_parts, member)
    sheets: list[list[list[str]]] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                for sheet in book.worksheets:
                    rows = sheet.iter_rows(max_row=max_rows, values_only=True)
                    sheets.append([[cell_text(value) for value in row] for row in rows])
            finally:
                book.close()
    except Exception as exc:  # openpyxl raises many unrelated types for a damaged workbook
        where = f"'{member}' inside the zip" if member else "the file"
        raise SourceFileError(
            path, f"{where} is not a readable Excel workbook ({type(exc).__name__}: {exc})"
        ) from exc
    return sheets


def workbook_sheets(
    path: Path, data: bytes, member: str | None = None, max_rows: int | None = None
) -> list[list[list[str]]]:
    """Rows of every worksheet of an .xlsx or (old-style, OLE2) .xls workbook."""
    if is_old_excel(data):
        from jcalc.catalog.sources.xls import xls_sheets

        return xls_sheets(path, data, member, max_rows)
    return xlsx_sheets(path, data, member, max_rows)


def clean_text(text: str) -> str:
    """Text with runs of whitespace (no-break spaces and line breaks too) made one space."""
    return " ".join(text.split())


def clean_lines(text: str) -> str:
    """Like :func:`clean_text`, but keeping line breaks between non-empty lines."""
    return "\n".join(clean_text(line) for line in text.splitlines() if line.strip())
