"""Table model over search results: code, drug, billing unit, and a status mark."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from jcalc.ui.table_model import OBJECT_ROLE, ObjectTableModel


class SearchHit(Protocol):
    """What the window needs of one search result (``jcalc.catalog.search.SearchResult``)."""

    @property
    def hcpcs(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def descriptor(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def matched(self) -> str: ...
    @property
    def brand(self) -> str | None: ...
    @property
    def ndc(self) -> str | None: ...


SearchFunction = Callable[[str], Sequence[SearchHit]]

COL_CODE = 0
COL_DRUG = 1
COL_DESCRIPTOR = 2
COL_STATUS = 3
COLUMN_TITLES = ("Code", "Drug", "Unit", "Status")

RESULT_ROLE = OBJECT_ROLE  # the SearchHit object of the row

STATUS_MARKS = {"terminated": "ended", "not yet effective": "not yet"}
FAVOURITE_MARK = "★"
RECENT_MARK = "recent"
_DIM = QBrush(QColor("#8a1c00"))


def display_row(hit: SearchHit, mark: str = "") -> tuple[str, str, str, str]:
    """The four cells of a result: code, drug (with its brand), billing unit, status mark.

    The status cell says "ended" or "not yet" for inactive codes, else shows ``mark`` (the
    clinic's favourite star or "recent").
    """
    drug = hit.name
    if hit.brand and hit.brand.lower() not in hit.name.lower():
        drug = f"{hit.name} ({hit.brand})"
    return (hit.hcpcs, drug, hit.descriptor, STATUS_MARKS.get(hit.status, "") or mark)


def tooltip(hit: SearchHit) -> str:
    """Everything about a result in one tooltip."""
    tip = f"{hit.hcpcs}: {hit.name} ({hit.descriptor}), {hit.status}"
    return f"{tip}\nmatched: {hit.matched}" if hit.matched else tip


class SearchResultsModel(ObjectTableModel[SearchHit]):
    """Rows of search results; replaced as a whole by :meth:`set_results`.

    The cells' text is worked out once per result set, so the many ``data()`` calls of a view
    (one per cell and role on every layout and paint) stay cheap while the biller types.
    """

    column_titles = COLUMN_TITLES

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str, str, str]] = []
        self._inactive: list[bool] = []
        self._marks: Mapping[str, str] = {}
        self._query = ""
        self._bold = QFont()
        self._bold.setBold(True)

    @property
    def query(self) -> str:
        """The query the current rows answer."""
        return self._query

    def set_results(
        self, query: str, results: Sequence[SearchHit], marks: Mapping[str, str] | None = None
    ) -> None:
        """Show ``results`` for ``query``; ``marks`` by code go in the status column."""
        self._query = query
        self._marks = marks or {}
        self.set_rows(results)

    def _rows_replaced(self) -> None:
        self._rows = [display_row(hit, self._marks.get(hit.hcpcs, "")) for hit in self._objects]
        self._inactive = [hit.status in STATUS_MARKS for hit in self._objects]

    def result(self, row: int) -> SearchHit | None:
        """The result on ``row``, or None."""
        return self.object_at(row)

    def cell(self, obj: SearchHit, row: int, column: int, role: int) -> Any:
        """Display text, tooltips, the code in bold and inactive codes dimmed."""
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[row][column]
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if column == COL_CODE else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return _DIM if self._inactive[row] else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(obj)
        return None
