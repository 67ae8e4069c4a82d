"""``jcalc --startup-probe``: milliseconds from process start to the window's first shown frame.

The start is the process creation time the operating system keeps (``/proc/self/stat`` on Linux,
``GetProcessTimes`` on Windows), so the interpreter's own start-up and every import count. The end
is the moment after the real main window, opened by :func:`jcalc.ui.app.run_app` as a user's
double-click would, has painted its first frame (its frame: title, geometry, search field; see
:mod:`jcalc.ui.window_frame`). The window is then completed as usual; the probe prints
``startup_ms=<ms> ready_ms=<ms>`` (``ready_ms``: the window fully built) and exits.

This module imports nothing from jcalc at the top and only the standard library, so
``benchmarks/startup.py`` can load it by path into a bare PySide6 script and measure that script
the same way.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

RESULT_KEY = "startup_ms"
READY_KEY = "ready_ms"
QUIT_AFTER_SHOW_ENV = "JCALC_QUIT_AFTER_SHOW"  # also stops jcalc.ui.app from showing error boxes


def _linux_age_seconds() -> float:
    """Seconds since this process was created, from /proc (10 ms resolution)."""
    with open("/proc/self/stat", encoding="ascii") as stat:  # noqa: PTH123
        fields = stat.read().rsplit(")", 1)[1].split()
    start_ticks = int(fields[19])  # field 22 of proc(5); the list starts at field 3
    ticks = os.sysconf("SC_CLK_TCK")
    now = time.clock_gettime(time.CLOCK_BOOTTIME)
    return now - start_ticks / ticks


def _windows_age_seconds() -> float:
    """Seconds since this process was created, from GetProcessTimes (100 ns resolution)."""
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined,unused-ignore]
    creation, exited, kernel, user = (wintypes.FILETIME() for _ in range(4))
    kernel32.GetCurrentProcess.restype = wintypes.HANDLE
    kernel32.GetProcessTimes.argtypes = [wintypes.HANDLE] + [ctypes.POINTER(wintypes.FILETIME)] * 4
    kernel32.GetProcessTimes.restype = wintypes.BOOL
    kernel32.GetSystemTimePreciseAsFileTime.argtypes = [ctypes.POINTER(wintypes.FILETIME)]
    if not kernel32.GetProcessTimes(
        kernel32.GetCurrentProcess(),
        ctypes.byref(creation),
        ctypes.byref(exited),
        ctypes.byref(kernel),
        ctypes.byref(user),
    ):
        raise OSError(ctypes.get_last_error(), "GetProcessTimes failed")  # type: ignore[attr-defined,unused-ignore]
    now = wintypes.FILETIME()
    kernel32.GetSystemTimePreciseAsFileTime(ctypes.byref(now))

    def ticks(value: Any) -> int:
        return (int(value.dwHighDateTime) << 32) | int(value.dwLowDateTime)

    return (ticks(now) - ticks(creation)) / 1e7


_FALLBACK_START = time.monotonic()  # import time of this module: only when the OS cannot tell


def process_age_ms() -> tuple[float, str]:
    """Milliseconds since the process was created, and where the start time came from."""
    if sys.platform.startswith("linux"):
        try:
            return _linux_age_seconds() * 1000.0, "/proc/self/stat"
        except (OSError, ValueError, IndexError, AttributeError):
            pass
    elif sys.platform == "win32":
        try:
            return _windows_age_seconds() * 1000.0, "GetProcessTimes"
        except (OSError, AttributeError):
            pass
    return (time.monotonic() - _FALLBACK_START) * 1000.0, "probe import (approximate)"


def watch_first_frame(
    widget: Any,
    on_frame: Callable[[float, str], None],
    *,
    quit_after: bool = True,
) -> Any:
    """Report the first frame of the top-level ``widget`` (call before showing it).

    After the widget's first Paint event, once the event loop has finished that paint (the frame
    is flushed), ``on_frame`` gets the process age and its source and, if ``quit_after``, the
    application quits. Returns the filter (keep a reference).

    The filter sits on the widget itself, not on the application: an application-wide Python
    filter converts every event of every object to Python, and the first conversions of some
    (a window with child widgets gets them) load PySide6's ``Qt`` enums, ~40 ms that a user's
    start never pays and that would be counted against the window.
    """
    from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer

    class _FirstFrame(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.done = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if not self.done and event.type() == QEvent.Type.Paint:
                self.done = True
                QTimer.singleShot(0, self._report)
            return False

        def _report(self) -> None:
            age, source = process_age_ms()
            on_frame(age, source)
            if quit_after:
                QCoreApplication.quit()

    if QCoreApplication.instance() is None:
        raise RuntimeError("create the QApplication before watching for the first frame")
    watcher = _FirstFrame()
    widget.installEventFilter(watcher)
    return watcher


def format_result(age_ms: float, source: str, what: str, ready_ms: float | None = None) -> str:
    """The line the probe prints (``startup_ms`` first: benchmarks/startup.py reads it)."""
    ready = f" {READY_KEY}={ready_ms:.1f}" if ready_ms is not None else ""
    return f"{RESULT_KEY}={age_ms:.1f}{ready} ({what}; process start from {source})"


def run_startup_probe(argv: Sequence[str] | None = None) -> int:
    """Open the real window as ``jcalc`` does, print the time to its first frame, exit."""
    os.environ[QUIT_AFTER_SHOW_ENV] = "1"
    from jcalc.ui.app import run_app

    args = list(argv) if argv is not None else sys.argv[:1]
    found: list[tuple[float, str]] = []
    ready: list[float] = []
    watchers: list[Any] = []

    def report(age_ms: float, source: str) -> None:
        found.append((age_ms, source))

    def watch(frame: Any) -> None:  # the top-level window, just before it is shown
        watchers.append(watch_first_frame(frame, report, quit_after=False))

    def report_ready(_window: Any) -> None:
        ready.append(process_age_ms()[0])

    # run_app quits once the complete window has painted (JCALC_QUIT_AFTER_SHOW).
    code = run_app(args, on_show=watch, on_ready=report_ready)
    if not found or not ready or code != 0:
        print(
            f"error: the main window showed no frame or was not completed (exit code {code})",
            file=sys.stderr,
        )
        return code or 1
    age_ms, source = found[0]
    print(format_result(age_ms, source, "first frame of the jcalc main window", ready[0]))
    sys.stdout.flush()
    return 0
