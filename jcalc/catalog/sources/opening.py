"""Opening CMS source files: zips, workbooks, text encodings, CSV rows and header rows.

Every reader goes through :func:`open_source`, which accepts the file as CMS publishes it (a zip, an
``.xlsx`` workbook, a CSV or the HCPCS fixed-width text), picks the right zip member by its content,
finds the header row by the column names it holds and turns every low-level failure (bad zip, CRC
error, undecodable bytes, broken CSV quoting) into a :class:`SourceFileError` naming the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath
from typing import Final

from jcalc.catalog.sources.columns import COLUMNS, HeaderGuess, map_columns, scan_header
from jcalc.catalog.sources.columns import HEADER_SEARCH_ROWS as HEADER_SEARCH_ROWS
from jcalc.catalog.sources.columns import KIND_NAMES as KIND_NAMES
from jcalc.catalog.sources.columns import KINDS as KINDS
from jcalc.catalog.sources.columns import Kind as Kind
from jcalc.catalog.sources.columns import normalize_header as normalize_header
from jcalc.catalog.sources.errors import SourceFileError
from jcalc.catalog.sources.streams import (
    MAX_INFLATED_BYTES,
    Opener,
    csv_stream,
    file_opener,
    member_opener,
    read_text,
    scan,
    too_large,
)
from jcalc.catalog.sources.values import effective_range, quarter_dates, quarter_of

HEAD_BYTES: Final = 128 * 1024  # how much of a file is read to sniff what it is
FIXED_RECORD_LENGTH: Final = 320  # HCPCS fixed-width record

LEVEL2_CODE: Final = re.compile(r"[A-Z][0-9]{4}")
# Level II codes whose text may be stored: not CPT (numeric) and not CDT (D codes, ADA text).
PUBLIC_CODE: Final = re.compile(r"[A-CE-Z][0-9]{4}")
ANY_CODE: Final = re.compile(r"[A-Z0-9]{5}")

_ZIP_MAGIC: Final = (b"PK\x03\x04", b"PK\x05\x06")
_OLE2_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FIXED_WIDTH_LINE: Final = re.compile(r"[ A-Z0-9]{5}[0-9]{5}[3478]")


def is_record_line(line: str) -> bool:
    """Whether a line is a record of the HCPCS fixed-width file (code, sequence, record type)."""
    return len(line) >= 293 and _FIXED_WIDTH_LINE.match(line) is not None


def looks_fixed_width(text: str) -> bool:
    """Whether text is the HCPCS fixed-width file (320-character records), perhaps below a
    short disclaimer block (as in the 2019 annual file)."""
    lines = [line for line in text[:HEAD_BYTES].splitlines()[:HEADER_SEARCH_ROWS] if line.strip()]
    return any(is_record_line(line) for line in lines[:20])


# ---------------------------------------------------------------- files and containers


def check_file(path: Path) -> None:
    """Raise unless ``path`` is an existing, non-empty regular file."""
    if not path.exists():
        raise SourceFileError(path, "the file does not exist")
    if path.is_dir():
        raise SourceFileError(path, "this is a folder, not a file")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceFileError(path, f"the file cannot be read ({exc.strerror})") from exc
    if size == 0:
        raise SourceFileError(path, "the file is empty")


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The file's bytes (or its first ``limit`` bytes); a file larger than any CMS file is
    refused before it is read."""
    try:
        if limit is None:
            size = path.stat().st_size
            if size > MAX_INFLATED_BYTES:
                raise too_large(path, size)
            return path.read_bytes()
        with path.open("rb") as handle:
            return handle.read(limit)
    except OSError as exc:
        raise SourceFileError(path, f"the file cannot be read ({exc.strerror})") from exc


def is_zip(head: bytes) -> bool:
    """Whether bytes start like a zip archive (which an .xlsx workbook also is)."""
    return head.startswith(_ZIP_MAGIC)


def is_old_excel(head: bytes) -> bool:
    """Whether bytes start like a legacy .xls (OLE2) workbook."""
    return head.startswith(_OLE2_MAGIC)


def open_zip(path: Path, data: bytes) -> zipfile.ZipFile:
    """The zip archive held in ``data`` (the bytes of ``path``)."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as exc:
        raise SourceFileError(
            path, "the zip archive is damaged or incomplete: download it again"
        ) from exc


def is_workbook(archive: zipfile.ZipFile) -> bool:
    """Whether a zip archive is an .xlsx workbook rather than a folder of files."""
    return "xl/workbook.xml" in archive.namelist()


def zip_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """Files of a zip archive, without folders and macOS resource-fork clutter."""
    members: list[zipfile.ZipInfo] = []
    for info in archive.infolist():
        name = PurePosixPath(info.filename)
        if info.is_dir() or "__MACOSX" in name.parts or name.name.startswith("._"):
            continue
        members.append(info)
    return members


def read_member(
    path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int | None = None
) -> bytes:
    """Bytes of one zip member (checked against its CRC when read whole).

    A member read whole must not inflate beyond MAX_INFLATED_BYTES: its declared size is checked
    first and the bytes are counted while inflating (a header may lie).
    """
    if limit is None and info.file_size > MAX_INFLATED_BYTES:
        raise too_large(path, info.file_size, info.filename)
    try:
        with archive.open(info) as handle:
            if limit is not None:
                return handle.read(limit)
            chunks: list[bytes] = []
            total = 0
            while chunk := handle.read(1024 * 1024):
                total += len(chunk)
                if total > MAX_INFLATED_BYTES:
                    raise too_large(path, total, info.filename, counted=True)
                chunks.append(chunk)
            return b"".join(chunks)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        RuntimeError,
        NotImplementedError,
        ValueError,
    ) as exc:
        raise SourceFileError(
            path, f"'{info.filename}' inside the zip is damaged ({exc}): download the zip again"
        ) from exc


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


# ---------------------------------------------------------------- the opened source


@dataclass(frozen=True)
class Source:
    """A CMS file opened for reading: table rows with a located header, or fixed-width text."""

    path: Path  # what the caller gave
    member: str | None  # the zip member (or worksheet) actually read
    kind: Kind
    header: int  # index of the header row in rows; -1 for fixed-width text
    columns: dict[str, int]  # known column → index in the header row
    rows: list[list[str]]
    text: str  # the fixed-width text; "" for tables
    ended_cleanly: bool  # False when a CSV does not end with a line break
    archive: bytes | None  # the zip's bytes when path is a zip of files
    # Every row from the first, streamed again from the file (``rows`` then holds only the
    # first rows, where the header was found); None when ``rows`` holds them all.
    stream: Callable[[], Iterator[list[str]]] | None = None

    @property
    def name(self) -> str:
        """Name of the file actually read (the member's for a zip)."""
        return PurePosixPath(self.member).name if self.member else self.path.name

    def error(
        self, problem: str, row: int | None = None, *, line: int | None = None
    ) -> SourceFileError:
        """An error about this source, at 0-based table ``row`` or 1-based text ``line``."""
        places = [f"'{self.member}' inside the zip"] if self.member else []
        if row is not None:
            places.append(f"row {row + 1}")
        if line is not None:
            places.append(f"line {line}")
        where = ", ".join(places)
        return SourceFileError(self.path, f"{where}: {problem}" if where else problem)

    def title_text(self) -> str:
        """The text of the rows above the header (CMS title and notes lines)."""
        lines = (" ".join(cell for cell in row if cell.strip()) for row in self.rows[: self.header])
        return "\n".join(line for line in lines if line)

    def _rows_after_header(self) -> Iterator[tuple[int, list[str], bool]]:
        """(index, row, whether it is the last row) of every row below the header."""
        rows: Iterator[list[str]] = self.stream() if self.stream is not None else iter(self.rows)
        previous: tuple[int, list[str]] | None = None
        for index, row in enumerate(rows):
            if index <= self.header:
                continue
            if previous is not None:
                yield previous[0], previous[1], False
            previous = (index, row)
        if previous is not None:
            yield previous[0], previous[1], True

    def data_rows(
        self, short: Callable[[int, str], None] | None = None
    ) -> Iterator[tuple[int, list[str]]]:
        """(0-based row index, cells padded to the header width) of each non-blank data row.

        A row missing required cells is passed to ``short`` (index, problem) and left out, or
        raises without ``short``; a last row cut short in a CSV that does not end with a line
        break (a truncated download) always raises.
        """
        header = self.rows[self.header]
        width = len(header)
        required = [
            index for key, index in self.columns.items() if COLUMNS[self.kind][key].required
        ]
        needed = max(required, default=0) + 1
        for index, row, is_last in self._rows_after_header():
            if not any(cell.strip() for cell in row):
                continue
            if is_last and not self.ended_cleanly and len(row) < width:
                raise self.error(
                    f"the row has {len(row)} of the header's {width} columns and the file ends "
                    "without a line break: the file looks truncated",
                    index,
                )
            if len(row) < needed:
                problem = f"the row has only {len(row)} columns; the header has {width}"
                if short is None:
                    raise self.error(problem, index)
                short(index, problem)
                continue
            if len(row) < width:
                row = row + [""] * (width - len(row))
            yield index, row


def _from_text(
    path: Path, member: str | None, text: str, expected: Kind, archive: bytes | None
) -> Source:
    if looks_fixed_width(text):
        if expected != "hcpcs":
            where = f"'{member}' inside the zip: " if member else ""
            raise SourceFileError(
                path, f"{where}this file is {KIND_NAMES['hcpcs']}, not {KIND_NAMES[expected]}"
            )
        ended = text.endswith(("\n", "\r"))
        return Source(path, member, "hcpcs", -1, {}, [], text, ended, archive)
    rows = csv_rows(path, text, member)
    ended = text.endswith(("\n", "\r"))
    return _with_header(path, member, rows, expected, ended, archive)


def _with_header(
    path: Path,
    member: str | None,
    rows: list[list[str]],
    expected: Kind,
    ended: bool,
    archive: bytes | None,
) -> Source:
    guess = scan_header(rows, expected)
    where = f"'{member}' inside the zip: " if member else ""
    if guess is None:
        wanted = ", ".join(
            f"'{column.label}'" for column in COLUMNS[expected].values() if column.required
        )
        raise SourceFileError(
            path,
            f"{where}no header row with the columns of {KIND_NAMES[expected]} ({wanted}) in its "
            f"first {HEADER_SEARCH_ROWS} rows: is this the right file?",
        )
    if guess.kind != expected:
        raise SourceFileError(
            path, f"{where}this file is {KIND_NAMES[guess.kind]}, not {KIND_NAMES[expected]}"
        )
    header = rows[guess.index]
    columns = map_columns(header, COLUMNS[expected])
    missing = [
        column.label
        for key, column in COLUMNS[expected].items()
        if column.required and key not in columns
    ]
    if missing:
        names = " and ".join(f"'{label}'" for label in missing)
        plural = "columns" if len(missing) > 1 else "column"
        raise SourceFileError(
            path,
            f"{where}the header (row {guess.index + 1}) has no {names} {plural} "
            f"of {KIND_NAMES[expected]}",
        )
    return Source(path, member, expected, guess.index, columns, rows, "", ended, archive)


def _from_workbook(
    path: Path, member: str | None, data: bytes, expected: Kind, archive: bytes | None
) -> Source:
    sheets = workbook_sheets(path, data, member)
    errors: list[SourceFileError] = []
    for rows in sheets:
        try:
            return _with_header(path, member, rows, expected, True, archive)
        except SourceFileError as exc:
            errors.append(exc)
    if errors:  # prefer the message about a sheet that had a header row
        errors.sort(key=lambda error: "no header row" in error.problem)
        raise errors[0]
    raise SourceFileError(path, "the workbook has no worksheets")


def sniff_bytes(head: bytes, complete: bool) -> HeaderGuess | None:
    """What a CSV or text file is, from its first bytes (None when unknown)."""
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    binary = b"\x00" in head[:4096] and not utf16
    if not head or is_zip(head) or is_old_excel(head) or binary:
        return None
    text = decode_head(head)
    if looks_fixed_width(text):
        return HeaderGuess(-1, "hcpcs", True)
    return scan_header(sniff_csv_rows(text, complete), None)


def sniff_workbook(path: Path, data: bytes, member: str | None) -> HeaderGuess | None:
    """What an .xlsx workbook holds, from the first rows of its sheets."""
    for rows in workbook_sheets(path, data, member, max_rows=HEADER_SEARCH_ROWS):
        guess = scan_header(rows, None)
        if guess is not None:
            return guess
    return None


_TEXT_SUFFIXES: Final = (".csv", ".txt")
_BOOK_SUFFIXES: Final = (".xlsx", ".xlsm", ".xls")


def table_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """Members that may hold a CMS table: text files first, then workbooks.

    The HCPCS zip's "NOC codes" list is left out: its header looks like the HCPCS file's.
    """
    members = [
        info
        for info in zip_members(archive)
        if not normalize_header(PurePosixPath(info.filename).name).startswith("noc")
    ]
    texts = [m for m in members if m.filename.lower().endswith(_TEXT_SUFFIXES)]
    books = [m for m in members if m.filename.lower().endswith(_BOOK_SUFFIXES)]
    return texts + books


def sniff_member(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> HeaderGuess | None:
    """What one zip member is (cheaply for text: only its first bytes are read)."""
    if info.filename.lower().endswith(_BOOK_SUFFIXES):
        return sniff_workbook(path, read_member(path, archive, info), info.filename)
    head = read_member(path, archive, info, HEAD_BYTES)
    return sniff_bytes(head, info.file_size <= HEAD_BYTES)


def _from_zip(path: Path, data: bytes, archive: zipfile.ZipFile, expected: Kind) -> Source:
    members = table_members(archive)
    others: list[Kind] = []
    partial: zipfile.ZipInfo | None = None
    chosen: zipfile.ZipInfo | None = None
    for info in members:
        guess = sniff_member(path, archive, info)
        if guess is None:
            continue
        if guess.kind == expected and guess.complete:
            chosen = info
            break
        if guess.kind == expected and partial is None:
            partial = info
        elif guess.kind != expected and guess.complete:
            others.append(guess.kind)
    chosen = chosen or partial
    if chosen is None:
        if others:
            raise SourceFileError(
                path, f"this zip holds {KIND_NAMES[others[0]]}, not {KIND_NAMES[expected]}"
            )
        listed = ", ".join(f"'{m.filename}'" for m in zip_members(archive)[:8]) or "nothing"
        raise SourceFileError(
            path, f"the zip holds no file of {KIND_NAMES[expected]} (it holds {listed})"
        )
    if chosen.filename.lower().endswith(_BOOK_SUFFIXES):
        content = read_member(path, archive, chosen)
        return _from_workbook(path, chosen.filename, content, expected, data)
    return _from_stream(path, chosen.filename, member_opener(path, data, chosen), expected, data)


def open_source(path: Path, expected: Kind) -> Source:
    """Open ``path`` (file, workbook or zip) as a file of kind ``expected``.

    Raises :class:`SourceFileError` when the file is missing, empty, damaged, of another kind,
    or lacks a required column.
    """
    path = Path(path)
    check_file(path)
    head = read_bytes(path, HEAD_BYTES)
    if is_zip(head) or is_old_excel(head):
        data = read_bytes(path)
        if is_old_excel(data):
            return _from_workbook(path, None, data, expected, None)
        archive = open_zip(path, data)
        with archive:
            if is_workbook(archive):
                return _from_workbook(path, None, data, expected, None)
            return _from_zip(path, data, archive, expected)
    return _from_stream(path, None, file_opener(path), expected, None)


def check_workbook_sizes(path: Path, archive: zipfile.ZipFile, member: str | None = None) -> None:
    """Refuse a workbook whose parts inflate beyond the limit (before openpyxl reads them)."""
    total = sum(info.file_size for info in archive.infolist())
    if total > MAX_INFLATED_BYTES:
        raise too_large(path, total, member)


def _from_stream(
    path: Path, member: str | None, opener: Opener, expected: Kind, archive: bytes | None
) -> Source:
    """A CSV or fixed-width text file, streamed: only its first rows are held."""
    scanned = scan(path, opener, member)
    if looks_fixed_width(decode_head(scanned.head)):
        return _from_text(path, member, read_text(opener, scanned), expected, archive)

    def rows() -> Iterator[list[str]]:
        return csv_stream(path, opener, scanned, member)

    head = list(itertools.islice(rows(), HEADER_SEARCH_ROWS + 1))
    source = _with_header(path, member, head, expected, scanned.ended_cleanly, archive)
    return replace(source, stream=rows)


def effective_dates(source: Source) -> tuple[date, date]:
    """The effective period from the title lines, else from a quarter in the file name."""
    found = effective_range(source.title_text())
    if found is not None:
        return found
    for name in (source.name, source.path.name):
        quarter = quarter_of(name)
        if quarter is not None:
            return quarter_dates(*quarter)
    raise source.error(
        "there is no 'Effective <date> through <date>' line above the header and the file name "
        "names no quarter, so the dates the file applies to are unknown"
    )


def row_code(source: Source, row: list[str], index: int) -> str | None:
    """The HCPCS code of a data row; None for a note row (text in the first column only)."""
    code = row[source.columns["code"]].strip().upper()
    if ANY_CODE.fullmatch(code):
        return code
    others = [
        row[column]
        for key, column in source.columns.items()
        if key != "code" and row[column].strip()
    ]
    if not others:
        return None
    raise source.error(f"'{code}' is not a HCPCS code", index)
