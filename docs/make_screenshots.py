"""Screenshots of the real window under Xvfb, and a PNG of the printed summary.

    python docs/make_screenshots.py [--out docs] [--scale 1.5] [--root-shot FILE] [--cms DIR]

Needs ``Xvfb``, ``pdftoppm`` (poppler-utils) and, for ``--root-shot``, ImageMagick's ``import``:
``apt-get install -y xvfb imagemagick poppler-utils``. When ``DISPLAY`` is not set the script starts
its own Xvfb with a 1366×768 screen (scaled by ``--scale``, which also sets QT_SCALE_FACTOR), runs
the window on it through the xcb platform, drives it with the keyboard as a biller would, and saves

* ``screenshot-search.png``: results for "rituximab", the top row picked;
* ``screenshot-jw.png``: 450 mg from the 500 mg Rituxan vial, with its JW line;
* ``screenshot-warning.png``: a visit after the catalog's quarter whose MUE is exceeded;
* ``summary-print.png``: the PDF of the JW visit as printed (pdftoppm at 100 dpi);
* ``screenshot-history.png``: the History window with the summaries saved above;
* ``screenshot-update-diff.png`` and ``screenshot-update-prices.png``: "Update catalog…" reviewing
  the hand-made next quarter of ``tests/catalog/next_quarter.py`` (derived from the CMS files in
  ``--cms``, default ``../shared/data/cms``), on the clinic's codes and on the payment limits.

The window is 1366×700 (a maximised window on a 1366×768 laptop screen, less taskbar and title).
The user settings and data go to a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.catalog.next_quarter

SCREEN = (1366, 768)
WINDOW = (1366, 700)
DIALOG = (1100, 620)
DEFAULT_CMS = ROOT.parent / "shared" / "data" / "cms"
IN_QUARTER = date(2026, 2, 2)
AFTER_QUARTER = date(2026, 4, 15)


def start_xvfb(scale: float) -> subprocess.Popen[bytes]:
    """An Xvfb server on a free display; DISPLAY is set to it."""
    width, height = (round(SCREEN[0] * scale), round(SCREEN[1] * scale))
    for number in range(90, 120):
        if Path(f"/tmp/.X{number}-lock").exists():
            continue
        server = subprocess.Popen(
            ["Xvfb", f":{number}", "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(50):
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                os.environ["DISPLAY"] = f":{number}"
                return server
            time.sleep(0.1)
        server.terminate()
    raise SystemExit("could not start Xvfb")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--scale", type=float, default=1.0, help="QT_SCALE_FACTOR, e.g. 1.5")
    parser.add_argument("--root-shot", type=Path, help="also save `import -window root` here")
    parser.add_argument("--cms", type=Path, default=DEFAULT_CMS, help="the 2026 CMS files")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    temp = tempfile.TemporaryDirectory(prefix="jcalc-shots-")
    os.environ["JCALC_CONFIG_DIR"] = str(Path(temp.name) / "config")
    os.environ["JCALC_DATA_DIR"] = str(Path(temp.name) / "data")
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    if args.scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)
    server = start_xvfb(args.scale) if not os.environ.get("DISPLAY") else None
    try:
        return shoot(args.out, args.root_shot, Path(temp.name), args.cms)
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        temp.cleanup()


def shoot(out: Path, root_shot: Path | None, temp: Path, cms: Path) -> int:
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QWidget

    from jcalc.core.containers import ContainerType
    from jcalc.ui import MainWindow
    from jcalc.ui.history_dialog import HistoryDialog
    from jcalc.ui.settings import Settings
    from jcalc.ui.update_dialog import UpdateDialog
    from jcalc.userdata.clinic import ClinicStore

    app = QApplication(sys.argv[:1])
    store = ClinicStore.open()
    store.set_clinic_name("Riverside Infusion Clinic")
    store.set_favourite("J9312")
    store.set_favourite("J1100")
    store.set_charge("J9312", "9.50")
    store.set_charge("J9271", "70.00")
    store.set_note("J9312", "Rituxan 500 mg vials on the shelf; bill JW for the rest")
    store.close()
    settings = Settings()
    window = MainWindow(settings=settings)
    window.frame.setGeometry(0, 0, *WINDOW)
    window.show()
    QTest.qWaitForWindowExposed(window.frame)
    window.frame.activateWindow()
    QTest.qWait(300)

    def save(name: str, widget: QWidget | None = None) -> None:
        QTest.qWait(400)
        (widget or window.frame).grab().save(str(out / name))
        print(f"wrote {out / name}")

    def search(text: str) -> None:
        window.search_box.setFocus()
        window.search_box.selectAll()
        QTest.keyClicks(window.search_box, text)
        QTest.qWait(300)

    def dose(text: str) -> None:
        window.dose_panel.dose_edit.selectAll()
        QTest.keyClicks(window.dose_panel.dose_edit, text)
        QTest.qWait(300)

    # 1. Search results: "rituximab", Enter picks the top row.
    window.dose_panel.set_date_of_service(IN_QUARTER)
    search("rituximab")
    QTest.keyClick(window.search_box, Qt.Key.Key_Return)
    save("screenshot-search.png")

    # 2. JW: 450 mg from the 500 mg Rituxan vial (NDC 50242-0053-06), single-dose.
    row = window.drug_panel.ndc_model.row_of("50242005306")
    window.drug_panel.ndc_view.selectRow(row)
    window.dose_panel.set_container_type(ContainerType.SINGLE_DOSE)
    dose("450 mg")
    window.preview.reference_edit.setText("ACCT-0042")
    window.dose_panel.dose_edit.setFocus()
    save("screenshot-jw.png")
    if root_shot is not None and shutil.which("import"):
        subprocess.run(["import", "-window", "root", str(root_shot)], check=True)
        print(f"wrote {root_shot}")

    # The printed summary of that visit, with its administration codes.
    window.dose_panel.add_button.click()
    QTest.keyClicks(window.admin_edit, "96413, 96415")
    QTest.keyClick(window.admin_edit, Qt.Key.Key_Return)
    QTest.qWait(200)
    pdf = temp / "summary.pdf"
    window.save_pdf(pdf)  # also logged in the History
    subprocess.run(
        ["pdftoppm", "-png", "-r", "100", "-singlefile", str(pdf), str(out / "summary-print")],
        check=True,
    )
    print(f"wrote {out / 'summary-print.png'}")

    # 3. Warnings: a second rituximab entry pushes the visit over the MUE, after the quarter.
    window.actions.new_visit.trigger()
    window.dose_panel.set_date_of_service(AFTER_QUARTER)
    search("J9312")
    QTest.keyClick(window.search_box, Qt.Key.Key_Return)
    dose("1000 mg")
    window.dose_panel.add_button.click()
    search("rituximab")
    QTest.keyClick(window.search_box, Qt.Key.Key_Return)
    dose("600 mg")
    window.preview.pane.verticalScrollBar().setValue(0)
    save("screenshot-warning.png")
    window.preview.reference_edit.setText("ACCT-0057")
    window.save_pdf(temp / "warning.pdf")

    # 4. The History of printed and saved summaries.
    window.actions.new_visit.trigger()
    window.dose_panel.set_date_of_service(IN_QUARTER)
    search("J1100")
    QTest.keyClick(window.search_box, Qt.Key.Key_Return)
    dose("8 mg")
    window.preview.reference_edit.setText("ACCT-0061")
    window.save_pdf(temp / "dexamethasone.pdf")
    window.actions.history.trigger()
    history = window.frame.findChild(HistoryDialog, "historyDialog")
    assert history is not None
    history.setGeometry(40, 30, *DIALOG)
    history.select_row(1)
    save("screenshot-history.png", history)
    history.close()

    # 5. "Update catalog…": the hand-made next quarter, reviewed before it is used.
    if cms.is_dir():
        from tests.catalog.next_quarter import write_next_quarter

        reference = {
            "hcpcs_csv": cms / "cms-hcpcs-2026jan" / "HCPC2026_JAN_ANWEB_01122026.csv",
            "asp": cms / "cms-asp-2026q1" / "asp_payment_limit_2026q1.csv",
            "crosswalk": cms / "cms-asp-2026q1" / "asp_ndc_hcpcs_crosswalk_2026q1.csv",
            "mue": cms / "cms-mue-practitioner-2026q2" / "mue_practitioner_2026q2_level2.csv",
        }
        files = write_next_quarter(reference, temp / "next-quarter")
        window.actions.update.trigger()
        update = window.frame.findChild(UpdateDialog, "updateDialog")
        assert update is not None
        update.setGeometry(40, 30, *DIALOG)
        update.add_files(list(files.values()))
        loop = QEventLoop()  # not qWait: a real event loop lets the worker thread run
        update.reviewReady.connect(loop.quit)
        QTimer.singleShot(120_000, loop.quit)
        update.start()
        loop.exec()
        save("screenshot-update-diff.png", update)
        update.tabs.setCurrentIndex(1)
        save("screenshot-update-prices.png", update)
        update.discard_button.click()
        update.close()
    else:
        print(f"the CMS files are not at {cms}: no screenshot of the update")

    window.close()
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
