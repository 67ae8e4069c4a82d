"""Table model over logged summaries (the printed-summary log), newest first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt

from jcalc.ui.table_model import OBJECT_ROLE, ObjectTableModel
from jcalc.userdata.history import LoggedSummary

COL_TIME = 0
COL_ACTION = 1
COL_REFERENCE = 2
COL_CODES = 3
COL_QUARTER = 4
COL_PATIENT = 5
COLUMN_TITLES = ("Printed", "How", "Reference", "Codes", "Quarter", "Patient")

ENTRY_ROLE = OBJECT_ROLE  # the LoggedSummary of the row

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


class HistoryTableModel(ObjectTableModel[LoggedSummary]):
    """Rows of logged summaries; replaced as a whole by :meth:`set_entries`."""

    column_titles = COLUMN_TITLES

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str, str, str, str, str]] = []

    def set_entries(self, entries: Sequence[LoggedSummary]) -> None:
        """Show ``entries`` (already filtered and ordered by the log)."""
        self.set_rows(entries)

    def _rows_replaced(self) -> None:
        self._rows = [display_row(entry) for entry in self._objects]

    def entry(self, row: int) -> LoggedSummary | None:
        """The logged summary on ``row``, or None."""
        return self.object_at(row)

    def row_of(self, log_id: int) -> int:
        """The row of a logged summary by its number, or -1."""
        return next((row for row, e in enumerate(self._objects) if e.id == log_id), -1)

    def cell(self, obj: LoggedSummary, row: int, column: int, role: int) -> Any:
        """Cell text, also as tooltip."""
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._rows[row][column]
        return None
