"""The CMS records a catalog was built from, read back out of it (for partial updates).

An update may bring only some of the four CMS files (say a new ASP quarter); the other kinds are
taken from the catalog in use. Building a catalog from the records extracted here gives the same
``codes``, ``ndcs`` and ``aliases`` tables as the catalog they came from. What a catalog does not
keep cannot come back: HCPCS codes outside the catalog (non-J codes not in the ASP file or the
crosswalk), MUE rows of such codes, and crosswalk rows the build left out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Final

from jcalc.catalog.sources.records import (
    AspFile,
    AspRecord,
    CrosswalkFile,
    CrosswalkRecord,
    HcpcsFile,
    HcpcsRecord,
    ModifierRecord,
    MueFile,
    MueRecord,
)
from jcalc.catalog.sources.rows import SkippedRow, SkipReport
from jcalc.catalog.store import Catalog, CatalogError


@dataclass(frozen=True)
class CatalogSources:
    """The four kinds of CMS records of a catalog."""

    hcpcs: HcpcsFile
    asp: AspFile
    crosswalk: CrosswalkFile
    mue: MueFile


def _date(text: object) -> date | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _decimal(text: object) -> Decimal | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _has_table(catalog: Catalog, name: str) -> bool:
    row = catalog.connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return row is not None


def extract_report(catalog: Catalog, kind: str) -> SkipReport:
    """The skip report the catalog keeps for one kind of file (empty for an older catalog)."""
    report = SkipReport(kind="", source_name="")
    if not _has_table(catalog, "source_rows"):
        return report
    row = catalog.connection.execute(
        "SELECT source, rows_read, imported, set_aside FROM source_rows WHERE kind = ?", (kind,)
    ).fetchone()
    if row is None:
        return report
    try:
        aside = {str(k): int(v) for k, v in json.loads(str(row[3] or "{}")).items()}
    except (ValueError, TypeError, AttributeError):
        aside = {}
    report = SkipReport(kind, _text(row[0]), int(row[1]), int(row[2]), set_aside=aside)
    if _has_table(catalog, "skipped_rows"):
        report.skipped.extend(
            SkippedRow(int(r[0]), _text(r[1]), _text(r[2]))
            for r in catalog.connection.execute(
                "SELECT row, reason, detail FROM skipped_rows WHERE kind = ? ORDER BY rowid",
                (kind,),
            )
        )
    return report


def _required_date(catalog: Catalog, key: str) -> date:
    found = _date(catalog.meta().get(key))
    if found is None:
        raise CatalogError(f"{catalog.path} does not record its {key.replace('_', ' ')}")
    return found


def extract_hcpcs(catalog: Catalog) -> HcpcsFile:
    """The HCPCS records of the catalog's codes (Level II codes with a long description)."""
    rows = catalog.connection.execute(
        "SELECT hcpcs, long_description, short_description, add_date, effective_date, "
        "termination_date, action_code, xrefs, is_noc FROM codes "
        "WHERE level2 = 1 AND long_description != '' ORDER BY hcpcs"
    ).fetchall()
    records = [
        HcpcsRecord(
            code=str(row[0]),
            long_description=_text(row[1]),
            short_description=_text(row[2]),
            add_date=_date(row[3]),
            effective_date=_date(row[4]),
            termination_date=_date(row[5]),
            action_code=_text(row[6]),
            xrefs=tuple(_text(row[7]).split()),
        )
        for row in rows
    ]
    noc = catalog.connection.execute("SELECT hcpcs FROM codes WHERE is_noc = 1").fetchall()
    meta = catalog.meta()
    return HcpcsFile(
        source_name=meta.get("hcpcs_source", ""),
        release=meta.get("hcpcs_release", ""),
        records=records,
        noc_codes=frozenset(str(row[0]) for row in noc),
        modifiers=extract_modifiers(catalog),
        report=extract_report(catalog, "hcpcs"),
    )


def extract_modifiers(catalog: Catalog) -> tuple[ModifierRecord, ...]:
    """The modifiers of the catalog (none for a catalog older than schema 2)."""
    if not catalog.has_dated_tables:
        return ()
    rows = catalog.connection.execute(
        "SELECT code, long_description, short_description, add_date, effective_date, "
        "termination_date, action_code FROM modifiers ORDER BY code"
    ).fetchall()
    return tuple(
        ModifierRecord(
            code=str(row[0]),
            long_description=_text(row[1]),
            short_description=_text(row[2]),
            add_date=_date(row[3]),
            effective_date=_date(row[4]),
            termination_date=_date(row[5]),
            action_code=_text(row[6]),
        )
        for row in rows
    )


def _asp_records(rows: list[tuple[object, ...]]) -> list[AspRecord]:
    """ASP records from rows of (code, short description, dosage, payment limit, notes)."""
    return [
        AspRecord(
            code=str(row[0]),
            short_description=_text(row[1]),
            dosage=_text(row[2]),
            payment_limit=_decimal(row[3]),
            notes=_text(row[4]),
        )
        for row in rows
    ]


def extract_asp_history(catalog: Catalog) -> list[AspFile]:
    """Every ASP quarter the catalog holds, oldest first (the quarter in use included).

    A catalog older than schema 2 holds only the quarter in use (:func:`extract_asp`).
    """
    if not catalog.has_dated_tables:
        return [extract_asp(catalog)]
    files: list[AspFile] = []
    for quarter in reversed(catalog.asp_quarters()):
        rows = catalog.connection.execute(
            "SELECT hcpcs, short_description, dosage, payment_limit, notes FROM asp_prices "
            "WHERE quarter = ? ORDER BY hcpcs",
            (quarter.quarter,),
        ).fetchall()
        records = _asp_records(rows)
        files.append(
            AspFile(
                source_name=quarter.source,
                effective_from=quarter.effective_from,
                effective_to=quarter.effective_to,
                records=records,
            )
        )
    return files


def extract_asp(catalog: Catalog) -> AspFile:
    """The ASP rows of the quarter in use: codes the ASP file listed (``asp_notes`` is set)."""
    start = _required_date(catalog, "asp_effective_from")
    if catalog.has_dated_tables:
        for asp in extract_asp_history(catalog):
            if asp.effective_from == start:
                return asp
    rows = catalog.connection.execute(
        "SELECT hcpcs, short_description, asp_dosage, asp_payment_limit, asp_notes FROM codes "
        "WHERE asp_notes IS NOT NULL ORDER BY hcpcs"
    ).fetchall()
    records = _asp_records(rows)
    return AspFile(
        source_name=catalog.meta().get("asp_source", ""),
        effective_from=_required_date(catalog, "asp_effective_from"),
        effective_to=_required_date(catalog, "asp_effective_to"),
        records=records,
        report=extract_report(catalog, "asp"),
    )


_PRODUCT_COLUMNS: Final = (
    "labeler, {id}, drug_name, hcpcs_dosage, pkg_size, pkg_qty, bill_units, bill_units_pkg"
)


def _crosswalk_records(catalog: Catalog, table: str, identifier: str) -> list[CrosswalkRecord]:
    """The crosswalk rows kept in ``table`` (``ndcs`` or ``alternate_products``)."""
    columns = _PRODUCT_COLUMNS.format(id=identifier)
    rows = catalog.connection.execute(
        f"SELECT hcpcs, {columns} FROM {table} ORDER BY hcpcs, {identifier}"
    ).fetchall()
    return [
        CrosswalkRecord(
            code=str(row[0]),
            short_description="",
            labeler=_text(row[1]),
            ndc=str(row[2]),
            drug_name=_text(row[3]),
            hcpcs_dosage=_text(row[4]),
            pkg_size=_decimal(row[5]),
            pkg_qty=_decimal(row[6]),
            bill_units=_decimal(row[7]),
            bill_units_pkg=_decimal(row[8]),
            is_ndc=identifier == "ndc",
        )
        for row in rows
    ]


def extract_crosswalk(catalog: Catalog) -> CrosswalkFile:
    """The crosswalk rows (one per NDC and code, as the catalog keeps them), then the products
    whose identifier is not an NDC."""
    records = _crosswalk_records(catalog, "ndcs", "ndc")
    if _has_table(catalog, "alternate_products"):
        records.extend(_crosswalk_records(catalog, "alternate_products", "identifier"))
    return CrosswalkFile(
        source_name=catalog.meta().get("crosswalk_source", ""),
        effective_from=_required_date(catalog, "crosswalk_effective_from"),
        effective_to=_required_date(catalog, "crosswalk_effective_to"),
        records=records,
        report=extract_report(catalog, "crosswalk"),
    )


def extract_mue(catalog: Catalog) -> MueFile:
    """The MUE of each catalog code that has one."""
    rows = catalog.connection.execute(
        "SELECT hcpcs, mue_value, mue_mai, mue_rationale FROM codes "
        "WHERE mue_value IS NOT NULL AND mue_mai IS NOT NULL ORDER BY hcpcs"
    ).fetchall()
    records = [MueRecord(str(row[0]), int(row[1]), int(row[2]), _text(row[3])) for row in rows]
    meta = catalog.meta()
    return MueFile(
        source_name=meta.get("mue_source", ""), quarter=meta.get("mue_quarter", ""),
        records=records, report=extract_report(catalog, "mue"),
    )  # fmt: skip


def extract_sources(catalog: Catalog) -> CatalogSources:
    """All four kinds of records of a catalog."""
    return CatalogSources(
        hcpcs=extract_hcpcs(catalog),
        asp=extract_asp(catalog),
        crosswalk=extract_crosswalk(catalog),
        mue=extract_mue(catalog),
    )
