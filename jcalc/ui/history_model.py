"""Table model over logged summaries (the printed-summary log), newest first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from jcalc.userdata.history import LoggedSummary

Index = QModelIndex | QPersistentModelIndex

COL_TIME = 0
COL_ACTION = 1
COL_REFERENCE = 2
COL_CODES = 3
COL_QUARTER = 4
COL_PATIENT = 5
COLUMN_TITLES = ("Printed", "How", "Reference", "Codes", "Quarter", "Patient")

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1  # the LoggedSummary of the row

ACTION_WORDS = {"printed": "printed", "saved": "saved PDF"}


def display_row(entry: LoggedSummary) -> tuple[str, str, str, str, str, str]:
    """The cells of one logged summary."""
    return (
        entry.printed_at.strftime("%Y-%m-%d %H:%M"),
        ACTION_WORDS.get(entry.action, entry.action),
        entry.reference,
        " ".join(entry.codes),
        entry.catalog_quarter,
        entry.patient_name or "",
    )


class HistoryTableModel(QAbstractTableModel):
    """Rows of logged summaries; replaced as a whole by :meth:`set_entries`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[LoggedSummary] = []
        self._rows: list[tuple[str, str, str, str, str, str]] = []

    def set_entries(self, entries: Sequence[LoggedSummary]) -> None:
        """Show ``entries`` (already filtered and ordered by the log)."""
        self.beginResetModel()
        self._entries = list(entries)
        self._rows = [display_row(entry) for entry in self._entries]
        self.endResetModel()

    def entry(self, row: int) -> LoggedSummary | None:
        """The logged summary on ``row``, or None."""
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def row_of(self, log_id: int) -> int:
        """The row of a logged summary by its number, or -1."""
        return next((row for row, e in enumerate(self._entries) if e.id == log_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Number of logged summaries listed."""
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Fixed columns: time, how, reference, codes, quarter, patient."""
        return 0 if parent.isValid() else len(COLUMN_TITLES)

    def headerData(  # noqa: N802
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Column titles."""
        if (
            orientation is Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMN_TITLES)
        ):
            return COLUMN_TITLES[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text (also as tooltip) and the logged summary (ENTRY_ROLE)."""
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self._entries):
            return None
        if not 0 <= index.column() < len(COLUMN_TITLES):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._rows[row][index.column()]
        if role == ENTRY_ROLE:
            return self._entries[row]
        return None
