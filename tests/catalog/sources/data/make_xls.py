"""Writes asp_payment_limit_2026q1.xls, the synthetic .xls fixture (run once; needs xlwt).

``python tests/catalog/sources/data/make_xls.py`` with xlwt installed (xlwt is not a dependency:
the fixture is committed). The rows are the synthetic ASP rows of ``synth.py``; the payment limit
of J9312 is a number cell, the others text cells, as CMS's .xls files mix them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import xlwt  # type: ignore[import-not-found]

sys.path.insert(0, str(Path(__file__).resolve().parents[4]))
from tests.catalog.sources import synth


def main() -> None:
    book = xlwt.Workbook()
    sheet = book.add_sheet("ASP")
    for number, row in enumerate(synth.asp_rows()):
        for column, value in enumerate(row):
            if row and row[0] == "J9312" and column == 3:
                sheet.write(number, column, float(value))
            else:
                sheet.write(number, column, value)
    book.save(str(Path(__file__).with_name("asp_payment_limit_2026q1.xls")))


if __name__ == "__main__":
    main()
