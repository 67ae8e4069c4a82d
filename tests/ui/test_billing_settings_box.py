"""The clinic's billing settings in the window's settings dialog: stored through the same API as
`jcalc clinic set-340b / set-units-per-line / set-repeat-modifier / set-concentration`, bad values
refused with a plain message and nothing written (issue 9 items 1, 2 and 7, "and a clinic
setting")."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel

from jcalc.core.containers import ContainerType
from jcalc.ui import MainWindow
from jcalc.ui.billing_settings_box import concentration_lines, parse_concentration_lines
from jcalc.ui.settings_dialog import SettingsDialog
from jcalc.userdata.billing_settings import BillingSettingError
from tests.ui.conftest import type_search

PRIVIGEN = "ndc_concentration.44206043710"


def open_dialog(qtbot, window: MainWindow) -> SettingsDialog:
    qtbot.waitUntil(lambda: window.frame.findChild(SettingsDialog, "settingsDialog") is None)
    window.actions.settings.trigger()
    dialog = window.frame.findChild(SettingsDialog, "settingsDialog")
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_the_dialog_stores_what_the_clinic_commands_store(qtbot, window: MainWindow) -> None:
    """Noridian JF Part B, "Hemophilia Clotting Factor Billing": up to 9,999 units per line,
    "Append modifier 76 to any second and subsequent lines" (a payer rule, so a clinic setting).
    CMS CY 2018 OPPS final rule (CMS-1678-FC): JG or TB for 340B-acquired drugs by entity type.
    Privigen 44206-0437-10 is 10 g in 100 mL (its label): the saved 10% wins over PKG SIZE 110."""
    dialog = open_dialog(qtbot, window)
    billing = dialog.billing
    billing.program_340b_check.setChecked(True)
    billing.entity_combo.setCurrentIndex(billing.entity_combo.findData("exempt"))
    billing.units_edit.setText("999")
    billing.repeat_combo.setCurrentIndex(billing.repeat_combo.findData("none"))
    billing.concentration_edit.setPlainText("44206-0437-10 = 10%")
    dialog.accept()
    stored = window.clinic.settings().billing
    assert dict(stored) == {
        "340b": "1",
        "340b_entity": "exempt",
        "max_units_per_line": "999",
        "repeat_modifier": "none",
        PRIVIGEN: "10%",
    }  # fmt: skip  (the keys and values `jcalc clinic set-…` writes)
    defaults = window.clinic.billing_defaults()
    assert (defaults.max_units_per_line, defaults.repeat_modifier) == (999, None)
    type_search(qtbot, window, "J7182")
    window.dose_panel.set_container_type(ContainerType.MULTI_DOSE)
    qtbot.keyClicks(window.dose_panel.dose_edit, "22000 IU")
    qtbot.waitUntil(lambda: window.calculation is not None, timeout=2000)
    lines = window.calculation.lines
    assert len(lines) == 23 and all("76" not in line.modifiers for line in lines)
    assert all("TB" in line.modifiers for line in lines)
    # opened again, the dialog shows what is stored; emptied, the settings go back to defaults
    dialog = open_dialog(qtbot, window)
    billing = dialog.billing
    assert billing.units_edit.text() == "999"
    assert billing.concentration_edit.toPlainText() == "44206-0437-10 = 10%"
    billing.units_edit.clear()
    billing.program_340b_check.setChecked(False)
    billing.concentration_edit.clear()
    dialog.accept()
    assert dict(window.clinic.settings().billing) == {
        "340b": "0", "340b_entity": "exempt", "repeat_modifier": "none",
    }  # fmt: skip
    assert window.clinic.billing_defaults().max_units_per_line == 9999


def test_a_bad_value_is_named_and_nothing_is_written(qtbot, window: MainWindow) -> None:
    dialog = open_dialog(qtbot, window)
    dialog.clinic_edit.setText("Riverside")
    dialog.billing.units_edit.setText("12000")
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.error.text().startswith("Not saved:") and "12,000" in dialog.error.text()
    assert window.clinic.settings().clinic_name == ""  # nothing half-written
    dialog.billing.units_edit.setText("500")
    dialog.billing.concentration_edit.setPlainText("44206-0437-10 = 10%\n44206-0437-10 ten")
    dialog.accept()
    assert "concentration line 2" in dialog.error.text()
    assert dict(window.clinic.settings().billing) == {}
    dialog.reject()


def test_concentration_lines_round_trip_and_name_the_bad_line() -> None:
    keys = parse_concentration_lines("\n 44206-0437-10 =  100 mg/mL \n\n")
    assert keys == {PRIVIGEN: "100 mg/mL"}
    assert concentration_lines({**keys, "340b": "1"}) == "44206-0437-10 = 100 mg/mL"
    for text, words in (("12345 = 10%", "line 1"), ("44206-0437-10 = 10 mg", "line 1")):
        try:
            parse_concentration_lines(text)
        except BillingSettingError as error:
            assert words in str(error)
        else:
            raise AssertionError(text)


def test_the_dialog_alt_letters_are_unique(qtbot, window: MainWindow) -> None:
    dialog = open_dialog(qtbot, window)
    letters = [
        match.group(1).lower()
        for widget in (*dialog.findChildren(QAbstractButton), *dialog.findChildren(QLabel))
        if (match := re.search(r"&([^&])", widget.text().replace("&&", "")))
        and (not isinstance(widget, QLabel) or widget.buddy() is not None)
    ]
    assert len(letters) >= 6
    assert len(letters) == len(set(letters)), letters
    dialog.reject()


def test_every_billing_input_shows_the_focus(qtbot, window: MainWindow) -> None:
    dialog = open_dialog(qtbot, window)
    for widget in dialog.billing.inputs():
        dialog.clinic_edit.setFocus()
        qtbot.waitUntil(lambda w=widget: not w.hasFocus())  # type: ignore[misc]
        plain = widget.grab().toImage()
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(widget.hasFocus)
        assert widget.grab().toImage() != plain, widget.objectName()
    dialog.reject()
