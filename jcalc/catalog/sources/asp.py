"""Reader of the quarterly ASP payment limit file (Payment Allowance Limits for Part B drugs)."""

from __future__ import annotations

from pathlib import Path

from jcalc.catalog.sources.opening import (
    PUBLIC_CODE,
    clean_lines,
    clean_text,
    effective_dates,
    open_source,
    parse_decimal,
    row_code,
)
from jcalc.catalog.sources.records import AspFile, AspRecord


def read_asp(path: Path) -> AspFile:
    """Read the ASP payment limit file: the CMS CSV (or .xlsx), or a zip holding it.

    Rows of numeric (CPT) codes are kept without their descriptions. A "N/A" payment limit is
    None. The effective dates come from the "Effective … through …" title line (else from a
    quarter named in the file name).
    """
    path = Path(path)
    source = open_source(path, "asp")
    start, end = effective_dates(source)
    records: list[AspRecord] = []
    for index, row in source.data_rows():
        code = row_code(source, row, index)
        if code is None:
            continue
        cells = source.columns
        raw_limit = row[cells["payment_limit"]]
        try:
            limit = parse_decimal(raw_limit)
        except ValueError:
            raise source.error(
                f"the Payment Limit '{raw_limit.strip()}' of {code} is not a number", index
            ) from None
        short = row[cells["short_description"]] if "short_description" in cells else ""
        records.append(
            AspRecord(
                code=code,
                short_description=clean_text(short) if PUBLIC_CODE.fullmatch(code) else "",
                dosage=clean_text(row[cells["dosage"]]),
                payment_limit=limit,
                notes=clean_lines(row[cells["notes"]]) if "notes" in cells else "",
            )
        )
    if not records:
        raise source.error("the file has a header but no data rows")
    return AspFile(source_name=path.name, effective_from=start, effective_to=end, records=records)
