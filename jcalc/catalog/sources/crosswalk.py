"""Reader of the quarterly ASP NDC-HCPCS crosswalk."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Final

from jcalc.catalog.sources.opening import (
    PUBLIC_CODE,
    Source,
    clean_text,
    effective_dates,
    open_source,
)
from jcalc.catalog.sources.records import CrosswalkFile, CrosswalkRecord
from jcalc.catalog.sources.rows import (
    BILL_UNITS,
    BILL_UNITS_PKG,
    IMPOSSIBLE_VALUE,
    NO_IDENTIFIER,
    NOTE_ROWS,
    PKG_QTY,
    PKG_SIZE,
    Bounds,
    RowSkipped,
    bounded_number,
    new_report,
    row_code_or_skip,
    short_rows,
)
from jcalc.catalog.sources.spool import RecordSpool

_HYPHENATED: Final = re.compile(r"([0-9]+)-([0-9]+)-([0-9]+)")
_SHAPES: Final = frozenset({(5, 4, 2), (4, 4, 2), (5, 3, 2), (5, 4, 1)})
_TARGET: Final = (5, 4, 2)
_NUMBER_COLUMNS: Final[dict[str, Bounds]] = {
    "pkg_size": PKG_SIZE,
    "pkg_qty": PKG_QTY,
    "bill_units": BILL_UNITS,
    "bill_units_pkg": BILL_UNITS_PKG,
}
_NO_IDENTIFIER: Final = frozenset({"", "N/A", "NA", "NONE", "NULL", "UNKNOWN"})
_IDENTIFIER_LENGTH: Final = 30  # longer than any product identifier CMS has published


class UnmappableNdcError(ValueError):
    """An NDC of digits only whose count is not 11: no 5-4-2 reading can be chosen."""


def ndc11(text: str) -> str:
    """11-digit NDC of a crosswalk cell: "13533-0636-01" → "13533063601".

    Hyphenated 4-4-2, 5-3-2 and 5-4-1 forms are padded to 5-4-2. Raises
    :class:`UnmappableNdcError` for unhyphenated digits that are not 11, ValueError otherwise.
    """
    cleaned = "".join(text.split())
    match = _HYPHENATED.fullmatch(cleaned)
    if match:
        parts = match.groups()
        if tuple(len(p) for p in parts) not in _SHAPES:
            raise ValueError(text)
        return "".join(p.zfill(n) for p, n in zip(parts, _TARGET, strict=True))
    if cleaned.isascii() and cleaned.isdigit():
        if len(cleaned) == 11:
            return cleaned
        raise UnmappableNdcError(text)
    raise ValueError(text)


def product_identifier(text: str, code: str) -> tuple[str, bool]:
    """(11-digit NDC, True), or (the identifier as published, False) when it is not an NDC.

    Skin substitutes carry identifiers such as "GG100", "51120-61052" or 6, 12 or 14 digits:
    they name a product but cannot go on a claim as an NDC. Raises :class:`RowSkipped` for an
    empty or absurdly long cell.
    """
    cleaned = "".join(text.split())
    if cleaned.upper() in _NO_IDENTIFIER or not any(char.isalnum() for char in cleaned):
        shown = f" ('{cleaned}')" if cleaned else ""
        raise RowSkipped(NO_IDENTIFIER, f"the NDC2 cell of {code} is empty{shown}")
    if len(cleaned) > _IDENTIFIER_LENGTH or not cleaned.isprintable():
        raise RowSkipped(
            IMPOSSIBLE_VALUE, f"the NDC2 cell of {code} is not an NDC or a product identifier"
        )
    try:
        return ndc11(cleaned), True
    except ValueError:
        return cleaned.upper(), False


def read_crosswalk(path: Path) -> CrosswalkFile:
    """Read the ASP NDC-HCPCS crosswalk: the CMS CSV (or .xlsx), or a zip holding it.

    Rows of numeric (CPT) codes are kept without their short description. A row whose product
    identifier is not an NDC is kept with ``is_ndc`` False. A row whose code, identifier or
    numbers cannot be used (``21.3125?``, a PKG SIZE of 0) is skipped and counted in ``report``.
    """
    path = Path(path)
    source = open_source(path, "crosswalk")
    start, end = effective_dates(source)
    cells = source.columns
    report = new_report(source)
    records = RecordSpool()
    alternates = 0
    for index, row in source.data_rows(short_rows(report)):
        report.rows_read += 1
        try:
            code = row_code_or_skip(source, row)
            if code is None:
                report.aside(NOTE_ROWS)
                continue
            ndc, is_ndc = product_identifier(row[cells["ndc"]], code)
            numbers = {key: _number(source, row, key, code) for key in _NUMBER_COLUMNS}
        except RowSkipped as skipped:
            report.skip(index + 1, skipped.reason, skipped.detail)
            continue

        alternates += not is_ndc

        def text(key: str, row: list[str] = row) -> str:
            return clean_text(row[cells[key]]) if key in cells else ""

        records.append(
            CrosswalkRecord(
                code=code,
                short_description=text("short_description") if PUBLIC_CODE.fullmatch(code) else "",
                labeler=text("labeler"),
                ndc=ndc,
                drug_name=text("drug_name"),
                hcpcs_dosage=text("dosage"),
                pkg_size=numbers["pkg_size"],
                pkg_qty=numbers["pkg_qty"],
                bill_units=numbers["bill_units"],
                bill_units_pkg=numbers["bill_units_pkg"],
                is_ndc=is_ndc,
            )
        )
    report.imported = len(records)
    report.check(source)
    if alternates * 2 > len(records):
        raise source.error(
            f"{alternates} of its {len(records)} rows have no NDC in the NDC2 column: the "
            "column does not hold NDCs"
        )
    if not records:
        raise source.error("the file has a header but no data rows with a readable NDC")
    return CrosswalkFile(
        source_name=path.name,
        effective_from=start,
        effective_to=end,
        records=records,
        report=report,
    )


def _number(source: Source, row: list[str], key: str, code: str) -> Decimal | None:
    column = source.columns.get(key)
    if column is None:
        return None
    label = source.rows[source.header][column].strip() or _NUMBER_COLUMNS[key].label
    return bounded_number(row[column], _NUMBER_COLUMNS[key], code, label)
