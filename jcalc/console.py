"""Text output that works in a windowed (GUI-subsystem) Windows executable.

A windowed PyInstaller build starts without a console: ``sys.stdout`` and ``sys.stderr`` are
``None``, and anything that writes to them (``--self-test``, ``--startup-probe``, the command line)
would crash. :func:`ensure_streams` fixes that once at start-up: on Windows it attaches to the
console of the program that started jcalc (``cmd``, PowerShell), and otherwise sends the text to
``console.log`` in the per-user data directory, opened only when something is written. Streams
that exist are left alone, except that text the stream's encoding cannot show is replaced instead
of raising (a Windows code page lacks ``÷`` and ``−``).
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

CONSOLE_LOG = "console.log"
ATTACH_PARENT_PROCESS = 0xFFFFFFFF  # (DWORD)-1 for AttachConsole


def attach_parent_console() -> bool:
    """Attach to the console of the parent process (Windows only); True when attached."""
    if sys.platform != "win32":
        return False
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined,unused-ignore]
    return bool(kernel32.AttachConsole(ATTACH_PARENT_PROCESS))


def _open_console_stream() -> TextIO | None:
    """A text stream on the attached Windows console, or None."""
    try:
        return open("CONOUT$", "w", encoding="utf-8", errors="replace", buffering=1)  # noqa: PTH123
    except OSError:
        return None


class LazyLogStream(io.TextIOBase):
    """A text stream that creates its file on the first write (so a quiet run leaves nothing)."""

    def __init__(self, path_factory: Callable[[], Path]) -> None:
        super().__init__()
        self._path_factory = path_factory
        self._file: TextIO | None = None
        self.path: Path | None = None

    def _target(self) -> TextIO:
        if self._file is None:
            self.path = self._path_factory()
            self._file = self.path.open("a", encoding="utf-8", errors="replace", buffering=1)
        return self._file

    def writable(self) -> bool:
        """Always writable."""
        return True

    def write(self, text: str) -> int:
        """Write ``text`` to the log file (created now when needed)."""
        if not text:
            return 0
        return self._target().write(text)

    def flush(self) -> None:
        """Flush the file when it is open."""
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        """Close the file when it is open."""
        if self._file is not None:
            self._file.close()
            self._file = None
        super().close()


def _default_log_path() -> Path:
    from jcalc.paths import user_data_dir

    return user_data_dir() / CONSOLE_LOG


def _tolerant(stream: TextIO) -> TextIO:
    """Make an existing stream replace characters its encoding cannot show."""
    reconfigure = getattr(stream, "reconfigure", None)
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    if reconfigure is not None and encoding not in ("utf8", "utf_8"):
        with contextlib.suppress(ValueError, OSError, io.UnsupportedOperation):
            reconfigure(errors="replace")
    return stream


def ensure_streams(
    *,
    attach: Callable[[], bool] | None = None,
    open_console: Callable[[], TextIO | None] | None = None,
    log_path: Callable[[], Path] | None = None,
) -> str:
    """Give ``sys.stdout`` and ``sys.stderr`` somewhere to write; returns where they go.

    ``"console"`` when both already exist; ``"attached"`` when the parent's Windows console was
    attached; ``"log"`` when the text goes to ``console.log`` in the user data directory. The
    arguments replace :func:`attach_parent_console`, the console opener and the log path (tests).
    """
    if sys.stdout is not None and sys.stderr is not None:
        sys.stdout = _tolerant(sys.stdout)
        sys.stderr = _tolerant(sys.stderr)
        return "console"
    stream: TextIO | None = None
    where = "log"
    if (attach or attach_parent_console)():
        stream = (open_console or _open_console_stream)()
        if stream is not None:
            where = "attached"
    if stream is None:
        stream = LazyLogStream(log_path or _default_log_path)  # type: ignore[assignment]
    if sys.stdout is None:
        sys.stdout = stream
    if sys.stderr is None:
        sys.stderr = stream
    return where
