"""Table models over the lists of a :class:`~jcalc.catalog.diff.CatalogDiff`.

One thin model per kind of change; every cell's text comes from the diff objects themselves
(``describe()``, ``old_text``, ``change_text`` …), so the window adds no wording or arithmetic of
its own. Rows keep the diff's order (payment limits: largest change first).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt

from jcalc.catalog.diff import (
    AddedCode,
    CatalogDiff,
    ClinicImpact,
    DescriptorChange,
    MueChange,
    PriceChange,
    TerminatedCode,
    limit_text,
)
from jcalc.ui.table_model import OBJECT_ROLE, ObjectTableModel

T = TypeVar("T")

ITEM_ROLE = OBJECT_ROLE  # the diff object of the row
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Column(Generic[T]):
    """One column: its title, the cell text of an item, and whether it holds an amount."""

    title: str
    text: Callable[[T], str]
    amount: bool = False


def _per_unit(text: str) -> str:
    return text if text == "none" else f"{text} per unit"


class DiffTableModel(ObjectTableModel[T]):
    """Rows of one list of a diff; replaced as a whole by :meth:`set_items`."""

    columns: tuple[Column[T], ...] = ()
    stretch_column = -1  # the column that takes the spare width (-1: the last)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.column_titles = tuple(column.title for column in cls.columns)

    def __init__(self, items: Sequence[T] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cells: list[tuple[str, ...]] = []
        self._objects = list(items)
        self._rows_replaced()

    def _rows_replaced(self) -> None:
        self._cells = [tuple(c.text(item) for c in self.columns) for item in self._objects]

    def set_items(self, items: Sequence[T]) -> None:
        """Show ``items``."""
        self.set_rows(items)

    def item(self, row: int) -> T | None:
        """The diff object on ``row``, or None."""
        return self.object_at(row)

    def column_texts(self, column: int) -> list[str]:
        """Every cell of one column, top to bottom."""
        return [cells[column] for cells in self._cells]

    def cell(self, obj: T, row: int, column: int, role: int) -> Any:
        """Cell text (also as tooltip), amounts right-aligned."""
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._cells[row][column]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if self.columns[column].amount else _LEFT
        return None


class AddedCodesModel(DiffTableModel[AddedCode]):
    """Codes the new catalog adds."""

    stretch_column = 2  # the description

    columns = (
        Column[AddedCode]("Code", lambda a: a.code),
        Column[AddedCode]("Drug", lambda a: a.name),
        Column[AddedCode]("Description", lambda a: a.description),
        Column[AddedCode]("Billing unit", lambda a: a.reading),
        Column[AddedCode]("Payment limit", lambda a: _per_unit(limit_text(a.payment_limit)), True),
    )


class TerminatedCodesModel(DiffTableModel[TerminatedCode]):
    """Codes given an end date, or gone from the new catalog."""

    columns = (
        Column[TerminatedCode]("Code", lambda t: t.code),
        Column[TerminatedCode]("Drug", lambda t: t.name),
        Column[TerminatedCode]("What happens", lambda t: t.describe()),
        Column[TerminatedCode]("Description", lambda t: t.description),
    )


class DescriptorChangesModel(DiffTableModel[DescriptorChange]):
    """Codes whose description or billing unit changed."""

    columns = (
        Column[DescriptorChange]("Code", lambda d: d.code),
        Column[DescriptorChange]("Drug", lambda d: d.name),
        Column[DescriptorChange]("Was", lambda d: d.old_text),
        Column[DescriptorChange]("Now", lambda d: d.new_text),
        Column[DescriptorChange](
            "Billing unit",
            lambda d: (
                f"{d.old_reading} → {d.new_reading}"
                if d.reading_changed
                else f"{d.new_reading} (unchanged)"
            ),
        ),
    )


class PriceChangesModel(DiffTableModel[PriceChange]):
    """ASP payment limits that changed, largest change first."""

    stretch_column = 1  # the drug: the amounts stay together on the right

    columns = (
        Column[PriceChange]("Code", lambda p: p.code),
        Column[PriceChange]("Drug", lambda p: p.name),
        Column[PriceChange]("Old limit", lambda p: _per_unit(p.old_text), True),
        Column[PriceChange]("New limit", lambda p: _per_unit(p.new_text), True),
        Column[PriceChange]("Change per unit", lambda p: p.change_text, True),
    )


class MueChangesModel(DiffTableModel[MueChange]):
    """Medically unlikely edits that changed."""

    columns = (
        Column[MueChange]("Code", lambda m: m.code),
        Column[MueChange]("Drug", lambda m: m.name),
        Column[MueChange]("Old MUE", lambda m: m.old_text),
        Column[MueChange]("New MUE", lambda m: m.new_text),
    )


def _marks(impact: ClinicImpact) -> str:
    flags = (("★ favourite", impact.favourite), ("priced", impact.priced))
    marks = [word for word, on in flags if on]
    return ", ".join(marks) or "default NDC"


class ClinicImpactModel(DiffTableModel[ClinicImpact]):
    """The clinic's favourites, priced codes and default NDCs that the update touches."""

    columns = (
        Column[ClinicImpact]("Code", lambda c: c.code),
        Column[ClinicImpact]("Drug", lambda c: c.name),
        Column[ClinicImpact]("Yours", _marks),
        Column[ClinicImpact]("What changes", lambda c: "\n".join(c.changes)),
    )


@dataclass(frozen=True)
class DiffSection:
    """One tab of the review: its title and model."""

    key: str
    title: str
    model: DiffTableModel[Any]
    empty_text: str


def diff_sections(diff: CatalogDiff, parent: QObject | None = None) -> list[DiffSection]:
    """The review's tabs, in the order a biller reads them: their own codes first."""
    return [
        DiffSection(
            "clinic",
            "Your codes",
            ClinicImpactModel(diff.clinic_affected, parent),
            "None of the clinic's favourites or priced codes change.",
        ),
        DiffSection(
            "prices",
            "Payment limits",
            PriceChangesModel(diff.prices_changed, parent),
            "No payment limit changes.",
        ),
        DiffSection("added", "Added", AddedCodesModel(diff.added, parent), "No code is added."),
        DiffSection(
            "terminated",
            "Terminated",
            TerminatedCodesModel(diff.terminated, parent),
            "No code ends.",
        ),
        DiffSection(
            "descriptors",
            "Descriptors",
            DescriptorChangesModel(diff.descriptors_changed, parent),
            "No description changes.",
        ),
        DiffSection("mue", "MUE", MueChangesModel(diff.mue_changed, parent), "No MUE changes."),
    ]
