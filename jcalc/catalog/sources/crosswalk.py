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
    parse_decimal,
    row_code,
)
from jcalc.catalog.sources.records import CrosswalkFile, CrosswalkRecord

_HYPHENATED: Final = re.compile(r"([0-9]+)-([0-9]+)-([0-9]+)")
_SHAPES: Final = frozenset({(5, 4, 2), (4, 4, 2), (5, 3, 2), (5, 4, 1)})
_TARGET: Final = (5, 4, 2)
_NUMBER_COLUMNS: Final = ("pkg_size", "pkg_qty", "bill_units", "bill_units_pkg")
# More unreadable NDCs than this (and than 1% of rows) means the column is not NDCs at all.
_SKIP_TOLERANCE: Final = 10


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


def read_crosswalk(path: Path) -> CrosswalkFile:
    """Read the ASP NDC-HCPCS crosswalk: the CMS CSV (or .xlsx), or a zip holding it.

    Rows of numeric (CPT) codes are kept without their short description. A row whose NDC is
    unhyphenated digits of the wrong count is left out and listed in ``skipped_rows``; any other
    malformed NDC or number raises, naming the row.
    """
    path = Path(path)
    source = open_source(path, "crosswalk")
    start, end = effective_dates(source)
    cells = source.columns
    records: list[CrosswalkRecord] = []
    skipped: list[str] = []
    for index, row in source.data_rows():
        code = row_code(source, row, index)
        if code is None:
            continue
        raw_ndc = row[cells["ndc"]].strip()
        try:
            ndc = ndc11(raw_ndc)
        except UnmappableNdcError:
            digits = len("".join(raw_ndc.split()))
            skipped.append(
                f"row {index + 1}: the NDC '{raw_ndc}' of {code} has {digits} digits, not 11; "
                "the row was left out"
            )
            continue
        except ValueError:
            raise source.error(
                f"the NDC '{raw_ndc}' of {code} is not an NDC (expected 5-4-2 digits such as "
                "13533-0636-01)",
                index,
            ) from None
        numbers = {key: _number(source, row, index, key, code) for key in _NUMBER_COLUMNS}

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
            )
        )
    if len(skipped) > max(_SKIP_TOLERANCE, (len(records) + len(skipped)) // 100):
        raise source.error(
            f"{len(skipped)} rows have NDCs that are not 11 digits (first: {skipped[0]}): "
            "the NDC column does not hold NDCs"
        )
    if not records:
        raise source.error("the file has a header but no data rows with a readable NDC")
    return CrosswalkFile(
        source_name=path.name,
        effective_from=start,
        effective_to=end,
        records=records,
        skipped_rows=tuple(skipped),
    )


def _number(source: Source, row: list[str], index: int, key: str, code: str) -> Decimal | None:
    column = source.columns.get(key)
    if column is None:
        return None
    raw = row[column]
    try:
        return parse_decimal(raw)
    except ValueError:
        label = source.rows[source.header][column].strip()
        raise source.error(
            f"the {label} '{raw.strip()}' of {code} is not a number", index
        ) from None
