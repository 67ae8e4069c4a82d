"""Dose entry: dose, date of service, containers, NDC, and the helpers that feed the dose field.

The panel only reads and checks what was typed (with the core's parsers, so a field can be marked
where it is wrong); every figure is computed by :func:`jcalc.service.calculate_from_text`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDate, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from jcalc.calc_options import BillingChoice
from jcalc.core.body import bsa_from_text, parse_weight, scaled_dose
from jcalc.core.containers import ContainerType
from jcalc.core.errors import JcalcError
from jcalc.core.ndc import AmbiguousNdcError, NdcQualifier, normalize_ndc
from jcalc.core.packages import parse_packages
from jcalc.core.quantity import (
    Dimension,
    Quantity,
    format_decimal,
    parse_concentration,
    parse_quantity,
)
from jcalc.service import CalcInput
from jcalc.ui.widgets import INVALID_STYLE, FieldError, set_invalid

CONTAINER_CHOICES: tuple[tuple[str, ContainerType], ...] = (
    ("Unknown", ContainerType.UNKNOWN),
    ("Single-dose", ContainerType.SINGLE_DOSE),
    ("Multi-dose", ContainerType.MULTI_DOSE),
)

FIELDS = ("dose", "packages", "ndc", "concentration", "units", "charge")
AUTO_QUALIFIER = "Auto"

_COUNT_PREFIX_RE = re.compile(r"^(?P<count>\d+)\s*[x×*]\s*(?P<rest>.+)$", re.IGNORECASE)

DoseFunction = Callable[[], Quantity]


def split_packages(text: str) -> tuple[str, ...]:
    """ "500 mg, 100 mg" or "3 x 100 mg" → one text per opened container."""
    out: list[str] = []
    for part in re.split(r"[,;+]", text):
        part = part.strip()
        if not part:
            continue
        match = _COUNT_PREFIX_RE.match(part)
        if match and int(match.group("count")) <= 200:
            out.extend([match.group("rest").strip()] * int(match.group("count")))
        else:
            out.append(part)
    return tuple(out)


def parse_charge(text: str) -> Decimal | None:
    """ "$12.50" or "1,200" as a positive Decimal; None when blank; ValueError otherwise."""
    cleaned = text.strip().replace("$", "").replace(",", "").strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"'{text.strip()}' is not an amount of money, such as 12.50") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"'{text.strip()}' is not an amount of money, such as 12.50")
    return value


def _weight_kg(text: str) -> Decimal:
    return parse_weight(text)[0]  # the core's rounding and bounds, as in `jcalc calc --weight`


def _bsa_m2(text: str) -> Decimal:
    return bsa_from_text(text)[0]  # "1.87", or "170 cm 70 kg" by the Mosteller formula


def _per_amount(text: str, what: str) -> Quantity:
    cleaned = re.sub(r"\s*/\s*(kg|m²|m2)\s*$", "", text.strip(), flags=re.IGNORECASE)
    quantity = parse_quantity(cleaned, what=what)
    if quantity.unit.dimension in (Dimension.VOLUME, Dimension.COUNT):
        raise JcalcError(f"the {what} '{text.strip()}' must be an amount of drug, such as 5 mg")
    return quantity


def _product(amount: Quantity, factor: Decimal) -> Quantity:
    return scaled_dose(amount, factor)[0]


class DoseHelpers(QFrame):
    """Weight-, BSA- and concentration-based helpers that work out a dose for the dose field.

    Signals:
        doseChosen(str): the worked-out dose text ("701.25 mg") to put in the dose field.
    """

    doseChosen = Signal(str)  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("doseHelpers")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.per_kg_edit = self._edit("perKgEdit", "5 mg", "dose per kg of body weight")
        self.weight_edit = self._edit("weightEdit", "70", "weight in kg (or '154 lb')")
        self.per_m2_edit = self._edit("perM2Edit", "375 mg", "dose per m² of body surface")
        self.bsa_edit = self._edit(
            "bsaEdit", "1.87", "body surface area in m², or height and weight: 170 cm 70 kg"
        )
        self.volume_edit = self._edit("volumeEdit", "45 mL", "volume given")
        self.helper_concentration_edit = self._edit(
            "helperConcentrationEdit", "10 mg/mL", "concentration of the product"
        )
        self.weight_result = QLabel(self)
        self.bsa_result = QLabel(self)
        self.volume_result = QLabel(self)
        self.weight_button = QPushButton("Use", self)
        self.bsa_button = QPushButton("Use", self)
        self.volume_button = QPushButton("Use", self)
        for name, button in (
            ("useWeightButton", self.weight_button),
            ("useBsaButton", self.bsa_button),
            ("useVolumeButton", self.volume_button),
        ):
            button.setObjectName(name)
            button.setEnabled(False)
            button.setAutoDefault(False)

        grid = QGridLayout(self)
        grid.setContentsMargins(6, 4, 6, 4)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(3)
        rows = (
            (self.per_kg_edit, "per kg ×", self.weight_edit, "kg", self.weight_result,
             self.weight_button),
            (self.per_m2_edit, "per m² ×", self.bsa_edit, "m²", self.bsa_result, self.bsa_button),
            (self.volume_edit, "of", self.helper_concentration_edit, "", self.volume_result,
             self.volume_button),
        )  # fmt: skip
        for index, (first, between, second, after, result, button) in enumerate(rows):
            row = 2 * index
            grid.addWidget(first, row, 0)
            grid.addWidget(QLabel(between, self), row, 1)
            grid.addWidget(second, row, 2)
            grid.addWidget(QLabel(after, self), row, 3)
            grid.addWidget(button, row, 5)
            grid.addWidget(result, row + 1, 0, 1, 6)  # a note or an error, under its row
            result.setWordWrap(True)
            result.hide()
        grid.setColumnStretch(4, 1)
        self._wire()

    def _edit(self, name: str, placeholder: str, tip: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        edit.setToolTip(tip)
        edit.setMaximumWidth(110)
        return edit

    def _wire(self) -> None:
        for edit in (self.per_kg_edit, self.weight_edit):
            edit.textChanged.connect(self._on_weight_text_changed)
            edit.returnPressed.connect(self._on_weight_button_clicked)
        for edit in (self.per_m2_edit, self.bsa_edit):
            edit.textChanged.connect(self._on_bsa_text_changed)
            edit.returnPressed.connect(self._on_bsa_button_clicked)
        for edit in (self.volume_edit, self.helper_concentration_edit):
            edit.textChanged.connect(self._on_volume_text_changed)
            edit.returnPressed.connect(self._on_volume_button_clicked)
        self.weight_button.clicked.connect(self._on_weight_button_clicked)
        self.bsa_button.clicked.connect(self._on_bsa_button_clicked)
        self.volume_button.clicked.connect(self._on_volume_button_clicked)

    # -- the three computations ----------------------------------------------------------------
    def weight_dose(self) -> Quantity:
        """Dose per kg × weight; JcalcError naming what is wrong."""
        per_kg = _per_amount(self.per_kg_edit.text(), "dose per kg")
        return _product(per_kg, _weight_kg(self.weight_edit.text()))

    def bsa_dose(self) -> Quantity:
        """Dose per m² × body surface area; JcalcError naming what is wrong."""
        per_m2 = _per_amount(self.per_m2_edit.text(), "dose per m²")
        return _product(per_m2, _bsa_m2(self.bsa_edit.text()))

    def volume_dose(self) -> Quantity:
        """Drug in the given volume at the given concentration; JcalcError when unusable."""
        volume = parse_quantity(self.volume_edit.text(), what="volume")
        if volume.unit.dimension is not Dimension.VOLUME:
            raise JcalcError(f"'{self.volume_edit.text().strip()}' is not a volume, such as 45 mL")
        concentration = parse_concentration(self.helper_concentration_edit.text())
        amount = concentration.amount_in(volume)
        return Quantity(amount.amount.quantize(Decimal("0.0001")).normalize(), amount.unit)

    @staticmethod
    def _update(
        result: QLabel,
        button: QPushButton,
        texts: tuple[str, str],
        compute: DoseFunction,
        note: Callable[[], str] = lambda: "",
    ) -> None:
        button.setText("Use")
        button.setEnabled(False)
        if not all(t.strip() for t in texts):
            result.setText("")
        else:
            try:
                quantity = compute()
            except JcalcError as error:
                result.setText(str(error))
                result.setProperty("role", "fieldError")
            else:
                button.setText(f"Use {quantity}")
                button.setEnabled(True)
                result.setText(note())
                result.setProperty("role", "hint")
        result.setVisible(bool(result.text()))
        result.style().unpolish(result)
        result.style().polish(result)

    def _choose(self, button: QPushButton, compute: DoseFunction) -> None:
        if not button.isEnabled():
            return
        try:
            quantity = compute()
        except JcalcError:
            return
        self.doseChosen.emit(str(quantity))

    @Slot()
    def _on_weight_text_changed(self) -> None:
        self._update(
            self.weight_result,
            self.weight_button,
            (self.per_kg_edit.text(), self.weight_edit.text()),
            self.weight_dose,
            self._weight_note,
        )

    def _weight_note(self) -> str:
        text = self.weight_edit.text().strip()
        if text.lower().endswith(("lb", "lbs")):
            return f"{text} = {format_decimal(_weight_kg(text))} kg"
        return ""

    @Slot()
    def _on_bsa_text_changed(self) -> None:
        self._update(
            self.bsa_result,
            self.bsa_button,
            (self.per_m2_edit.text(), self.bsa_edit.text()),
            self.bsa_dose,
            lambda: " ".join(bsa_from_text(self.bsa_edit.text())[1]),
        )

    @Slot()
    def _on_volume_text_changed(self) -> None:
        self._update(
            self.volume_result,
            self.volume_button,
            (self.volume_edit.text(), self.helper_concentration_edit.text()),
            self.volume_dose,
        )

    @Slot()
    def _on_weight_button_clicked(self) -> None:
        self._choose(self.weight_button, self.weight_dose)

    @Slot()
    def _on_bsa_button_clicked(self) -> None:
        self._choose(self.bsa_button, self.bsa_dose)

    @Slot()
    def _on_volume_button_clicked(self) -> None:
        self._choose(self.volume_button, self.volume_dose)


@dataclass(frozen=True)
class EntryCheck:
    """What the panel's fields make: the engine's input, or the errors per field."""

    entry: CalcInput | None
    errors: dict[str, str]


def charge_text(value: Decimal | None) -> str:
    """A charge as typed in the charge field: "12.50" (blank for None)."""
    return "" if value is None else format(value, "f")


class DateEdit(QDateEdit):
    """A date field that is one Tab stop (Left/Right and the arrows move inside it)."""

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802
        """Tab leaves the field instead of moving to its next section."""
        return QWidget.focusNextPrevChild(self, next)


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

        self.dose_edit = QLineEdit(self)
        self.dose_edit.setObjectName("doseEdit")
        self.dose_edit.setPlaceholderText("450 mg, 0.4 mg, 2 mL, 75 units")
        self.dose_edit.setToolTip("The dose given: an amount and its unit in one field")
        self.dose_edit.setClearButtonEnabled(True)
        font = self.dose_edit.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.dose_edit.setFont(font)
        self.helpers_button = QToolButton(self)
        self.helpers_button.setObjectName("helpersButton")
        self.helpers_button.setText("Helpers")
        self.helpers_button.setToolTip(
            "Work out the dose: mg/kg × kg, mg/m² × m², or mL at a concentration"
        )
        self.helpers_button.setCheckable(True)
        self.helpers = DoseHelpers(self)
        self.helpers.hide()

        self.date_edit = DateEdit(QDate.currentDate(), self)
        self.date_edit.setObjectName("dateEdit")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setToolTip("Date of service")
        self.container_combo = QComboBox(self)
        self.container_combo.setObjectName("containerCombo")
        for label, kind in CONTAINER_CHOICES:
            self.container_combo.addItem(label, kind)
        self.container_combo.setToolTip(
            "Single-dose containers need JW (discarded drug) or JZ (none discarded)"
        )
        self.packages_edit = self._line_edit(
            "packagesEdit", "fewest items of the NDC, or: 500 mg, 100 mg · auto"
        )
        self.packages_edit.setToolTip(
            "Each opened single-dose container by content ('500 mg, 100 mg', '3 x 100 mg') or "
            "by NDC ('50242-0053-06, 50242-0051-21': one line per NDC). 'auto' picks the NDC's "
            "labeler's containers with the least discarded drug. Blank: the fewest containers "
            "of the picked NDC."
        )
        self.program_340b_check = QCheckBox("34&0B", self)
        self.program_340b_check.setObjectName("program340bCheck")
        self.program_340b_check.setToolTip(
            "340B-acquired drug: TB on every line (JG or TB by the clinic's entity type before "
            "2025). Unchecked, the clinic's 340B setting applies."
        )
        self.ndc_edit = self._line_edit("ndcEdit", "pick above or type")
        self.concentration_edit = self._line_edit("concentrationEdit", "e.g. 10 mg/mL")
        self.concentration_edit.setToolTip(
            "Drug per mL, needed for a dose in mL when the NDC does not give it"
        )
        self.units_edit = self._line_edit("unitsEdit", "billing units")
        self.units_edit.setToolTip("This code's descriptor cannot be read: type the units yourself")
        self.charge_edit = self._line_edit("chargeEdit", "$ per unit (optional)")
        self.charge_edit.setToolTip(
            "The clinic's own charge per billing unit. Filled in with the charge saved for the "
            "code; left blank, the saved charge applies."
        )
        self.save_charge_button = QPushButton("Save as clinic charge", self)
        self.save_charge_button.setObjectName("saveChargeButton")
        self.save_charge_button.setToolTip("Save this charge as the clinic's charge per unit")
        self.save_charge_button.setEnabled(False)
        self.qualifier_combo = QComboBox(self)
        self.qualifier_combo.setObjectName("qualifierCombo")
        self.qualifier_combo.addItem(AUTO_QUALIFIER, "")
        self.qualifier_combo.setItemData(
            0,
            "jcalc chooses: ML when the crosswalk gives the volume, else UN",
            Qt.ItemDataRole.ToolTipRole,
        )
        for qualifier in NdcQualifier:
            self.qualifier_combo.addItem(qualifier.value, qualifier.value)
            self.qualifier_combo.setItemData(
                self.qualifier_combo.count() - 1, qualifier.meaning, Qt.ItemDataRole.ToolTipRole
            )
        self.qualifier_combo.setToolTip(
            "NDC unit qualifier for the NDC quantity. A choice is saved for this NDC and used "
            "every time it is billed; Auto lets jcalc choose."
        )
        self.qualifier_combo.setEnabled(False)
        self.remember_button = QPushButton("Remem&ber as default", self)
        self.remember_button.setObjectName("rememberDefaultsButton")
        self.remember_button.setToolTip(
            "Remember this NDC, container type and the administration codes (typed, else those "
            "of the visit) for the code: they are filled in when it is picked"
        )
        self.remember_button.setEnabled(False)

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

    def _line_edit(self, name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        edit.setClearButtonEnabled(True)
        return edit

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

        self.units_label = QLabel("&Units", self)
        self.units_label.setBuddy(self.units_edit)
        grid.addWidget(self.units_label, 3, 0)
        grid.addWidget(self.units_edit, 3, 1, 1, 3)
        grid.addWidget(self.errors["units"], 4, 1, 1, 3)
        self.units_label.hide()
        self.units_edit.hide()

        def label(text: str, buddy: QWidget) -> QLabel:
            widget = QLabel(text, self)
            widget.setBuddy(buddy)
            return widget

        grid.addWidget(label("Da&te of service", self.date_edit), 5, 0)
        grid.addWidget(self.date_edit, 5, 1)
        grid.addWidget(label("C&ontainer", self.container_combo), 5, 2)
        grid.addWidget(self.container_combo, 5, 3)
        grid.addWidget(label("Op&ened", self.packages_edit), 6, 0)
        grid.addWidget(self.packages_edit, 6, 1, 1, 3)
        grid.addWidget(self.errors["packages"], 7, 1, 1, 3)
        grid.addWidget(label("&NDC", self.ndc_edit), 8, 0)
        grid.addWidget(self.ndc_edit, 8, 1)
        grid.addWidget(label("&Qualifier", self.qualifier_combo), 8, 2)
        grid.addWidget(self.qualifier_combo, 8, 3)
        grid.addWidget(self.errors["ndc"], 9, 1, 1, 3)
        grid.addWidget(label("&Conc.", self.concentration_edit), 10, 0)
        grid.addWidget(self.concentration_edit, 10, 1)
        grid.addWidget(label("C&linic charge", self.charge_edit), 10, 2)
        grid.addWidget(self.charge_edit, 10, 3)
        grid.addWidget(self.errors["concentration"], 11, 1, 1, 3)
        grid.addWidget(self.errors["charge"], 12, 1, 1, 3)
        clinic_row = QHBoxLayout()
        clinic_row.setSpacing(4)
        clinic_row.addWidget(self.program_340b_check)
        clinic_row.addStretch(1)
        clinic_row.addWidget(self.remember_button)
        clinic_row.addWidget(self.save_charge_button)
        grid.addLayout(clinic_row, 13, 0, 1, 4)
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
        for edit in (
            self.dose_edit,
            self.packages_edit,
            self.ndc_edit,
            self.concentration_edit,
            self.units_edit,
            self.charge_edit,
        ):
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
        try:
            typed = parse_charge(self.charge_edit.text())
        except ValueError:
            typed, valid = None, False
        else:
            valid = True
        changed = valid and typed != self._saved_charge
        forget = valid and typed is None and self._saved_charge is not None
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
        for edit in (
            self.dose_edit,
            self.packages_edit,
            self.ndc_edit,
            self.concentration_edit,
            self.units_edit,
            self.charge_edit,
        ):
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

    def check(self, code: str) -> EntryCheck:
        """Read every field; the engine input for ``code``, or the errors by field."""
        errors: dict[str, str] = {}
        dose_text = self.dose_edit.text().strip()
        if dose_text:
            try:
                parse_quantity(dose_text)
            except JcalcError as error:
                errors["dose"] = str(error)
        packages = split_packages(self.packages_edit.text())
        try:
            parse_packages(packages)  # contents, NDCs or "auto", as `jcalc calc --package`
        except JcalcError as error:
            errors["packages"] = str(error)
        ndc_text = self.ndc_edit.text().strip()
        if ndc_text:
            try:
                normalize_ndc(ndc_text)
            except AmbiguousNdcError:
                pass  # the service resolves it against the catalog, or says why it cannot
            except JcalcError as error:
                errors["ndc"] = str(error)
        concentration = self.concentration_edit.text().strip()
        if concentration:
            try:
                parse_concentration(concentration)
            except JcalcError as error:
                errors["concentration"] = str(error)
        units: int | None = None
        units_text = self.units_edit.text().strip() if self._units_needed else ""
        if units_text:
            if units_text.isdigit() and int(units_text) >= 1:
                units = int(units_text)
            else:
                errors["units"] = f"'{units_text}' is not a whole number of units (1 or more)"
        charge: Decimal | None = None
        try:
            charge = parse_charge(self.charge_edit.text())
        except ValueError as error:
            errors["charge"] = str(error)
        if errors:
            return EntryCheck(None, errors)
        entry = CalcInput(
            code=code,
            dose=dose_text or None,
            date_of_service=self.date_of_service,
            packages=packages,
            ndc=ndc_text or None,
            container=self.container_type,
            units=units,
            concentration=concentration or None,
            qualifier=self.qualifier,
            charge_per_unit=charge,
            billing=BillingChoice(
                program_340b=True if self.program_340b_check.isChecked() else None
            ),
        )
        return EntryCheck(entry, {})

    def show_errors(self, errors: dict[str, str]) -> None:
        """Mark each field named in ``errors`` (red border and message); clear the others."""
        widgets: dict[str, QWidget] = {
            "dose": self.dose_edit,
            "packages": self.packages_edit,
            "ndc": self.ndc_edit,
            "concentration": self.concentration_edit,
            "units": self.units_edit,
            "charge": self.charge_edit,
        }
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
        if not single:
            self.packages_edit.clear()
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
