"""Opening CMS source files: zips, workbooks, text encodings, CSV rows and header rows.

Every reader goes through :func:`open_source`, which accepts the file as CMS publishes it (a zip, an
``.xlsx`` workbook, a CSV or the HCPCS fixed-width text), picks the right zip member by its content,
finds the header row by the column names it holds and turns every low-level failure (bad zip, CRC
error, undecodable bytes, broken CSV quoting) into a :class:`SourceFileError` naming the file.
"""

from __future__ import annotations

import codecs
import itertools
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Final

from jcalc.catalog.sources.columns import COLUMNS, HeaderGuess, map_columns, scan_header
from jcalc.catalog.sources.columns import HEADER_SEARCH_ROWS as HEADER_SEARCH_ROWS
from jcalc.catalog.sources.columns import KIND_NAMES as KIND_NAMES
from jcalc.catalog.sources.columns import KINDS as KINDS
from jcalc.catalog.sources.columns import Kind as Kind
from jcalc.catalog.sources.columns import normalize_header as normalize_header
from jcalc.catalog.sources.containers import (
    HEAD_BYTES,
    check_file,
    check_workbook_sizes,
    is_old_excel,
    is_workbook,
    is_zip,
    open_zip,
    read_bytes,
    read_member,
    zip_members,
)
from jcalc.catalog.sources.decoding import (
    cell_text,
    clean_lines,
    clean_text,
    csv_rows,
    decode,
    decode_head,
    is_record_line,
    looks_fixed_width,
    sniff_csv_rows,
    workbook_sheets,
    xlsx_sheets,
)
from jcalc.catalog.sources.errors import SourceFileError
from jcalc.catalog.sources.streams import (
    Opener,
    csv_stream,
    file_opener,
    member_opener,
    read_text,
    scan,
)
from jcalc.catalog.sources.values import effective_range, quarter_dates, quarter_of

__all__ = [
    "ANY_CODE",
    "FIXED_RECORD_LENGTH",
    "HEADER_SEARCH_ROWS",
    "HEAD_BYTES",
    "KINDS",
    "KIND_NAMES",
    "LEVEL2_CODE",
    "PUBLIC_CODE",
    "Kind",
    "Source",
    "cell_text",
    "check_file",
    "check_workbook_sizes",
    "clean_lines",
    "clean_text",
    "csv_rows",
    "decode",
    "decode_head",
    "effective_dates",
    "is_old_excel",
    "is_record_line",
    "is_workbook",
    "is_zip",
    "looks_fixed_width",
    "normalize_header",
    "open_source",
    "open_zip",
    "read_bytes",
    "read_member",
    "row_code",
    "sniff_bytes",
    "sniff_csv_rows",
    "sniff_member",
    "sniff_workbook",
    "table_members",
    "workbook_sheets",
    "xlsx_sheets",
    "zip_members",
]

FIXED_RECORD_LENGTH: Final = 320  # HCPCS fixed-width record

LEVEL2_CODE: Final = re.compile(r"[A-Z][0-9]{4}")
# Level II codes whose text may be stored: not CPT (numeric) and not CDT (D codes, ADA text).
PUBLIC_CODE: Final = re.compile(r"[A-CE-Z][0-9]{4}")
ANY_CODE: Final = re.compile(r"[A-Z0-9]{5}")

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
            f"of {KIND_NAMES[expected]}{_noc_list_hint(member or path.name, rows, expected)}",
        )
    return Source(path, member, expected, guess.index, columns, rows, "", ended, archive)


def _noc_list_hint(name: str, rows: list[list[str]], expected: Kind) -> str:
    """A pointer to the right file when CMS's NOC list was given as the HCPCS Level II file."""
    if expected != "hcpcs":
        return ""
    titles = " ".join(cell for row in rows[:HEADER_SEARCH_ROWS] for cell in row[:3])
    if not normalize_header(name).startswith("noc") and "noc codes" not in titles.lower():
        return ""
    return (
        ": this is CMS's list of NOC codes that comes in the HCPCS zip; give the zip itself "
        "or its HCPC…ANWEB file"
    )


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
