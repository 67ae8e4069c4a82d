"""The settings dialog: the clinic's name, patient field and printing options.

They are the clinic's settings, kept in the clinic database (carried by export and import), not in
this PC's INI file.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from jcalc.core.errors import JcalcError
from jcalc.ui.billing_settings_box import BillingSettingsBox
from jcalc.ui.widgets import INVALID_STYLE, FieldError
from jcalc.userdata.clinic import PAGE_SIZES, ClinicSettings, ClinicStore


class SettingsDialog(QDialog):
    """Edits the clinic's :class:`ClinicSettings`; saved when accepted. Open it with ``open()``.

    Signals:
        saved(object): the settings were written (the new ``ClinicSettings``).
    """

    saved = Signal(object)

    def __init__(self, *, store: ClinicStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("jcalc settings")
        self.setStyleSheet(INVALID_STYLE)
        self._store = store
        current = store.settings()
        self._current = current
        self._erase_confirmed = False

        self.clinic_edit = QLineEdit(current.clinic_name, self)
        self.clinic_edit.setObjectName("clinicNameEdit")
        self.clinic_edit.setPlaceholderText("printed at the top of the summary")
        self.patient_check = QCheckBox("Patient name field on the printed summary", self)
        self.patient_check.setObjectName("patientFieldCheck")
        self.patient_check.setChecked(current.patient_field)
        self.patient_check.setToolTip(
            "Off (the default): no patient name is ever printed or stored.\n"
            "On: an optional patient name goes on the summary and into the History.\n"
            "Turning it off again removes the names already stored in the History."
        )
        self.page_size_combo = QComboBox(self)
        self.page_size_combo.setObjectName("pageSizeCombo")
        self.page_size_combo.addItems(list(PAGE_SIZES))
        self.page_size_combo.setCurrentText(current.page_size)
        self.grayscale_check = QCheckBox("Print in grayscale", self)
        self.grayscale_check.setObjectName("grayscaleCheck")
        self.grayscale_check.setChecked(current.grayscale)
        self.billing = BillingSettingsBox(store=store, parent=self)
        self.error = FieldError(object_name="settingsError", parent=self)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )

        form = QFormLayout(self)
        form.addRow("&Clinic name", self.clinic_edit)
        form.addRow("", self.patient_check)
        form.addRow("&Paper (printer)", self.page_size_combo)
        form.addRow("", self.grayscale_check)
        form.addRow(self.billing)
        form.addRow(self.error)
        form.addRow(buttons)
        self.setMinimumWidth(460)

        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

    @property
    def previous(self) -> ClinicSettings:
        """The settings as they were when the dialog opened."""
        return self._current

    def accept(self) -> None:
        """Save, then close; a value the store refuses is shown and the dialog stays open.

        Turning the patient field off erases the stored names, so that asks for a second OK.
        """
        erasing = self._current.patient_field and not self.patient_check.isChecked()
        if erasing and not self._erase_confirmed:
            self._erase_confirmed = True
            self.error.set_message(
                "Turning the patient field off erases every patient name stored in the "
                "History. Press OK again to erase them, or tick the box to keep them."
            )
            return
        try:
            billing = self.billing.changes()  # checked before anything is written
            wanted = ClinicSettings(
                clinic_name=self.clinic_edit.text().strip(),
                patient_field=self.patient_check.isChecked(),
                printing=self._current.printing,
            ).with_print_options(
                page_size=self.page_size_combo.currentText(),
                grayscale=self.grayscale_check.isChecked(),
            )
            written = self._store.save_settings(wanted)
            self.billing.save(billing)
        except JcalcError as error:
            self.error.set_message(f"Not saved: {error}.")
            return
        self.error.set_message("")
        super().accept()
        self.saved.emit(written)
