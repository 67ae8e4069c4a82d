"""Reader of the HCPCS Level II file: the CMS zip, its fixed-width text, its .xlsx or a CSV."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Final

from jcalc.catalog.sources.errors import SourceFileError
from jcalc.catalog.sources.opening import (
    ANY_CODE,
    FIXED_RECORD_LENGTH,
    HEADER_SEARCH_ROWS,
    LEVEL2_CODE,
    Source,
    clean_text,
    csv_rows,
    decode,
    is_record_line,
    normalize_header,
    open_source,
    read_member,
    xlsx_sheets,
    zip_members,
)
from jcalc.catalog.sources.records import HcpcsFile, HcpcsRecord, ModifierRecord
from jcalc.catalog.sources.rows import (
    BAD_DATE,
    BAD_RECORD,
    NOT_A_CODE,
    RowSkipped,
    SkipReport,
    new_report,
    short_rows,
)
from jcalc.catalog.sources.values import MONTHS, parse_yyyymmdd

# Field positions of the fixed-width record (0-based slices of the 1-based positions in
# HCPC2026_recordlayout.txt; checked against the layout when the zip holds it).
_CODE: Final = slice(0, 5)
_RECID: Final = 10
_LONG: Final = slice(11, 91)
_SHORT: Final = slice(91, 119)
_XREFS: Final = tuple(slice(204 + 5 * i, 209 + 5 * i) for i in range(5))
_ADD_DATE: Final = slice(268, 276)
_EFFECTIVE_DATE: Final = slice(276, 284)
_TERMINATION_DATE: Final = slice(284, 292)
_ACTION_CODE: Final = slice(292, 293)
_FIRST_LINE_MINIMUM: Final = 293  # a first line (RECID 3) must reach the action code

# Layout entries this reader relies on: name → (begin, end), 1-based inclusive.
_LAYOUT_POSITIONS: Final[dict[str, tuple[int, int]]] = {
    "HCPCS Sequence Number": (6, 10),
    "HCPCS Record Identification Code": (11, 11),
    "HCPCS Long Description": (12, 91),
    "HCPCS Short Description": (92, 119),
    "HCPCS Cross Reference Code": (205, 209),
    "HCPCS Code Added Date": (269, 276),
    "HCPCS Action Effective Date": (277, 284),
    "HCPCS Termination Date": (285, 292),
    "HCPCS Action Code": (293, 293),
}
_LAYOUT_ENTRY: Final = re.compile(
    r"^[ \t]*[0-9]+\.[ \t]+(\S[^\n]*?)[ \t]*\n[ \t]*([0-9]+)[ \t]+([0-9]+)[ \t]+([0-9]+)",
    re.MULTILINE,
)

_RELEASE_CMS: Final = re.compile(r"HCPC((?:19|20)[0-9]{2})_([A-Z]{3})", re.IGNORECASE)
_RELEASE_WORDS: Final = re.compile(
    r"(?<![a-z])([a-z]{3,9})[\s_-]*((?:19|20)[0-9]{2})(?![0-9])", re.IGNORECASE
)
_RELEASE_YEAR: Final = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])")
_MODIFIER_RECIDS: Final = frozenset({"7", "8"})
MODIFIER_ROWS: Final = "modifier rows"

_NOC_START: Final = re.compile(r"(?:unclassified|not otherwise classified|noc)\b")
_NOC_ENDINGS: Final = ("not otherwise classified", "not otherwise specified", "unclassified")
_NOC_LAST_WORDS: Final = frozenset({"nos", "noc"})
_NOC_TAIL: Final = re.compile(r"\s*\((?:nos|noc)\)\s*$")


def read_hcpcs(path: Path) -> HcpcsFile:
    """Read the HCPCS Level II file: the CMS zip, its fixed-width .txt, its .xlsx or a CSV export.

    Modifier records are set aside; terminated codes are kept. Long descriptions are joined and
    their whitespace collapsed. ``noc_codes`` comes from the zip's "NOC codes" workbook, else from
    the descriptions (see :func:`is_noc_description`). A disclaimer block above the records is
    passed over; a record with an unreadable date or code is skipped and counted in ``report``.
    The release comes from the file name, else from the latest dates in the file (see
    :func:`release_of`).
    """
    path = Path(path)
    source = open_source(path, "hcpcs")
    noc: frozenset[str] | None = None
    if source.archive is not None:
        noc = _read_zip_extras(source)
    report = new_report(source)
    if source.header < 0:
        records = _fixed_width_records(source, report)
    else:
        records = _table_records(source, report)
    report.imported = len(records)
    report.check(source)
    if not records:
        raise source.error("the file holds no HCPCS codes")
    if noc is None:
        noc = frozenset(r.code for r in records if is_noc_description(r.long_description))
    release = release_of((source.name, path.name), records)
    return HcpcsFile(
        source_name=path.name, release=release, records=records, noc_codes=noc,
        modifiers=modifier_records(source), report=report,
    )  # fmt: skip


def release_of(names: tuple[str, ...], records: list[HcpcsRecord]) -> str:
    """ "2026-01": the month named in a file name, else the latest ADD DT or ACT EFF DT in the
    file (within the year a name gives: an annual "HCPC2019_CONTR_ANWEB.txt" is "2019-01").

    "" when neither the names nor the records say.
    """
    for name in names:
        named = _release(name)
        if named:
            return named
    years = [int(match[1]) for name in names if (match := _RELEASE_YEAR.search(name))]
    year = years[0] if years else None
    dates = [
        day
        for record in records
        for day in (record.add_date, record.effective_date)
        if day is not None and (year is None or day.year <= year)
    ]
    latest = max(dates, default=None)
    if latest is not None and (year is None or latest.year == year):
        return f"{latest.year}-{latest.month:02d}"
    return f"{year}-01" if year is not None else ""


def is_noc_description(description: str) -> bool:
    """Whether a long description is that of a "not otherwise classified" code.

    True when it starts with "Unclassified", "Not otherwise classified" or "NOC", or ends with
    "not otherwise classified/specified", "unclassified" or "nos": "Unclassified drugs" (J3490),
    "Prescription drug, oral, chemotherapeutic, nos" (J8999). A dose after the phrase makes it a
    dosed code: "Injection, triamcinolone acetonide, not otherwise specified, 10 mg" is not NOC.
    """
    text = _NOC_TAIL.sub("", description.strip().lower()).rstrip(" .;,")
    if _NOC_START.match(text) or text.endswith(_NOC_ENDINGS):
        return True
    words = text.replace("-", " ").rsplit(None, 1)
    return bool(words) and words[-1] in _NOC_LAST_WORDS


@dataclass
class _Pending:
    """A code being read: its first record and the parts of its long description."""

    where: int  # 0-based row or 1-based line, for messages
    code: str
    fields: dict[str, str]
    parts: list[str] = field(default_factory=list)


def _release(name: str) -> str:
    """ "2026-01" from "HCPC2026_JAN_ANWEB..." or "january-2026-alpha-numeric..."; "" if none."""
    match = _RELEASE_CMS.search(name)
    if match and match[2].lower() in MONTHS:
        return f"{match[1]}-{MONTHS[match[2].lower()]:02d}"
    for match in _RELEASE_WORDS.finditer(name):
        month = MONTHS.get(match[1].lower())
        if month is not None:
            return f"{match[2]}-{month:02d}"
    return ""


def _date(source: Source, pending: _Pending, label: str, text: str, *, fixed: bool) -> date | None:
    try:
        return parse_yyyymmdd(text)
    except ValueError:
        shown = text.strip()[:20]
        raise RowSkipped(
            BAD_DATE, f"the {label} '{shown}' of {pending.code} is not a YYYYMMDD date"
        ) from None


def _finish_into(
    source: Source, pending: _Pending, records: list[HcpcsRecord], report: SkipReport, *,
    fixed: bool,
) -> None:  # fmt: skip
    """Append the record of ``pending``, or count it as skipped."""
    try:
        records.append(_finish(source, pending, fixed=fixed))
    except RowSkipped as skipped:
        report.skip(pending.where if fixed else pending.where + 1, skipped.reason, skipped.detail)


def _finish(source: Source, pending: _Pending, *, fixed: bool) -> HcpcsRecord:
    values = pending.fields
    xrefs = tuple(x for x in (values.get(f"xref{i}", "").strip().upper() for i in range(1, 6)) if x)
    return HcpcsRecord(
        code=pending.code,
        long_description=clean_text(" ".join(pending.parts)),
        short_description=clean_text(values.get("short_description", "")),
        add_date=_date(source, pending, "ADD DT", values.get("add_date", ""), fixed=fixed),
        effective_date=_date(
            source, pending, "ACT EFF DT", values.get("effective_date", ""), fixed=fixed
        ),
        termination_date=_date(
            source, pending, "TERM DT", values.get("termination_date", ""), fixed=fixed
        ),
        action_code=values.get("action_code", "").strip(),
        xrefs=xrefs,
    )


def _fixed_width_records(source: Source, report: SkipReport) -> list[HcpcsRecord]:
    lines = source.text.split("\n")
    last = max((n for n, line in enumerate(lines, 1) if line.strip()), default=0)
    first = first_record_line(lines)
    records: list[HcpcsRecord] = []
    pending: _Pending | None = None
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r")
        if number < first or not line.strip():
            continue
        if number == last and not source.ended_cleanly and len(line) < FIXED_RECORD_LENGTH:
            raise source.error(
                f"the last record is {len(line)} characters long, not {FIXED_RECORD_LENGTH}: "
                "the file looks truncated",
                line=number,
            )
        recid = line[_RECID] if len(line) > _RECID else ""
        code = line[_CODE].strip().upper()
        if recid in _MODIFIER_RECIDS:
            if recid == "7":  # a modifier's first record; 8 continues its description
                report.rows_read += 1
                report.aside(MODIFIER_ROWS)
            continue
        if recid != "4":
            report.rows_read += 1
        if recid == "3":
            if pending is not None:
                _finish_into(source, pending, records, report, fixed=True)
                pending = None
            if len(line) < _FIRST_LINE_MINIMUM:
                report.skip(
                    number, BAD_RECORD,
                    f"the record of {code[:5]} is {len(line)} characters long, not "
                    f"{FIXED_RECORD_LENGTH}",
                )  # fmt: skip
                continue
            if not ANY_CODE.fullmatch(code):
                report.skip(number, NOT_A_CODE, f"'{code}' is not a five-character HCPCS code")
                continue
            fields = {
                "short_description": line[_SHORT],
                "add_date": line[_ADD_DATE],
                "effective_date": line[_EFFECTIVE_DATE],
                "termination_date": line[_TERMINATION_DATE],
                "action_code": line[_ACTION_CODE],
            }
            fields.update({f"xref{i}": line[s] for i, s in enumerate(_XREFS, 1)})
            pending = _Pending(number, code, fields, [line[_LONG]])
        elif recid == "4":
            if pending is None or pending.code != code:
                report.rows_read += 1
                report.skip(
                    number, BAD_RECORD,
                    f"this continues the description of '{code[:5]}', but no record of that "
                    "code comes before it",
                )  # fmt: skip
                continue
            pending.parts.append(line[_LONG])
        else:
            report.skip(number, BAD_RECORD, f"the record type is '{recid}', not 3, 4, 7 or 8")
    if pending is not None:
        _finish_into(source, pending, records, report, fixed=True)
    return records


def first_record_line(lines: list[str]) -> int:
    """1-based number of the first fixed-width record line (after any disclaimer block)."""
    for number, line in enumerate(lines[:HEADER_SEARCH_ROWS], 1):
        if is_record_line(line.rstrip("\r")):
            return number
    return 1


def _table_records(source: Source, report: SkipReport) -> list[HcpcsRecord]:
    columns = source.columns
    records: list[HcpcsRecord] = []
    pending: _Pending | None = None
    for index, row in source.data_rows(short_rows(report)):
        values = {key: row[column] for key, column in columns.items()}
        code = values["code"].strip().upper()
        recid = values.get("recid", "").strip()
        if recid == "4":  # a continuation row, if an export kept them
            if pending is None or pending.code != code:
                report.rows_read += 1
                report.skip(
                    index + 1, BAD_RECORD,
                    f"this continues the description of '{code[:5]}', but no row of that code "
                    "comes before it",
                )  # fmt: skip
                continue
            pending.parts.append(values["long_description"])
            continue
        report.rows_read += 1
        if recid in _MODIFIER_RECIDS or len(code) == 2:
            report.aside(MODIFIER_ROWS)
            continue
        if pending is not None:
            _finish_into(source, pending, records, report, fixed=False)
            pending = None
        if not ANY_CODE.fullmatch(code):
            report.skip(index + 1, NOT_A_CODE, f"'{code[:40]}' is not a five-character HCPCS code")
            continue
        pending = _Pending(index, code, values, [values["long_description"]])
    if pending is not None:
        _finish_into(source, pending, records, report, fixed=False)
    return records


def _read_zip_extras(source: Source) -> frozenset[str] | None:
    """Check the zip's record layout (for the fixed-width text) and read its NOC list."""
    assert source.archive is not None
    noc: frozenset[str] | None = None
    with zipfile.ZipFile(io.BytesIO(source.archive)) as archive:
        for info in zip_members(archive):
            name = PurePosixPath(info.filename).name
            key = normalize_header(name)
            if "recordlayout" in key and key.endswith("txt") and source.header < 0:
                text = decode(source.path, read_member(source.path, archive, info), name)
                _check_layout(source.path, name, text)
            elif key.startswith("noc") and key.endswith(("xlsx", "csv")):
                noc = _noc_codes(source.path, archive, info) or noc
    return noc


def _check_layout(path: Path, name: str, text: str) -> None:
    """Raise when the zip's record layout moved a field this reader uses."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for match in _LAYOUT_ENTRY.finditer(text):
        field_name = match[1].strip()
        expected = _LAYOUT_POSITIONS.get(field_name)
        if expected is None:
            continue
        found = (int(match[3]), int(match[4]))
        if found != expected:
            raise SourceFileError(
                path,
                f"the record layout '{name}' puts '{field_name}' at positions "
                f"{found[0]}-{found[1]}, not {expected[0]}-{expected[1]}: this version of jcalc "
                "cannot read this HCPCS release",
            )


def _noc_codes(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> frozenset[str]:
    """Codes listed in the zip's "NOC codes" workbook (or CSV)."""
    data = read_member(path, archive, info)
    if info.filename.lower().endswith(".csv"):
        sheets = [csv_rows(path, decode(path, data, info.filename), info.filename)]
    else:
        sheets = xlsx_sheets(path, data, info.filename)
    codes: set[str] = set()
    for rows in sheets:
        column = 0
        for row in rows[:20]:
            names = [normalize_header(cell) for cell in row]
            hits = [i for i, n in enumerate(names) if n in {"hcpcs", "hcpc", "hcpcscode", "code"}]
            if hits:
                column = hits[0]
                break
        for row in rows:
            if len(row) > column:
                code = row[column].strip().upper()
                if LEVEL2_CODE.fullmatch(code):
                    codes.add(code)
    return frozenset(codes)


_MODIFIER_CODE: Final = re.compile(r"[A-Z0-9]{2}")


def _lenient_date(text: str) -> date | None:
    try:
        return parse_yyyymmdd(text)
    except ValueError:
        return None


def modifier_records(source: Source) -> tuple[ModifierRecord, ...]:
    """The two-character modifier rows (RECID 7, continued by RECID 8) with their dates.

    A modifier's dates are read as a code's (ADD DT .. TERM DT); a date that cannot be read is
    left blank rather than refusing the whole file for a modifier.
    """
    found: dict[str, tuple[dict[str, str], list[str]]] = {}
    if source.header < 0:
        for raw in source.text.split("\n"):
            line = raw.rstrip("\r")
            recid = line[_RECID] if len(line) > _RECID else ""
            code = line[_CODE].strip().upper()
            if recid not in _MODIFIER_RECIDS or not _MODIFIER_CODE.fullmatch(code):
                continue
            if recid == "7" and len(line) >= _FIRST_LINE_MINIMUM:
                fields = {
                    "short_description": line[_SHORT],
                    "add_date": line[_ADD_DATE],
                    "effective_date": line[_EFFECTIVE_DATE],
                    "termination_date": line[_TERMINATION_DATE],
                    "action_code": line[_ACTION_CODE],
                }
                found[code] = (fields, [line[_LONG]])
            elif recid == "8" and code in found:
                found[code][1].append(line[_LONG])
    else:
        for _index, row in source.data_rows():
            values = {key: row[column] for key, column in source.columns.items()}
            code = values["code"].strip().upper()
            recid = values.get("recid", "").strip()
            if not _MODIFIER_CODE.fullmatch(code) or recid not in ("", "7", "8"):
                continue
            if recid == "8" and code in found:
                found[code][1].append(values.get("long_description", ""))
            else:
                found[code] = (values, [values.get("long_description", "")])
    return tuple(
        ModifierRecord(
            code=code,
            long_description=clean_text(" ".join(parts)),
            short_description=clean_text(fields.get("short_description", "")),
            add_date=_lenient_date(fields.get("add_date", "")),
            effective_date=_lenient_date(fields.get("effective_date", "")),
            termination_date=_lenient_date(fields.get("termination_date", "")),
            action_code=fields.get("action_code", "").strip(),
        )
        for code, (fields, parts) in sorted(found.items())
    )
