"""Keyboard focus: Tab walks the form in reading order, a table is one stop that never changes
what is picked, every stop shows the focus, and every Alt letter of the window is unique."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFileDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QWidget,
)

from jcalc.core.containers import ContainerType
from jcalc.ui import MainWindow
from jcalc.ui.actions import SHORTCUTS
from jcalc.ui.window_layout import tab_chain
from tests.ui.conftest import focus_name, type_search

NDC = "50242-0053-06"
# What Tab walks after picking J9312 by its NDC, single-dose, 450 mg (the patient field is off,
# and nothing can be removed or saved yet, so those buttons are skipped).
READING_ORDER = [
    "searchBox", "resultsView", "doseEdit", "helpersButton", "patientWeightEdit",
    "patientHeightEdit", "patientBsaEdit", "dateEdit", "containerCombo",
    "packagesEdit", "givenToOthersEdit", "ndcEdit", "qualifierCombo", "ndcView", "clearNdcButton",
    "concentrationEdit", "chargeEdit", "program340bCheck", "rememberDefaultsButton",
    "addToEncounterButton",
    "favouriteButton", "noteEdit", "encounterView", "adminEdit", "addAdminButton",
    "referenceEdit", "copyLinesButton", "copyShadedButton", "previewPane", "printPreviewButton",
    "printButton", "pdfButton",
]  # fmt: skip


def enter_450_mg(qtbot, window: MainWindow) -> None:
    type_search(qtbot, window, NDC)
    window.dose_panel.set_container_type(ContainerType.SINGLE_DOSE)
    qtbot.keyClicks(window.dose_panel.dose_edit, "450 mg")
    qtbot.waitUntil(lambda: window.calculation is not None, timeout=1000)


def walk(qtbot, start: QWidget, steps: int, key: Qt.Key = Qt.Key.Key_Tab) -> list[str]:
    start.setFocus()
    names = []
    for _ in range(steps):
        widget = QApplication.focusWidget()
        assert widget is not None
        names.append(widget.objectName())
        qtbot.keyClick(widget, key)
    return names


def test_tab_walks_the_form_in_reading_order_and_back(qtbot, window: MainWindow) -> None:
    enter_450_mg(qtbot, window)
    forward = walk(qtbot, window.search_box, len(READING_ORDER) + 1)
    assert forward == [*READING_ORDER, "searchBox"]
    backward = walk(qtbot, window.search_box, len(READING_ORDER) + 1, Qt.Key.Key_Backtab)
    assert backward == ["searchBox", *reversed(READING_ORDER)]


def test_tab_through_the_ndc_table_never_changes_the_claim(qtbot, window: MainWindow) -> None:
    """Issue 10: the first Tab into the NDC table picked the 100 mg vial and changed the claim."""
    enter_450_mg(qtbot, window)
    before = window.preview.html
    walk(qtbot, window.search_box, 2 * len(READING_ORDER))
    window.flush()
    assert window.dose_panel.ndc_edit.text() == NDC
    assert window.calculation is not None
    assert window.calculation.request.product is not None
    assert window.calculation.request.product.ndc == "50242005306"
    assert window.preview.html == before


def test_a_table_is_one_stop_and_arrows_pick_inside_it(qtbot, window: MainWindow) -> None:
    type_search(qtbot, window, "J9312")
    assert window.dose_panel.ndc_edit.text() == ""
    view = window.drug_panel.ndc_view
    window.dose_panel.ndc_edit.setFocus()  # the qualifier is off while there is no NDC
    qtbot.keyClick(window.dose_panel.ndc_edit, Qt.Key.Key_Tab)
    assert focus_name() == "ndcView"
    assert window.dose_panel.ndc_edit.text() == ""  # focused, nothing picked
    qtbot.keyClick(view, Qt.Key.Key_Down)  # the arrows move inside the table, and pick
    picked = window.dose_panel.ndc_edit.text()
    assert picked != ""
    qtbot.keyClick(view, Qt.Key.Key_Tab)  # one stop: Tab leaves the table
    assert focus_name() == "clearNdcButton"
    assert window.dose_panel.ndc_edit.text() == picked


def test_every_stop_shows_the_focus(qtbot, window: MainWindow) -> None:
    """Each control Tab reaches looks different with the focus (☆ and No NDC showed none)."""
    enter_450_mg(qtbot, window)
    for widget in tab_chain(window.parts):
        if not (widget.isVisible() and widget.isEnabled()):
            continue
        window.frame.setFocus()  # nothing of ours focused
        qtbot.waitUntil(lambda w=widget: not w.hasFocus())  # type: ignore[misc]
        plain = widget.grab().toImage()
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(widget.hasFocus)
        focused = widget.grab().toImage()
        assert focused != plain, widget.objectName()


def _letter(text: str) -> str:
    match = re.search(r"&([^&])", text.replace("&&", ""))
    return match.group(1).lower() if match else ""


def window_mnemonics(window: MainWindow) -> list[tuple[str, str]]:
    """(letter, owner) of every Alt letter the window's own widgets answer to."""
    frame = window.frame
    found = [(_letter(a.text()), f"menu {a.text()}") for a in frame.menuBar().actions()]
    for button in frame.findChildren(QAbstractButton):
        if button.window() is frame:
            found.append((_letter(button.text()), button.objectName() or button.text()))
    for label in frame.findChildren(QLabel):
        if label.window() is frame and label.buddy() is not None:
            found.append((_letter(label.text()), f"label {label.text()}"))
    return [(letter, owner) for letter, owner in found if letter]


def test_alt_letters_are_unique_in_the_window_and_in_each_menu(window: MainWindow) -> None:
    found = window_mnemonics(window)
    assert len(found) >= 20
    letters = [letter for letter, _owner in found]
    shared = {x: [o for y, o in found if y == x] for x in letters if letters.count(x) > 1}
    assert shared == {}
    for menu in window.frame.menuBar().findChildren(QMenu):
        items = [_letter(a.text()) for a in menu.actions() if not a.isSeparator()]
        items = [x for x in items if x]
        assert len(items) == len(set(items)), menu.title()


@pytest.mark.qt_log_ignore(r"^This plugin does not support (grabbing the keyboard|raise\(\))$")
def test_alt_h_opens_the_help_menu(qtbot, window: MainWindow) -> None:
    help_menu = window.frame.findChild(QMenu, "helpMenu")
    assert help_menu is not None
    qtbot.keyClick(window.search_box, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(help_menu.isVisible, timeout=1000)
    help_menu.close()


def test_alt_letters_reach_their_fields_and_buttons(qtbot, window: MainWindow) -> None:
    """Alt+D goes to the dose; Alt+S saves the PDF at once (it was a second stop of Alt+D)."""
    enter_450_mg(qtbot, window)
    window.search_box.setFocus()
    qtbot.keyClick(window.search_box, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    assert focus_name() == "doseEdit"
    qtbot.keyClick(window.dose_panel.dose_edit, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    assert focus_name() == "dateEdit"
    qtbot.keyClick(window.dose_panel.date_edit, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.frame.findChild(QFileDialog, "pdfFileDialog") is not None)
    dialog = window.frame.findChild(QFileDialog, "pdfFileDialog")
    assert dialog is not None
    dialog.reject()


def test_the_shortcuts_are_listed_in_the_readme_and_under_help(qtbot, window: MainWindow) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for keys, what in SHORTCUTS:
        assert f"| {keys} | {what} |" in readme, keys
    window.actions.shortcuts.trigger()
    box = window.frame.findChild(QMessageBox, "shortcutsBox")
    assert box is not None and box.isVisible()
    assert all(keys in box.text() for keys, _what in SHORTCUTS)
    box.accept()
