"""Files written so that a failure says so, and files read with a size bound.

:func:`write_atomically` writes beside the target through a temporary file created safely
(:func:`tempfile.mkstemp`: a random name, created exclusively, never through a planted symlink),
checks its size, fsyncs it and renames it over the target, so the target is the old file or the
whole new one, never half of it; any failure (a full disk, a read-only folder) raises
:class:`SafeFileError` naming the file and the reason. A character device or a pipe that already
exists (``/dev/full``, ``/dev/stdout``) is written directly, and its errors are reported too.

While it is written, the temporary file is locked (``flock`` on POSIX; on Windows an open file
cannot be deleted). :func:`clean_leftovers` removes the unlocked ones, left by a killed run, the
next time the same target is written.

:func:`read_regular_file` reads a whole file only when it is a regular file no larger than a
limit: a FIFO, ``/dev/zero`` or a folder is refused at once.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from glob import escape
from pathlib import Path
from typing import Final

from jcalc.core.errors import JcalcError

TEMP_SUFFIX: Final = ".tmp"
JOURNAL_SUFFIX: Final = "-journal"
_CHUNK: Final = 1 << 20


class SafeFileError(JcalcError):
    """A file could not be written or read (the message names it and the reason)."""


def _reason(error: OSError) -> str:
    return error.strerror or str(error) or type(error).__name__


def temp_prefix(target: Path) -> str:
    """The name prefix of ``target``'s temporary files: ``.NAME.``."""
    return f".{target.name}."


def _lock(fd: int, *, wait: bool) -> bool:
    """Lock ``fd`` exclusively (POSIX ``flock``); False when another process holds it."""
    if sys.platform == "win32":  # pragma: no cover - an open file cannot be deleted there
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    except OSError:  # a file system without flock: treat as unlocked
        return True
    return True


def new_temp_file(target: Path, *, keep_open: bool = True) -> tuple[int, Path]:
    """A new temporary file beside ``target``, locked: its descriptor and path.

    The open descriptor keeps the lock, so :func:`clean_leftovers` of another run leaves the
    file alone; release it with :func:`close_temp` after the rename. With ``keep_open=False``
    (needed on Windows, which renames only closed files) it is closed now and -1 returned.
    """
    fd, name = tempfile.mkstemp(
        prefix=temp_prefix(target), suffix=TEMP_SUFFIX, dir=target.parent or Path()
    )
    if not keep_open:
        os.close(fd)
        return -1, Path(name)
    _lock(fd, wait=True)
    return fd, Path(name)


def close_temp(fd: int) -> None:
    """Close a descriptor of :func:`new_temp_file` (nothing for -1); never raises."""
    if fd >= 0:
        with contextlib.suppress(OSError):
            os.close(fd)


def clean_leftovers(target: Path) -> list[Path]:
    """Remove temporary files of ``target`` that no running process holds; the removed paths.

    These are ``.NAME.*.tmp`` and their SQLite ``-journal`` files beside ``target``, left by a
    run that was killed. Only regular files are touched; a file whose lock is held (a write in
    progress) is kept.
    """
    target = Path(target)
    directory = target.parent if str(target.parent) else Path()
    pattern = f"{escape(temp_prefix(target))}*{TEMP_SUFFIX}"
    removed: list[Path] = []
    try:
        candidates = sorted(directory.glob(pattern))
    except OSError:
        return removed
    for temp in candidates:
        if _remove_if_unlocked(temp):
            removed.append(temp)
        journal = temp.with_name(temp.name + JOURNAL_SUFFIX)
        if not temp.exists() and _remove_regular(journal):
            removed.append(journal)
    for journal in directory.glob(f"{pattern}{JOURNAL_SUFFIX}"):
        base = journal.with_name(journal.name[: -len(JOURNAL_SUFFIX)])
        if not base.exists() and _remove_regular(journal):
            removed.append(journal)
    return removed


def _remove_regular(path: Path) -> bool:
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return False
        path.unlink()
    except OSError:
        return False
    return True


def _remove_if_unlocked(path: Path) -> bool:
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return False
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(path, flags)
    except OSError:
        return False
    try:
        if not _lock(fd, wait=False):
            return False
        path.unlink()
    except OSError:
        return False
    finally:
        os.close(fd)
    return True


def _new_file_mode(private: bool) -> int:
    if private:
        return 0o600
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view[:_CHUNK])
        if written <= 0:  # pragma: no cover - os.write raises rather than writing nothing
            raise OSError(28, "nothing could be written")
        view = view[written:]


def _fsync_directory(directory: Path) -> None:
    if sys.platform == "win32":  # pragma: no cover - directories cannot be opened there
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _blocking(fd: int) -> None:
    """Back to blocking reads and writes after the non-blocking open (POSIX only)."""
    if hasattr(os, "O_NONBLOCK"):
        os.set_blocking(fd, True)


def _write_stream(target: Path, data: bytes) -> Path:
    """Write to an existing character device or pipe (``/dev/full``, ``/dev/stdout``)."""
    flags = os.O_WRONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(target, flags)  # non-blocking: a pipe nobody reads fails at once
    except OSError as error:
        if error.errno == 6:  # ENXIO: a FIFO without a reader
            raise SafeFileError(f"{target}: no program is reading from it") from error
        raise SafeFileError(f"cannot write {target}: {_reason(error)}") from error
    try:
        _blocking(fd)
        _write_all(fd, data)
    except OSError as error:
        raise SafeFileError(f"cannot write {target}: {_reason(error)}") from error
    finally:
        os.close(fd)
    return target


def write_atomically(
    path: Path | str,
    data: bytes,
    *,
    private: bool = False,
    check: Callable[[Path], None] | None = None,
) -> Path:
    """Write ``data`` to ``path`` all at once or not at all; returns the path written.

    A new file gets the usual permissions (0600 when ``private``); a replaced file keeps its
    own. ``check`` may inspect the finished temporary file before the rename and raise. Raises
    SafeFileError naming the file and the reason (a full disk, a missing or read-only folder).
    """
    target = Path(path)
    try:
        found = target.stat()  # follows a symlink: the file it names is written
    except FileNotFoundError:
        found = None
    except OSError as error:
        raise SafeFileError(f"cannot write {target}: {_reason(error)}") from error
    if found is not None:
        if stat.S_ISDIR(found.st_mode):
            raise SafeFileError(f"{target} is a folder; give a file name")
        if stat.S_ISCHR(found.st_mode) or stat.S_ISFIFO(found.st_mode):
            return _write_stream(target, data)
        if not stat.S_ISREG(found.st_mode):
            raise SafeFileError(f"{target} is not a regular file")
        target = target.resolve()
    mode = stat.S_IMODE(found.st_mode) if found is not None else _new_file_mode(private)
    clean_leftovers(target)
    try:
        fd, temp = new_temp_file(target)
    except OSError as error:
        raise SafeFileError(f"cannot write {target}: {_reason(error)}") from error
    try:
        _write_all(fd, data)
        os.fsync(fd)
        size = os.fstat(fd).st_size
        if size != len(data):
            raise SafeFileError(
                f"cannot write {target}: only {size} of {len(data)} bytes reached the disk"
            )
        if sys.platform != "win32":
            os.fchmod(fd, mode)
        if check is not None:
            check(temp)
        if sys.platform == "win32":  # pragma: no cover - Windows renames only closed files
            os.close(fd)
            fd = -1
        temp.replace(target)
    except OSError as error:
        _discard(fd, temp)
        raise SafeFileError(f"cannot write {target}: {_reason(error)}") from error
    except BaseException:
        _discard(fd, temp)
        raise
    close_temp(fd)
    _fsync_directory(target.parent)
    return target


def _discard(fd: int, temp: Path) -> None:
    close_temp(fd)
    with contextlib.suppress(OSError):
        temp.unlink()


def read_regular_file(path: Path | str, *, limit: int, what: str = "file") -> bytes:
    """The bytes of ``path`` when it is a regular file of at most ``limit`` bytes.

    A folder, FIFO, device (``/dev/zero``) or socket is refused without waiting, and so is a
    file larger than ``limit`` (also one that grows past it while read). Raises SafeFileError.
    """
    source = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(source, flags)
    except FileNotFoundError:
        raise SafeFileError(f"{source}: file not found") from None
    except IsADirectoryError:
        raise SafeFileError(f"{source} is a folder, not a {what}") from None
    except OSError as error:
        raise SafeFileError(f"cannot read {source}: {_reason(error)}") from error
    try:
        found = os.fstat(fd)
        if stat.S_ISDIR(found.st_mode):
            raise SafeFileError(f"{source} is a folder, not a {what}")
        if not stat.S_ISREG(found.st_mode):
            raise SafeFileError(f"{source} is not a regular file, so it cannot be a {what}")
        too_large = SafeFileError(f"{source} is too large to be a {what} (at most {limit:,} bytes)")
        if found.st_size > limit:
            raise too_large
        _blocking(fd)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise too_large
        return b"".join(chunks)
    except OSError as error:
        raise SafeFileError(f"cannot read {source}: {_reason(error)}") from error
    finally:
        os.close(fd)
