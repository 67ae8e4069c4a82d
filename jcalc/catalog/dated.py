"""The dated tables of a catalog: modifiers with their dates, and the ASP prices of every quarter.

A catalog keeps the ASP payment limits of each quarter it was given (``asp_quarters`` and
``asp_prices``) so a date of service is priced with the quarter that contains it; the newest
quarter is the one in use (``codes.asp_payment_limit``, ``meta.asp_quarter``). The modifiers of
the HCPCS file keep their ADD DT..TERM DT so a modifier can be checked on the date of service.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlite_utils

from jcalc.catalog.schema import (
    ASP_PRICES_COLUMNS,
    ASP_PRICES_PK,
    ASP_PRICES_TABLE,
    ASP_QUARTERS_COLUMNS,
    ASP_QUARTERS_PK,
    ASP_QUARTERS_TABLE,
    MODIFIERS_COLUMNS,
    MODIFIERS_PK,
    MODIFIERS_TABLE,
)
from jcalc.catalog.sources.records import AspFile, ModifierRecord

Row = dict[str, Any]


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def modifier_rows(modifiers: Sequence[ModifierRecord]) -> list[Row]:
    """Rows of ``modifiers``, one per code (a repeated code keeps its last row), sorted."""
    rows: dict[str, Row] = {}
    for record in modifiers:
        rows[record.code] = {
            "code": record.code,
            "long_description": record.long_description,
            "short_description": record.short_description,
            "add_date": record.add_date.isoformat() if record.add_date else None,
            "effective_date": record.effective_date.isoformat() if record.effective_date else None,
            "termination_date": (
                record.termination_date.isoformat() if record.termination_date else None
            ),
            "action_code": record.action_code or None,
        }
    return [rows[code] for code in sorted(rows)]


def asp_quarters(current: AspFile, history: Sequence[AspFile]) -> list[AspFile]:
    """The ASP files to keep, one per quarter, newest first.

    ``current`` is the quarter in use; ``history`` holds earlier quarters (a later file of the
    same quarter replaces an earlier one, and ``current`` replaces any of its own quarter).
    """
    by_quarter: dict[str, AspFile] = {}
    for asp in history:
        by_quarter[asp.quarter] = asp
    by_quarter[current.quarter] = current
    return sorted(by_quarter.values(), key=lambda asp: asp.effective_from, reverse=True)


def quarter_rows(files: Sequence[AspFile]) -> list[Row]:
    """Rows of ``asp_quarters``: label, effective dates, source file name, rows."""
    return [
        {
            "quarter": asp.quarter,
            "effective_from": asp.effective_from.isoformat(),
            "effective_to": asp.effective_to.isoformat(),
            "source": Path(asp.source_name).name,
            "rows": len(asp.records),
        }
        for asp in files
    ]


def price_rows(files: Sequence[AspFile]) -> list[Row]:
    """Rows of ``asp_prices``: every code of every quarter (a repeated code keeps its first row)."""
    rows: dict[tuple[str, str], Row] = {}
    for asp in files:
        quarter = asp.quarter
        for record in asp.records:
            rows.setdefault(
                (record.code, quarter),
                {
                    "hcpcs": record.code,
                    "quarter": quarter,
                    "effective_from": asp.effective_from.isoformat(),
                    "effective_to": asp.effective_to.isoformat(),
                    "payment_limit": _decimal_text(record.payment_limit),
                    "dosage": record.dosage.strip(),
                    "short_description": record.short_description.strip(),
                    "notes": record.notes.strip(),
                },
            )
    return [rows[key] for key in sorted(rows)]


def write_dated_tables(
    db: sqlite_utils.Database,
    modifiers: Sequence[ModifierRecord],
    current: AspFile,
    history: Sequence[AspFile] = (),
) -> None:
    """Create and fill ``modifiers``, ``asp_quarters`` and ``asp_prices``."""
    files = asp_quarters(current, history)
    db.table(MODIFIERS_TABLE).create(MODIFIERS_COLUMNS, pk=MODIFIERS_PK, not_null={"code"})
    db.table(ASP_QUARTERS_TABLE).create(
        ASP_QUARTERS_COLUMNS, pk=ASP_QUARTERS_PK, not_null=set(ASP_QUARTERS_COLUMNS)
    )
    db.table(ASP_PRICES_TABLE).create(
        ASP_PRICES_COLUMNS,
        pk=ASP_PRICES_PK,
        not_null={"hcpcs", "quarter", "effective_from", "effective_to"},
    )
    rows = modifier_rows(modifiers)
    if rows:
        db.table(MODIFIERS_TABLE).insert_all(rows)
    db.table(ASP_QUARTERS_TABLE).insert_all(quarter_rows(files))
    db.table(ASP_PRICES_TABLE).insert_all(price_rows(files), batch_size=1000)
