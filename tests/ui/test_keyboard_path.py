"""The biller's keyboard path: type, Enter, dose, and the lines are on screen."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTextEdit

from jcalc.ui import MainWindow
from jcalc.ui.entry_control import CALC_DELAY_MS
from tests.ui.conftest import focus_name, type_search


@pytest.mark.parametrize("query", ["rituximab", "J9312", "j9312", "Rituxan"])
def test_type_enter_dose_shows_units(qtbot, window: MainWindow, query: str) -> None:
    search_box = window.frame.findChild(QLineEdit, "searchBox")
    dose_edit = window.frame.findChild(QLineEdit, "doseEdit")
    preview = window.frame.findChild(QTextEdit, "previewPane")
    assert isinstance(window.frame.findChild(QAbstractItemView, "resultsView"), QAbstractItemView)

    type_search(qtbot, window, query)
    assert search_box is not None and search_box.text() == query
    assert window.drug is not None and window.drug.hcpcs == "J9312"
    assert focus_name() == "doseEdit"
    assert window.results_view.currentIndex().row() == 0

    qtbot.keyClicks(dose_edit, "450 mg")
    typed = time.perf_counter()
    qtbot.waitUntil(lambda: "45 units" in preview.toPlainText(), timeout=300)
    assert (time.perf_counter() - typed) * 1000 < 300
    text = preview.toPlainText()
    assert "J9312 rituximab — 450 mg" in text
    assert "450 mg ÷ 10 mg per unit = 45 units." in text
    assert "$3,364.43" in text  # 45 × $74.765, from the catalog's 2026Q1 payment limit
    assert "container type unknown" in text


def test_preview_follows_each_dose_without_more_input(qtbot, window: MainWindow) -> None:
    type_search(qtbot, window, "J9312")
    dose = window.dose_panel.dose_edit
    qtbot.keyClicks(dose, "700 mg")
    qtbot.waitUntil(lambda: "70 units" in window.preview.pane.toPlainText(), timeout=300)
    dose.selectAll()
    qtbot.keyClicks(dose, "700.25 mg")  # → 71 units
    qtbot.waitUntil(lambda: "71 units" in window.preview.pane.toPlainText(), timeout=300)
    dose.clear()
    qtbot.waitUntil(lambda: "No drug entered yet" in window.preview.pane.toPlainText(), timeout=300)


def test_dose_is_debounced_not_recomputed_per_keystroke(qtbot, window: MainWindow) -> None:
    type_search(qtbot, window, "J9312")
    updates: list[int] = []
    window.previewUpdated.connect(lambda: updates.append(1))
    qtbot.keyClicks(window.dose_panel.dose_edit, "1200 mg")
    assert updates == []  # nothing yet: typing is never held up by a calculation
    with qtbot.waitSignal(window.previewUpdated, timeout=CALC_DELAY_MS + 300):
        pass
    assert len(updates) == 1
    assert "120 units" in window.preview.pane.toPlainText()


def test_arrow_keys_pick_another_result(qtbot, window: MainWindow) -> None:
    box = window.search_box
    box.setFocus()
    qtbot.keyClicks(box, "rituximab")
    with qtbot.waitSignal(window.searchFinished, timeout=1000):
        pass
    first = window.results_model.result(0)
    second = window.results_model.result(1)
    assert first is not None and second is not None
    qtbot.keyClick(box, Qt.Key.Key_Down)
    assert window.results_view.currentIndex().row() == 1
    assert focus_name() == "searchBox"  # still typing
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert window.drug is not None and window.drug.hcpcs == second.hcpcs
    assert focus_name() == "doseEdit"


def test_results_show_code_drug_unit_and_terminated_mark(qtbot, window: MainWindow) -> None:
    box = window.search_box
    qtbot.keyClicks(box, "rituximab")
    with qtbot.waitSignal(window.searchFinished, timeout=1000):
        pass
    model = window.results_model
    rows = {
        model.index(row, 0).data(): [model.index(row, c).data() for c in range(4)]
        for row in range(model.rowCount())
    }
    assert rows["J9312"] == ["J9312", "rituximab (Rituxan)", "10 mg", ""]
    assert rows["J9310"][3] == "ended"  # terminated code, marked
    assert "matches" in window.search_status.text()


def test_search_by_ndc_picks_the_code_and_the_ndc(qtbot, window: MainWindow) -> None:
    type_search(qtbot, window, "50242-0053-06")
    assert window.drug is not None and window.drug.hcpcs == "J9312"
    assert window.dose_panel.ndc_edit.text() == "50242-0053-06"
    qtbot.keyClicks(window.dose_panel.dose_edit, "450 mg")
    qtbot.waitUntil(lambda: "ML45" in window.preview.pane.toPlainText(), timeout=300)
    rows = window.drug_panel.ndc_view.selectionModel().selectedRows()
    assert [window.drug_panel.ndc_model.product(r.row()).ndc for r in rows] == ["50242005306"]


def test_empty_and_no_match_states_say_so(qtbot, window: MainWindow) -> None:
    assert "Type a code" in window.search_status.text()
    qtbot.keyClicks(window.search_box, "zzqqxx")
    qtbot.waitUntil(lambda: "No code, drug or NDC matches" in window.search_status.text())
    assert window.results_model.rowCount() == 0
    window.search_box.clear()
    qtbot.waitUntil(lambda: "Type a code" in window.search_status.text(), timeout=1000)


def test_escape_clears_search_and_ctrl_f_returns_to_it(qtbot, window: MainWindow) -> None:
    type_search(qtbot, window, "J9312")
    assert focus_name() == "doseEdit"
    qtbot.keyClick(window.dose_panel.dose_edit, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert focus_name() == "searchBox"
    qtbot.keyClick(window.search_box, Qt.Key.Key_Escape)
    assert window.search_box.text() == ""


def test_main_window_opens_the_bundled_catalog_by_default(qtbot, bundled_catalog) -> None:
    win = MainWindow()
    qtbot.addWidget(win.frame)
    assert win.catalog.info().asp_quarter == bundled_catalog.info().asp_quarter
    for name in ("searchBox", "resultsView", "doseEdit", "previewPane", "printButton",
                 "pdfButton", "addToEncounterButton"):  # fmt: skip
        assert win.frame.findChild(object, name) is not None, name
    win.close()
