"""Latency a biller feels in the real window: keystroke to results, dose to preview.

    python benchmarks/ui_latency.py [--rounds N] [--catalog FILE]

Runs the real :class:`jcalc.ui.MainWindow` offscreen on the bundled catalog and types with
``QTest.keyClick``, one key at a time, exactly as the app receives keys. The window's timers keep
their real intervals (0 ms: the search and the calculation run as soon as the keys already
queued are handled; there is no debounce any more); for every query and every dose the
benchmark records

* key handling: how long one keystroke takes to process (typing must never stall);
* work: from the timer firing to the results view or the preview pane having been updated and
  repainted;
* felt: from the last keystroke to that repaint (delay + work), what the biller sees;
* pick: from picking a code (what Enter on a result does) until the window has laid out and
  painted the drug. The dose is typed after that, as a biller who reads the drug first does;
  typed into a window still busy with the pick, the dose would be charged the pick's work.

The last line is ``ui p50_ms=… p99_ms=… felt_search_p99_ms=… felt_dose_p99_ms=… pick_p99_ms=…``:
the work of both paths, then what the biller feels (targets: felt p99 ≤ 50 ms for search, ≤ 60 ms
for the dose), then the pick.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_TEMP = tempfile.TemporaryDirectory(prefix="jcalc-ui-bench-")
os.environ.setdefault("JCALC_CONFIG_DIR", str(Path(_TEMP.name) / "config"))  # no user settings
os.environ.setdefault("JCALC_DATA_DIR", str(Path(_TEMP.name) / "data"))

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget  # noqa: E402

from jcalc.catalog.store import open_catalog  # noqa: E402
from jcalc.core.containers import ContainerType  # noqa: E402
from jcalc.ui import MainWindow  # noqa: E402
from jcalc.ui.entry_control import CALC_DELAY_MS  # noqa: E402
from jcalc.ui.search_control import SEARCH_DELAY_MS  # noqa: E402
from jcalc.ui.settings import Settings  # noqa: E402

QUERIES = [
    "rituximab", "J9312", "dexamethasone", "50242-0053-06", "Rituxan", "ondansetron", "keytruda",
    "j1", "ceftriaxone", "naloxone", "triamcinolone", "pembrolizumab", "ritux", "zofran",
    "methylprednisolone", "00641-6145-25", "iron sucrose", "botox", "J3490", "heparin",
]  # fmt: skip
# (code, NDC or None, container, doses): the common cases, JW ones included.
DOSE_CASES = [
    ("J9312", "50242-0053-06", ContainerType.SINGLE_DOSE, ["450 mg", "701.25 mg", "1000 mg"]),
    ("J9312", None, ContainerType.UNKNOWN, ["375 mg", "700 mg"]),
    ("J1100", None, ContainerType.MULTI_DOSE, ["10 mg", "4 mg", "0.5mg"]),
    ("J2312", None, ContainerType.UNKNOWN, ["0.4 mg", "400 mcg"]),
    ("J0585", None, ContainerType.SINGLE_DOSE, ["75 units", "200 units"]),
    ("J1885", None, ContainerType.UNKNOWN, ["30 mg", "15 mg"]),
]


class TimerWatch(QObject):
    """Notes when a watched QTimer fires (its timer event arrives before its timeout slot)."""

    def __init__(self, timer: QTimer) -> None:
        super().__init__()
        self.fired_at: float | None = None
        timer.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Timer and self.fired_at is None:
            self.fired_at = time.perf_counter()
        return False


class PaintWatch(QObject):
    """Notes when a widget paints (after the update the benchmark waits for)."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.widget = widget
        self.armed = False
        self.painted_at: float | None = None
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if self.armed and event.type() == QEvent.Type.Paint:
            self.painted_at = time.perf_counter()  # the paint is done when the loop returns
        return False


def spin_until(loop: QEventLoop, done: Callable[[], bool], timeout_s: float = 5.0) -> None:
    """Run the event loop until ``done()``; the debounce timers fire on their own."""
    deadline = time.perf_counter() + timeout_s
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("the window did not update in time")
        loop.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)


def type_text(edit: QLineEdit, text: str, key_ms: list[float]) -> float:
    """Type ``text`` key by key; the time of the last key."""
    last = time.perf_counter()
    for char in text:
        start = time.perf_counter()
        QTest.keyClick(edit, char)
        last = time.perf_counter()
        key_ms.append((last - start) * 1000)
    return last


def measure(
    loop: QEventLoop,
    window: MainWindow,
    edit: QLineEdit,
    text: str,
    timer: QTimer,
    signal_name: str,
    painted: QWidget,
    key_ms: list[float],
) -> tuple[float, float]:
    """Type ``text``, wait for the update and its repaint; (work after debounce, felt) in ms."""
    watch = TimerWatch(timer)
    paint = PaintWatch(painted)
    updated: list[float] = []
    signal = getattr(window, signal_name)

    def on_updated(*_args: object) -> None:
        updated.append(time.perf_counter())
        paint.armed = True

    signal.connect(on_updated)
    try:
        edit.selectAll()
        last_key = type_text(edit, text, key_ms)
        spin_until(loop, lambda: bool(updated) and not timer.isActive())
        spin_until(loop, lambda: paint.painted_at is not None, timeout_s=1.0)
        loop.processEvents()  # let the paint finish and reach the backing store
        done = time.perf_counter()
    finally:
        signal.disconnect(on_updated)
        timer.removeEventFilter(watch)
        painted.removeEventFilter(paint)
    fired = watch.fired_at if watch.fired_at is not None else updated[0]
    return (done - fired) * 1000, (done - last_key) * 1000


class Settle(QObject):
    """Counts the layout and paint events the whole application handles."""

    KINDS = (QEvent.Type.LayoutRequest, QEvent.Type.UpdateRequest, QEvent.Type.Paint)

    def __init__(self, app: QApplication) -> None:
        super().__init__()
        self.seen = 0
        self.app = app
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in self.KINDS:
            self.seen += 1
        return False

    def wait(self, loop: QEventLoop) -> None:
        """Handle events until a pass lays out and paints nothing more."""
        while True:
            before = self.seen
            loop.processEvents()
            if self.seen == before:
                return

    def close(self) -> None:
        self.app.removeEventFilter(self)


def measure_pick(
    loop: QEventLoop,
    app: QApplication,
    window: MainWindow,
    code: str,
    ndc: str | None,
    container: ContainerType,
) -> float:
    """Pick ``code`` as Enter on a result does and wait until the window is laid out and
    painted; ms.

    The biller sees the drug (its NDC table) before typing its dose, so the dose is timed from
    there: the pick's own relayout is this figure, not the dose's."""
    settle = Settle(app)
    start = time.perf_counter()
    try:
        window.pick_code(code, ndc=ndc)
        window.dose_panel.set_container_type(container)
        window.flush()
        settle.wait(loop)
        return (time.perf_counter() - start) * 1000
    finally:
        settle.close()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def describe(name: str, values: list[float]) -> str:
    return (
        f"{name}: n={len(values)} p50={statistics.median(values):.2f} "
        f"p99={percentile(values, 0.99):.2f} max={max(values):.2f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (default 5)")
    parser.add_argument("--catalog", type=Path, help="catalog file (default: the bundled one)")
    args = parser.parse_args(argv)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    catalog = open_catalog(args.catalog)
    window = MainWindow(catalog=catalog, settings=Settings())
    window.frame.resize(1366, 740)
    window.show()
    QTest.qWaitForWindowExposed(window.frame)
    window.frame.activateWindow()
    loop = QEventLoop()
    loop.processEvents()

    search_timer = window.frame.findChild(QTimer, "searchTimer")
    calc_timer = window.frame.findChild(QTimer, "calcTimer")
    assert isinstance(search_timer, QTimer) and isinstance(calc_timer, QTimer)
    results_viewport = window.results_view.viewport()
    preview_viewport = window.preview.pane.viewport()
    key_ms: list[float] = []
    search_work: list[float] = []
    search_felt: list[float] = []
    dose_work: list[float] = []
    dose_felt: list[float] = []
    pick_ms: list[float] = []
    slowest: list[tuple[float, str]] = []

    for round_number in range(args.rounds + 1):  # round 0 warms up and is not counted
        keys: list[float] = []
        for query in QUERIES:
            work, felt = measure(
                loop, window, window.search_box, query, search_timer, "searchFinished",
                results_viewport, keys,
            )  # fmt: skip
            if round_number:
                search_work.append(work)
                search_felt.append(felt)
                slowest.append((work, f"search {query!r}"))
        for code, ndc, container, doses in DOSE_CASES:
            pick = measure_pick(loop, app, window, code, ndc, container)
            if round_number:
                pick_ms.append(pick)
            for dose in doses:
                work, felt = measure(
                    loop, window, window.dose_panel.dose_edit, dose, calc_timer,
                    "previewUpdated", preview_viewport, keys,
                )  # fmt: skip
                if round_number:
                    dose_work.append(work)
                    dose_felt.append(felt)
                    slowest.append((work, f"{code} {dose!r}"))
            window.dose_panel.dose_edit.clear()
            window.flush()
        if round_number:
            key_ms.extend(keys)

    if "units" not in window.preview.pane.toPlainText():
        print("error: the preview did not show the last dose", file=sys.stderr)
        return 1
    window.close()
    catalog.close()

    print(f"delay: search {SEARCH_DELAY_MS} ms, dose {CALC_DELAY_MS} ms (after the queued keys)")
    print(describe("key handling (one keystroke)", key_ms))
    print(describe("search work (query → results repainted)", search_work))
    print(describe("search felt (last key → results repainted)", search_felt))
    print(describe("pick (Enter on a result → drug panel repainted)", pick_ms))
    print(describe("dose work (dose → preview repainted)", dose_work))
    print(describe("dose felt (last key → preview repainted)", dose_felt))
    top = sorted(slowest, reverse=True)[:5]
    print("slowest work samples: " + ", ".join(f"{label} {ms:.1f} ms" for ms, label in top))
    print(f"load average during the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    work = search_work + dose_work
    print(
        f"ui p50_ms={statistics.median(work):.2f} p99_ms={percentile(work, 0.99):.2f} "
        f"felt_search_p50_ms={statistics.median(search_felt):.2f} "
        f"felt_search_p99_ms={percentile(search_felt, 0.99):.2f} "
        f"felt_dose_p50_ms={statistics.median(dose_felt):.2f} "
        f"felt_dose_p99_ms={percentile(dose_felt, 0.99):.2f} "
        f"pick_p99_ms={percentile(pick_ms, 0.99):.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
