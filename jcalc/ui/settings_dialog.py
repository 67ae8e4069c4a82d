"""The settings dialog: clinic name and default printer options."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from jcalc.ui.settings import PAGE_SIZES, Settings


class SettingsDialog(QDialog):
    """Edits :class:`Settings`; saved when accepted. Open it with ``open()`` (non-blocking)."""

    def __init__(self, *, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("jcalc settings")
        self._settings = settings

        self.clinic_edit = QLineEdit(settings.clinic_name, self)
        self.clinic_edit.setObjectName("clinicNameEdit")
        self.clinic_edit.setPlaceholderText("printed at the top of the summary")
        self.page_size_combo = QComboBox(self)
        self.page_size_combo.setObjectName("pageSizeCombo")
        self.page_size_combo.addItems(list(PAGE_SIZES))
        if settings.page_size in PAGE_SIZES:
            self.page_size_combo.setCurrentText(settings.page_size)
        self.grayscale_check = QCheckBox("Print in grayscale", self)
        self.grayscale_check.setObjectName("grayscaleCheck")
        self.grayscale_check.setChecked(settings.grayscale)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )

        form = QFormLayout(self)
        form.addRow("&Clinic name", self.clinic_edit)
        form.addRow("&Paper (printer)", self.page_size_combo)
        form.addRow("", self.grayscale_check)
        form.addRow(buttons)
        self.setMinimumWidth(420)

        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.accepted.connect(self._on_dialog_accepted)

    @Slot()
    def _on_dialog_accepted(self) -> None:
        self._settings.clinic_name = self.clinic_edit.text().strip()
        self._settings.page_size = self.page_size_combo.currentText()
        self._settings.grayscale = self.grayscale_check.isChecked()
        self._settings.sync()
