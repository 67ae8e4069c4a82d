"""A flat, read-only table model over a list of objects: the shape every list model shares.

Subclasses give the column titles and the cells of one object (:meth:`ObjectTableModel.cell`);
the base answers the row and column counts, the header, the row's object under
:data:`OBJECT_ROLE`, and replaces the rows as a whole with :meth:`ObjectTableModel.set_rows`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")

OBJECT_ROLE = Qt.ItemDataRole.UserRole + 1  # the object of the row


class ObjectTableModel(QAbstractTableModel, Generic[T]):
    """Rows of objects of one kind, in a fixed set of columns (a flat table)."""

    column_titles: ClassVar[tuple[str, ...]] = ()
    # The roles :meth:`cell` answers (None: any). A view asks for a dozen roles per cell on
    # every paint; the others are answered here without looking at the row.
    cell_roles: ClassVar[frozenset[int] | None] = None

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._objects: list[T] = []

    def set_rows(self, objects: Sequence[T]) -> None:
        """Show ``objects``, replacing every row (a model reset)."""
        self.beginResetModel()
        self._objects = list(objects)
        self._rows_replaced()
        self.endResetModel()

    def _rows_replaced(self) -> None:
        """Work out whatever a subclass keeps per row, inside the reset (nothing by default)."""

    def object_count(self) -> int:
        """Number of rows."""
        return len(self._objects)

    def object_at(self, row: int) -> T | None:
        """The object on ``row``, or None."""
        return self._objects[row] if 0 <= row < len(self._objects) else None

    def cell(self, obj: T, row: int, column: int, role: int) -> Any:
        """The data of one cell for ``role`` other than :data:`OBJECT_ROLE`; None by default."""
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Number of objects (0 under a valid parent: a flat table)."""
        return 0 if parent.isValid() else self.object_count()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """The model's fixed columns."""
        return 0 if parent.isValid() else len(self.column_titles)

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
            and 0 <= section < len(self.column_titles)
        ):
            return self.column_titles[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The row's object under OBJECT_ROLE, else what :meth:`cell` gives."""
        if role != OBJECT_ROLE and self.cell_roles is not None and role not in self.cell_roles:
            return None
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        obj = self.object_at(row)
        if obj is None or not 0 <= column < len(self.column_titles):
            return None
        if role == OBJECT_ROLE:
            return obj
        return self.cell(obj, row, column, role)
