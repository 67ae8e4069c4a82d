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
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Final, TypeVar

from jcalc.catalog.store import Catalog, CatalogError, CatalogInfo, open_catalog
from jcalc.paths import bundled_catalog_path, user_data_dir

if sys.platform == "win32":  # pragma: no cover - exercised on the clinic PCs
    import msvcrt
else:
    import fcntl

_T = TypeVar("_T")

BUNDLED: Final = "bundled"  # the entry naming the bundled catalog in active.json
CATALOGS_DIR: Final = "catalogs"
POINTER_NAME: Final = "active.json"
POINTER_FORMAT: Final = "jcalc-catalog-library"
POINTER_VERSION: Final = 1
LOCK_NAME: Final = "library.lock"
LOCK_TIMEOUT: Final = 10.0  # seconds to wait for another jcalc changing the catalogs
RETRIES: Final = 40  # attempts, RETRY_PAUSE apart, at a file another process holds open
RETRY_PAUSE: Final = 0.05

_CATALOG_NAME: Final = re.compile(r"catalog-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}\.sqlite")
_STAGING_NAME: Final = re.compile(r"staging-([0-9a-f]{16})\.sqlite")
_STAGING_PART: Final = re.compile(r"\.?staging-([0-9a-f]{16})\.")

# Successful checks of catalog files, by (path, size, mtime): the files never change once written.
_checked: dict[tuple[str, int, int], None] = {}
_checked_lock = threading.Lock()


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


def _retrying(action: Callable[[], _T]) -> _T:
    """Run ``action``, retrying briefly on PermissionError.

    On Windows a file another process has open for a moment (a jcalc window reading
    ``active.json``) can be neither replaced nor opened until it is closed again.
    """
    for _attempt in range(RETRIES):
        try:
            return action()
        except PermissionError:
            time.sleep(RETRY_PAUSE)
    return action()


def write_file_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a reader or a power cut sees the old or new file."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with temp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _retrying(lambda: temp.replace(path))
    except BaseException:
        _remove(temp)
        raise
    _fsync_directory(path.parent)


class FileLock:
    """An exclusive lock on a file, released by the system when the process dies.

    Not re-entrant. Used to keep two jcalc processes from changing the catalogs at once and to
    tell a staging file being built by a live process from one left by a killed process.
    """

    def __init__(self, path: Path, *, timeout: float = LOCK_TIMEOUT) -> None:
        self.path = path
        self.timeout = timeout  # used by ``with lock:``
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None

    def acquire(self, timeout: float | None = LOCK_TIMEOUT) -> bool:
        """Take the lock, waiting up to ``timeout`` seconds (0: do not wait); False on timeout."""
        if self._fd is not None:
            raise RuntimeError(f"{self.path} is already locked by this object")
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + (timeout or 0.0)
        while True:
            if _try_lock(fd):
                self._fd = fd
                return True
            if time.monotonic() >= deadline:
                os.close(fd)
                return False
            time.sleep(0.05)

    def release(self) -> None:
        """Give the lock up (nothing when it is not held)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        _unlock(fd)
        os.close(fd)

    def __enter__(self) -> FileLock:
        if not self.acquire(self.timeout):
            raise CatalogError(
                "another jcalc window is changing the catalog right now; try again in a moment"
            )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()


if sys.platform == "win32":  # pragma: no cover

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)


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


def _entry(value: object) -> str | None:
    """``value`` when it is a valid entry of ``active.json`` (BUNDLED or a catalog file name)."""
    if isinstance(value, str) and (value == BUNDLED or _CATALOG_NAME.fullmatch(value)):
        return value
    return None


def _staging_files(directory: Path, staging: Path) -> list[Path]:
    """The staging file and its temporary and journal files."""
    found = [staging, Path(f"{staging}-journal")]
    found.extend(directory.glob(f".{staging.name}.*.tmp"))
    found.extend(directory.glob(f".{staging.name}.*.tmp-journal"))
    return found


class CatalogLibrary:
    """The catalog folder of one user (``user_data_dir()/catalogs`` unless told otherwise)."""

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
            text = _retrying(lambda: path.read_text(encoding="utf-8"))
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
        current = _entry(data.get("current"))
        previous = data.get("previous")
        if current is None or (previous is not None and _entry(previous) is None):
            raise CatalogError(f"the record of the catalog in use ({path}) names no valid file")
        return LibraryState(current, _entry(previous))

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
            (p.name for p in self.directory.iterdir() if _CATALOG_NAME.fullmatch(p.name)),
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
            if _CATALOG_NAME.fullmatch(name):
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
