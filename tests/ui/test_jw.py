"""Single-dose containers in the window: JW for the discarded drug, JZ when none is."""

from __future__ import annotations

from jcalc.core.claim import LineRole
from jcalc.core.containers import ContainerType
from jcalc.ui import MainWindow
from tests.ui.conftest import type_search


def pick_ndc(window: MainWindow, ndc11: str) -> None:
    row = window.drug_panel.ndc_model.row_of(ndc11)
    assert row >= 0, ndc11
    window.drug_panel.ndc_view.selectRow(row)


def test_rituxan_500_mg_vial_bills_jw_line(qtbot, window: MainWindow) -> None:
    type_search(qtbot, window, "rituximab")
    qtbot.keyClicks(window.dose_panel.dose_edit, "450 mg")
    pick_ndc(window, "50242005306")
    assert window.dose_panel.ndc_edit.text() == "50242-0053-06"
    window.dose_panel.container_combo.setCurrentIndex(
        window.dose_panel.container_combo.findData(ContainerType.SINGLE_DOSE)
    )
    pane = window.preview.pane
    qtbot.waitUntil(lambda: "J9312-JW" in pane.toPlainText(), timeout=300)

    calc = window.calculation
    assert calc is not None
    assert [(line.units, line.modifiers, line.role) for line in calc.lines] == [
        (45, (), LineRole.ADMINISTERED),
        (5, ("JW",), LineRole.DISCARDED),
    ]
    text = pane.toPlainText()
    assert "5 units" in text and "5 mL (ML5)" in text and "45 mL (ML45)" in text
    assert "N450242005306   ML45" in text and "N450242005306   ML5" in text
    assert "Discarded 500 mg − 450 mg = 50 mg" in text
    assert "container type unknown" not in text


def test_typed_containers_and_jz_when_nothing_is_discarded(qtbot, window: MainWindow) -> None:
    type_search(qtbot, window, "J9312")
    panel = window.dose_panel
    panel.set_container_type(ContainerType.SINGLE_DOSE)
    qtbot.keyClicks(panel.packages_edit, "3 x 100 mg")
    qtbot.keyClicks(panel.dose_edit, "300 mg")
    qtbot.waitUntil(lambda: "J9312-JZ" in window.preview.pane.toPlainText(), timeout=300)
    calc = window.calculation
    assert calc is not None and [line.modifiers for line in calc.lines] == [("JZ",)]
    assert "Opened single-dose containers: 100 mg + 100 mg + 100 mg = 300 mg." in (
        window.preview.pane.toPlainText()
    )


def test_multi_dose_has_neither_modifier(qtbot, window: MainWindow) -> None:
    type_search(qtbot, window, "J1100")
    window.dose_panel.set_container_type(ContainerType.MULTI_DOSE)
    assert not window.dose_panel.packages_edit.isEnabled()
    qtbot.keyClicks(window.dose_panel.dose_edit, "30 mg")
    qtbot.waitUntil(lambda: "30 units" in window.preview.pane.toPlainText(), timeout=300)
    assert "Multi-dose container: no JW or JZ modifier." in window.preview.pane.toPlainText()


def test_clearing_the_ndc_pick_drops_the_ndc_lines(qtbot, window: MainWindow) -> None:
    type_search(qtbot, window, "50242-0053-06")
    qtbot.keyClicks(window.dose_panel.dose_edit, "450 mg")
    qtbot.waitUntil(lambda: "ML45" in window.preview.pane.toPlainText(), timeout=300)
    window.drug_panel.clear_ndc_button.click()
    assert window.dose_panel.ndc_edit.text() == ""
    qtbot.waitUntil(lambda: "ML45" not in window.preview.pane.toPlainText(), timeout=300)
