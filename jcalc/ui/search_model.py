"""Table model over search results: code, drug, billing unit, and a status mark."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

Index = QModelIndex | QPersistentModelIndex


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

RESULT_ROLE = Qt.ItemDataRole.UserRole + 1  # the SearchHit object of the row

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


class SearchResultsModel(QAbstractTableModel):
    """Rows of search results; replaced as a whole by :meth:`set_results`.

    The cells' text is worked out once per result set, so the many ``data()`` calls of a view
    (one per cell and role on every layout and paint) stay cheap while the biller types.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._results: list[SearchHit] = []
        self._rows: list[tuple[str, str, str, str]] = []
        self._inactive: list[bool] = []
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
        marks = marks or {}
        self.beginResetModel()
        self._query = query
        self._results = list(results)
        self._rows = [display_row(hit, marks.get(hit.hcpcs, "")) for hit in self._results]
        self._inactive = [hit.status in STATUS_MARKS for hit in self._results]
        self.endResetModel()

    def result(self, row: int) -> SearchHit | None:
        """The result on ``row``, or None."""
        if 0 <= row < len(self._results):
            return self._results[row]
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Number of results (0 under a valid parent: a flat table)."""
        return 0 if parent.isValid() else len(self._results)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Fixed columns: code, drug, billing unit, status."""
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
        """Display text, tooltips, the inactive-code colour and the row's object (RESULT_ROLE)."""
        row = index.row()
        if not 0 <= row < len(self._rows) or not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[row][index.column()]
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if index.column() == COL_CODE else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return _DIM if self._inactive[row] else None
        if role == RESULT_ROLE:
            return self._results[row]
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(self._results[row])
        return None
