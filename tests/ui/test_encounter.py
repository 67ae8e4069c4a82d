"""One visit: several drugs and administration codes, removable, MUE checked over all of them."""

from __future__ import annotations

from PySide6.QtCore import Qt

from jcalc.ui import MainWindow
from jcalc.ui.encounter_model import ITEM_ROLE, AdministrationItem, DrugItem
from tests.ui.conftest import answer, focus_name, type_search


def add_drug(qtbot, window: MainWindow, query: str, dose: str) -> None:
    type_search(qtbot, window, query)
    qtbot.keyClicks(window.dose_panel.dose_edit, dose)
    qtbot.waitUntil(lambda: window.dose_panel.add_button.isEnabled(), timeout=300)
    window.dose_panel.add_button.click()


def test_add_two_drugs_then_remove_one(qtbot, window: MainWindow) -> None:
    add_drug(qtbot, window, "rituximab", "450 mg")
    assert focus_name() == "searchBox"  # ready for the next drug
    assert window.dose_panel.dose_edit.text() == ""
    add_drug(qtbot, window, "J1100", "30 mg")
    model = window.encounter_model
    assert model.rowCount() == 2
    assert [model.index(r, 0).data() for r in range(2)] == ["J9312", "J1100"]
    assert model.index(0, 2).data() == "45 units"
    assert window.encounter_label.text() == "Visit: 2 drugs, 0 administration codes"
    text = window.preview.pane.toPlainText()
    assert "J9312 rituximab — 450 mg" in text and "J1100" in text and "30 units" in text

    window.encounter_view.selectRow(0)
    assert window.remove_button.isEnabled()
    window.remove_button.click()
    assert model.rowCount() == 1 and model.index(0, 0).data() == "J1100"
    text = window.preview.pane.toPlainText()
    assert "J9312" not in text and "J1100" in text


def test_mue_is_checked_over_the_encounter(qtbot, window: MainWindow) -> None:
    add_drug(qtbot, window, "J9312", "1000 mg")  # 100 units; MUE 150 per day (MAI 3)
    assert "MUE exceeded" not in window.preview.pane.toPlainText()
    add_drug(qtbot, window, "J9312", "600 mg")  # 60 more units: 160 on the day
    text = window.preview.pane.toPlainText()
    assert "Checks over the whole visit" in text
    assert "MUE exceeded: 160 units of J9312 on this day" in text
    assert "over the 2 entries of J9312 in this visit" in text
    window.encounter_view.selectRow(1)
    window.remove_button.click()
    assert "MUE exceeded" not in window.preview.pane.toPlainText()


def test_administration_codes_are_validated_and_listed(qtbot, window: MainWindow) -> None:
    add_drug(qtbot, window, "J9312", "450 mg")
    edit = window.admin_edit
    qtbot.keyClicks(edit, "96413, 9641")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert window.admin_error.isVisible()
    assert "'9641' is not an administration code: it needs five digits" in (
        window.admin_error.text()
    )
    assert edit.property("invalid") is True and edit.text() == "96413, 9641"
    edit.clear()
    assert not window.admin_error.isVisible()
    qtbot.keyClicks(edit, "96413 96415 x2")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    model = window.encounter_model
    items = [model.index(r, 0).data(ITEM_ROLE) for r in range(model.rowCount())]
    assert isinstance(items[0], DrugItem)
    admin = [(i.code.code, i.code.units) for i in items if isinstance(i, AdministrationItem)]
    assert admin == [("96413", 1), ("96415", 2)]
    text = window.preview.pane.toPlainText()
    assert "Administration (CPT code numbers)" in text
    assert "96413" in text and "Chemotherapy infusion, first hour" in text and "2 units" in text


def test_changing_the_date_recomputes_the_visit(qtbot, window: MainWindow) -> None:
    from datetime import date

    add_drug(qtbot, window, "J9312", "450 mg")
    window.dose_panel.set_date_of_service(date(2026, 12, 1))
    assert window.quarter_warning.isVisible()
    assert "after the catalog's quarter" in window.quarter_warning.text()
    item = window.encounter_model.drug_items()[0]
    assert item.calculation.request.date_of_service == date(2026, 12, 1)
    assert "2026-12-01 is after the catalog's ASP quarter" in window.preview.pane.toPlainText()
    window.dose_panel.set_date_of_service(date(2026, 2, 2))
    assert not window.quarter_warning.isVisible()


def test_new_visit_clears_everything(qtbot, window: MainWindow) -> None:
    add_drug(qtbot, window, "J9312", "450 mg")
    window.preview.reference_edit.setText("ACCT-1")
    window.actions.new_visit.trigger()  # not printed: the window asks first
    assert window.encounter_model.rowCount() == 1
    answer(qtbot, window, "newVisitBox")
    assert window.encounter_model.rowCount() == 0
    assert "New visit" in window.messages.current  # not the stale "Added J9312 …"
    assert window.preview.reference_edit.text() == "" and window.search_box.text() == ""
    assert "No drug entered yet" in window.preview.pane.toPlainText()
