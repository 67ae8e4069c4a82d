"""Schema versions of the clinic database and the ordered migrations between them.

``PRAGMA user_version`` holds the version. Each migration runs in its own write transaction
that re-reads the version first, so two jcalc processes starting at once migrate only once.
A database of a newer version than this jcalc knows is refused, never downgraded.

Add a version by appending a :class:`Migration`; never edit a released one (a clinic's file may
already be at that version).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from jcalc.core.errors import JcalcError


class SchemaError(JcalcError):
    """The clinic database is of an unknown (newer) version, or a migration failed."""


@dataclass(frozen=True)
class Migration:
    """Statements (then an optional data step) taking the database to ``version``."""

    version: int
    description: str
    statements: tuple[str, ...]
    data_step: Callable[[sqlite3.Connection], None] | None = None


# Version 1: the first released schema. Kept verbatim: tests create v1 files from it.
V1_STATEMENTS: Final = (
    """CREATE TABLE code_settings (
        code TEXT PRIMARY KEY NOT NULL,
        charge_per_unit TEXT,            -- Decimal as text, NULL: no clinic charge
        default_ndc TEXT,                -- 11 digits
        container_type TEXT,             -- 'single-dose' | 'multi-dose' | NULL
        favourite INTEGER NOT NULL DEFAULT 0,
        note TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL
    )""",
    """CREATE TABLE ndc_settings (
        ndc TEXT PRIMARY KEY NOT NULL,   -- 11 digits
        qualifier TEXT NOT NULL,         -- UN, ML, GR, F2, ME
        updated_at TEXT NOT NULL
    )""",
    """CREATE TABLE settings (
        key TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE recent_codes (
        code TEXT PRIMARY KEY NOT NULL,
        used_at TEXT NOT NULL,
        uses INTEGER NOT NULL DEFAULT 1
    )""",
    """CREATE TABLE summary_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        printed_at TEXT NOT NULL,         -- local time, ISO, seconds
        action TEXT NOT NULL DEFAULT 'printed',
        catalog_quarter TEXT NOT NULL DEFAULT '',
        reference TEXT NOT NULL DEFAULT '',
        codes TEXT NOT NULL DEFAULT '',   -- space-separated HCPCS codes of the lines
        search_text TEXT NOT NULL DEFAULT '',
        lines_json TEXT NOT NULL,
        summary_json TEXT NOT NULL
    )""",
)


def _backfill_summary_codes(connection: sqlite3.Connection) -> None:
    """Fill ``summary_codes`` from the v1 ``codes`` column of the logged summaries."""
    rows = connection.execute("SELECT id, codes FROM summary_log").fetchall()
    connection.executemany(
        "INSERT OR IGNORE INTO summary_codes (log_id, code) VALUES (?, ?)",
        [(log_id, code) for log_id, codes in rows for code in str(codes).split()],
    )


# Version 2: the optional patient name of a logged summary (only stored when the clinic turns
# the patient field on), a code table for filtering the log by code, and indexes for the
# history list and the recently used codes.
V2_STATEMENTS: Final = (
    "ALTER TABLE summary_log ADD COLUMN patient_name TEXT",
    """CREATE TABLE summary_codes (
        log_id INTEGER NOT NULL REFERENCES summary_log(id) ON DELETE CASCADE,
        code TEXT NOT NULL,
        PRIMARY KEY (log_id, code)
    )""",
    "CREATE INDEX summary_codes_code ON summary_codes (code)",
    "CREATE INDEX summary_log_printed_at ON summary_log (printed_at)",
    "CREATE INDEX recent_codes_used_at ON recent_codes (used_at)",
)

MIGRATIONS: Final[tuple[Migration, ...]] = (
    Migration(1, "first schema", V1_STATEMENTS),
    Migration(2, "patient name, log codes, indexes", V2_STATEMENTS, _backfill_summary_codes),
)
LATEST_VERSION: Final = MIGRATIONS[-1].version


def schema_version(connection: sqlite3.Connection) -> int:
    """The database's ``user_version``."""
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def check_version(connection: sqlite3.Connection) -> int:
    """The database's version; SchemaError when a newer jcalc wrote it (nothing is changed)."""
    version = schema_version(connection)
    if version > LATEST_VERSION:
        raise SchemaError(
            f"the clinic database was written by a newer jcalc (version {version}; this jcalc "
            f"knows up to {LATEST_VERSION}): update jcalc on this PC"
        )
    return version


def migrate(connection: sqlite3.Connection, *, target: int = LATEST_VERSION) -> int:
    """Bring the database up to ``target``; returns the version it is at afterwards.

    ``connection`` must be in autocommit mode (``isolation_level=None``). Raises SchemaError for
    a newer database or a failed migration (which is rolled back: the file stays at the last
    complete version).
    """
    check_version(connection)
    for migration in MIGRATIONS:
        if migration.version > target:
            break
        if schema_version(connection) >= migration.version:
            continue
        connection.execute("BEGIN IMMEDIATE")
        try:
            current = schema_version(connection)  # another process may have migrated meanwhile
            if current < migration.version:
                if current != migration.version - 1:
                    raise SchemaError(
                        f"the clinic database is at version {current}, cannot apply "
                        f"version {migration.version}"
                    )
                for statement in migration.statements:
                    connection.execute(statement)
                if migration.data_step is not None:
                    migration.data_step(connection)
                connection.execute(f"PRAGMA user_version = {migration.version}")
            connection.execute("COMMIT")
        except BaseException as exc:
            connection.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise SchemaError(
                    f"updating the clinic database to version {migration.version} failed: {exc}"
                ) from exc
            raise
    return check_version(connection)
