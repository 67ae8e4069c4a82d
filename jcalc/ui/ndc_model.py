"""Table model over the crosswalk NDCs of one code: NDC, labeler, brand, package."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt

from jcalc.core.descriptor import Descriptor
from jcalc.core.drug import NdcProduct
from jcalc.core.errors import InputError
from jcalc.core.ndc import format_ndc
from jcalc.core.quantity import format_decimal
from jcalc.ui.table_model import OBJECT_ROLE, ObjectTableModel

COL_NDC = 0
COL_PACKAGE = 1
COL_BRAND = 2
COL_LABELER = 3
COLUMN_TITLES = ("NDC", "Package", "Brand", "Labeler")

PRODUCT_ROLE = OBJECT_ROLE  # the NdcProduct of the row
NDC_ROLE = Qt.ItemDataRole.UserRole + 2  # its 11-digit NDC


def package_text(product: NdcProduct, descriptor: Descriptor | None) -> str:
    """ "500 mg in 50 mL", "10 mg in 1 mL, pack of 25": the crosswalk's figures, as far as known."""
    parts: list[str] = []
    content = product.item_content(descriptor) if descriptor is not None else None
    volume = product.item_volume()
    if content is not None:
        parts.append(str(content) + (f" in {volume}" if volume is not None else ""))
    elif volume is not None:
        parts.append(str(volume))
    if product.pkg_qty is not None and product.pkg_qty > 1:
        parts.append(f"pack of {format_decimal(product.pkg_qty)}")
    return ", ".join(parts) if parts else "size unknown"


def is_ndc(product: NdcProduct) -> bool:
    """False for a crosswalk product whose identifier is not an NDC (shown, never billable)."""
    return product.extra.get("identifier") != "not an NDC"


def _ndc_text(ndc11: str) -> str:
    try:
        return format_ndc(ndc11)
    except InputError:
        return ndc11


class NdcTableModel(ObjectTableModel[NdcProduct]):
    """The products of one code, replaced as a whole by :meth:`set_products`."""

    column_titles = COLUMN_TITLES
    cell_roles = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, NDC_ROLE})

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._descriptor: Descriptor | None = None
        self._texts: list[tuple[str, ...]] = []  # per row, the text of each column

    def set_products(self, products: Sequence[NdcProduct], descriptor: Descriptor | None) -> None:
        """Show ``products``; ``descriptor`` turns billing units per item into drug content."""
        self._descriptor = descriptor
        self.set_rows(products)

    def _rows_replaced(self) -> None:
        self._texts = [self._row_texts(product) for product in self._objects]

    def _row_texts(self, product: NdcProduct) -> tuple[str, ...]:
        texts = {
            COL_NDC: _ndc_text(product.ndc) if is_ndc(product) else f"{product.ndc} (not an NDC)",
            COL_PACKAGE: package_text(product, self._descriptor),
            COL_BRAND: product.drug_name,
            COL_LABELER: product.labeler,
        }
        return tuple(texts[column] for column in range(len(COLUMN_TITLES)))

    def column_texts(self, column: int) -> list[str]:
        """The text of ``column`` on every row."""
        return [texts[column] for texts in self._texts]

    def product(self, row: int) -> NdcProduct | None:
        """The product on ``row``, or None."""
        return self.object_at(row)

    def counts(self) -> tuple[int, int]:
        """(real NDCs, other product identifiers) among the rows."""
        ndcs = sum(1 for product in self._objects if is_ndc(product))
        return ndcs, len(self._objects) - ndcs

    def row_of(self, ndc11: str) -> int:
        """The row of an 11-digit NDC, or -1 (never a row whose identifier is not an NDC)."""
        return next(
            (row for row, p in enumerate(self._objects) if p.ndc == ndc11 and is_ndc(p)), -1
        )

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """Rows whose identifier is not an NDC are shown but cannot be picked as the NDC."""
        product = self.object_at(index.row()) if index.isValid() else None
        if product is not None and not is_ndc(product):
            return Qt.ItemFlag.NoItemFlags
        return super().flags(index)

    def cell(self, obj: NdcProduct, row: int, column: int, role: int) -> Any:
        """Display text and tooltips, and the product's NDC (NDC_ROLE)."""
        if role == NDC_ROLE:
            return obj.ndc if is_ndc(obj) else None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._texts[row][column]
        return None
