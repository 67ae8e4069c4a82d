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
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from jcalc.core.safe_text import escape_control

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


# -- one error path at the command boundary -------------------------------------------------------

ERROR_LOG = "jcalc.log"  # the same file the window logs to
EXIT_BAD_INPUT = 2
EXIT_BUG = 1
MAX_ERROR_CHARS = 600


def error_line(message: str) -> str:
    """``error: …`` on one line: control characters escaped, very long text cut."""
    text = escape_control(message.strip())
    if len(text) > MAX_ERROR_CHARS:
        text = text[: MAX_ERROR_CHARS - 1] + "…"
    return f"error: {text}"


def print_error(message: str) -> int:
    """Print one ``error:`` line on stderr; returns exit code 2 (bad input)."""
    print(error_line(message), file=sys.stderr)
    return EXIT_BAD_INPUT


def describe_failure(error: BaseException) -> str | None:
    """A plain sentence for errors of input, files or resources; None for a bug.

    Covers :class:`~jcalc.core.errors.JcalcError` and decimal, overflow, recursion, memory,
    encoding and OS errors (the command line exits 2 on these; the window shows the sentence).
    """
    import decimal

    from jcalc.core.errors import JcalcError

    if isinstance(error, JcalcError):
        return str(error) or type(error).__name__
    if isinstance(error, OSError):
        where = error.filename if error.filename is not None else ""
        reason = error.strerror or str(error) or type(error).__name__
        return f"{where}: {reason}" if where else reason
    if isinstance(error, MemoryError):
        return "not enough memory for this input; it is far larger than any real one"
    if isinstance(error, RecursionError):
        return "the input is nested too deeply to be read"
    if isinstance(error, decimal.DecimalException):
        return "a number is out of the range jcalc can work with"
    if isinstance(error, OverflowError | ZeroDivisionError):
        return f"a number is out of the range jcalc can work with ({error})"
    if isinstance(error, UnicodeError):
        return f"text that is not valid in its encoding ({error.__class__.__name__})"
    if isinstance(error, ValueError) and "integer string conversion" in str(error):
        return "a number has far too many digits"
    return None


def log_bug(error: BaseException, *, log_dir: Path | None = None) -> Path | None:
    """Append the traceback of an unexpected error to ``jcalc.log``; its path, or None."""
    import traceback
    from datetime import datetime

    from jcalc import __version__

    try:
        if log_dir is None:
            from jcalc.paths import user_data_dir

            log_dir = user_data_dir()
        path = log_dir / ERROR_LOG
        details = "".join(traceback.format_exception(error))
        stamp = datetime.now().isoformat(sep=" ", timespec="seconds")
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with open(fd, "a", encoding="utf-8", errors="replace") as handle:  # noqa: PTH123
            handle.write(
                f"{stamp} ERROR jcalc.cli: unexpected error in jcalc {__version__} "
                f"(Python {sys.version.split()[0]}, {sys.platform})\n{details}"
            )
        return path
    except Exception:  # the report of a bug must never raise
        return None


def report_bug(error: BaseException) -> int:
    """One ``error:`` line for an unexpected error, pointing at the log; returns exit code 1."""
    path = log_bug(error)
    where = f"details are in {path}" if path else "its details could not be saved"
    name = type(error).__name__
    print(
        error_line(f"internal error ({name}); {where}; please send them to jcalc's support"),
        file=sys.stderr,
    )
    return EXIT_BUG


class EscapingStream(io.TextIOBase):
    r"""Wraps a text stream so that control characters other than ``\n`` and ``\t`` are escaped."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.wrapped = stream

    def writable(self) -> bool:
        """Always writable."""
        return True

    def write(self, text: str) -> int:
        """Write ``text`` with its unsafe characters escaped."""
        self.wrapped.write(escape_control(text, keep="\n\t"))
        return len(text)

    def flush(self) -> None:
        """Flush the wrapped stream."""
        self.wrapped.flush()

    def isatty(self) -> bool:
        """Whether the wrapped stream is a terminal."""
        return bool(getattr(self.wrapped, "isatty", lambda: False)())

    @property
    def encoding(self) -> str:  # type: ignore[override]
        """The wrapped stream's encoding."""
        return str(getattr(self.wrapped, "encoding", None) or "utf-8")


@contextlib.contextmanager
def escaped_output() -> Iterator[None]:
    """While active, ``sys.stdout`` and ``sys.stderr`` escape control characters."""
    out, err = sys.stdout, sys.stderr
    sys.stdout = EscapingStream(out)
    sys.stderr = EscapingStream(err)
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        sys.stdout, sys.stderr = out, err
