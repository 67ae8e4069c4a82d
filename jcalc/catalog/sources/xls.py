"""Old-style Excel (.xls, OLE2) workbooks, which CMS still ships in some ASP zips, read with xlrd.

xlrd 2.x reads only .xls (its one job, and it is maintained for it); .xlsx stays with openpyxl.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from jcalc.catalog.sources.errors import SourceFileError
from jcalc.catalog.sources.opening import cell_text


def xls_sheets(
    path: Path, data: bytes, member: str | None = None, max_rows: int | None = None
) -> list[list[list[str]]]:
    """Rows of every worksheet of an .xls workbook, cells as the text a CSV export would hold."""
    import xlrd  # only .xls inputs need it

    where = f"'{member}' inside the zip" if member else "the file"
    sheets: list[list[list[str]]] = []
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
        try:
            for index in range(book.nsheets):
                sheet = book.sheet_by_index(index)
                count = sheet.nrows if max_rows is None else min(sheet.nrows, max_rows)
                rows: list[list[str]] = []
                for number in range(count):
                    cells = sheet.row(number)
                    rows.append([_text(cell, book.datemode) for cell in cells])
                sheets.append(rows)
                book.unload_sheet(index)
        finally:
            book.release_resources()
    except SourceFileError:
        raise
    except Exception as exc:  # xlrd raises many types for a damaged workbook
        raise SourceFileError(
            path,
            f"{where} is not a readable old-style Excel workbook ({type(exc).__name__}: {exc})",
        ) from exc
    return sheets


def _text(cell: object, datemode: int) -> str:
    import xlrd

    ctype = getattr(cell, "ctype", None)
    value = getattr(cell, "value", None)
    if ctype == xlrd.XL_CELL_DATE and isinstance(value, float):
        moment = xlrd.xldate_as_datetime(value, datemode)
        return cell_text(moment.date() if moment.time().isoformat() == "00:00:00" else moment)
    if ctype == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if value else "FALSE"
    if ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    if isinstance(value, date):
        return cell_text(value)
    return cell_text(value)
