"""Read access to a built catalog: codes, NDC products and the catalog's provenance.

The catalog is opened read-only; lookups by code are cached because the UI repeats them on
every keystroke.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import TracebackType
from typing import Final

from jcalc.catalog.schema import (
    CODES_COLUMNS,
    COUNT_QUERIES,
    NDCS_COLUMNS,
    REQUIRED_TABLES,
    SCHEMA_VERSION,
)
from jcalc.core.descriptor import Descriptor, DescriptorKind
from jcalc.core.drug import DrugCode, MueLimit, NdcProduct
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
_SOURCE_KEYS: Final = {
    "hcpcs": "hcpcs_source",
    "asp": "asp_source",
    "crosswalk": "crosswalk_source",
    "mue": "mue_source",
}


_MAX_EXPONENT: Final = 12  # a number read back beyond 1e±12 is treated as missing


class CatalogError(JcalcError):
    """The catalog file is missing, unreadable, of another schema version, or cannot be built."""


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
        """Crosswalk products billed under a code, by labeler, drug name and NDC."""
        with self._lock:
            rows = self._connection.execute(_NDCS_FOR_CODE_SQL, (hcpcs.strip().upper(),)).fetchall()
        return [_ndc_product(row) for row in rows]

    def ndc(self, ndc11: str) -> list[NdcProduct]:
        """Crosswalk rows of an 11-digit NDC (hyphens and blanks ignored); one per HCPCS code."""
        digits = "".join(char for char in ndc11 if char not in "- ")
        if len(digits) != 11 or not digits.isdigit():
            return []
        with self._lock:
            rows = self._connection.execute(_NDC_SQL, (digits,)).fetchall()
        return [_ndc_product(row) for row in rows]

    def meta(self) -> dict[str, str]:
        """The ``meta`` table as a dict."""
        with self._lock:
            rows = self._connection.execute("SELECT key, value FROM meta").fetchall()
        return {str(key): str(value) for key, value in rows if value is not None}

    def counts(self) -> dict[str, int]:
        """Row counts by name (codes, j_codes, active_j_codes, ndcs, mue_rows, aliases, ...)."""
        with self._lock:
            return {
                name: int(self._connection.execute(sql).fetchone()[0])
                for name, sql in COUNT_QUERIES.items()
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
    if version != SCHEMA_VERSION:
        raise CatalogError(
            f"{path} has catalog schema version {version}, this jcalc reads version "
            f"{SCHEMA_VERSION}: rebuild it with 'jcalc catalog build'"
        )
    missing = [name for name in REQUIRED_TABLES if name not in tables]
    if missing:
        raise CatalogError(
            f"{path} is not a complete catalog: table(s) {', '.join(missing)} missing; rebuild it"
        )
    for table, columns in (("codes", CODES_COLUMNS), ("ndcs", NDCS_COLUMNS)):
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
