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
    parse_decimal,
    quarter_of,
)
from jcalc.catalog.sources.records import MueFile, MueRecord

_MAI: Final = re.compile(r"\s*([123])(?![0-9])")
_OTHER_TABLES: Final = (
    ("dme", "the DME supplier MUE table"),
    ("outpatienthospital", "the outpatient hospital MUE table"),
    ("facility", "the facility outpatient hospital MUE table"),
)


def read_mue(path: Path) -> MueFile:
    """Read the practitioner services MUE table: the CMS zip, its CSV or .xlsx, or a derived CSV
    (HCPCS, MUE_VALUE, MAI, MUE_RATIONALE).

    Only Level II codes are kept (CPT and CDT rows are dropped unread). The MAI is the leading
    digit of cells such as "3 Date of Service Edit: Clinical".
    """
    path = Path(path)
    source = open_source(path, "mue")
    _check_practitioner(source)
    cells = source.columns
    records: list[MueRecord] = []
    for index, row in source.data_rows():
        code = row[cells["code"]].strip().upper()
        if not PUBLIC_CODE.fullmatch(code):
            continue
        raw_value = row[cells["value"]].strip()
        try:
            number = parse_decimal(raw_value)
        except ValueError:
            number = None
        if number is None or number != number.to_integral_value() or number < 0:
            raise source.error(
                f"the MUE value '{raw_value}' of {code} is not a whole number of units", index
            )
        raw_mai = row[cells["mai"]]
        match = _MAI.match(raw_mai)
        if match is None:
            raise source.error(
                f"the MUE adjudication indicator '{raw_mai.strip()}' of {code} is not 1, 2 or 3",
                index,
            )
        rationale = clean_text(row[cells["rationale"]]) if "rationale" in cells else ""
        records.append(MueRecord(code, int(number), int(match[1]), rationale))
    if not records:
        raise source.error("the table holds no HCPCS Level II rows")
    return MueFile(source_name=path.name, quarter=_quarter(source), records=records)


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
