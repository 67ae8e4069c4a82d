"""Time of a quarterly catalog update through the window's "Update catalog…" dialog.

    python benchmarks/update_dialog_timing.py [--cms DIR] [--rounds N]

Runs the real :class:`jcalc.ui.MainWindow` offscreen, in a temporary per-user folder (nothing of
the real user is touched), and for each round on a fresh folder:

* opens "Update catalog…", adds the four files of a full quarter and starts: the time until the
  review (the diff) is on screen covers reading and checking the files, building the catalog and
  the diff, all in the worker thread, with the window's event loop running;
* measures the diff itself (``CatalogDiff.seconds``, built in the worker);
* measures how long the GUI thread was ever kept from its event loop meanwhile (a 5 ms timer's
  largest gap): the window must not freeze (the dialog is on screen for half a second first, as
  it is while a biller picks the files, so its first paint is not counted);
* accepts, and times the switch and the reload of the window (status bar, search, preview).

Two sets of files: the hand-made next quarter of ``tests/catalog/next_quarter.py`` (CSV files)
and the official 2026 files (HCPCS as the CMS zip). Each figure is the median of ``--rounds``
runs. The last line printed is
``update_dialog full_s=… review_s=… accept_s=… diff_ms=… max_stall_ms=… zip_full_s=…``.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.catalog.next_quarter
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import (  # noqa: E402
    QCoreApplication,
    QElapsedTimer,
    QEvent,
    QEventLoop,
    QTimer,
)
from PySide6.QtWidgets import QApplication  # noqa: E402

from jcalc.ui import MainWindow  # noqa: E402
from jcalc.ui.settings import Settings  # noqa: E402
from jcalc.ui.update_dialog import UpdateDialog  # noqa: E402
from tests.catalog.next_quarter import write_next_quarter  # noqa: E402

DEFAULT_CMS = ROOT.parent / "shared" / "data" / "cms"
TIMEOUT_MS = 300_000


@dataclass(frozen=True)
class Run:
    """One update through the dialog."""

    review_s: float  # start pressed → review on screen
    accept_s: float  # accept pressed → window reloaded
    diff_ms: float
    max_stall_ms: float

    @property
    def full_s(self) -> float:
        """Start to a window working on the new catalog."""
        return self.review_s + self.accept_s


class StallMeter:
    """The largest gap between ticks of a 5 ms timer: how long the event loop was blocked."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.clock = QElapsedTimer()
        self.worst = 0.0
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.worst = 0.0
        self.clock.start()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.worst

    def _tick(self) -> None:
        self.worst = max(self.worst, float(self.clock.restart()))


def settle(ms: int) -> None:
    """Run the event loop for ``ms`` milliseconds."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(signal: object) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)  # type: ignore[attr-defined]
    QTimer.singleShot(TIMEOUT_MS, loop.quit)
    loop.exec()


def one_update(files: list[Path], folder: Path) -> Run:
    """A fresh user folder, a window, and one update through the dialog."""
    os.environ["JCALC_DATA_DIR"] = str(folder / "data")
    os.environ["JCALC_CONFIG_DIR"] = str(folder / "config")
    window = MainWindow(settings=Settings())
    window.show()
    window.actions.update.trigger()
    dialog = window.frame.findChild(UpdateDialog, "updateDialog")
    assert dialog is not None
    dialog.add_files(files)
    settle(500)
    meter = StallMeter()
    meter.start()
    started = time.perf_counter()
    dialog.start()
    wait_for(dialog.reviewReady)
    review = time.perf_counter() - started
    stall = meter.stop()
    prepared = dialog.prepared
    assert prepared is not None, dialog.message.text()
    diff_ms = prepared.diff.seconds * 1000
    started = time.perf_counter()
    dialog.accept_button.click()  # commit and reload happen in this call
    accepted = time.perf_counter() - started
    assert window.catalog.info().path == prepared.plan.library.active().path
    window.close()
    window.deleteLater()  # deleted here, in the GUI thread, not by a later garbage collection
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    del window, dialog
    gc.collect()
    return Run(review, accepted, diff_ms, stall)


def median(values: list[float]) -> float:
    """The median."""
    return statistics.median(values)


def main() -> int:
    """Run the timings and print them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cms", type=Path, default=DEFAULT_CMS, help="the CMS reference files")
    parser.add_argument("--rounds", type=int, default=3, help="runs per figure (median)")
    args = parser.parse_args()
    cms: Path = args.cms
    if not cms.is_dir():
        print(f"the CMS files are not at {cms}", file=sys.stderr)
        return 2
    reference = {
        "hcpcs": cms / "cms-hcpcs-2026jan" / "january-2026-alpha-numeric-hcpcs-file.zip",
        "hcpcs_csv": cms / "cms-hcpcs-2026jan" / "HCPC2026_JAN_ANWEB_01122026.csv",
        "asp": cms / "cms-asp-2026q1" / "asp_payment_limit_2026q1.csv",
        "crosswalk": cms / "cms-asp-2026q1" / "asp_ndc_hcpcs_crosswalk_2026q1.csv",
        "mue": cms / "cms-mue-practitioner-2026q2" / "mue_practitioner_2026q2_level2.csv",
    }
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory(prefix="jcalc-update-dialog-") as temp:
        work = Path(temp)
        next_files = list(write_next_quarter(reference, work / "next").values())
        official = [reference[k] for k in ("hcpcs", "asp", "crosswalk", "mue")]
        runs: list[Run] = []
        for number in range(args.rounds):
            run = one_update(next_files, work / f"next{number}")
            runs.append(run)
            print(
                f"next quarter (4 CSV files): review {run.review_s:.2f} s, accept "
                f"{run.accept_s * 1000:.0f} ms, diff {run.diff_ms:.0f} ms, longest GUI stall "
                f"{run.max_stall_ms:.0f} ms"
            )
        zips: list[Run] = []
        for number in range(args.rounds):
            run = one_update(official, work / f"zip{number}")
            zips.append(run)
            print(
                f"2026 files (HCPCS zip): review {run.review_s:.2f} s, full {run.full_s:.2f} s, "
                f"longest GUI stall {run.max_stall_ms:.0f} ms"
            )
    print(
        f"update_dialog full_s={median([r.full_s for r in runs]):.2f} "
        f"review_s={median([r.review_s for r in runs]):.2f} "
        f"accept_s={median([r.accept_s for r in runs]):.3f} "
        f"diff_ms={median([r.diff_ms for r in runs]):.0f} "
        f"max_stall_ms={max(r.max_stall_ms for r in runs + zips):.0f} "
        f"zip_full_s={median([r.full_s for r in zips]):.2f}"
    )
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
