"""Nothing changes unasked; the bill at a glance; copying the claim lines."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from jcalc.core.claim_text import claim_lines_tsv
from jcalc.core.containers import ContainerType
from jcalc.ui import MainWindow
from tests.ui.conftest import answer, focus_name, type_search

NDC = "50242-0053-06"


def enter(qtbot, window: MainWindow, query: str, dose: str, *, single: bool = False) -> None:
    type_search(qtbot, window, query)
    if single:
        window.dose_panel.set_container_type(ContainerType.SINGLE_DOSE)
    qtbot.keyClicks(window.dose_panel.dose_edit, dose)
    qtbot.waitUntil(lambda: window.calculation is not None, timeout=1000)


def question_shown(window: MainWindow, name: str) -> bool:
    return any(b.isVisible() for b in window.frame.findChildren(QMessageBox, name))


def test_a_new_drug_starts_with_an_empty_dose(qtbot, window: MainWindow) -> None:
    """Issue 10: naloxone picked after J9312 450 mg showed 'J9312 0.4 mg' style carry-overs."""
    enter(qtbot, window, "J9312", "450 mg")
    qtbot.keyClick(
        window.dose_panel.dose_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )
    assert window.encounter_model.rowCount() == 1
    assert "Added J9312 450 mg (J9312 × 45) to the visit" in window.messages.current
    type_search(qtbot, window, "J2312")
    assert window.drug is not None and window.drug.hcpcs == "J2312"
    assert window.dose_panel.dose_edit.text() == ""
    assert window.dose_panel.container_type is ContainerType.UNKNOWN
    assert window.calculation is None


def test_picking_another_code_asks_about_the_drug_not_added(qtbot, window: MainWindow) -> None:
    enter(qtbot, window, "J9312", "450 mg")
    window.search_box.clear()
    type_search(qtbot, window, "J1100")
    assert question_shown(window, "pendingEntryBox")
    assert window.drug is not None and window.drug.hcpcs == "J9312"  # nothing changed yet
    answer(qtbot, window, "pendingEntryBox", "Choice2")  # Discard it
    assert window.drug is not None and window.drug.hcpcs == "J1100"
    assert window.encounter_model.rowCount() == 0
    assert "Discarded J9312" in window.messages.current
    assert window.dose_panel.dose_edit.text() == ""

    qtbot.keyClicks(window.dose_panel.dose_edit, "30 mg")
    qtbot.waitUntil(lambda: window.calculation is not None, timeout=1000)
    window.search_box.clear()
    type_search(qtbot, window, "J9312")
    answer(qtbot, window, "pendingEntryBox")  # the default: add it to the visit
    assert [item.calculation.drug.hcpcs for item in window.encounter_model.drug_items()] == [
        "J1100"
    ]
    assert window.drug is not None and window.drug.hcpcs == "J9312"
    assert window.dose_panel.dose_edit.text() == ""
    qtbot.waitUntil(lambda: focus_name() == "doseEdit", timeout=1000)


def test_printing_puts_the_entry_into_the_visit_and_ctrl_n_then_asks_nothing(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    enter(qtbot, window, NDC, "450 mg", single=True)
    assert window.save_pdf(tmp_path / "visit.pdf")
    assert window.encounter_model.rowCount() == 1 and window.calculation is None
    assert any("before printing" in line for line in window.messages.log)
    assert "Saved" in window.messages.current
    window.actions.new_visit.trigger()  # printed: nothing to lose, no question
    assert not question_shown(window, "newVisitBox")
    assert window.encounter_model.rowCount() == 0


def test_ctrl_n_can_be_cancelled(qtbot, window: MainWindow) -> None:
    enter(qtbot, window, "J9312", "450 mg")
    qtbot.keyClick(window.dose_panel.dose_edit, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: question_shown(window, "newVisitBox"), timeout=1000)
    box = next(b for b in window.frame.findChildren(QMessageBox, "newVisitBox") if b.isVisible())
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert window.calculation is not None and window.dose_panel.dose_edit.text() == "450 mg"


def test_long_messages_wrap_and_are_logged(qtbot, window: MainWindow) -> None:
    long = "Kept the old date for " + "; ".join(f"J{9000 + n}: code not valid" for n in range(12))
    window.show_message(long, error=True)
    label = window.messages.label
    assert label.wordWrap() and label.text() == long
    qtbot.waitUntil(lambda: label.height() > label.fontMetrics().lineSpacing() * 1.5)
    assert window.messages.log[-1].endswith(long)


def test_the_glance_shows_headlines_totals_per_code_and_blocking_problems(
    qtbot, window: MainWindow
) -> None:
    enter(qtbot, window, NDC, "450 mg", single=True)
    window.dose_panel.add_button.click()
    enter(qtbot, window, "J1100", "30 mg")  # container unknown: blocks the claim
    glance = window.glance
    text = glance.headlines.text()
    assert text.index("Entering: J1100 × 30") < text.index(
        "J9312 × 45 · J9312-JW × 5 · NDC 50242-0053-06 ML45"
    )
    assert (
        glance.totals.text()
        == "Units per code: J9312: 50 units (JW units included) · J1100: 30 units"
    )
    assert "80 units" not in glance.totals.text()
    assert glance.headlines.font().pointSizeF() > window.preview.font().pointSizeF()
    assert "Blocks the claim: container unknown" in glance.problems.text()
    assert glance.blocking_count == 1
    window.dose_panel.set_container_type(ContainerType.MULTI_DOSE)
    window.flush()
    assert glance.blocking_count == 0 and "JW units" in glance.totals.text()


def test_copy_claim_lines_as_tab_separated_text(qtbot, window: MainWindow) -> None:
    enter(qtbot, window, NDC, "450 mg", single=True)
    QApplication.clipboard().clear()
    qtbot.keyClick(
        window.dose_panel.dose_edit,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    copied = QApplication.clipboard().text()
    assert copied == claim_lines_tsv(window.summary().lines)
    assert "J9312\t\t45\t50242005306\tML\t45\tN450242005306   ML45\t" in copied
    assert "J9312\tJW\t5\t50242005306\tML\t5\tN450242005306   ML5\t" in copied
    assert window.messages.current == (
        "Copied 2 claim lines and a header row to the clipboard."
    )  # the header row is not counted as a claim line
    window.glance.copy_shaded_button.click()
    assert QApplication.clipboard().text() == "N450242005306   ML45\nN450242005306   ML5\n"
    assert window.messages.current == "Copied the shaded-line text of 2 lines to the clipboard."


def test_copying_lines_that_a_problem_blocks_says_so(qtbot, window: MainWindow) -> None:
    """Lines pasted into a claim while the glance shows a blocking problem would be denied:
    the copy happens, and the message names the problem in the error style."""
    enter(qtbot, window, "J9312", "450 mg")  # no container type: JW/JZ cannot be set
    window.glance.copy_lines_button.click()
    assert QApplication.clipboard().text() == claim_lines_tsv(window.summary().lines)
    message = window.messages.current
    assert message.startswith(
        "Copied 1 claim line and a header row to the clipboard, but the claim is not ready: "
        "container unknown"
    )
    assert "#b71c1c" in window.messages.label.styleSheet()  # the error style
    window.glance.copy_shaded_button.click()  # no NDC picked: no shaded-line text
    assert window.messages.current == (
        "Nothing to copy: no claim line of the visit has an NDC, so there is no shaded-line text."
    )


def test_delete_removes_the_selected_entry_of_the_visit(qtbot, window: MainWindow) -> None:
    enter(qtbot, window, "J9312", "450 mg")
    window.dose_panel.add_button.click()
    view = window.encounter_view
    view.setFocus()
    view.selectRow(0)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert window.encounter_model.rowCount() == 0
    assert window.messages.current == "Removed J9312 from the visit."
