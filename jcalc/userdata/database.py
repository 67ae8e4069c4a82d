"""The per-user clinic database (``user_data_dir()/clinic.sqlite``): opening, locking, writing.

SQLite in WAL mode with a busy timeout: two jcalc processes may read and write at once without
corrupting anything (a writer waits for the other's transaction). Every write goes through
:meth:`UserDatabase.transaction` (``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on error), so a
crash leaves the last committed state. The schema is migrated on opening
(:mod:`jcalc.userdata.migrations`). The file is created 0600 and ``secure_delete`` is on, so a
deleted patient name does not stay readable in free pages.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Final

from jcalc.core.errors import JcalcError
from jcalc.paths import PRIVATE_FILE_MODE, user_data_dir
from jcalc.userdata.migrations import SchemaError, check_version, migrate

DATABASE_NAME: Final = "clinic.sqlite"
BUSY_TIMEOUT_SECONDS: Final = 10.0


class UserDataError(JcalcError):
    """The clinic's data cannot be read or saved, or a value is not valid (plain message)."""


def database_path() -> Path:
    """``user_data_dir()/clinic.sqlite``."""
    return user_data_dir() / DATABASE_NAME


def _busy(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class UserDatabase:
    """An open clinic database; one connection, safe to share between threads (serialized)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else database_path()
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Created 0600 (its -wal and -shm files take the same mode): patient names.
            with contextlib.suppress(FileExistsError):
                flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
                os.close(os.open(self.path, flags, PRIVATE_FILE_MODE))
            self._connection = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_SECONDS,
                isolation_level=None,
                check_same_thread=False,
            )
        except (sqlite3.Error, OSError) as exc:
            raise UserDataError(f"cannot open the clinic database {self.path}: {exc}") from exc
        try:
            self._setup()
        except BaseException:
            self._connection.close()
            raise

    def _setup(self) -> None:
        connection = self._connection
        try:
            connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
            check_version(connection)  # before anything writes to a newer jcalc's file
            mode = str(connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]).lower()
            if mode != "wal":  # pragma: no cover - e.g. a network share without shared memory
                connection.execute("PRAGMA journal_mode = DELETE")
            connection.execute("PRAGMA synchronous = FULL")
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA secure_delete = ON")  # erased names are overwritten
            migrate(connection)
        except SchemaError as exc:
            raise UserDataError(f"{self.path}: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            if _busy(exc):
                raise UserDataError(
                    f"the clinic database {self.path} is busy (another jcalc is writing to it); "
                    "try again"
                ) from exc
            raise UserDataError(
                f"{self.path} is not a jcalc clinic database or is damaged ({exc}); restore it "
                "from an export (jcalc clinic import) or move it away to start afresh"
            ) from exc

    @property
    def connection(self) -> sqlite3.Connection:
        """The SQLite connection (autocommit; use :meth:`transaction` to write)."""
        return self._connection

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed at the end, rolled back on any error."""
        with self._lock:
            connection = self._connection
            try:
                connection.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if _busy(exc):
                    raise UserDataError(
                        "the clinic database is busy (another jcalc is writing to it); try again"
                    ) from exc
                raise UserDataError(f"cannot write the clinic database: {exc}") from exc
            try:
                yield connection
                connection.execute("COMMIT")
            except BaseException as exc:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise UserDataError(f"cannot save to the clinic database: {exc}") from exc
                raise

    def query(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read query."""
        with self._lock:
            try:
                return self._connection.execute(sql, parameters).fetchall()
            except sqlite3.Error as exc:
                raise UserDataError(f"cannot read the clinic database: {exc}") from exc

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._connection.close()

    def __enter__(self) -> UserDatabase:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def open_database(path: Path | None = None) -> UserDatabase:
    """Open (creating and migrating as needed) the clinic database."""
    return UserDatabase(path)
