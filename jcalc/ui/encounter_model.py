"""The visit being billed: drug entries and administration code numbers, one row each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal

from jcalc.core.calculate import Calculation
from jcalc.core.claim import format_money
from jcalc.core.summary import AdministrationCode, SummaryEntry
from jcalc.service import CalcInput
from jcalc.ui.table_model import OBJECT_ROLE, ObjectTableModel


@dataclass(frozen=True)
class DrugItem:
    """A drug of the visit: what was typed and what the engine made of it."""

    entry: CalcInput
    calculation: Calculation

    @property
    def summary_entry(self) -> SummaryEntry:
        """The printable form of the calculation."""
        return SummaryEntry.from_calculation(self.calculation)


@dataclass(frozen=True)
class AdministrationItem:
    """An administration code number of the visit."""

    code: AdministrationCode


EncounterItem = DrugItem | AdministrationItem

COL_CODE = 0
COL_WHAT = 1
COL_LINES = 2
COL_ASP = 3
COLUMN_TITLES = ("Code", "What", "Lines", "ASP estimate")

ITEM_ROLE = OBJECT_ROLE  # the EncounterItem of the row


def lines_text(calc: Calculation) -> str:
    """ "45 units + 5 units JW" for the lines of one drug."""
    parts = []
    for line in calc.lines:
        mods = f" {line.modifiers_display}" if line.modifiers else ""
        unit = "unit" if line.units == 1 else "units"
        parts.append(f"{line.units} {unit}{mods}")
    return " + ".join(parts)


class EncounterModel(ObjectTableModel[EncounterItem]):
    """Rows of the visit: drug entries first in the order added, administration codes after.

    Signals:
        contentsChanged(): after any row was added, removed or recomputed.
    """

    contentsChanged = Signal()  # noqa: N815
    column_titles = COLUMN_TITLES

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._drugs: list[DrugItem] = []
        self._admin: list[AdministrationItem] = []

    # -- contents -------------------------------------------------------------------------------
    def items(self) -> list[EncounterItem]:
        """Every row's item, in row order."""
        return [*self._drugs, *self._admin]

    def drug_items(self) -> list[DrugItem]:
        """The drug entries, in the order added."""
        return list(self._drugs)

    def administration_codes(self) -> tuple[AdministrationCode, ...]:
        """The administration code numbers, in the order added."""
        return tuple(item.code for item in self._admin)

    def add_drug(self, entry: CalcInput, calculation: Calculation) -> int:
        """Append a drug entry; returns its row."""
        row = len(self._drugs)
        self.beginInsertRows(QModelIndex(), row, row)
        self._drugs.append(DrugItem(entry, calculation))
        self.endInsertRows()
        self.contentsChanged.emit()
        return row

    def add_administration(self, codes: Sequence[AdministrationCode]) -> None:
        """Append administration codes; a code already listed gets the new units added."""
        for code in codes:
            existing = next(
                (i for i, item in enumerate(self._admin) if item.code.code == code.code), None
            )
            if existing is not None:
                old = self._admin[existing].code
                self._admin[existing] = AdministrationItem(
                    AdministrationCode(old.code, old.units + code.units)
                )
                row = len(self._drugs) + existing
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMN_TITLES) - 1))
                continue
            row = len(self._drugs) + len(self._admin)
            self.beginInsertRows(QModelIndex(), row, row)
            self._admin.append(AdministrationItem(code))
            self.endInsertRows()
        if codes:
            self.contentsChanged.emit()

    def remove_row(self, row: int) -> bool:
        """Remove the row's item; False when there is no such row."""
        if not 0 <= row < self.rowCount():
            return False
        self.beginRemoveRows(QModelIndex(), row, row)
        if row < len(self._drugs):
            del self._drugs[row]
        else:
            del self._admin[row - len(self._drugs)]
        self.endRemoveRows()
        self.contentsChanged.emit()
        return True

    def replace_calculation(self, row: int, entry: CalcInput, calculation: Calculation) -> None:
        """Put a recomputed drug entry in place (e.g. after the date of service changed)."""
        if not 0 <= row < len(self._drugs):
            raise IndexError(row)
        self._drugs[row] = DrugItem(entry, calculation)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMN_TITLES) - 1))
        self.contentsChanged.emit()

    def clear(self) -> None:
        """Start a new visit."""
        if not self._drugs and not self._admin:
            return
        self.beginResetModel()
        self._drugs.clear()
        self._admin.clear()
        self.endResetModel()
        self.contentsChanged.emit()

    # -- rows (the base's Qt model interface reads them) ----------------------------------------
    def object_count(self) -> int:
        """Drug entries plus administration codes."""
        return len(self._drugs) + len(self._admin)

    def object_at(self, row: int) -> EncounterItem | None:
        """The item on ``row`` (drug entries first), or None."""
        if 0 <= row < len(self._drugs):
            return self._drugs[row]
        if 0 <= row - len(self._drugs) < len(self._admin):
            return self._admin[row - len(self._drugs)]
        return None

    def cell(self, item: EncounterItem, row: int, column: int, role: int) -> Any:
        """Display text (also as tooltip) per column."""
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if isinstance(item, DrugItem):
            calc = item.calculation
            if column == COL_CODE:
                return calc.drug.hcpcs
            if column == COL_WHAT:
                dose = str(calc.request.dose) if calc.request.dose else "units by hand"
                return f"{calc.drug.name}, {dose}"
            if column == COL_LINES:
                return lines_text(calc)
            if column == COL_ASP:
                total = calc.asp_total
                return format_money(total) if total is not None else "no ASP price"
            return None
        code = item.code
        if column == COL_CODE:
            return code.code
        if column == COL_WHAT:
            return code.label
        if column == COL_LINES:
            return f"{code.units} {'unit' if code.units == 1 else 'units'}"
        if column == COL_ASP:
            return ""
        return None
