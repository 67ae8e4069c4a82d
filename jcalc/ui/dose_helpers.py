"""The dose helpers: a dose worked out from mg/kg × kg, mg/m² × m², or mL at a concentration,
put in the dose field with one click. The figures come from :mod:`jcalc.core.body` and
:mod:`jcalc.core.quantity` (no arithmetic here)."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QLineEdit, QPushButton, QWidget

from jcalc.core.body import bsa_from_text, parse_weight, scaled_dose
from jcalc.core.errors import JcalcError
from jcalc.core.quantity import (
    Dimension,
    Quantity,
    format_decimal,
    parse_concentration,
    parse_quantity,
)

DoseFunction = Callable[[], Quantity]


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
