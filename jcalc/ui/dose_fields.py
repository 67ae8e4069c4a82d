"""The dose panel's input widgets, made and labelled: the date field, the container and unit
qualifier choices, and the patient's weight, height and BSA for orders per kg or per m²."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QWidget,
)

from jcalc.core.ndc import NdcQualifier
from jcalc.ui.dose_text import AUTO_QUALIFIER, CONTAINER_CHOICES


class DateEdit(QDateEdit):
    """A date field that is one Tab stop (Left/Right and the arrows move inside it)."""

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802
        """Tab leaves the field instead of moving to its next section."""
        return QWidget.focusNextPrevChild(self, next)


def line_edit(parent: QWidget, name: str, placeholder: str, tip: str = "") -> QLineEdit:
    """A line edit with a clear button, its objectName, placeholder and tooltip."""
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    if tip:
        edit.setToolTip(tip)
    return edit


def container_combo(parent: QWidget) -> QComboBox:
    """Unknown / Single-dose / Multi-dose, each item's data its ContainerType."""
    combo = QComboBox(parent)
    combo.setObjectName("containerCombo")
    for label, kind in CONTAINER_CHOICES:
        combo.addItem(label, kind)
    combo.setToolTip("Single-dose containers need JW (discarded drug) or JZ (none discarded)")
    return combo


def qualifier_combo(parent: QWidget) -> QComboBox:
    """Auto and the NDC unit qualifiers, each with its meaning as a tooltip."""
    combo = QComboBox(parent)
    combo.setObjectName("qualifierCombo")
    combo.addItem(AUTO_QUALIFIER, "")
    combo.setItemData(
        0, "jcalc chooses: ML when the crosswalk gives the volume, else UN",
        Qt.ItemDataRole.ToolTipRole,
    )  # fmt: skip
    for qualifier in NdcQualifier:
        combo.addItem(qualifier.value, qualifier.value)
        combo.setItemData(combo.count() - 1, qualifier.meaning, Qt.ItemDataRole.ToolTipRole)
    combo.setToolTip(
        "NDC unit qualifier for the NDC quantity. A choice is saved for this NDC and used "
        "every time it is billed; Auto lets jcalc choose."
    )
    combo.setEnabled(False)
    return combo


def dose_edit(parent: QWidget) -> QLineEdit:
    """The dose field, in a larger font: the number the biller types first."""
    widget = QLineEdit(parent)
    widget.setObjectName("doseEdit")
    widget.setPlaceholderText("450 mg, 0.4 mg, 2 mL, 75 units")
    widget.setToolTip("The dose given: an amount and its unit in one field")
    widget.setClearButtonEnabled(True)
    font = widget.font()
    font.setPointSizeF(font.pointSizeF() * 1.25)
    widget.setFont(font)
    return widget


def helpers_button(parent: QWidget) -> QToolButton:
    """The toggle that shows the dose helpers."""
    widget = QToolButton(parent)
    widget.setObjectName("helpersButton")
    widget.setText("Helpers")
    widget.setToolTip("Work out the dose: mg/kg × kg, mg/m² × m², or mL at a concentration")
    widget.setCheckable(True)
    return widget


def date_edit(parent: QWidget) -> DateEdit:
    """The date of service, one Tab stop."""
    widget = DateEdit(QDate.currentDate(), parent)
    widget.setObjectName("dateEdit")
    widget.setCalendarPopup(True)
    widget.setDisplayFormat("yyyy-MM-dd")
    widget.setToolTip("Date of service")
    return widget


def packages_edit(parent: QWidget) -> QLineEdit:
    """The opened containers: contents, NDCs or "auto" (as ``jcalc calc --package``)."""
    widget = line_edit(parent, "packagesEdit", "fewest items of the NDC, or: 500 mg, 100 mg · auto")
    widget.setToolTip(
        "Each opened single-dose container by content ('500 mg, 100 mg', '3 x 100 mg') or "
        "by NDC ('50242-0053-06, 50242-0051-21': one line per NDC). 'auto' picks the NDC's "
        "labeler's containers with the least discarded drug. Blank: the fewest containers "
        "of the picked NDC."
    )
    return widget


def others_edit(parent: QWidget) -> QLineEdit:
    """Drug from the same opened containers given to other patients (a shared vial)."""
    widget = line_edit(parent, "givenToOthersEdit", "shared vial: e.g. 40 units")
    widget.setToolTip(
        "Only where the payer allows one single-dose container for several patients: the drug "
        "from the same opened containers given to other patients. The waste (contents - this "
        "dose - others) is billed with JW on this claim only, as `jcalc calc --given-to-others`."
    )
    return widget


def program_340b_check(parent: QWidget) -> QCheckBox:
    """The 340B box: TB (or JG) on every line of the drug."""
    widget = QCheckBox("34&0B", parent)
    widget.setObjectName("program340bCheck")
    widget.setToolTip(
        "340B-acquired drug: TB on every line (JG or TB by the clinic's entity type before "
        "2025). Unchecked, the clinic's 340B setting applies."
    )
    return widget


def save_charge_button(parent: QWidget) -> QPushButton:
    """Saves (or forgets) the clinic's charge of the code."""
    widget = QPushButton("Save as clinic charge", parent)
    widget.setObjectName("saveChargeButton")
    widget.setToolTip("Save this charge as the clinic's charge per unit")
    widget.setEnabled(False)
    return widget


def remember_button(parent: QWidget) -> QPushButton:
    """Remembers the NDC, container type and administration codes of the code."""
    widget = QPushButton("Remem&ber as default", parent)
    widget.setObjectName("rememberDefaultsButton")
    widget.setToolTip(
        "Remember this NDC, container type and the administration codes (typed, else those "
        "of the visit) for the code: they are filled in when it is picked"
    )
    widget.setEnabled(False)
    return widget


class BodyFields(QWidget):
    """The patient's weight, height and BSA, used when the dose is an order per kg or per m²
    ("5 mg/kg", "375 mg/m2"), exactly as ``jcalc calc --weight/--height/--bsa``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bodyFields")
        self.weight_edit = line_edit(
            self, "patientWeightEdit", "70 kg",
            "Patient's weight for an order per kg (5 mg/kg), or with the height for the BSA",
        )  # fmt: skip
        self.height_edit = line_edit(
            self, "patientHeightEdit", "170 cm",
            "Patient's height: with the weight, the BSA by the Mosteller formula",
        )  # fmt: skip
        self.bsa_edit = line_edit(
            self, "patientBsaEdit", "1.87",
            "Body surface area in m² for an order per m² (375 mg/m2); wins over height and weight",
        )  # fmt: skip
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        self.labels: list[QLabel] = []
        for text, edit in (
            ("&Weight", self.weight_edit),
            ("H&eight", self.height_edit),
            ("BSA m&2", self.bsa_edit),
        ):
            label = QLabel(text, self)
            label.setBuddy(edit)
            self.labels.append(label)
            row.addWidget(label)
            row.addWidget(edit, 1)

    def edits(self) -> tuple[QLineEdit, QLineEdit, QLineEdit]:
        """Weight, height and BSA fields, in Tab order."""
        return self.weight_edit, self.height_edit, self.bsa_edit

    def clear(self) -> None:
        """Empty the three fields (a new patient's visit)."""
        for edit in self.edits():
            edit.clear()
