"""Updating the catalog from the window: choose files, progress, review the diff, accept or cancel.

Uses the hand-made next quarter of tests/catalog/next_quarter.py (written once per session into a
temporary folder) and a window on the catalog in use of the test's own user folder.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton

from jcalc.catalog import update as update_module
from jcalc.catalog.library import BUNDLED, CatalogLibrary, default_library
from jcalc.paths import bundled_catalog_path
from jcalc.ui import MainWindow
from jcalc.ui import update_dialog as dialog_module
from jcalc.ui.diff_models import DiffTableModel
from jcalc.ui.settings import Settings
from jcalc.ui.update_dialog import CANCELLED, PAGE_CONFIRM, PAGE_PROGRESS, UpdateDialog
from tests.catalog import next_quarter as nq
from tests.ui.conftest import IN_QUARTER, show, type_search

BUILD_TIMEOUT_MS = 60_000


@pytest.fixture
def library() -> CatalogLibrary:
    return default_library()  # in the test's own user folder


@pytest.fixture
def owned_window(qtbot, settings: Settings) -> MainWindow:
    """The window as ``jcalc`` opens it: on the catalog in use of the (test's) user folder."""
    window = show(qtbot, MainWindow(settings=settings))
    window.dose_panel.set_date_of_service(IN_QUARTER)
    window.flush()
    return window


def open_update_dialog(window: MainWindow) -> UpdateDialog:
    window.actions.update.trigger()
    dialog = window.frame.findChild(UpdateDialog, "updateDialog")
    assert dialog is not None and dialog.isVisible()
    assert not dialog.isModal()  # the window stays usable meanwhile
    return dialog


def build_to_review(qtbot, dialog: UpdateDialog, files: list[Path]) -> list[tuple[str, float]]:
    """Start with ``files`` and wait for the review; the progress seen on the way."""
    seen: list[tuple[str, float]] = []
    dialog.progressChanged.connect(lambda stage, fraction: seen.append((stage, fraction)))
    dialog.add_files(files)
    with qtbot.waitSignal(dialog.reviewReady, timeout=BUILD_TIMEOUT_MS):
        dialog.start_button.click()
        assert dialog.pages.currentIndex() == PAGE_PROGRESS  # progress shows at once
        assert dialog.progress_bar.isVisible() and dialog.cancel_button.isEnabled()
    return seen


def sections(dialog: UpdateDialog) -> dict[str, DiffTableModel]:
    return {section.key: section.model for section in dialog.sections}


def catalog_leftovers(library: CatalogLibrary) -> list[str]:
    if not library.directory.is_dir():
        return []
    return sorted(
        p.name
        for p in library.directory.iterdir()
        if not (p.name.startswith("catalog-") or p.name in ("active.json", "library.lock"))
    )


def test_full_quarter_update_review_accept_and_restore(
    qtbot, qtmodeltester, owned_window: MainWindow, library, next_quarter_files
) -> None:
    window = owned_window
    assert window.catalog_label.text().startswith("Catalog 2026Q1 (bundled)")
    assert not window.actions.restore_previous.isEnabled()
    window.clinic.set_favourite("J9312")
    window.clinic.set_charge("J9271", "70")
    type_search(qtbot, window, "J9312")

    dialog = open_update_dialog(window)
    assert "Catalog 2026Q1 (bundled)" in dialog.in_use_label.text()
    seen = build_to_review(qtbot, dialog, list(next_quarter_files.values()))

    # progress: stage texts with fractions rising to 1.0
    fractions = [fraction for _stage, fraction in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    stages = {stage for stage, _fraction in seen}
    assert {"checking the files", "comparing with the catalog in use"} <= stages
    assert any(stage.startswith("reading HCPC2026_APR") for stage in stages)
    assert dialog.progress_bar.value() == dialog.progress_bar.maximum()

    # the review: every list, in the diff's order, and the clinic's own codes
    models = sections(dialog)
    for model in models.values():
        qtmodeltester.check(model)
    assert models["added"].column_texts(0) == sorted(nq.ADDED)
    assert models["added"].column_texts(4)[0] == "$12.500 per unit"
    assert set(models["terminated"].column_texts(0)) == {*nq.ENDED, nq.REMOVED}
    assert "ends 2026-03-31 (see J9601)" in models["terminated"].column_texts(2)
    assert models["descriptors"].column_texts(0) == [nq.DESCRIPTOR[0]]
    assert models["prices"].column_texts(0) == list(nq.PRICE_ORDER)  # largest change first
    row = models["prices"].column_texts(0).index("J9312")
    assert models["prices"].column_texts(2)[row] == "$74.765 per unit"
    assert models["prices"].column_texts(3)[row] == "$80.000 per unit"
    assert models["prices"].column_texts(4)[row] == "+$5.235 (+7.0%)"
    assert models["mue"].column_texts(0) == list(nq.MUE_CHANGED)
    assert models["clinic"].column_texts(0) == ["J9271", "J9312"]
    assert models["clinic"].column_texts(2) == ["priced", "★ favourite"]
    assert models["clinic"].column_texts(3)[1].splitlines() == [
        "payment limit $74.765 → $80.000 (+$5.235, +7.0%)",
        "MUE 150 units per day (clinical) → 120 units per day (clinical)",
    ]
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert titles == [
        "Your codes (2)", "Payment limits (4)", "Added (2)", "Terminated (3)",
        "Descriptors (1)", "MUE (1)",
    ]  # fmt: skip
    assert "From 2026Q1" in dialog.diff_header.text() and "to 2026Q2" in dialog.diff_header.text()
    skips = dialog.skips_label.text().splitlines()  # what each CMS file's rows became
    assert skips[0] == "Rows of the CMS files:"
    assert skips[1].startswith("HCPC2026_APR_ANWEB_04012026.csv: 9008 rows read")
    assert dialog.skips_label.isVisibleTo(dialog)

    # nothing has changed yet
    assert library.active().entry == BUNDLED
    assert window.catalog.info().asp_quarter == "2026Q1"

    with qtbot.waitSignal(window.catalogReloaded, timeout=5000):
        dialog.accept_button.click()
    qtbot.waitUntil(lambda: window.frame.findChild(UpdateDialog, "updateDialog") is None)
    active = library.active()
    assert not active.is_bundled and active.previous == BUNDLED
    assert window.catalog.info().asp_quarter == "2026Q2"
    assert window.catalog_label.text().startswith("Catalog 2026Q2 (updated ")
    assert catalog_leftovers(library) == []
    # the picked code, the drug panel and the preview follow the new catalog at once
    assert window.drug is not None and window.drug.hcpcs == "J9312"
    # the drug panel prices by the date of service (2026-02-02: 2026Q1, still held)
    assert "$74.765 per unit (ASP 2026Q1" in window.drug_panel.price.text()
    qtbot.keyClicks(window.dose_panel.dose_edit, "100 mg")
    # a date of service in 2026Q1 keeps 2026Q1's price; one in 2026Q2 takes the new one
    qtbot.waitUntil(lambda: "$747.65" in window.preview.pane.toPlainText())  # 10 × $74.765
    assert "ASP catalog 2026Q1" in window.preview.pane.toPlainText()
    window.dose_panel.set_date_of_service(date(2026, 5, 4))
    qtbot.waitUntil(lambda: "$800.00" in window.preview.pane.toPlainText())  # 10 × $80.000
    assert "$80 per unit (ASP 2026Q2" in window.drug_panel.price.text()
    assert "ASP catalog 2026Q2" in window.preview.pane.toPlainText()
    window.dose_panel.dose_edit.clear()  # else picking another code asks about this entry
    window.search_box.clear()
    type_search(qtbot, window, "testumab")
    assert window.drug is not None and window.drug.hcpcs == "J9601"  # an added code is found

    # restore previous: asks first, then goes back without a restart
    assert window.actions.restore_previous.isEnabled()
    window.actions.restore_previous.trigger()
    box = window.frame.findChild(QMessageBox, "restorePreviousBox")
    assert box is not None and box.isVisible()
    assert "ASP 2026Q1" in box.text()
    confirm = box.findChild(QPushButton, "restorePreviousBoxConfirm")
    with qtbot.waitSignal(window.catalogReloaded, timeout=5000):
        confirm.click()
    assert library.active().is_bundled
    assert window.catalog_label.text().startswith("Catalog 2026Q1 (bundled)")
    assert "is not in the catalog" in window.drug_panel.title.text()  # J9601 is gone again


def test_cancel_at_the_review_changes_nothing(
    qtbot, owned_window: MainWindow, library, next_quarter_files
) -> None:
    dialog = open_update_dialog(owned_window)
    build_to_review(qtbot, dialog, [next_quarter_files["asp"]])
    staging = dialog.prepared.staging if dialog.prepared else None
    assert staging is not None and staging.exists()
    with qtbot.waitSignal(dialog.messageShown, timeout=5000) as shown:
        dialog.discard_button.click()
    assert shown.args == [CANCELLED]
    assert not staging.exists()
    assert library.active().entry == BUNDLED
    assert owned_window.catalog.info().asp_quarter == "2026Q1"
    assert catalog_leftovers(library) == []
    dialog.close_button.click()
    assert not dialog.isVisible()


def test_cancel_while_building_changes_nothing(
    qtbot, owned_window: MainWindow, library, next_quarter_files, monkeypatch
) -> None:
    reached = threading.Event()
    real_build = update_module.build_update

    def held_build(plan, *, progress, cancel, clinic):
        progress("building", 0.1)
        reached.set()
        assert cancel.wait(30), "the Cancel button did not reach the worker"
        return real_build(plan, progress=progress, cancel=cancel, clinic=clinic)

    monkeypatch.setattr(dialog_module, "build_update", held_build)
    dialog = open_update_dialog(owned_window)
    dialog.add_files([next_quarter_files["mue"]])
    dialog.start_button.click()
    qtbot.waitUntil(reached.is_set, timeout=BUILD_TIMEOUT_MS)
    qtbot.waitUntil(lambda: "Building" in dialog.stage_label.text())
    with qtbot.waitSignal(dialog.messageShown, timeout=BUILD_TIMEOUT_MS) as shown:
        dialog.cancel_button.click()
        assert not dialog.cancel_button.isEnabled()
    assert shown.args == [CANCELLED]
    assert not dialog.busy
    assert library.active().entry == BUNDLED
    assert catalog_leftovers(library) == []


def test_closing_while_working_discards_everything(
    qtbot, owned_window: MainWindow, library, next_quarter_files
) -> None:
    dialog = open_update_dialog(owned_window)
    dialog.add_files(list(next_quarter_files.values()))
    dialog.start_button.click()
    dialog.reject()  # waits for the worker to stop, throws away what it made
    assert library.active().entry == BUNDLED
    assert catalog_leftovers(library) == []


def test_a_bad_file_is_named_and_nothing_changes(
    qtbot, owned_window: MainWindow, library, cms_files, tmp_path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("these are not CMS files\n", encoding="utf-8")
    broken = tmp_path / "hcpcs-2026.zip"
    broken.write_bytes(cms_files["hcpcs"].read_bytes()[:2000])  # a truncated download
    dialog = open_update_dialog(owned_window)
    for bad, expected in ((notes, "not one of the CMS files"), (broken, "hcpcs-2026.zip")):
        dialog.file_list.clear()
        dialog.add_files([bad])
        with qtbot.waitSignal(dialog.messageShown, timeout=BUILD_TIMEOUT_MS) as shown:
            dialog.start_button.click()
        message = shown.args[0]
        assert message.startswith("Nothing was changed: ")
        assert bad.name in message and expected in message
        assert dialog.message.isVisible() and dialog.message.text() == message
    assert library.active().entry == BUNDLED
    assert catalog_leftovers(library) == []


def newer_catalog(out: Path) -> Path:
    """A copy of the bundled catalog that says its ASP file and crosswalk are of 2026Q2."""
    shutil.copyfile(bundled_catalog_path(), out)
    q2 = ("2026Q2", "2026-04-01", "2026-06-30")
    with closing(sqlite3.connect(out)) as connection, connection:
        for key, value in (("asp_quarter", q2[0]), ("asp_effective_from", q2[1]),
                           ("asp_effective_to", q2[2]), ("crosswalk_effective_from", q2[1]),
                           ("crosswalk_effective_to", q2[2])):  # fmt: skip
            connection.execute("UPDATE meta SET value = ? WHERE key = ?", (value, key))
        connection.execute("UPDATE asp_quarters SET quarter = ?, effective_from = ?, "
                           "effective_to = ?", q2)  # fmt: skip
        connection.execute("UPDATE asp_prices SET quarter = ?, effective_from = ?, "
                           "effective_to = ?", q2)  # fmt: skip
    return out


def test_older_files_ask_first(qtbot, library, settings, cms_files, tmp_path) -> None:
    """An older crosswalk given alone would replace the newer one: asked first."""
    library.install_file(newer_catalog(tmp_path / "newer.sqlite"))
    window = show(qtbot, MainWindow(settings=settings))
    assert window.catalog_label.text().startswith("Catalog 2026Q2 (updated ")
    dialog = open_update_dialog(window)
    dialog.add_files([cms_files["crosswalk"]])
    with qtbot.waitSignal(dialog.confirmationNeeded, timeout=BUILD_TIMEOUT_MS) as asked:
        dialog.start_button.click()
    assert dialog.pages.currentIndex() == PAGE_CONFIRM
    reasons = dialog.reasons_label.text()
    assert asked.args[0].reasons and "asp_ndc_hcpcs_crosswalk_2026q1.csv" in reasons
    assert "older than the one in the catalog in use" in reasons
    with qtbot.waitSignal(dialog.messageShown) as shown:
        dialog.reject_older_button.click()
    assert shown.args == [CANCELLED]
    assert library.active().quarter == "2026Q2"

    with qtbot.waitSignal(dialog.confirmationNeeded, timeout=BUILD_TIMEOUT_MS):
        dialog.start_button.click()
    with qtbot.waitSignal(dialog.reviewReady, timeout=BUILD_TIMEOUT_MS):
        dialog.confirm_button.click()
    assert "you agreed" in dialog.notes_label.text()
    with qtbot.waitSignal(window.catalogReloaded, timeout=5000):
        dialog.accept_button.click()
    active = library.active()
    assert active.quarter == "2026Q2"
    assert active.info.crosswalk_effective_from == date(2026, 1, 1)


def test_a_past_quarters_asp_files_replace_nothing(
    qtbot, library, settings, cms_files, tmp_path
) -> None:
    """A past quarter's ASP file and crosswalk: the prices join the history and the crosswalk in
    use keeps its newer NDCs, so nothing needs confirming (issue 8 item 7)."""
    library.install_file(newer_catalog(tmp_path / "newer.sqlite"))
    window = show(qtbot, MainWindow(settings=settings))
    dialog = open_update_dialog(window)
    dialog.add_files([cms_files["asp"], cms_files["crosswalk"]])
    asked: list[object] = []
    dialog.confirmationNeeded.connect(asked.append)
    with qtbot.waitSignal(dialog.reviewReady, timeout=BUILD_TIMEOUT_MS):
        dialog.start_button.click()
    assert asked == []
    notes = dialog.notes_label.text()
    assert "added to the price history" in notes
    assert "the NDCs of the crosswalk in use (2026Q2) stay" in notes
    assert "ASP quarters added to the price history: 2026Q1." in dialog.diff_header.text()
    # The file given is accounted for after the four sources of the new catalog (here the
    # catalog in use was built from a file of the same name, so it is the last line that counts).
    last = dialog.skips_label.text().splitlines()[-1]
    assert last.startswith(f"{cms_files['asp'].name}: ") and " rows read, " in last
    with qtbot.waitSignal(window.catalogReloaded, timeout=5000):
        dialog.accept_button.click()
    active = library.active()
    assert active.quarter == "2026Q2"
    assert [q.quarter for q in active.info.asp_quarters] == ["2026Q2", "2026Q1"]
    assert active.info.crosswalk_effective_from == date(2026, 4, 1)


def test_a_broken_user_catalog_is_shown_and_restore_bundled_fixes_it(
    qtbot, library, settings, tmp_path
) -> None:
    user = library.install_file(newer_catalog(tmp_path / "newer.sqlite"))
    damaged = bytearray(user.path.read_bytes())
    damaged[4096:8192] = b"\xff" * 4096
    user.path.write_bytes(bytes(damaged))

    window = show(qtbot, MainWindow(settings=settings))
    assert window.catalog.info().asp_quarter == "2026Q1"  # the bundled one is used meanwhile
    bar = window.problem_bar
    assert bar.isVisible()
    assert "The updated catalog cannot be used" in bar.label.text()
    assert "damaged" in bar.label.text()
    assert window.catalog_label.text().startswith(
        "Catalog 2026Q1 (bundled; the updated catalog could not be used)"
    )
    assert bar.button.text() == "Restore bundled catalog"
    with qtbot.waitSignal(window.catalogReloaded, timeout=5000):
        bar.button.click()
    assert not bar.isVisible()
    assert library.active().problem is None and library.active().is_bundled
    assert window.catalog_label.text().startswith("Catalog 2026Q1 (bundled)")


def test_a_failed_switch_is_shown_and_the_update_can_be_discarded(
    qtbot, owned_window: MainWindow, library, next_quarter_files, tmp_path
) -> None:
    dialog = open_update_dialog(owned_window)
    build_to_review(qtbot, dialog, [next_quarter_files["mue"]])
    library.install_file(newer_catalog(tmp_path / "meanwhile.sqlite"))  # another jcalc switched
    dialog.accept_button.click()
    assert dialog.isVisible()
    assert "Not switched:" in dialog.review_error.text()
    assert "changed (by another jcalc window?)" in dialog.review_error.text()
    assert not dialog.accept_button.isEnabled()
    dialog.discard_button.click()
    assert library.active().quarter == "2026Q2"  # the other window's catalog stays
    assert catalog_leftovers(library) == []
