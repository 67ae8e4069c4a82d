"""A lock other processes respect and retried file access, for the catalogs folder."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Final, TypeVar

from jcalc.catalog.store import CatalogError

if sys.platform == "win32":  # pragma: no cover - exercised on the clinic PCs
    import msvcrt
else:
    import fcntl

_T = TypeVar("_T")

LOCK_TIMEOUT: Final = 10.0  # seconds to wait for another jcalc changing the catalogs
RETRIES: Final = 40  # attempts, RETRY_PAUSE apart, at a file another process holds open
RETRY_PAUSE: Final = 0.05


def retrying(action: Callable[[], _T]) -> _T:
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
