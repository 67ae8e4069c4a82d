"""Refusing a file that is not a readable jcalc catalog: version, tables, impossible values."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Final

from jcalc.catalog.schema import (
    CODES_COLUMNS,
    DATED_TABLE_COLUMNS,
    DATED_TABLES,
    NDCS_COLUMNS,
    READABLE_VERSIONS,
    REQUIRED_TABLES,
    SCHEMA_VERSION,
)
from jcalc.catalog.store_records import CatalogError


def check_catalog(connection: sqlite3.Connection, path: Path) -> None:
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


def check_values(connection: sqlite3.Connection, path: Path) -> None:
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
