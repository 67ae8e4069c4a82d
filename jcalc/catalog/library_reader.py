"""Reading the catalog folder: where its files are and which catalog is in use (active.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final

from jcalc.catalog.library_lock import LOCK_TIMEOUT, FileLock, retrying
from jcalc.catalog.library_state import (
    BUNDLED,
    POINTER_FORMAT,
    POINTER_VERSION,
    ActiveCatalog,
    LibraryState,
    check_catalog_file,
    valid_entry,
)
from jcalc.catalog.store import Catalog, CatalogError, open_catalog
from jcalc.paths import bundled_catalog_path, user_data_dir

CATALOGS_DIR: Final = "catalogs"
POINTER_NAME: Final = "active.json"
LOCK_NAME: Final = "library.lock"


class LibraryReader:
    """The read side of :class:`~jcalc.catalog.library.CatalogLibrary`: paths and state."""

    def __init__(
        self,
        directory: Path | None = None,
        *,
        bundled: Path | None = None,
        lock_timeout: float = LOCK_TIMEOUT,
    ) -> None:
        self._directory = directory
        self._bundled = bundled
        self._lock_timeout = lock_timeout

    @property
    def directory(self) -> Path:
        """The catalog folder (created by the first change, not by reading)."""
        return self._directory or user_data_dir() / CATALOGS_DIR

    def _ensure_directory(self) -> Path:
        path = self.directory
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def bundled_path(self) -> Path:
        """The bundled catalog, the read-only fallback."""
        return self._bundled or bundled_catalog_path()

    @property
    def pointer_path(self) -> Path:
        """``active.json``."""
        return self.directory / POINTER_NAME

    def _lock(self) -> FileLock:
        return FileLock(self._ensure_directory() / LOCK_NAME, timeout=self._lock_timeout)

    # ------------------------------------------------------------ reading the state

    def read_state(self) -> LibraryState:
        """What ``active.json`` says; no file means the bundled catalog and no previous one.

        Raises CatalogError when the file is unreadable or damaged.
        """
        path = self.pointer_path
        try:
            text = retrying(lambda: path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return LibraryState()
        except (OSError, UnicodeDecodeError) as exc:
            raise CatalogError(
                f"the record of the catalog in use ({path}) is unreadable: {exc}"
            ) from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CatalogError(
                f"the record of the catalog in use ({path}) is damaged: {exc}"
            ) from exc
        if not isinstance(data, dict) or data.get("format") != POINTER_FORMAT:
            raise CatalogError(f"{path} is not a record of the catalog in use")
        version = data.get("version")
        if not isinstance(version, int) or version > POINTER_VERSION:
            raise CatalogError(f"{path} was written by a newer jcalc (version {version})")
        current = valid_entry(data.get("current"))
        previous = data.get("previous")
        if current is None or (previous is not None and valid_entry(previous) is None):
            raise CatalogError(f"the record of the catalog in use ({path}) names no valid file")
        return LibraryState(current, valid_entry(previous))

    def entry_path(self, entry: str) -> Path:
        """The file an entry of ``active.json`` names."""
        return self.bundled_path if entry == BUNDLED else self.directory / entry

    def entry_problem(self, entry: str) -> str | None:
        """Why the catalog an entry names cannot be used, or None."""
        return check_catalog_file(self.entry_path(entry))

    def active(self) -> ActiveCatalog:
        """The catalog in use: the user catalog when it is usable, else the bundled one.

        Never raises for a missing or damaged user catalog (``problem`` says what is wrong).
        Raises CatalogError only when the bundled catalog cannot be used either.
        """
        problem: str | None = None
        try:
            state = self.read_state()
        except CatalogError as exc:
            state, problem = LibraryState(), str(exc)
        entry = state.current
        if entry != BUNDLED:
            user_problem = self.entry_problem(entry)
            if user_problem is not None:
                problem = f"the updated catalog cannot be used: {user_problem}"
                entry = BUNDLED
        if entry == BUNDLED:
            bundled_problem = self.entry_problem(BUNDLED)
            if bundled_problem is not None:
                prefix = f"{problem}; " if problem else ""
                raise CatalogError(f"{prefix}the bundled catalog cannot be used: {bundled_problem}")
        path = self.entry_path(entry)
        with open_catalog(path) as catalog:
            info = catalog.info()
        previous = state.previous
        if previous == entry or (previous is not None and self.entry_problem(previous)):
            previous = None
        return ActiveCatalog(path, entry, info, problem, previous)

    def active_path(self) -> Path:
        """Path of the catalog in use."""
        return self.active().path

    def describe_active(self) -> str:
        """Which catalog file is in use and its quarter, in one line."""
        return self.active().describe()

    def open_active(self) -> Catalog:
        """Open the catalog in use (the bundled one when the user catalog is unusable)."""
        active = self.active()
        try:
            return open_catalog(active.path)
        except CatalogError:
            if active.is_bundled:
                raise
            return open_catalog(self.bundled_path)

    def previous_entry(self) -> str | None:
        """The catalog ``restore_previous`` would bring back, when it is usable."""
        try:
            state = self.read_state()
        except CatalogError:
            return None
        if state.previous is None or self.entry_problem(state.previous) is not None:
            return None
        return state.previous
