"""Read access to a built catalog: codes, NDC products and the catalog's provenance.

The catalog is opened read-only; lookups by code are cached because the UI repeats them on
every keystroke.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import TracebackType
from typing import Final, TypedDict

from jcalc.catalog.schema import (
    ASP_QUARTERS_COLUMNS,
    CODES_COLUMNS,
    COUNT_QUERIES,
    DATED_TABLE_COLUMNS,
    DATED_TABLES,
    NDCS_COLUMNS,
    READABLE_VERSIONS,
    REQUIRED_TABLES,
    SCHEMA_VERSION,
)
from jcalc.core.descriptor import Descriptor, DescriptorKind
from jcalc.core.drug import DrugCode, ModifierInfo, MueLimit, NdcProduct
from jcalc.core.errors import JcalcError
from jcalc.core.quantity import Quantity, Unit
from jcalc.paths import bundled_catalog_path

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


class SummaryQuarter(TypedDict):
    """The ASP quarter a printed summary names (keyword arguments of the summary)."""

    catalog_quarter: str
    catalog_effective_from: date | None
    catalog_effective_to: date | None
_MAX_EXPONENT: Final = 12  # a number read back beyond 1e±12 is treated as missing


class CatalogError(JcalcError):
    """The catalog file is missing, unreadable, of another schema version, or cannot be built."""


@dataclass(frozen=True)
class AspQuarter:
    """One ASP quarter a catalog holds: its label, effective dates and source file."""

    quarter: str  # "2025Q3"
    effective_from: date
    effective_to: date
    source: str = ""
    rows: int = 0

    def contains(self, day: date) -> bool:
        """True when ``day`` falls within the quarter's effective dates."""
        return self.effective_from <= day <= self.effective_to

    def distance(self, day: date) -> int:
        """Days from ``day`` to the nearest day of the quarter (0 inside it)."""
        if day < self.effective_from:
            return (self.effective_from - day).days
        if day > self.effective_to:
            return (day - self.effective_to).days
        return 0

    def describe(self) -> str:
        """ "2025Q3 (2025-07-01 to 2025-09-30)"."""
        return (
            f"{self.quarter} ({self.effective_from.isoformat()} to {self.effective_to.isoformat()})"
        )

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict; dates as ISO text."""
        return {
            "quarter": self.quarter,
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat(),
            "source": self.source,
            "rows": self.rows,
        }


@dataclass(frozen=True)
class QuarterPrice:
    """The ASP payment limit of a code in the quarter chosen for a date of service."""

    quarter: AspQuarter
    payment_limit: Decimal | None  # None: no limit published for the code that quarter
    dosage: str | None  # the quarter's "HCPCS Code Dosage"; None when the code is not listed
    exact: bool  # False when no quarter held contains the day and the nearest one was taken


@dataclass(frozen=True)
class CatalogInfo:
    """Provenance and size of a catalog: which CMS files, which quarter, how many rows."""

    path: Path
    schema_version: int
    built_at: datetime | None
    hcpcs_release: str
    asp_quarter: str
    asp_effective_from: date | None
    asp_effective_to: date | None
    crosswalk_effective_from: date | None
    crosswalk_effective_to: date | None
    mue_quarter: str
    sources: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    asp_quarters: tuple[AspQuarter, ...] = ()  # every ASP quarter held, newest first

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict; dates as ISO text."""

        def iso(value: date | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "path": str(self.path),
            "schema_version": self.schema_version,
            "built_at": iso(self.built_at),
            "hcpcs_release": self.hcpcs_release,
            "asp_quarter": self.asp_quarter,
            "asp_effective_from": iso(self.asp_effective_from),
            "asp_effective_to": iso(self.asp_effective_to),
            "crosswalk_effective_from": iso(self.crosswalk_effective_from),
            "crosswalk_effective_to": iso(self.crosswalk_effective_to),
            "mue_quarter": self.mue_quarter,
            "sources": dict(self.sources),
            "counts": dict(self.counts),
            "asp_quarters": [quarter.to_json() for quarter in self.asp_quarters],
        }


def _decimal(text: str | None) -> Decimal | None:
    if text is None or text == "":
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() and abs(value.adjusted()) <= _MAX_EXPONENT else None


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _datetime(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def descriptor_from_columns(
    kind: str, amount: str | None, unit: str | None, text: str, note: str
) -> Descriptor:
    """Rebuild a :class:`Descriptor` from the ``descriptor_*`` columns of ``codes``."""
    try:
        descriptor_kind = DescriptorKind(kind)
    except ValueError:
        return Descriptor.unparsed(text, f"unknown descriptor kind '{kind}' in the catalog")
    value = _decimal(amount)
    if descriptor_kind is DescriptorKind.UNPARSED or value is None or value <= 0 or unit is None:
        return Descriptor.unparsed(text, note)
    if unit not in Unit.__members__:
        return Descriptor.unparsed(text, f"unknown unit '{unit}' in the catalog")
    return Descriptor(descriptor_kind, Quantity(value, Unit[unit]), text, note)


def _drug_code(row: tuple[object, ...]) -> DrugCode:
    values = dict(zip(CODES_COLUMNS, row, strict=True))

    def text(key: str) -> str:
        value = values[key]
        return value if isinstance(value, str) else ""

    def optional_text(key: str) -> str | None:
        value = values[key]
        return value if isinstance(value, str) else None

    mue_value, mue_mai = values["mue_value"], values["mue_mai"]
    mue = (
        MueLimit(mue_value, mue_mai, text("mue_rationale"))
        if isinstance(mue_value, int) and isinstance(mue_mai, int)
        else None
    )
    descriptor = descriptor_from_columns(
        text("descriptor_kind"),
        optional_text("descriptor_amount"),
        optional_text("descriptor_unit"),
        text("descriptor_text"),
        text("descriptor_note"),
    )
    return DrugCode(
        hcpcs=text("hcpcs"),
        long_description=text("long_description"),
        short_description=text("short_description"),
        name=text("name"),
        descriptor=descriptor,
        added=_date(optional_text("add_date")),
        effective=_date(optional_text("effective_date")),
        terminated=_date(optional_text("termination_date")),
        xrefs=tuple(text("xrefs").split()),
        asp_dosage=optional_text("asp_dosage"),
        payment_limit=_decimal(optional_text("asp_payment_limit")),
        asp_notes=text("asp_notes"),
        mue=mue,
        is_noc=bool(values["is_noc"]),
        action_code=text("action_code"),
    )


def _ndc_product(row: tuple[object, ...]) -> NdcProduct:
    values = {
        key: value if isinstance(value, str) else None
        for key, value in zip(NDCS_COLUMNS, row, strict=True)
    }
    return NdcProduct(
        ndc=values["ndc"] or "",
        hcpcs=values["hcpcs"] or "",
        labeler=values["labeler"] or "",
        drug_name=values["drug_name"] or "",
        hcpcs_dosage=values["hcpcs_dosage"] or "",
        pkg_size=_decimal(values["pkg_size"]),
        pkg_qty=_decimal(values["pkg_qty"]),
        bill_units=_decimal(values["bill_units"]),
        bill_units_pkg=_decimal(values["bill_units_pkg"]),
    )


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
        found = _drug_code(row) if row else None
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
        alternates = [replace(_ndc_product(row), extra=dict(flagged)) for row in others]
        return [_ndc_product(row) for row in rows] + alternates

    def ndc(self, ndc11: str) -> list[NdcProduct]:
        """Crosswalk rows of an 11-digit NDC (hyphens and blanks ignored); one per HCPCS code."""
        digits = "".join(char for char in ndc11 if char not in "- ")
        if len(digits) != 11 or not digits.isdigit():
            return []
        with self._lock:
            rows = self._connection.execute(_NDC_SQL, (digits,)).fetchall()
        return [_ndc_product(row) for row in rows]

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
                    added=_date(row[3] if isinstance(row[3], str) else None),
                    terminated=_date(row[4] if isinstance(row[4], str) else None),
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
                first, last = _date(start), _date(end)
                if first is not None and last is not None:
                    found.append(AspQuarter(str(quarter), first, last, str(source or ""),
                                            int(count or 0)))  # fmt: skip
            return tuple(found)
        meta = self.meta()
        first, last = _date(meta.get("asp_effective_from")), _date(meta.get("asp_effective_to"))
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
            _decimal(limit if isinstance(limit, str) else None),
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
            built_at=_datetime(meta.get("built_at")),
            hcpcs_release=meta.get("hcpcs_release", ""),
            asp_quarter=meta.get("asp_quarter", ""),
            asp_effective_from=_date(meta.get("asp_effective_from")),
            asp_effective_to=_date(meta.get("asp_effective_to")),
            crosswalk_effective_from=_date(meta.get("crosswalk_effective_from")),
            crosswalk_effective_to=_date(meta.get("crosswalk_effective_to")),
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


def _check_catalog(connection: sqlite3.Connection, path: Path) -> None:
    """Raise CatalogError unless ``connection`` is a jcalc catalog of this schema version."""
    try:
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        tables = {
            str(row[0])
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    except sqlite3.DatabaseError as exc:
        raise CatalogError(
            f"{path} is not a jcalc catalog: not an SQLite database ({exc})"
        ) from exc
    if version > SCHEMA_VERSION:
        raise CatalogError(
            f"{path} was built by a newer jcalc (catalog schema version {version}; this jcalc "
            f"reads version {SCHEMA_VERSION}): update jcalc or use a matching catalog"
        )
    if version == 0 and not tables & set(REQUIRED_TABLES):
        raise CatalogError(f"{path} is not a jcalc catalog: it has none of the catalog tables")
    if version not in READABLE_VERSIONS:
        raise CatalogError(
            f"{path} has catalog schema version {version}, this jcalc reads version "
            f"{SCHEMA_VERSION}: rebuild it with 'jcalc catalog build'"
        )
    required = list(REQUIRED_TABLES)
    if version >= 2:
        required += DATED_TABLES
    missing = [name for name in required if name not in tables]
    if missing:
        raise CatalogError(
            f"{path} is not a complete catalog: table(s) {', '.join(missing)} missing; rebuild it"
        )
    checked: list[tuple[str, dict[str, type]]] = [("codes", CODES_COLUMNS), ("ndcs", NDCS_COLUMNS)]
    if version >= 2:
        checked += list(DATED_TABLE_COLUMNS.items())
    for table, columns in checked:
        present = {str(row[1]) for row in connection.execute(f"PRAGMA table_info({table})")}
        absent = [name for name in columns if name not in present]
        if absent:
            raise CatalogError(
                f"{path} is not a complete catalog: table {table} lacks column(s) "
                f"{', '.join(absent)}; rebuild it"
            )


# Plausible ranges of the numbers read back (far wider than any real CMS value); a catalog holding
# another is damaged or was not built by jcalc, and is refused with its file named.
_VALUE_BOUNDS: Final = (
    # table, key column, column, what, lowest, highest, lowest allowed (False: exclusive)
    ("codes", "hcpcs", "descriptor_amount", "descriptor amount", 1e-6, 1e9, True),
    ("codes", "hcpcs", "asp_payment_limit", "payment limit", 0.0, 1e8, True),
    ("codes", "hcpcs", "mue_value", "MUE value", 0.0, 1e9, True),
    ("ndcs", "ndc", "pkg_size", "package size", 0.0, 1e9, False),
    ("ndcs", "ndc", "pkg_qty", "package quantity", 0.0, 1e9, False),
    ("ndcs", "ndc", "bill_units", "billing units", 0.0, 1e9, False),
    ("ndcs", "ndc", "bill_units_pkg", "billing units per package", 0.0, 1e9, False),
)
_MAX_NUMBER_TEXT: Final = 24


def _check_values(connection: sqlite3.Connection, path: Path) -> None:
    """Raise CatalogError naming ``path`` when a number in it is impossible (checked in SQL).

    A file too damaged to be read here is left to the integrity check that names it corrupt.
    """
    try:
        _check_readable_values(connection, path)
    except sqlite3.DatabaseError:
        return


def _check_readable_values(connection: sqlite3.Connection, path: Path) -> None:
    row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is not None and not (isinstance(row[0], str) and row[0].isascii() and row[0].isdigit()):
        raise CatalogError(
            f"{path} is damaged: its schema_version '{str(row[0])[:20]}' is not a number; "
            "rebuild it or restore the bundled catalog"
        )
    columns = {"codes": set(CODES_COLUMNS), "ndcs": set(NDCS_COLUMNS)}
    for table, key, column, what, low, high, inclusive in _VALUE_BOUNDS:
        if column not in columns[table]:
            continue
        number = f"CAST({column} AS REAL)"
        below = f"{number} < {low!r}" if inclusive else f"{number} <= {low!r}"
        kind = "typeof({0}) != 'integer'" if column == "mue_value" else "length({0}) > {1}"
        sql = (
            f"SELECT {key}, {column} FROM {table} WHERE {column} IS NOT NULL AND ("
            f"{kind.format(column, _MAX_NUMBER_TEXT)} OR {below} OR {number} > {high!r}) LIMIT 1"
        )
        bad = connection.execute(sql).fetchone()
        if bad is not None:
            raise CatalogError(
                f"{path} is damaged: {bad[0]} has an impossible {what} "
                f"('{str(bad[1])[:_MAX_NUMBER_TEXT]}'); rebuild it or restore the bundled catalog"
            )


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
        _check_catalog(connection, path)
        _check_values(connection, path)
    except sqlite3.DatabaseError as exc:
        connection.close()
        raise CatalogError(f"{path} is damaged: {exc}; rebuild it") from exc
    except BaseException:
        connection.close()
        raise
    return Catalog(connection, path)
