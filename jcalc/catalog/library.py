"""The catalogs of this PC: the updated (user) catalog in use, the previous one, the bundled one.

Layout of ``user_data_dir()/catalogs/``::

    active.json                   which catalog is in use and which one was before it
    catalog-<stamp>-<id>.sqlite   complete catalogs; never modified once written
    staging-<id>.sqlite           a prepared update not yet accepted (+ staging-<id>.lock)
    library.lock                  held while active.json changes

A catalog file is written completely, checked and fsynced under a temporary name before it gets a
``catalog-`` name, and only then does ``active.json`` (written to a temporary file, fsynced, then
``os.replace``-d) name it. Old files are deleted only after the new ``active.json`` is on disk. A
power cut at any point therefore leaves ``active.json`` naming complete files only: either the old
catalog or the new one is in use, never a half-written file. Leftovers of an interrupted update
(staging files, temporary files) are never named by ``active.json`` and are removed later by
:meth:`CatalogLibrary.cleanup`.

When the user catalog is missing, damaged or of another schema version, the bundled catalog is
used instead and :attr:`ActiveCatalog.problem` says why; nothing here raises for that.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from jcalc.catalog.library_lock import LOCK_TIMEOUT, RETRIES, RETRY_PAUSE, FileLock, retrying
from jcalc.catalog.library_reader import CATALOGS_DIR, LOCK_NAME, POINTER_NAME, LibraryReader
from jcalc.catalog.library_state import (
    BUNDLED,
    CATALOG_NAME,
    POINTER_FORMAT,
    POINTER_VERSION,
    ActiveCatalog,
    LibraryState,
    catalog_label,
    check_catalog_file,
)
from jcalc.catalog.store import Catalog, CatalogError, open_catalog

__all__ = [
    "BUNDLED",
    "CATALOGS_DIR",
    "LOCK_NAME",
    "LOCK_TIMEOUT",
    "POINTER_FORMAT",
    "POINTER_NAME",
    "POINTER_VERSION",
    "RETRIES",
    "RETRY_PAUSE",
    "ActiveCatalog",
    "CatalogLibrary",
    "FileLock",
    "LibraryState",
    "StagingSlot",
    "active_catalog",
    "active_catalog_path",
    "catalog_label",
    "check_catalog_file",
    "default_library",
    "describe_active",
    "open_active_catalog",
    "open_chosen_catalog",
    "restore_bundled",
    "restore_previous",
    "write_file_atomically",
]

_STAGING_NAME: Final = re.compile(r"staging-([0-9a-f]{16})\.sqlite")
_STAGING_PART: Final = re.compile(r"\.?staging-([0-9a-f]{16})\.")

# ---------------------------------------------------------------- file system helpers


def _fsync_directory(path: Path) -> None:
    """Make a rename inside ``path`` durable (no-op on Windows, which cannot open a folder)."""
    if os.name != "posix":  # pragma: no cover
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _remove(path: Path) -> bool:
    """Delete a file; False when it cannot be (in use by another program on Windows, gone)."""
    try:
        path.unlink()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return True


def write_file_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a reader or a power cut sees the old or new file."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with temp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        retrying(lambda: temp.replace(path))
    except BaseException:
        _remove(temp)
        raise
    _fsync_directory(path.parent)


class StagingSlot:
    """A reserved staging file for a catalog being built; locked while this process uses it."""

    def __init__(self, path: Path, lock: FileLock) -> None:
        self.path = path
        self._lock = lock

    @property
    def active(self) -> bool:
        """Whether the slot is still reserved (not yet released)."""
        return self._lock.held

    def release(self, *, remove: bool) -> None:
        """Give the slot up; ``remove`` also deletes the staging file."""
        if remove:
            for leftover in _staging_files(self.path.parent, self.path):
                _remove(leftover)
        self._lock.release()
        _remove(self._lock.path)


def _staging_files(directory: Path, staging: Path) -> list[Path]:
    """The staging file and its temporary and journal files."""
    found = [staging, Path(f"{staging}-journal")]
    found.extend(directory.glob(f".{staging.name}.*.tmp"))
    found.extend(directory.glob(f".{staging.name}.*.tmp-journal"))
    return found


class CatalogLibrary(LibraryReader):
    """The catalog folder of one user (``user_data_dir()/catalogs`` unless told otherwise)."""

    # ------------------------------------------------------------ changing the state

    def _effective(self, state: LibraryState) -> str:
        """The entry really in use under ``state`` (BUNDLED when the user catalog is unusable)."""
        if state.current != BUNDLED and self.entry_problem(state.current) is not None:
            return BUNDLED
        return state.current

    def _write_state(self, state: LibraryState) -> None:
        data = json.dumps(state.to_json(), indent=2).encode("utf-8")
        write_file_atomically(self.pointer_path, data)

    def _state_or_recovered(self) -> LibraryState:
        """The state, or after a damaged ``active.json`` the bundled one with the newest file."""
        try:
            return self.read_state()
        except CatalogError:
            newest = self._newest_usable_file()
            return LibraryState(BUNDLED, newest)

    def _newest_usable_file(self) -> str | None:
        if not self.directory.is_dir():
            return None
        names = sorted(
            (p.name for p in self.directory.iterdir() if CATALOG_NAME.fullmatch(p.name)),
            reverse=True,
        )
        return next((name for name in names if self.entry_problem(name) is None), None)

    def restore_previous(self) -> ActiveCatalog:
        """Go back to the previous catalog; the one in use becomes the previous one.

        Raises CatalogError when there is no usable previous catalog.
        """
        with self._lock():
            state = self._state_or_recovered()
            target = state.previous
            if target is None:
                raise CatalogError("there is no previous catalog to go back to")
            problem = self.entry_problem(target)
            if problem is not None:
                raise CatalogError(f"the previous catalog cannot be used: {problem}")
            current = self._effective(state)
            self._write_state(LibraryState(target, current if current != target else None))
            self._collect(LibraryState(target, current))
        return self.active()

    def restore_bundled(self) -> ActiveCatalog:
        """Use the bundled catalog again; a usable user catalog is kept as the previous one.

        Also the way out when the user catalog or ``active.json`` is damaged.
        """
        with self._lock():
            state = self._state_or_recovered()
            keep: str | None = None
            for candidate in (state.current, state.previous):
                if candidate not in (None, BUNDLED) and self.entry_problem(candidate) is None:
                    keep = candidate
                    break
            self._write_state(LibraryState(BUNDLED, keep))
        return self.active()

    def reserve_staging(self) -> StagingSlot:
        """A fresh, locked staging path for a catalog being built."""
        name = f"staging-{secrets.token_hex(8)}"
        lock = FileLock(self._ensure_directory() / f"{name}.lock")
        if not lock.acquire(timeout=0):  # pragma: no cover - a fresh random name
            raise CatalogError("cannot reserve a staging file for the new catalog")
        return StagingSlot(self.directory / f"{name}.sqlite", lock)

    def install(self, staging: Path, *, expected_current: str | None = None) -> ActiveCatalog:
        """Make the complete catalog file ``staging`` the one in use; the old one becomes previous.

        ``expected_current`` (the entry in use when the update was prepared) guards against
        another jcalc having switched catalogs meanwhile. Raises CatalogError when ``staging``
        is not a usable catalog or the catalog in use changed; nothing is changed then.
        """
        with self._lock():
            state = self._state_or_recovered()
            current = self._effective(state)
            if expected_current is not None and current != expected_current:
                raise CatalogError(
                    "the catalog in use was changed (by another jcalc window?) since this update "
                    "was prepared; nothing was changed: prepare the update again"
                )
            problem = check_catalog_file(staging)
            if problem is not None:
                raise CatalogError(f"the new catalog cannot be used: {problem}")
            _fsync_file(staging)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            final = self.directory / f"catalog-{stamp}-{secrets.token_hex(4)}.sqlite"
            staging.replace(final)
            try:
                _fsync_directory(self.directory)
                new_state = LibraryState(final.name, current)
                self._write_state(new_state)
            except OSError:
                with contextlib.suppress(OSError):  # leave things as they were (best effort)
                    final.replace(staging)
                raise
            self._collect(new_state)
        return self.active()

    def install_file(self, catalog: Path) -> ActiveCatalog:
        """Copy an existing catalog file into the library and use it (the old one is kept)."""
        slot = self.reserve_staging()
        try:
            problem = check_catalog_file(catalog)
            if problem is not None:
                raise CatalogError(f"{catalog} cannot be used: {problem}")
            shutil.copyfile(catalog, slot.path)
            return self.install(slot.path)
        finally:
            slot.release(remove=True)

    # ------------------------------------------------------------ tidying up

    def cleanup(self) -> list[Path]:
        """Delete files no longer needed: old catalogs and leftovers of interrupted updates.

        Keeps the current and previous catalogs and staging files of updates still running
        (their lock is held). Does nothing while ``active.json`` is unreadable. Returns what was
        deleted.
        """
        if not self.directory.is_dir():
            return []
        with self._lock():
            try:
                state = self.read_state()
            except CatalogError:
                return []
            return self._collect(state)

    def _collect(self, state: LibraryState) -> list[Path]:
        """Delete what ``state`` does not need (the caller holds the library lock).

        Best effort: a file that cannot be deleted now (in use on Windows) stays for next time.
        """
        try:
            return self._collect_files(state)
        except OSError:
            return []

    def _collect_files(self, state: LibraryState) -> list[Path]:
        keep = {state.current, state.previous}
        removed: list[Path] = []
        directory = self.directory
        dead: dict[str, bool] = {}

        def staging_dead(token: str) -> bool:
            if token not in dead:
                lock = FileLock(directory / f"staging-{token}.lock")
                free = lock.acquire(timeout=0)
                lock.release()
                dead[token] = free
            return dead[token]

        for path in sorted(directory.iterdir()):
            name = path.name
            if CATALOG_NAME.fullmatch(name):
                doomed = name not in keep
            elif name.startswith(f".{POINTER_NAME}.") and name.endswith(".tmp"):
                doomed = True  # pointer writes happen under the lock we hold
            elif (match := _STAGING_PART.match(name)) is not None:
                doomed = staging_dead(match[1]) and not name.endswith(".lock")
            else:
                doomed = False
            if doomed and _remove(path):
                removed.append(path)
        for token, free in dead.items():
            if free and _remove(directory / f"staging-{token}.lock"):
                removed.append(directory / f"staging-{token}.lock")
        return removed


# ---------------------------------------------------------------- the user's library


def default_library() -> CatalogLibrary:
    """The library in the per-user data folder (``JCALC_DATA_DIR`` overrides it)."""
    return CatalogLibrary()


def active_catalog() -> ActiveCatalog:
    """The catalog in use (see :meth:`CatalogLibrary.active`)."""
    return default_library().active()


def active_catalog_path() -> Path:
    """Path of the catalog in use."""
    return default_library().active_path()


def describe_active() -> str:
    """Which catalog file is in use and its quarter, in one line."""
    return default_library().describe_active()


def open_active_catalog() -> Catalog:
    """Open the catalog in use: the user catalog when usable, else the bundled one."""
    return default_library().open_active()


def restore_previous() -> ActiveCatalog:
    """Go back to the previous catalog."""
    return default_library().restore_previous()


def restore_bundled() -> ActiveCatalog:
    """Use the bundled catalog again."""
    return default_library().restore_bundled()


def open_chosen_catalog(path: Path | None) -> Catalog:
    """The catalog a command names with ``--catalog``, else the catalog in use."""
    return open_catalog(path) if path is not None else open_active_catalog()
