"""The clinic's billing settings in the settings dialog: 340B and the entity type, units per
claim line, the repeat modifier, and concentrations saved per NDC.

Stored through :meth:`jcalc.userdata.clinic.ClinicStore.set_billing`, the API behind
``jcalc clinic set-340b / set-units-per-line / set-repeat-modifier / set-concentration``; every
value is checked by :mod:`jcalc.userdata.billing_settings` before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from jcalc.calc_options import NO_MODIFIER
from jcalc.core.billing import DEFAULT_MAX_UNITS_PER_LINE, DEFAULT_REPEAT_MODIFIER, Entity340B
from jcalc.core.ndc import format_ndc
from jcalc.ui.widgets import FOCUS_STYLE
from jcalc.userdata import billing_settings as keys
from jcalc.userdata.billing_settings import BillingSettingError
from jcalc.userdata.clinic import ClinicStore

DEFAULT_CHOICE = ""  # the combo's data for "back to the cited default" (the key is removed)
MAX_CONCENTRATION_LINES = 200


def concentration_lines(billing: Mapping[str, str]) -> str:
    """The saved concentrations as "44206-0437-10 = 10%" lines, by NDC."""
    rows = sorted(
        (key[len(keys.CONCENTRATION_PREFIX) :], value)
        for key, value in billing.items()
        if key.startswith(keys.CONCENTRATION_PREFIX)
    )
    return "\n".join(f"{format_ndc(ndc)} = {value}" for ndc, value in rows)


def parse_concentration_lines(text: str) -> dict[str, str]:
    """ "NDC = concentration" lines → {settings key: checked concentration}; the error names the
    line that is wrong."""
    out: dict[str, str] = {}
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_CONCENTRATION_LINES:
        raise BillingSettingError(f"more than {MAX_CONCENTRATION_LINES} NDC concentrations")
    for number, line in enumerate(lines, start=1):
        ndc, sep, concentration = line.partition("=")
        if not sep or not ndc.strip() or not concentration.strip():
            raise BillingSettingError(
                f"concentration line {number} '{line[:60]}' is not 'NDC = concentration', "
                "such as 44206-0437-10 = 10%"
            )
        try:
            key = keys.concentration_key(ndc.strip())
            out[key] = keys.parse_concentration_text(concentration.strip())
        except BillingSettingError as error:
            raise BillingSettingError(f"concentration line {number}: {error}") from None
    return out


class BillingSettingsBox(QGroupBox):
    """The billing settings, read from ``store`` when made; :meth:`changes` checks what was
    typed, :meth:`save` writes it."""

    def __init__(self, *, store: ClinicStore, parent: QWidget | None = None) -> None:
        super().__init__("Billing rules of this clinic", parent)
        self.setObjectName("billingSettingsBox")
        self.setStyleSheet(FOCUS_STYLE)
        self._store = store
        billing = dict(store.settings().billing)
        self._saved = billing
        self.program_340b_check = QCheckBox("340&B-acquired drugs by default", self)
        self.program_340b_check.setObjectName("clinic340bCheck")
        self.program_340b_check.setChecked(billing.get(keys.KEY_340B) == "1")
        self.program_340b_check.setToolTip(
            "TB on every line of a drug, the JW line too (JG or TB by entity type before "
            "2025). The 340B box of an entry can still turn it on for one drug."
        )
        self.entity_combo = QComboBox(self)
        self.entity_combo.setObjectName("entity340bCombo")
        for entity in Entity340B:
            self.entity_combo.addItem(f"{entity.value}: {entity.meaning}", entity.value)
        self.entity_combo.setCurrentIndex(
            max(self.entity_combo.findData(billing.get(keys.KEY_ENTITY, "unspecified")), 0)
        )
        self.entity_combo.setToolTip("Before 2025: exempt hospitals used TB, the others JG")
        self.units_edit = QLineEdit(billing.get(keys.KEY_MAX_UNITS, ""), self)
        self.units_edit.setObjectName("unitsPerLineEdit")
        self.units_edit.setPlaceholderText(f"{DEFAULT_MAX_UNITS_PER_LINE} (the default)")
        self.units_edit.setToolTip(
            "Units one claim line may carry (1 to 9,999); more go on repeated lines. Blank: "
            f"{DEFAULT_MAX_UNITS_PER_LINE:,}, the most the claim's units field holds."
        )
        self.repeat_combo = QComboBox(self)
        self.repeat_combo.setObjectName("repeatModifierCombo")
        for label, value in (
            (f"Default ({DEFAULT_REPEAT_MODIFIER})", DEFAULT_CHOICE),
            ("76: repeat procedure by the same physician", "76"),
            ("77: repeat procedure by another physician", "77"),
            ("none", NO_MODIFIER),
        ):
            self.repeat_combo.addItem(label, value)
        self.repeat_combo.setCurrentIndex(
            max(self.repeat_combo.findData(billing.get(keys.KEY_REPEAT, DEFAULT_CHOICE)), 0)
        )
        self.repeat_combo.setToolTip("The modifier on the second and later lines of a drug")
        self.concentration_edit = QPlainTextEdit(concentration_lines(billing), self)
        self.concentration_edit.setObjectName("ndcConcentrationsEdit")
        self.concentration_edit.setPlaceholderText("44206-0437-10 = 10%\n(one NDC per line)")
        self.concentration_edit.setTabChangesFocus(True)
        self.concentration_edit.setFixedHeight(
            self.concentration_edit.fontMetrics().lineSpacing() * 4 + 12
        )
        self.concentration_edit.setToolTip(
            "The concentration on an NDC's label ('100 mg/mL', '10%'): it wins over one derived "
            "from the crosswalk's package size. Delete a line to forget it."
        )
        form = QFormLayout(self)
        form.addRow("", self.program_340b_check)
        form.addRow("340B &entity type", self.entity_combo)
        form.addRow("&Units per line", self.units_edit)
        form.addRow("Repeat &modifier", self.repeat_combo)
        form.addRow("NDC c&oncentrations", self.concentration_edit)

    def inputs(self) -> tuple[QWidget, ...]:
        """The box's inputs in Tab order."""
        return (
            self.program_340b_check,
            self.entity_combo,
            self.units_edit,
            self.repeat_combo,
            self.concentration_edit,
        )

    def changes(self) -> dict[str, str | None]:
        """Every setting that differs from the saved one (None: remove it), checked first;
        BillingSettingError names the first value that is wrong."""
        wanted: dict[str, str | None] = {
            keys.KEY_340B: keys.parse_on_off(self.program_340b_check.isChecked()),
            keys.KEY_ENTITY: str(self.entity_combo.currentData()),
            keys.KEY_MAX_UNITS: (
                keys.parse_max_units(self.units_edit.text())
                if self.units_edit.text().strip()
                else None
            ),
            keys.KEY_REPEAT: str(self.repeat_combo.currentData()) or None,
        }
        concentrations = parse_concentration_lines(self.concentration_edit.toPlainText())
        for key in self._saved:
            if key.startswith(keys.CONCENTRATION_PREFIX) and key not in concentrations:
                wanted[key] = None
        wanted.update(concentrations)
        if wanted[keys.KEY_ENTITY] == Entity340B.UNSPECIFIED.value:
            wanted[keys.KEY_ENTITY] = None if keys.KEY_ENTITY not in self._saved else "unspecified"
        if wanted[keys.KEY_340B] == "0" and keys.KEY_340B not in self._saved:
            wanted[keys.KEY_340B] = None
        return {key: value for key, value in wanted.items() if self._saved.get(key) != value}

    def save(self, changes: Mapping[str, str | None]) -> None:
        """Write checked ``changes`` (from :meth:`changes`) through the clinic store."""
        for key, value in changes.items():
            self._store.set_billing(key, value)
