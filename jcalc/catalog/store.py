"""Read access to a built catalog: codes, NDC products and the catalog's provenance.

The catalog is opened read-only; lookups by code are cached because the UI repeats them on
every keystroke.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Final

from jcalc.catalog.schema import (
    ASP_QUARTERS_COLUMNS,
    CODES_COLUMNS,
    COUNT_QUERIES,
    DATED_TABLES,
    NDCS_COLUMNS,
)
from jcalc.catalog.store_checks import check_catalog, check_values
from jcalc.catalog.store_records import (
    AspQuarter,
    CatalogError,
    CatalogInfo,
    QuarterPrice,
    SummaryQuarter,
)
from jcalc.catalog.store_rows import (
    descriptor_from_columns,
    drug_code_from_row,
    ndc_product_from_row,
    read_date,
    read_datetime,
    read_decimal,
)
from jcalc.core.drug import DrugCode, ModifierInfo, NdcProduct
from jcalc.paths import bundled_catalog_path

__all__ = [
    "NOT_AN_NDC",
    "AspQuarter",
    "Catalog",
    "CatalogError",
    "CatalogInfo",
    "QuarterPrice",
    "SummaryQuarter",
    "descriptor_from_columns",
    "open_catalog",
]

_CODE_SQL: Final = f"SELECT {', '.join(CODES_COLUMNS)} FROM codes WHERE hcpcs = ?"
_NDC_COLUMNS: Final = ", ".join(NDCS_COLUMNS)
_NDCS_FOR_CODE_SQL: Final = (
    f"SELECT {_NDC_COLUMNS} FROM ndcs WHERE hcpcs = ? "
    "ORDER BY labeler COLLATE NOCASE, drug_name COLLATE NOCASE, ndc"
)
_NDC_SQL: Final = f"SELECT {_NDC_COLUMNS} FROM ndcs WHERE ndc = ? ORDER BY hcpcs"
# Products whose crosswalk identifier is not an NDC (see schema.PRODUCTS_TABLE), listed after the
# NDCs with ``extra["identifier"] == "not an NDC"``: shown and searchable, never billed as an NDC.
_ALTERNATES_SQL: Final = (
    f"SELECT {_NDC_COLUMNS.replace('ndc,', 'identifier,', 1)} FROM alternate_products "
    "WHERE hcpcs = ? ORDER BY labeler COLLATE NOCASE, drug_name COLLATE NOCASE, identifier"
)
NOT_AN_NDC: Final = "not an NDC"
_SOURCE_KEYS: Final = {
    "hcpcs": "hcpcs_source",
    "asp": "asp_source",
    "crosswalk": "crosswalk_source",
    "mue": "mue_source",
}


_MODIFIER_SQL: Final = (
    "SELECT code, long_description, short_description, add_date, termination_date "
    "FROM modifiers WHERE code = ?"
)
_QUARTERS_SQL: Final = (
    f"SELECT {', '.join(ASP_QUARTERS_COLUMNS)} FROM asp_quarters ORDER BY effective_from DESC"
)
_PRICE_SQL: Final = "SELECT payment_limit, dosage FROM asp_prices WHERE hcpcs = ? AND quarter = ?"


class Catalog:
    """A catalog file opened read-only. Safe to share between threads for reading."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._connection = connection
        self._path = path
        self._codes: dict[str, DrugCode | None] = {}
        self._info: CatalogInfo | None = None
        self._lock = threading.Lock()
        self._dated: bool | None = None  # whether the schema-2 dated tables are there
        self._modifiers: dict[str, ModifierInfo | None] = {}
        self._quarters: tuple[AspQuarter, ...] | None = None

    @property
    def connection(self) -> sqlite3.Connection:
        """The underlying read-only SQLite connection."""
        return self._connection

    @property
    def path(self) -> Path:
        """The catalog file."""
        return self._path

    def code(self, hcpcs: str) -> DrugCode | None:
        """The code (any case, surrounding blanks ignored), or None when the catalog lacks it."""
        key = hcpcs.strip().upper()
        try:
            return self._codes[key]
        except KeyError:
            pass
        with self._lock:
            row = self._connection.execute(_CODE_SQL, (key,)).fetchone()
        found = drug_code_from_row(row) if row else None
        self._codes[key] = found
        return found

    def ndcs_for_code(self, hcpcs: str) -> list[NdcProduct]:
        """Crosswalk products billed under a code, by labeler, drug name and NDC; then those whose
        identifier is not an NDC (``extra["identifier"] == NOT_AN_NDC``)."""
        key = hcpcs.strip().upper()
        with self._lock:
            rows = self._connection.execute(_NDCS_FOR_CODE_SQL, (key,)).fetchall()
            try:
                others = self._connection.execute(_ALTERNATES_SQL, (key,)).fetchall()
            except sqlite3.OperationalError:  # a catalog built before the table existed
                others = []
        flagged = {"identifier": NOT_AN_NDC}
        alternates = [replace(ndc_product_from_row(row), extra=dict(flagged)) for row in others]
        return [ndc_product_from_row(row) for row in rows] + alternates

    def ndc(self, ndc11: str) -> list[NdcProduct]:
        """Crosswalk rows of an 11-digit NDC (hyphens and blanks ignored); one per HCPCS code."""
        digits = "".join(char for char in ndc11 if char not in "- ")
        if len(digits) != 11 or not digits.isdigit():
            return []
        with self._lock:
            rows = self._connection.execute(_NDC_SQL, (digits,)).fetchall()
        return [ndc_product_from_row(row) for row in rows]

    @property
    def has_dated_tables(self) -> bool:
        """True when the catalog keeps modifiers and ASP history (schema 2 and later)."""
        if self._dated is None:
            with self._lock:
                tables = {
                    str(row[0])
                    for row in self._connection.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'table'"
                    )
                }
            self._dated = all(name in tables for name in DATED_TABLES)
        return self._dated

    def modifier(self, code: str) -> ModifierInfo | None:
        """A modifier of the HCPCS file (any case), or None when the catalog holds none such."""
        key = code.strip().upper()
        if key in self._modifiers:
            return self._modifiers[key]
        found = None
        if self.has_dated_tables:
            with self._lock:
                row = self._connection.execute(_MODIFIER_SQL, (key,)).fetchone()
            if row is not None:
                found = ModifierInfo(
                    code=str(row[0]),
                    description=row[1] if isinstance(row[1], str) and row[1] else str(row[2] or ""),
                    added=read_date(row[3] if isinstance(row[3], str) else None),
                    terminated=read_date(row[4] if isinstance(row[4], str) else None),
                )
        self._modifiers[key] = found
        return found

    def modifier_valid_on(self, code: str, day: date) -> bool | None:
        """Whether a modifier may be used on ``day`` (ADD DT..TERM DT).

        None when the catalog holds no such modifier (or is an older catalog without them).
        """
        found = self.modifier(code)
        return None if found is None else found.valid_on(day)

    def asp_quarters(self) -> tuple[AspQuarter, ...]:
        """Every ASP quarter the catalog holds, newest first (one for an older catalog)."""
        if self._quarters is None:
            self._quarters = self._read_quarters()
        return self._quarters

    def _read_quarters(self) -> tuple[AspQuarter, ...]:
        if self.has_dated_tables:
            with self._lock:
                rows = self._connection.execute(_QUARTERS_SQL).fetchall()
            found = []
            for quarter, start, end, source, count in rows:
                first, last = read_date(start), read_date(end)
                if first is not None and last is not None:
                    found.append(AspQuarter(str(quarter), first, last, str(source or ""),
                                            int(count or 0)))  # fmt: skip
            return tuple(found)
        meta = self.meta()
        first, last = (
            read_date(meta.get("asp_effective_from")),
            read_date(meta.get("asp_effective_to")),
        )
        if first is None or last is None:
            return ()
        return (AspQuarter(meta.get("asp_quarter", ""), first, last, meta.get("asp_source", "")),)

    def asp_quarter_for(self, day: date) -> tuple[AspQuarter, bool] | None:
        """The quarter that prices ``day`` and whether it contains it (else the nearest one).

        Of two quarters equally near, the newer is taken. None when the catalog holds none.
        """
        quarters = self.asp_quarters()
        if not quarters:
            return None
        for quarter in quarters:
            if quarter.contains(day):
                return quarter, True
        return min(quarters, key=lambda q: q.distance(day)), False

    def summary_quarter(self, day: date) -> SummaryQuarter:
        """The ``catalog_quarter`` and its dates for the printed summary of a visit on ``day``:
        the ASP quarter that prices it (else the nearest one, else the catalog's own)."""
        chosen = self.asp_quarter_for(day)
        if chosen is None:
            info = self.info()
            return {
                "catalog_quarter": info.asp_quarter,
                "catalog_effective_from": info.asp_effective_from,
                "catalog_effective_to": info.asp_effective_to,
            }
        quarter = chosen[0]
        return {
            "catalog_quarter": quarter.quarter,
            "catalog_effective_from": quarter.effective_from,
            "catalog_effective_to": quarter.effective_to,
        }

    def price_on(self, hcpcs: str, day: date) -> QuarterPrice | None:
        """The ASP payment limit of a code for a service on ``day``: from the quarter that
        contains the day, else from the nearest quarter held (``exact`` False).

        None when the catalog holds no quarter at all.
        """
        chosen = self.asp_quarter_for(day)
        if chosen is None:
            return None
        quarter, exact = chosen
        key = hcpcs.strip().upper()
        if not self.has_dated_tables:
            drug = self.code(key)
            limit = drug.payment_limit if drug else None
            return QuarterPrice(quarter, limit, drug.asp_dosage if drug else None, exact)
        with self._lock:
            row = self._connection.execute(_PRICE_SQL, (key, quarter.quarter)).fetchone()
        if row is None:
            return QuarterPrice(quarter, None, None, exact)
        limit, dosage = row
        return QuarterPrice(
            quarter,
            read_decimal(limit if isinstance(limit, str) else None),
            dosage if isinstance(dosage, str) else "",
            exact,
        )

    def meta(self) -> dict[str, str]:
        """The ``meta`` table as a dict."""
        with self._lock:
            rows = self._connection.execute("SELECT key, value FROM meta").fetchall()
        return {str(key): str(value) for key, value in rows if value is not None}

    def counts(self) -> dict[str, int]:
        """Row counts by name (codes, j_codes, active_j_codes, ndcs, mue_rows, aliases, ...)."""
        queries = dict(COUNT_QUERIES)
        if self.has_dated_tables:
            queries["modifiers"] = "SELECT COUNT(*) FROM modifiers"
            queries["asp_quarters"] = "SELECT COUNT(*) FROM asp_quarters"
        with self._lock:
            return {
                name: int(self._connection.execute(sql).fetchone()[0])
                for name, sql in queries.items()
            }

    def info(self) -> CatalogInfo:
        """Provenance and counts of this catalog (read once: the file does not change)."""
        if self._info is None:
            self._info = self._read_info()
        return self._info

    def _read_info(self) -> CatalogInfo:
        meta = self.meta()
        return CatalogInfo(
            path=self._path,
            schema_version=int(meta.get("schema_version", "0") or 0),  # digits: checked on opening
            built_at=read_datetime(meta.get("built_at")),
            hcpcs_release=meta.get("hcpcs_release", ""),
            asp_quarter=meta.get("asp_quarter", ""),
            asp_effective_from=read_date(meta.get("asp_effective_from")),
            asp_effective_to=read_date(meta.get("asp_effective_to")),
            crosswalk_effective_from=read_date(meta.get("crosswalk_effective_from")),
            crosswalk_effective_to=read_date(meta.get("crosswalk_effective_to")),
            mue_quarter=meta.get("mue_quarter", ""),
            sources={name: meta.get(key, "") for name, key in _SOURCE_KEYS.items()},
            counts=self.counts(),
            asp_quarters=self.asp_quarters(),
        )

    def close(self) -> None:
        """Close the connection; the object must not be used afterwards."""
        self._connection.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def open_catalog(path: Path | None = None) -> Catalog:
    """Open a catalog read-only (the bundled one when ``path`` is None).

    Raises CatalogError for a missing file, a file that is not SQLite, a catalog of another
    schema version, or one that lacks its tables.
    """
    path = Path(path) if path is not None else bundled_catalog_path()
    if not path.exists():
        raise CatalogError(f"catalog file not found: {path}")
    if not path.is_file():
        raise CatalogError(f"{path} is not a file")
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
    except sqlite3.Error as exc:
        raise CatalogError(f"cannot open the catalog {path}: {exc}") from exc
    try:
        check_catalog(connection, path)
        check_values(connection, path)
    except sqlite3.DatabaseError as exc:
        connection.close()
        raise CatalogError(f"{path} is damaged: {exc}; rebuild it") from exc
    except BaseException:
        connection.close()
        raise
    return Catalog(connection, path)
