"""Settings persist in the per-user config directory (the test's temporary one)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray

from jcalc.ui import MainWindow
from jcalc.ui.settings import SETTINGS_FILE, Settings
from jcalc.ui.settings_dialog import SettingsDialog


def test_settings_round_trip_in_the_config_dir(tmp_path: Path) -> None:
    settings = Settings()
    assert settings.path == Path(os.environ["JCALC_CONFIG_DIR"]) / SETTINGS_FILE
    assert str(settings.path).startswith(str(tmp_path))
    assert (settings.clinic_name, settings.page_size, settings.grayscale) == ("", "Letter", False)
    settings.clinic_name = "Riverside Infusion Clinic"
    settings.page_size = "A4"
    settings.grayscale = True
    settings.window_geometry = QByteArray(b"\x01\x02")
    settings.sync()
    again = Settings()
    assert again.clinic_name == "Riverside Infusion Clinic"
    assert again.page_size == "A4" and again.grayscale is True
    assert bytes(again.window_geometry.data()) == b"\x01\x02"
    assert "Riverside Infusion Clinic" in settings.path.read_text(encoding="utf-8")


def test_damaged_values_fall_back_to_defaults(tmp_path: Path) -> None:
    path = tmp_path / "odd.ini"
    path.write_text("[printing]\ngrayscale=perhaps\n", encoding="utf-8")
    settings = Settings(path)
    assert settings.grayscale is False
    assert settings.clinic_name == ""


def test_window_geometry_and_splitters_are_remembered(qtbot, bundled_catalog) -> None:
    first = MainWindow(catalog=bundled_catalog, settings=Settings())
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.resize(790, 640)  # within the offscreen screen (800 × 800)
    first.main_splitter.setSizes([200, 260, 300])
    sizes = first.main_splitter.sizes()
    first.close()
    assert not Settings().window_geometry.isEmpty()

    second = MainWindow(catalog=bundled_catalog, settings=Settings())
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert (second.width(), second.height()) == (790, 640)
    assert second.main_splitter.sizes() == sizes
    assert bundled_catalog.code("J9312") is not None  # a borrowed catalog stays open


def test_settings_dialog_sets_the_clinic_name_on_the_summary(qtbot, window: MainWindow) -> None:
    window.settings_action.trigger()
    dialog = window.findChild(SettingsDialog, "settingsDialog")
    assert dialog is not None and dialog.isVisible() and dialog.isModal()
    dialog.clinic_edit.setText("  Riverside Infusion Clinic ")
    dialog.page_size_combo.setCurrentText("A4")
    dialog.accept()
    assert Settings().clinic_name == "Riverside Infusion Clinic"
    assert Settings().page_size == "A4"
    assert window.preview.pane.toPlainText().startswith("Riverside Infusion Clinic")
