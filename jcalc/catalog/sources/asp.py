"""Reader of the quarterly ASP payment limit file (Payment Allowance Limits for Part B drugs)."""

from __future__ import annotations

from pathlib import Path

from jcalc.catalog.sources.opening import (
    PUBLIC_CODE,
    clean_lines,
    clean_text,
    effective_dates,
    open_source,
)
from jcalc.catalog.sources.records import AspFile, AspRecord
from jcalc.catalog.sources.rows import (
    NOTE_ROWS,
    PAYMENT_LIMIT,
    RowSkipped,
    bounded_number,
    new_report,
    row_code_or_skip,
    short_rows,
)


def read_asp(path: Path) -> AspFile:
    """Read the ASP payment limit file: the CMS CSV (or .xlsx), or a zip holding it.

    Rows of numeric (CPT) codes are kept without their descriptions. A "N/A" payment limit is
    None. A row whose code or payment limit cannot be used (text, negative, absurd magnitude or
    precision) is skipped and counted in ``report``. The effective dates come from the
    "Effective … through …" title line (else from a quarter named in the file name).
    """
    path = Path(path)
    source = open_source(path, "asp")
    start, end = effective_dates(source)
    report = new_report(source)
    cells = source.columns
    records: list[AspRecord] = []
    for index, row in source.data_rows(short_rows(report)):
        report.rows_read += 1
        try:
            code = row_code_or_skip(source, row)
            if code is None:
                report.aside(NOTE_ROWS)
                continue
            limit = bounded_number(row[cells["payment_limit"]], PAYMENT_LIMIT, code)
        except RowSkipped as skipped:
            report.skip(index + 1, skipped.reason, skipped.detail)
            continue
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
    report.imported = len(records)
    report.check(source)
    if not records:
        raise source.error("the file has a header but no data rows")
    return AspFile(
        source_name=path.name, effective_from=start, effective_to=end, records=records,
        report=report,
    )  # fmt: skip
