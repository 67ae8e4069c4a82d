"""Settings: this PC's in the INI file, the clinic's in the clinic database (the test's folders)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray

from jcalc.ui import MainWindow
from jcalc.ui.settings import (
    LEGACY_CLINIC_NAME,
    LEGACY_GRAYSCALE,
    LEGACY_PAGE_SIZE,
    SETTINGS_FILE,
    Settings,
    migrate_clinic_settings,
    print_options,
)
from jcalc.ui.settings_dialog import SettingsDialog
from jcalc.userdata.clinic import ClinicStore


def test_settings_round_trip_in_the_config_dir(tmp_path: Path) -> None:
    settings = Settings()
    assert settings.path == Path(os.environ["JCALC_CONFIG_DIR"]) / SETTINGS_FILE
    assert str(settings.path).startswith(str(tmp_path))
    assert (settings.printer_name, settings.pdf_directory) == ("", "")
    settings.printer_name = "Front desk, HP"
    settings.pdf_directory = str(tmp_path)
    settings.window_geometry = QByteArray(b"\x01\x02")
    settings.sync()
    again = Settings()
    assert again.printer_name == "Front desk, HP"
    assert again.pdf_directory == str(tmp_path)
    assert bytes(again.window_geometry.data()) == b"\x01\x02"
    assert "Front desk" in settings.path.read_text(encoding="utf-8")


def test_damaged_values_fall_back_to_defaults(tmp_path: Path) -> None:
    path = tmp_path / "odd.ini"
    path.write_text("[window]\ngeometry=perhaps\n[printing]\nprinter_name=@Invalid()\n")
    settings = Settings(path)
    assert settings.window_geometry.isEmpty()
    assert settings.printer_name == ""


def test_clinic_settings_of_an_earlier_ini_move_to_the_clinic_database() -> None:
    settings = Settings()
    settings.write(LEGACY_CLINIC_NAME, "Riverside Infusion Clinic")
    settings.write(LEGACY_PAGE_SIZE, "A4")
    settings.write(LEGACY_GRAYSCALE, True)
    settings.printer_name = "kept"
    settings.sync()
    store = ClinicStore.open()
    try:
        assert migrate_clinic_settings(Settings(), store) is True
        clinic = store.settings()
        assert clinic.clinic_name == "Riverside Infusion Clinic"
        assert (clinic.page_size, clinic.grayscale) == ("A4", True)
        again = Settings()
        for key in (LEGACY_CLINIC_NAME, LEGACY_PAGE_SIZE, LEGACY_GRAYSCALE):
            assert not again.contains(key), key  # one source of truth
        assert again.printer_name == "kept"  # this PC's printer stays in the INI file
        assert migrate_clinic_settings(again, store) is False  # nothing left to move
        options = print_options(clinic, again)
        assert (options.page_size, options.grayscale, options.printer_name) == ("A4", True, "kept")
    finally:
        store.close()


def test_the_clinic_database_wins_over_an_old_ini_value() -> None:
    store = ClinicStore.open()
    try:
        store.set_clinic_name("Hillside Oncology")
        settings = Settings()
        settings.write(LEGACY_CLINIC_NAME, "Old name")
        settings.sync()
        assert migrate_clinic_settings(settings, store) is True
        assert store.settings().clinic_name == "Hillside Oncology"
        assert not Settings().contains(LEGACY_CLINIC_NAME)
    finally:
        store.close()


def test_the_window_migrates_on_opening(qtbot, bundled_catalog) -> None:
    settings = Settings()
    settings.write(LEGACY_CLINIC_NAME, "Riverside Infusion Clinic")
    settings.sync()
    window = MainWindow(catalog=bundled_catalog, settings=settings)
    qtbot.addWidget(window.frame)
    assert window.clinic_settings.clinic_name == "Riverside Infusion Clinic"
    assert window.summary().clinic_name == "Riverside Infusion Clinic"
    assert not Settings().contains(LEGACY_CLINIC_NAME)


def test_window_geometry_and_splitters_are_remembered(qtbot, bundled_catalog) -> None:
    first = MainWindow(catalog=bundled_catalog, settings=Settings())
    qtbot.addWidget(first.frame)
    first.show()
    qtbot.waitExposed(first)
    first.frame.resize(1040, 640)  # within the 1366 × 768 screen, above the minimum size
    first.parts.main_splitter.setSizes([200, 260, 300])
    sizes = first.parts.main_splitter.sizes()
    first.close()
    assert not Settings().window_geometry.isEmpty()

    second = MainWindow(catalog=bundled_catalog, settings=Settings())
    qtbot.addWidget(second.frame)
    second.show()
    qtbot.waitExposed(second)
    assert (second.frame.width(), second.frame.height()) == (1040, 640)
    assert second.parts.main_splitter.sizes() == sizes
    assert bundled_catalog.code("J9312") is not None  # a borrowed catalog stays open


def test_settings_dialog_writes_the_clinic_database(qtbot, window: MainWindow) -> None:
    window.actions.settings.trigger()
    dialog = window.frame.findChild(SettingsDialog, "settingsDialog")
    assert dialog is not None and dialog.isVisible() and dialog.isModal()
    dialog.clinic_edit.setText("  Riverside Infusion Clinic ")
    dialog.page_size_combo.setCurrentText("A4")
    dialog.grayscale_check.setChecked(True)
    dialog.accept()
    stored = window.clinic.settings()
    assert stored.clinic_name == "Riverside Infusion Clinic"
    assert (stored.page_size, stored.grayscale) == ("A4", True)
    assert not Settings().contains(LEGACY_CLINIC_NAME)  # nothing of the clinic's in the INI
    assert window.preview.pane.toPlainText().startswith("Riverside Infusion Clinic")
    assert window.print_options().page_size == "A4"


def test_settings_dialog_refuses_a_bad_value_and_stays_open(qtbot, window: MainWindow) -> None:
    window.actions.settings.trigger()
    dialog = window.frame.findChild(SettingsDialog, "settingsDialog")
    assert dialog is not None
    dialog.clinic_edit.setText("x" * 300)
    dialog.accept()
    assert dialog.isVisible()
    assert "longer than 200 characters" in dialog.error.text()
    assert window.clinic.settings().clinic_name == ""
    dialog.reject()
