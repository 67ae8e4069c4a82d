"""Reader of the practitioner services MUE table (Level II rows only)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from jcalc.catalog.sources.opening import (
    PUBLIC_CODE,
    Source,
    clean_text,
    normalize_header,
    open_source,
)
from jcalc.catalog.sources.records import MueFile, MueRecord
from jcalc.catalog.sources.rows import (
    MUE_VALUE,
    NOT_A_NUMBER,
    RowSkipped,
    bounded_number,
    new_report,
    short_rows,
)
from jcalc.catalog.sources.values import quarter_of

_MAI: Final = re.compile(r"\s*([123])(?![0-9])")
_OTHER_TABLES: Final = (
    ("dme", "the DME supplier MUE table"),
    ("outpatienthospital", "the outpatient hospital MUE table"),
    ("facility", "the facility outpatient hospital MUE table"),
)
CPT_ROWS: Final = "CPT, CDT or other non-Level II rows"


def read_mue(path: Path) -> MueFile:
    """Read the practitioner services MUE table: the CMS zip, its CSV or .xlsx, or a derived CSV
    (HCPCS, MUE_VALUE, MAI, MUE_RATIONALE).

    Only Level II codes are kept (CPT and CDT rows are set aside unread). The MAI is the leading
    digit of cells such as "3 Date of Service Edit: Clinical". A row whose MUE value is not a
    whole number of units from 0 to 1,000,000, or whose MAI is not 1, 2 or 3, is skipped and
    counted in ``report``.
    """
    path = Path(path)
    source = open_source(path, "mue")
    _check_practitioner(source)
    cells = source.columns
    report = new_report(source)
    records: list[MueRecord] = []
    for index, row in source.data_rows(short_rows(report)):
        report.rows_read += 1
        code = row[cells["code"]].strip().upper()
        if not PUBLIC_CODE.fullmatch(code):
            report.aside(CPT_ROWS)
            continue
        try:
            number = bounded_number(row[cells["value"]], MUE_VALUE, code)
            if number is None:
                raise RowSkipped(NOT_A_NUMBER, f"the MUE value of {code} is empty")
            raw_mai = row[cells["mai"]]
            match = _MAI.match(raw_mai)
            if match is None:
                raise RowSkipped(
                    NOT_A_NUMBER,
                    f"the MUE adjudication indicator '{raw_mai.strip()[:40]}' of {code} is not "
                    "1, 2 or 3",
                )
        except RowSkipped as skipped:
            report.skip(index + 1, skipped.reason, skipped.detail)
            continue
        rationale = clean_text(row[cells["rationale"]]) if "rationale" in cells else ""
        records.append(MueRecord(code, int(number), int(match[1]), rationale))
    report.imported = len(records)
    report.check(source)
    if not records:
        raise source.error("the table holds no HCPCS Level II rows")
    return MueFile(source_name=path.name, quarter=_quarter(source), records=records, report=report)


def _check_practitioner(source: Source) -> None:
    """Raise when the header names the DME or outpatient hospital table instead."""
    header = normalize_header(source.rows[source.header][source.columns["value"]])
    for marker, name in _OTHER_TABLES:
        if marker in header:
            raise source.error(f"this file is {name}, not the practitioner services MUE table")


def _quarter(source: Source) -> str:
    """ "2026Q2" from the file name, the zip member's name or the title lines; "" when unknown."""
    for text in (source.path.name, source.name, source.title_text()):
        found = quarter_of(text)
        if found is not None:
            return f"{found[0]}Q{found[1]}"
    return ""
