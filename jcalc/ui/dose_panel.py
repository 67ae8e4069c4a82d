"""Dose entry: dose, the patient's weight/height/BSA, date of service, containers, NDC, and the
clinic's buttons, laid out and kept in step.

The panel only reads and checks what was typed (:mod:`jcalc.ui.dose_text`, with the core's parsers,
so a field can be marked where it is wrong); every figure is computed by
:func:`jcalc.service.calculate_from_text`. The helpers that work out a dose are in
:mod:`jcalc.ui.dose_helpers`, the input widgets in :mod:`jcalc.ui.dose_fields`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import QDate, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jcalc.core.containers import ContainerType
from jcalc.ui.dose_fields import (
    BodyFields,
    container_combo,
    date_edit,
    dose_edit,
    helpers_button,
    line_edit,
    others_edit,
    packages_edit,
    program_340b_check,
    qualifier_combo,
    remember_button,
    save_charge_button,
)
from jcalc.ui.dose_helpers import DoseHelpers
from jcalc.ui.dose_text import (
    BODY_FIELDS,
    CONTAINER_CHOICES,
    FIELDS,
    EntryCheck,
    EntryTexts,
    charge_change,
    charge_text,
    check_entry,
)
from jcalc.ui.widgets import INVALID_STYLE, FieldError, set_invalid

__all__ = ["DoseHelpers", "DosePanel", "EntryCheck"]


class DosePanel(QWidget):
    """Dose, date of service, containers, NDC and its unit qualifier, concentration,
    hand-entered units and charge, with the buttons that save the clinic's defaults.

    Signals:
        changed(): any input that affects the calculation changed (the window debounces it).
        dateChanged(object): the date of service changed (a ``datetime.date``).
        addRequested(): the biller asked to add the entry to the encounter.
        ndcTextChanged(str): the NDC field changed (as typed).
        qualifierChosen(str): the biller chose a unit qualifier ("" for Auto).
        saveChargeRequested(): save the typed charge as the clinic's charge of the code.
        rememberDefaultsRequested(): remember the NDC and container type for the code.
    """

    changed = Signal()
    dateChanged = Signal(object)  # noqa: N815
    addRequested = Signal()  # noqa: N815
    ndcTextChanged = Signal(str)  # noqa: N815
    qualifierChosen = Signal(str)  # noqa: N815
    saveChargeRequested = Signal()  # noqa: N815
    rememberDefaultsRequested = Signal()  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dosePanel")
        self.setStyleSheet(INVALID_STYLE)
        self._units_needed = False
        self._saved_charge: Decimal | None = None
        self._clinic_editable = False

        self.dose_edit = dose_edit(self)
        self.helpers_button = helpers_button(self)
        self.helpers = DoseHelpers(self)
        self.helpers.hide()
        self.body = BodyFields(self)

        self.date_edit = date_edit(self)
        self.container_combo = container_combo(self)
        self.packages_edit = packages_edit(self)
        self.others_edit = others_edit(self)
        self.program_340b_check = program_340b_check(self)
        self.ndc_edit = line_edit(self, "ndcEdit", "pick above or type")
        self.concentration_edit = line_edit(self, "concentrationEdit", "e.g. 10 mg/mL")
        self.concentration_edit.setToolTip(
            "Drug per mL, needed for a dose in mL when the NDC does not give it"
        )
        self.units_edit = line_edit(self, "unitsEdit", "billing units")
        self.units_edit.setToolTip("This code's descriptor cannot be read: type the units yourself")
        self.charge_edit = line_edit(self, "chargeEdit", "$ per unit (optional)")
        self.charge_edit.setToolTip(
            "The clinic's own charge per billing unit. Filled in with the charge saved for the "
            "code; left blank, the saved charge applies."
        )
        self.save_charge_button = save_charge_button(self)
        self.qualifier_combo = qualifier_combo(self)
        self.remember_button = remember_button(self)

        self.errors: dict[str, FieldError] = {
            name: FieldError(object_name=f"{name}Error", parent=self)
            for name in (*FIELDS, "calculation")
        }
        self.add_button = QPushButton("&Add to visit", self)
        self.add_button.setObjectName("addToEncounterButton")
        self.add_button.setToolTip(
            "Keep these lines for this visit and enter the next drug (Ctrl+Enter)"
        )
        self.add_button.setEnabled(False)
        self.add_button.setAutoDefault(False)
        for button in (self.save_charge_button, self.remember_button):
            button.setAutoDefault(False)

        self._layout()
        self._wire()

    def _layout(self) -> None:
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(3)
        dose_label = QLabel("&Dose", self)
        dose_label.setBuddy(self.dose_edit)
        dose_row = QHBoxLayout()
        dose_row.addWidget(self.dose_edit, 1)
        dose_row.addWidget(self.helpers_button)
        grid.addWidget(dose_label, 0, 0)
        grid.addLayout(dose_row, 0, 1, 1, 3)
        grid.addWidget(self.errors["dose"], 1, 1, 1, 3)
        grid.addWidget(self.helpers, 2, 0, 1, 4)

        grid.addWidget(self.body, 3, 0, 1, 4)
        for row, name in enumerate(("weight", "height", "bsa"), start=4):
            grid.addWidget(self.errors[name], row, 1, 1, 3)

        self.units_label = QLabel("&Units", self)
        self.units_label.setBuddy(self.units_edit)
        grid.addWidget(self.units_label, 7, 0)
        grid.addWidget(self.units_edit, 7, 1, 1, 3)
        grid.addWidget(self.errors["units"], 8, 1, 1, 3)
        self.units_label.hide()
        self.units_edit.hide()

        def label(text: str, buddy: QWidget) -> QLabel:
            widget = QLabel(text, self)
            widget.setBuddy(buddy)
            return widget

        grid.addWidget(label("Da&te of service", self.date_edit), 9, 0)
        grid.addWidget(self.date_edit, 9, 1)
        grid.addWidget(label("C&ontainer", self.container_combo), 9, 2)
        grid.addWidget(self.container_combo, 9, 3)
        grid.addWidget(label("Pac&kages", self.packages_edit), 10, 0)
        grid.addWidget(self.packages_edit, 10, 1)
        grid.addWidget(label("Given to others", self.others_edit), 10, 2)
        grid.addWidget(self.others_edit, 10, 3)
        grid.addWidget(self.errors["packages"], 11, 1, 1, 3)
        grid.addWidget(self.errors["others"], 11, 1, 1, 3)
        grid.addWidget(label("&NDC", self.ndc_edit), 12, 0)
        grid.addWidget(self.ndc_edit, 12, 1)
        grid.addWidget(label("&Qualifier", self.qualifier_combo), 12, 2)
        grid.addWidget(self.qualifier_combo, 12, 3)
        grid.addWidget(self.errors["ndc"], 13, 1, 1, 3)
        grid.addWidget(label("&Conc.", self.concentration_edit), 14, 0)
        grid.addWidget(self.concentration_edit, 14, 1)
        grid.addWidget(label("C&linic charge", self.charge_edit), 14, 2)
        grid.addWidget(self.charge_edit, 14, 3)
        grid.addWidget(self.errors["concentration"], 15, 1, 1, 3)
        grid.addWidget(self.errors["charge"], 16, 1, 1, 3)
        clinic_row = QHBoxLayout()
        clinic_row.setSpacing(4)
        clinic_row.addWidget(self.program_340b_check)
        clinic_row.addStretch(1)
        clinic_row.addWidget(self.remember_button)
        clinic_row.addWidget(self.save_charge_button)
        grid.addLayout(clinic_row, 17, 0, 1, 4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        bottom = QHBoxLayout()
        bottom.addWidget(self.errors["calculation"], 1)
        bottom.addStretch(0)
        bottom.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignTop)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(grid)
        outer.addLayout(bottom)
        outer.addStretch(1)
        self._on_container_combo_changed()

    def _wire(self) -> None:
        for edit in self._fields().values():
            edit.textChanged.connect(self._on_field_text_changed)
        self.program_340b_check.toggled.connect(self._on_field_text_changed)
        self.dose_edit.returnPressed.connect(self._on_dose_edit_return_pressed)
        self.date_edit.dateChanged.connect(self._on_date_edit_date_changed)
        self.container_combo.currentIndexChanged.connect(self._on_container_combo_changed)
        self.helpers_button.toggled.connect(self._on_helpers_button_toggled)
        self.helpers.doseChosen.connect(self._on_helpers_dose_chosen)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.ndc_edit.textChanged.connect(self._on_ndc_edit_text_changed)
        self.charge_edit.textChanged.connect(self._on_charge_edit_text_changed)
        self.qualifier_combo.activated.connect(self._on_qualifier_combo_activated)
        self.save_charge_button.clicked.connect(self._on_save_charge_button_clicked)
        self.remember_button.clicked.connect(self._on_remember_button_clicked)

    def _fields(self) -> dict[str, QLineEdit]:
        """The text fields by the names of :data:`jcalc.ui.dose_text.FIELDS`."""
        weight, height, bsa = self.body.edits()
        edits = (self.dose_edit, weight, height, bsa, self.packages_edit, self.others_edit,
                 self.ndc_edit, self.concentration_edit, self.units_edit,
                 self.charge_edit)  # fmt: skip
        return dict(zip(FIELDS, edits, strict=True))

    # -- state ---------------------------------------------------------------------------------
    @property
    def date_of_service(self) -> date:
        """The date of service as a ``datetime.date``."""
        value = self.date_edit.date().toPython()
        assert isinstance(value, date)
        return value

    def set_date_of_service(self, day: date) -> None:
        """Set the date of service."""
        self.date_edit.setDate(QDate(day.year, day.month, day.day))

    @property
    def container_type(self) -> ContainerType:
        """The container kind chosen."""
        kind = self.container_combo.currentData()
        return kind if isinstance(kind, ContainerType) else ContainerType.UNKNOWN

    def set_container_type(self, kind: ContainerType) -> None:
        """Choose the container kind."""
        for index, (_label, choice) in enumerate(CONTAINER_CHOICES):
            if choice is kind:
                self.container_combo.setCurrentIndex(index)

    def set_units_needed(self, needed: bool) -> None:
        """Show the hand-entered units field (for codes whose descriptor cannot be read)."""
        self._units_needed = needed
        self.units_label.setVisible(needed)
        self.units_edit.setVisible(needed)
        if not needed:
            self.units_edit.clear()

    def set_ndc_text(self, text: str) -> None:
        """Put an NDC in the NDC field (from the NDC list or a search by NDC)."""
        if self.ndc_edit.text() != text:
            self.ndc_edit.setText(text)

    @property
    def qualifier(self) -> str | None:
        """The unit qualifier chosen ("ML"), or None for Auto."""
        value = self.qualifier_combo.currentData()
        return value if isinstance(value, str) and value else None

    def set_qualifier(self, value: str | None) -> None:
        """Show ``value`` (None: Auto) in the qualifier selector without saving anything."""
        index = self.qualifier_combo.findData(value or "")
        self.qualifier_combo.setCurrentIndex(max(index, 0))

    @property
    def saved_charge(self) -> Decimal | None:
        """The clinic's saved charge of the picked code."""
        return self._saved_charge

    def set_saved_charge(self, charge: Decimal | None) -> None:
        """A code was picked: fill the charge field with its saved charge (blank: none)."""
        self._saved_charge = charge
        self.charge_edit.setPlaceholderText(
            "$ per unit (optional)" if charge is None else f"clinic's charge: {charge_text(charge)}"
        )
        self.charge_edit.setText(charge_text(charge))
        self._update_clinic_buttons()

    def set_clinic_editable(self, editable: bool) -> None:
        """Allow saving the clinic's charge and defaults (a code is picked, not read-only)."""
        self._clinic_editable = editable
        self._update_clinic_buttons()

    def _update_clinic_buttons(self) -> None:
        changed, forget = charge_change(self.charge_edit.text(), self._saved_charge)
        self.save_charge_button.setText(
            "Forget clinic charge" if forget else "Save as clinic charge"
        )
        self.save_charge_button.setToolTip(
            "Remove the clinic's saved charge of this code"
            if forget
            else "Save this charge as the clinic's charge per unit of this code"
        )
        self.save_charge_button.setEnabled(self._clinic_editable and changed)
        self.remember_button.setEnabled(self._clinic_editable)
        self.qualifier_combo.setEnabled(bool(self.ndc_edit.text().strip()))

    def clear_entry(self) -> None:
        """Empty the drug-specific fields for the next drug (the date of service stays)."""
        for name, edit in self._fields().items():
            if name not in BODY_FIELDS:  # the patient's weight stays for the visit's next drug
                edit.clear()
        self.set_container_type(ContainerType.UNKNOWN)
        self.program_340b_check.setChecked(False)
        self.set_qualifier(None)
        self.charge_edit.setText(charge_text(self._saved_charge))
        self.show_errors({})

    def is_blank(self) -> bool:
        """True when neither a dose nor hand-entered units were typed."""
        return not self.dose_edit.text().strip() and not (
            self._units_needed and self.units_edit.text().strip()
        )

    def texts(self) -> EntryTexts:
        """Every field as typed."""
        return EntryTexts(
            dose=self.dose_edit.text(),
            date_of_service=self.date_of_service,
            container=self.container_type,
            packages=self.packages_edit.text(),
            given_to_others=self.others_edit.text(),
            ndc=self.ndc_edit.text(),
            qualifier=self.qualifier,
            concentration=self.concentration_edit.text(),
            units=self.units_edit.text() if self._units_needed else "",
            charge=self.charge_edit.text(),
            program_340b=self.program_340b_check.isChecked(),
            weight=self.body.weight_edit.text(),
            height=self.body.height_edit.text(),
            bsa=self.body.bsa_edit.text(),
        )

    def check(self, code: str) -> EntryCheck:
        """Read every field; the engine input for ``code``, or the errors by field."""
        return check_entry(code, self.texts())

    def show_errors(self, errors: dict[str, str]) -> None:
        """Mark each field named in ``errors`` (red border and message); clear the others."""
        widgets = self._fields()
        for name, label in self.errors.items():
            message = errors.get(name, "")
            label.set_message(message)
            widget = widgets.get(name)
            if widget is not None:
                set_invalid(widget, bool(message))
        if "calculation" in errors and "dose" not in errors:
            set_invalid(self.dose_edit, True)

    # -- slots ---------------------------------------------------------------------------------
    @Slot()
    def _on_field_text_changed(self) -> None:
        self.changed.emit()

    @Slot()
    def _on_dose_edit_return_pressed(self) -> None:
        self.changed.emit()

    @Slot(QDate)
    def _on_date_edit_date_changed(self, _value: QDate) -> None:
        self.dateChanged.emit(self.date_of_service)
        self.changed.emit()

    @Slot()
    def _on_container_combo_changed(self) -> None:
        single = self.container_type is ContainerType.SINGLE_DOSE
        self.packages_edit.setEnabled(single)
        self.others_edit.setEnabled(single)
        if not single:
            self.packages_edit.clear()
            self.others_edit.clear()
        self.changed.emit()

    @Slot(bool)
    def _on_helpers_button_toggled(self, shown: bool) -> None:
        self.helpers.setVisible(shown)
        if shown:
            self.helpers.per_kg_edit.setFocus()

    @Slot(str)
    def _on_helpers_dose_chosen(self, text: str) -> None:
        self.dose_edit.setText(text)
        self.dose_edit.setFocus()

    @Slot()
    def _on_add_button_clicked(self) -> None:
        self.addRequested.emit()

    @Slot(str)
    def _on_ndc_edit_text_changed(self, text: str) -> None:
        self._update_clinic_buttons()
        self.ndcTextChanged.emit(text)

    @Slot(str)
    def _on_charge_edit_text_changed(self, _text: str) -> None:
        self._update_clinic_buttons()

    @Slot(int)
    def _on_qualifier_combo_activated(self, _index: int) -> None:
        self.qualifierChosen.emit(self.qualifier or "")
        self.changed.emit()

    @Slot()
    def _on_save_charge_button_clicked(self) -> None:
        self.saveChargeRequested.emit()

    @Slot()
    def _on_remember_button_clicked(self) -> None:
        self.rememberDefaultsRequested.emit()
