"""The clinic's data in the window: favourites and recent codes first, star, note, charge,
defaults, NDC qualifier, patient field, export and import, the read-only second window."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QPushButton

from jcalc.core.containers import ContainerType
from jcalc.core.ndc import NdcQualifier
from jcalc.ui import MainWindow
from jcalc.ui.main_window import READ_ONLY_TEXT
from jcalc.ui.search_control import PREFERRED_TEXT
from jcalc.ui.search_model import COL_STATUS
from jcalc.ui.settings_dialog import SettingsDialog
from tests.ui.conftest import IN_QUARTER, show, start_new_visit, type_search

NDC = "50242-0053-06"


def result_codes(window: MainWindow) -> list[str]:
    model = window.results_model
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def marks(window: MainWindow) -> list[str]:
    model = window.results_model
    return [model.index(row, COL_STATUS).data() for row in range(model.rowCount())]


def clear_search(qtbot, window: MainWindow) -> None:
    window.search_box.clear()
    window.flush()
    qtbot.waitUntil(lambda: window.results_model.query == "")


def enter_dose(qtbot, window: MainWindow, dose: str) -> None:
    window.dose_panel.dose_edit.clear()
    qtbot.keyClicks(window.dose_panel.dose_edit, dose)
    window.flush()


# ---------------------------------------------------------------- search


def test_favourites_then_recent_codes_for_an_empty_or_short_query(
    qtbot, window: MainWindow
) -> None:
    assert window.results_model.rowCount() == 0  # a new clinic: nothing to show yet
    window.clinic.set_favourite("J1100")
    for code in ("J2312", "J9312"):  # picking a drug records its use
        type_search(qtbot, window, code)
        window.search_box.clear()
    assert window.clinic.recent_codes(5) == ["J9312", "J2312"]
    clear_search(qtbot, window)
    window.search.run()  # the favourite was set behind the window's back
    assert result_codes(window) == ["J1100", "J9312", "J2312"]
    assert marks(window) == ["★", "recent", "recent"]
    assert window.search_status.text() == PREFERRED_TEXT
    # Enter picks the highlighted (top) row, as for any search
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert window.drug is not None and window.drug.hcpcs == "J1100"

    qtbot.keyClicks(window.search_box, "9")  # a one-character query: the clinic's codes first
    qtbot.waitUntil(lambda: window.results_model.query == "9")
    assert result_codes(window)[:3] == ["J1100", "J9312", "J2312"]
    assert len(set(result_codes(window))) == len(result_codes(window))  # no code twice
    qtbot.keyClicks(window.search_box, "3")  # two characters: an ordinary search
    qtbot.waitUntil(lambda: window.results_model.query == "93")
    assert "★" not in marks(window) and "recent" not in marks(window)


def test_the_star_marks_a_favourite(qtbot, window: MainWindow) -> None:
    type_search(qtbot, window, "J9312")
    star = window.drug_panel.favourite_button
    assert star.isEnabled() and not star.isChecked() and star.text() == "☆"
    star.click()
    settings = window.clinic.code_settings("J9312")
    assert settings is not None and settings.favourite
    assert star.text() == "★"
    assert "J9312 added to the clinic's favourites" in window.messages.current
    clear_search(qtbot, window)
    assert result_codes(window)[0] == "J9312" and marks(window)[0] == "★"
    star.click()
    assert window.clinic.favourites() == []


def test_the_note_is_saved_as_the_biller_types(qtbot, window: MainWindow) -> None:
    assert not window.drug_panel.note_edit.isEnabled()  # no code picked
    type_search(qtbot, window, "J9312")
    note = window.drug_panel.note_edit
    assert note.isEnabled()
    note.setFocus()
    qtbot.keyClicks(note, "Use the 500 mg vial first")
    qtbot.waitUntil(lambda: window.clinic.code_settings("J9312") is not None, timeout=3000)
    saved = window.clinic.code_settings("J9312")
    assert saved is not None and saved.note == "Use the 500 mg vial first"
    window.search_box.clear()
    type_search(qtbot, window, "J1100")
    assert note.text() == ""
    window.search_box.clear()
    type_search(qtbot, window, "J9312")
    assert note.text() == "Use the 500 mg vial first"


def test_a_note_typed_just_before_another_pick_is_kept(qtbot, window: MainWindow) -> None:
    type_search(qtbot, window, "J2312")
    qtbot.keyClicks(window.drug_panel.note_edit, "Narcan kit")
    window.search_box.clear()
    type_search(qtbot, window, "J1100")  # before the save delay has passed
    saved = window.clinic.code_settings("J2312")
    assert saved is not None and saved.note == "Narcan kit"
    assert window.clinic.code_settings("J1100") is None


# ---------------------------------------------------------------- charge, defaults, qualifier


def test_the_saved_charge_fills_the_charge_field_and_reaches_the_preview(
    qtbot, window: MainWindow
) -> None:
    window.clinic.set_charge("J9312", "12.50")
    type_search(qtbot, window, "J9312")
    assert window.dose_panel.charge_edit.text() == "12.50"
    assert not window.dose_panel.save_charge_button.isEnabled()  # nothing new to save
    enter_dose(qtbot, window, "450 mg")
    text = window.preview.pane.toPlainText()
    assert "$562.50" in text and "clinic charge $562.50" in text  # 45 units × $12.50
    assert window.calculation is not None
    assert window.calculation.lines[0].charge == Decimal("562.50")

    # blank: the clinic's charge still applies (as in `jcalc calc`), and the field says so
    window.dose_panel.charge_edit.clear()
    window.flush()
    assert "clinic's charge: 12.50" in window.dose_panel.charge_edit.placeholderText()
    assert "$562.50" in window.preview.pane.toPlainText()

    # another drug does not inherit the charge
    window.search_box.clear()
    type_search(qtbot, window, "J1100")
    assert window.dose_panel.charge_edit.text() == ""


def test_save_as_the_clinics_charge(qtbot, window: MainWindow) -> None:
    type_search(qtbot, window, "J9312")
    button = window.dose_panel.save_charge_button
    assert not button.isEnabled()
    qtbot.keyClicks(window.dose_panel.charge_edit, "$13")
    assert button.isEnabled() and button.text() == "Save as clinic charge"
    button.click()
    assert window.clinic.charge_per_unit("J9312") == Decimal("13")
    assert not button.isEnabled()
    assert "Saved $13 per unit" in window.messages.current
    qtbot.keyClicks(window.dose_panel.charge_edit, "x")
    assert not button.isEnabled()  # not an amount: nothing to save
    window.dose_panel.charge_edit.clear()
    assert button.text() == "Forget clinic charge" and button.isEnabled()
    button.click()
    assert window.clinic.charge_per_unit("J9312") is None


def test_remember_the_ndc_and_container_as_defaults(qtbot, window: MainWindow) -> None:
    type_search(qtbot, window, "J9312")
    row = window.drug_panel.ndc_model.row_of("50242005306")
    window.drug_panel.ndc_view.selectRow(row)
    window.dose_panel.set_container_type(ContainerType.SINGLE_DOSE)
    qtbot.keyClicks(window.admin_edit, "96413,96415 x2")
    window.dose_panel.remember_button.click()
    saved = window.clinic.code_settings("J9312")
    assert saved is not None
    assert (saved.default_ndc, saved.container_type) == (
        "50242005306",
        ContainerType.SINGLE_DOSE,
    )
    assert window.clinic.administration_codes("J9312") == "96413, 96415 x2"
    assert (
        "J9312 will start with NDC 50242-0053-06, single-dose, administration codes "
        "96413, 96415 x2" in window.messages.current
    )

    start_new_visit(qtbot, window)
    window.dose_panel.set_container_type(ContainerType.UNKNOWN)
    type_search(qtbot, window, "rituximab")
    assert window.drug is not None and window.drug.hcpcs == "J9312"
    assert window.dose_panel.ndc_edit.text() == NDC
    assert window.dose_panel.container_type is ContainerType.SINGLE_DOSE
    assert window.admin_edit.text() == "96413, 96415 x2"  # filled in, not added unasked
    assert window.encounter_model.administration_codes() == ()
    enter_dose(qtbot, window, "450 mg")
    assert "J9312-JW" in window.preview.pane.toPlainText()


def test_the_qualifier_chosen_for_an_ndc_is_saved_and_used(qtbot, window: MainWindow) -> None:
    combo = window.dose_panel.qualifier_combo
    type_search(qtbot, window, NDC)
    assert combo.isEnabled() and combo.currentText() == "Auto"
    window.dose_panel.set_container_type(ContainerType.SINGLE_DOSE)
    enter_dose(qtbot, window, "450 mg")
    assert "ML45" in window.preview.pane.toPlainText()

    index = combo.findText("UN")
    combo.setCurrentIndex(index)
    combo.activated.emit(index)  # what a biller's choice sends
    window.flush()
    assert window.clinic.ndc_qualifier(NDC) is NdcQualifier.UN
    assert "UN is used for NDC 50242-0053-06" in window.messages.current
    text = window.preview.pane.toPlainText()
    assert "N450242005306   UN0.9" in text and "ML45" not in text

    # the next time this NDC is billed, the saved qualifier comes back by itself
    start_new_visit(qtbot, window)
    assert combo.currentText() == "Auto"
    type_search(qtbot, window, NDC)
    assert combo.currentText() == "UN"
    window.dose_panel.set_container_type(ContainerType.SINGLE_DOSE)
    enter_dose(qtbot, window, "450 mg")
    assert "UN0.9" in window.preview.pane.toPlainText()

    index = combo.findText("Auto")
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    window.flush()
    assert window.clinic.ndc_qualifier(NDC) is None
    assert "ML45" in window.preview.pane.toPlainText()


# ---------------------------------------------------------------- patient field


def test_no_patient_field_unless_the_clinic_turns_it_on(qtbot, window, tmp_path) -> None:
    assert not window.preview.patient_edit.isVisible()
    type_search(qtbot, window, "J1100")
    enter_dose(qtbot, window, "10 mg")
    assert window.summary().patient_name == ""

    window.actions.settings.trigger()
    dialog = window.frame.findChild(SettingsDialog, "settingsDialog")
    assert dialog is not None and not dialog.patient_check.isChecked()
    dialog.patient_check.setChecked(True)
    dialog.accept()
    assert window.preview.patient_edit.isVisible()
    qtbot.keyClicks(window.preview.patient_edit, "Jane Roe")
    qtbot.waitUntil(lambda: "patient Jane Roe" in window.preview.pane.toPlainText())
    with qtbot.waitSignal(window.summaryLogged) as logged:
        assert window.save_pdf(tmp_path / "visit.pdf")
    assert window.summary_log.get(logged.args[0]).patient_name == "Jane Roe"

    window.actions.settings.trigger()
    dialog = window.frame.findChildren(SettingsDialog, "settingsDialog")[-1]  # the new one
    assert dialog.patient_check.isChecked()
    dialog.patient_check.setChecked(False)
    dialog.accept()  # asks first: the names would be erased
    assert "erases every patient name" in dialog.error.text()
    assert window.summary_log.get(logged.args[0]).patient_name == "Jane Roe"
    dialog.accept()
    assert not window.preview.patient_edit.isVisible()
    assert window.preview.patient_edit.text() == ""
    assert "1 stored patient name removed" in window.messages.current
    assert window.summary_log.get(logged.args[0]).patient_name is None
    assert "Jane" not in window.preview.pane.toPlainText()


# ---------------------------------------------------------------- export and import


def accept_file_dialog(qtbot, window: MainWindow, name: str, path: Path) -> None:
    dialog = window.frame.findChild(QFileDialog, name)
    assert dialog is not None and dialog.isVisible()
    with qtbot.waitSignal(dialog.fileSelected, timeout=2000):
        dialog.selectFile(str(path))
        dialog.accept()


def test_export_and_import_clinic_data_from_the_window(qtbot, window: MainWindow, tmp_path) -> None:
    window.clinic.set_charge("J9312", "12.50")
    window.clinic.set_favourite("J1100")
    window.clinic.set_clinic_name("Riverside Infusion Clinic")
    window.settings.transfer_directory = str(tmp_path)
    target = tmp_path / "clinic.json"
    window.actions.export_clinic.trigger()
    accept_file_dialog(qtbot, window, "exportClinicFileDialog", target)
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert exported["format"] == "jcalc-clinic-data"
    assert "Exported 2 codes" in window.messages.current

    window.clinic.forget_code("J9312")
    window.clinic.set_clinic_name("Somebody else")
    window.actions.import_clinic.trigger()
    accept_file_dialog(qtbot, window, "importClinicFileDialog", target)
    box = window.frame.findChild(QMessageBox, "importClinicBox")
    assert box is not None and box.isVisible()
    assert "2 codes (1 favourites, 1 with a charge)" in box.text()
    with qtbot.waitSignal(window.clinicDataChanged):
        box.findChild(QPushButton, "importReplaceButton").click()
    assert window.clinic.charge_per_unit("J9312") == Decimal("12.50")
    assert window.clinic_settings.clinic_name == "Riverside Infusion Clinic"
    assert window.preview.pane.toPlainText().startswith("Riverside Infusion Clinic")
    assert "Imported 2 codes" in window.messages.current
    assert result_codes(window)[0] == "J1100"  # the favourite is first again


def test_a_bad_import_file_is_explained_and_changes_nothing(
    qtbot, window: MainWindow, tmp_path
) -> None:
    window.clinic.set_charge("J9312", "12.50")
    bad = tmp_path / "not-clinic-data.json"
    bad.write_text(json.dumps({"format": "jcalc-clinic-data", "version": 1, "codes": [
        {"code": "J9312", "charge_per_unit": "-5"}, {"code": "nonsense"},
    ]}), encoding="utf-8")  # fmt: skip
    texts = []
    for path in (bad, tmp_path / "missing.json"):
        assert window.ask_import_clinic_data(path) is None
        shown = [
            b for b in window.frame.findChildren(QMessageBox, "importErrorBox") if b.isVisible()
        ]
        assert len(shown) == 1
        texts.append(shown[0].text())
        assert texts[-1].startswith("Nothing was imported: ") and path.name in texts[-1]
        shown[0].close()
    assert "negative" in texts[0] and "file not found" in texts[1]
    assert window.clinic.charge_per_unit("J9312") == Decimal("12.50")
    assert window.frame.findChild(QMessageBox, "importClinicBox") is None


# ---------------------------------------------------------------- the read-only second window


def test_a_read_only_window_changes_nothing_but_still_prints(
    qtbot, bundled_catalog, settings, tmp_path
) -> None:
    window = show(qtbot, MainWindow(catalog=bundled_catalog, settings=settings, read_only=True))
    window.dose_panel.set_date_of_service(IN_QUARTER)
    assert window.read_only_bar.isVisible() and window.read_only_bar.label.text() == READ_ONLY_TEXT
    assert "read-only" in window.frame.windowTitle()
    for action in (window.actions.update, window.actions.restore_previous,
                   window.actions.import_clinic, window.actions.settings):  # fmt: skip
        assert not action.isEnabled(), action.objectName()
    assert window.actions.export_clinic.isEnabled() and window.actions.history.isEnabled()
    type_search(qtbot, window, "J9312")
    assert not window.drug_panel.favourite_button.isEnabled()
    assert not window.drug_panel.note_edit.isEnabled()
    assert not window.dose_panel.remember_button.isEnabled()
    qtbot.keyClicks(window.dose_panel.charge_edit, "9")
    assert not window.dose_panel.save_charge_button.isEnabled()
    window.catalog_control.on_update_requested()  # even when reached, the slot refuses
    assert "Read-only window: cannot update the catalog" in window.messages.current
    assert window.frame.findChild(QDialog, "updateDialog") is None
    assert window.clinic.code_settings("J9312") is None
    enter_dose(qtbot, window, "450 mg")
    with qtbot.waitSignal(window.summaryLogged):
        assert window.save_pdf(tmp_path / "read-only.pdf")
