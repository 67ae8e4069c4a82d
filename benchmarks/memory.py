"""Memory budget: resident set size of the real window after a search and a calculation.

Runs in a fresh process: opens :class:`jcalc.ui.MainWindow` on the bundled catalog (offscreen),
searches "rituximab", picks J9312 with NDC 50242-0053-06, enters 450 mg single-dose, lets the
preview render, then reads the process's RSS (``/proc/self/status`` on Linux,
``GetProcessMemoryInfo`` on Windows) and its peak. Budget: under 150 MB (10^6 bytes).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/memory.py

The last line reads ``memory rss_mb=… peak_mb=… budget=150 ok|OVER``; exit 1 when over budget.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

BUDGET_MB = 150.0


def rss_bytes() -> tuple[int, int]:
    """Current and peak resident set size of this process, in bytes."""
    if sys.platform == "win32":
        import ctypes
        from ctypes import wintypes

        class Counters(ctypes.Structure):
            _fields_ = [
                ("cb", wintypes.DWORD),
                ("PageFaultCount", wintypes.DWORD),
                ("PeakWorkingSetSize", ctypes.c_size_t),
                ("WorkingSetSize", ctypes.c_size_t),
                ("QuotaPeakPagedPoolUsage", ctypes.c_size_t),
                ("QuotaPagedPoolUsage", ctypes.c_size_t),
                ("QuotaPeakNonPagedPoolUsage", ctypes.c_size_t),
                ("QuotaNonPagedPoolUsage", ctypes.c_size_t),
                ("PagefileUsage", ctypes.c_size_t),
                ("PeakPagefileUsage", ctypes.c_size_t),
            ]

        counters = Counters()
        counters.cb = ctypes.sizeof(counters)
        psapi = ctypes.WinDLL("psapi")
        kernel32 = ctypes.WinDLL("kernel32")
        kernel32.GetCurrentProcess.restype = wintypes.HANDLE
        psapi.GetProcessMemoryInfo.argtypes = [wintypes.HANDLE, ctypes.c_void_p, wintypes.DWORD]
        psapi.GetProcessMemoryInfo(
            kernel32.GetCurrentProcess(), ctypes.byref(counters), counters.cb
        )
        return counters.WorkingSetSize, counters.PeakWorkingSetSize
    fields = {}
    with Path("/proc/self/status").open(encoding="ascii") as status:
        for line in status:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) * 1024, int(fields["VmHWM"].split()[0]) * 1024


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    tmp = tempfile.TemporaryDirectory(prefix="jcalc-memory-")
    os.environ["JCALC_DATA_DIR"] = str(Path(tmp.name) / "data")
    os.environ["JCALC_CONFIG_DIR"] = str(Path(tmp.name) / "config")

    from PySide6.QtCore import QCoreApplication, QEventLoop
    from PySide6.QtWidgets import QApplication

    from jcalc.catalog.store import open_catalog
    from jcalc.core.containers import ContainerType
    from jcalc.ui import MainWindow
    from jcalc.ui.settings import Settings

    app = QApplication(sys.argv[:1])
    catalog = open_catalog()
    window = MainWindow(catalog=catalog, settings=Settings())
    window.show()

    def settle() -> None:
        for _ in range(5):
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

    settle()
    window.search_box.setText("rituximab")
    window.flush()
    settle()
    found = window.results_model.rowCount()
    if not window.pick_code("J9312", ndc="50242-0053-06"):
        print("could not pick J9312", file=sys.stderr)
        return 1
    window.dose_panel.set_container_type(ContainerType.SINGLE_DOSE)
    window.dose_panel.dose_edit.setText("450 mg")
    window.flush()
    settle()
    calculation = window.calculation
    if calculation is None:
        print("the calculation did not run", file=sys.stderr)
        return 1
    lines = " + ".join(
        f"{line.units} {' '.join(line.modifiers)}".strip() for line in calculation.lines
    )
    rss, peak = rss_bytes()
    print(f"search 'rituximab': {found} results; J9312 450 mg single-dose: {lines} units")
    window.close()
    catalog.close()
    del app
    verdict = "ok" if rss / 1e6 < BUDGET_MB else "OVER"
    print(
        f"memory rss_mb={rss / 1e6:.1f} peak_mb={peak / 1e6:.1f} budget={BUDGET_MB:.0f} {verdict}"
    )
    tmp.cleanup()
    return 0 if rss / 1e6 < BUDGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())
