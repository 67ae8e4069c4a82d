"""Table model over the crosswalk NDCs of one code: NDC, labeler, brand, package."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from jcalc.core.descriptor import Descriptor
from jcalc.core.drug import NdcProduct
from jcalc.core.errors import InputError
from jcalc.core.ndc import format_ndc
from jcalc.core.quantity import format_decimal

Index = QModelIndex | QPersistentModelIndex

COL_NDC = 0
COL_PACKAGE = 1
COL_BRAND = 2
COL_LABELER = 3
COLUMN_TITLES = ("NDC", "Package", "Brand", "Labeler")

PRODUCT_ROLE = Qt.ItemDataRole.UserRole + 1  # the NdcProduct of the row
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


def _ndc_text(ndc11: str) -> str:
    try:
        return format_ndc(ndc11)
    except InputError:
        return ndc11


class NdcTableModel(QAbstractTableModel):
    """The products of one code, replaced as a whole by :meth:`set_products`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._products: list[NdcProduct] = []
        self._descriptor: Descriptor | None = None

    def set_products(self, products: Sequence[NdcProduct], descriptor: Descriptor | None) -> None:
        """Show ``products``; ``descriptor`` turns billing units per item into drug content."""
        self.beginResetModel()
        self._products = list(products)
        self._descriptor = descriptor
        self.endResetModel()

    def product(self, row: int) -> NdcProduct | None:
        """The product on ``row``, or None."""
        if 0 <= row < len(self._products):
            return self._products[row]
        return None

    def row_of(self, ndc11: str) -> int:
        """The row of an 11-digit NDC, or -1."""
        for row, product in enumerate(self._products):
            if product.ndc == ndc11:
                return row
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Number of products (a flat table)."""
        return 0 if parent.isValid() else len(self._products)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Fixed columns: NDC, package, brand, labeler."""
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
        """Display text, tooltips, and the product (PRODUCT_ROLE) or its NDC (NDC_ROLE)."""
        if not index.isValid() or not 0 <= index.row() < len(self._products):
            return None
        product = self._products[index.row()]
        if role == PRODUCT_ROLE:
            return product
        if role == NDC_ROLE:
            return product.ndc
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            column = index.column()
            if column == COL_NDC:
                return _ndc_text(product.ndc)
            if column == COL_BRAND:
                return product.drug_name
            if column == COL_PACKAGE:
                return package_text(product, self._descriptor)
            if column == COL_LABELER:
                return product.labeler
        return None
