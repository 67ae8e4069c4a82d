"""The catalog library's state as values: active.json's entries, the catalog in use, file checks."""

from __future__ import annotations

import re
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from jcalc.catalog.store import CatalogError, CatalogInfo, open_catalog

BUNDLED: Final = "bundled"  # the entry naming the bundled catalog in active.json
POINTER_FORMAT: Final = "jcalc-catalog-library"
POINTER_VERSION: Final = 1
CATALOG_NAME: Final = re.compile(r"catalog-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}\.sqlite")

# Successful checks of catalog files, by (path, size, mtime): the files never change once written.
_checked: dict[tuple[str, int, int], None] = {}
_checked_lock = threading.Lock()

# ---------------------------------------------------------------- checking a catalog file


def check_catalog_file(path: Path) -> str | None:
    """Why ``path`` cannot be used as the catalog (plain words), or None when it can.

    Opens it read-only, checks the schema (as :func:`open_catalog` does) and runs SQLite's
    ``quick_check``, which finds a truncated or damaged file.
    """
    try:
        stat = path.stat()
    except FileNotFoundError:
        return f"the file {path.name} is missing"
    except OSError as exc:
        return f"the file {path.name} cannot be read ({exc.strerror or exc})"
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    with _checked_lock:
        if key in _checked:
            return None
    try:
        with open_catalog(path) as catalog:
            result = [str(row[0]) for row in catalog.connection.execute("PRAGMA quick_check")]
            catalog.info()
    except CatalogError as exc:
        return str(exc)
    except (sqlite3.Error, OSError, ValueError) as exc:
        return f"{path.name} is damaged ({exc})"
    if result != ["ok"]:
        return f"{path.name} is damaged (SQLite check: {'; '.join(result[:2])})"
    with _checked_lock:
        _checked[key] = None
    return None


def catalog_label(info: CatalogInfo) -> str:
    """ "ASP 2026Q1, HCPCS 2026-01, MUE 2026Q2": what a catalog was built from."""
    return (
        f"ASP {info.asp_quarter or 'unknown'}, HCPCS {info.hcpcs_release or 'unknown'}, "
        f"MUE {info.mue_quarter or 'unknown'}"
    )


# ---------------------------------------------------------------- state


@dataclass(frozen=True)
class LibraryState:
    """What ``active.json`` says: the catalog in use and the one before it (entries)."""

    current: str = BUNDLED  # BUNDLED or the file name of a user catalog
    previous: str | None = None

    def to_json(self) -> dict[str, object]:
        """The content of ``active.json``."""
        return {
            "format": POINTER_FORMAT,
            "version": POINTER_VERSION,
            "current": self.current,
            "previous": self.previous,
            "changed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }


@dataclass(frozen=True)
class ActiveCatalog:
    """The catalog in use: which file, what it holds, and why the user catalog is not used."""

    path: Path
    entry: str  # BUNDLED or the user catalog's file name
    info: CatalogInfo
    problem: str | None = None  # why the user catalog could not be used (the bundled one is)
    previous: str | None = None  # entry that restore_previous() would bring back

    @property
    def is_bundled(self) -> bool:
        """True when the bundled (read-only) catalog is in use."""
        return self.entry == BUNDLED

    @property
    def quarter(self) -> str:
        """The ASP quarter of the catalog in use ("2026Q1"; "unknown" when not recorded)."""
        return self.info.asp_quarter or "unknown"

    @property
    def status_text(self) -> str:
        """One short line for a status bar: "Catalog 2026Q2 (updated 2026-04-03)"."""
        if self.is_bundled:
            where = "bundled"
            if self.problem:
                where += "; the updated catalog could not be used"
        else:
            built = self.info.built_at
            where = f"updated {built.date().isoformat()}" if built else "updated"
        return f"Catalog {self.quarter} ({where})"

    def describe(self) -> str:
        """Which file is in use and what it was built from, plus the problem if any."""
        kind = "bundled catalog" if self.is_bundled else "user catalog"
        text = f"{kind} {self.path} ({catalog_label(self.info)})"
        if self.problem:
            text += f"; the user catalog is not used: {self.problem}"
        return text

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "path": str(self.path),
            "entry": self.entry,
            "bundled": self.is_bundled,
            "quarter": self.quarter,
            "label": catalog_label(self.info),
            "status": self.status_text,
            "problem": self.problem,
            "previous": self.previous,
            "info": self.info.to_json(),
        }


def valid_entry(value: object) -> str | None:
    """``value`` when it is a valid entry of ``active.json`` (BUNDLED or a catalog file name)."""
    if isinstance(value, str) and (value == BUNDLED or CATALOG_NAME.fullmatch(value)):
        return value
    return None
