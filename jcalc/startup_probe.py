"""``jcalc --startup-probe``: milliseconds from process start to the window's first shown frame.

The start is the process creation time the operating system keeps (``/proc/self/stat`` on Linux,
``GetProcessTimes`` on Windows), so the interpreter's own start-up and every import count. The end
is the moment after the real main window, opened by :func:`jcalc.ui.app.run_app` as a user's
double-click would, has painted its first frame. The probe prints ``startup_ms=<ms>`` and exits.

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
    is_target: Callable[[Any], bool], on_frame: Callable[[float, str], None]
) -> Any:
    """Install an application-wide filter that reports the first frame of a matching widget.

    After the first Paint event of a top-level widget for which ``is_target`` is true, once
    the event loop has finished that paint (the frame is flushed), ``on_frame`` gets the process
    age and its source and the application quits. Returns the filter (keep a reference).
    """
    from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer

    class _FirstFrame(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.done = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if not self.done and event.type() == QEvent.Type.Paint and is_target(watched):
                self.done = True
                QTimer.singleShot(0, self._report)
            return False

        def _report(self) -> None:
            age, source = process_age_ms()
            on_frame(age, source)
            QCoreApplication.quit()

    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("create the QApplication before watching for the first frame")
    watcher = _FirstFrame()
    app.installEventFilter(watcher)
    return watcher


def format_result(age_ms: float, source: str, what: str) -> str:
    """The line the probe prints."""
    return f"{RESULT_KEY}={age_ms:.1f} ({what}; process start from {source})"


def run_startup_probe(argv: Sequence[str] | None = None) -> int:
    """Open the real window as ``jcalc`` does, print the time to its first frame, exit."""
    os.environ[QUIT_AFTER_SHOW_ENV] = "1"
    from PySide6.QtWidgets import QApplication

    from jcalc.ui.app import run_app

    args = list(argv) if argv is not None else sys.argv[:1]
    app = QApplication.instance() or QApplication(args or ["jcalc"])
    found: list[str] = []

    def is_main_window(widget: Any) -> bool:
        from jcalc.ui import MainWindow

        return isinstance(widget, MainWindow)

    def report(age_ms: float, source: str) -> None:
        found.append(format_result(age_ms, source, "first frame of the jcalc main window"))

    watcher = watch_first_frame(is_main_window, report)
    try:
        code = run_app(args)
    finally:
        app.removeEventFilter(watcher)
    if not found:
        print(f"error: the main window showed no frame (exit code {code})", file=sys.stderr)
        return code or 1
    print(found[0])
    sys.stdout.flush()
    return 0
