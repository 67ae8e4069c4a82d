"""What the catalog says about the picked code, and its NDCs to pick from."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jcalc.core.descriptor import DescriptorKind
from jcalc.core.drug import DrugCode, NdcProduct
from jcalc.core.quantity import format_decimal
from jcalc.ui.ndc_model import COL_BRAND, COL_LABELER, COL_NDC, COL_PACKAGE, NdcTableModel

_KIND_WORDS = {
    DescriptorKind.PER_AMOUNT: "1 unit per",
    DescriptorKind.UP_TO: "1 unit per",
    DescriptorKind.PER_VIAL: "1 unit per vial",
    DescriptorKind.PER_DOSE: "1 unit per dose",
    DescriptorKind.UNPARSED: "cannot be read: type the units yourself",
}


def descriptor_text(drug: DrugCode) -> str:
    """ "1 unit per 10 mg" and the ASP file's dosage when it has one."""
    descriptor = drug.descriptor
    words = _KIND_WORDS[descriptor.kind]
    if descriptor.kind in (DescriptorKind.PER_AMOUNT, DescriptorKind.UP_TO):
        words = f"{words} {descriptor.describe()}"
    if drug.asp_dosage:
        words += f" (ASP file: {drug.asp_dosage})"
    return words


def price_text(drug: DrugCode, quarter: str) -> str:
    """ "$95.123 per unit (ASP 2026Q1)" or a plain note that there is none."""
    when = f" (ASP {quarter})" if quarter else ""
    if drug.payment_limit is None:
        return f"no ASP payment limit published{when}"
    return f"${format_decimal(drug.payment_limit)} per unit{when}"


def mue_text(drug: DrugCode) -> str:
    """ "250 units per day (clinical), MAI 3" or that none is published."""
    if drug.mue is None:
        return "none published (that does not mean unlimited)"
    return f"{drug.mue.describe()}, MAI {drug.mue.mai}"


def dates_text(drug: DrugCode, day: date) -> str:
    """Effective and termination dates, and the status on ``day``."""
    parts = []
    if drug.effective:
        parts.append(f"effective {drug.effective.isoformat()}")
    if drug.terminated:
        parts.append(f"terminated {drug.terminated.isoformat()}")
    status = drug.status_on(day)
    parts.append(f"{status} on {day.isoformat()}")
    if drug.xrefs and status != "active":
        parts.append(f"see {', '.join(drug.xrefs)}")
    return "; ".join(parts)


class DrugPanel(QWidget):
    """The picked code's descriptor, price, MUE and dates, and its crosswalk NDCs.

    Signals:
        ndcPicked(str): an NDC row was picked (11 digits), or "" when the pick was cleared.
    """

    ndcPicked = Signal(str)  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drugPanel")
        self._syncing = False

        self.title = QLabel("No code picked yet: search above, then press Enter.", self)
        self.title.setObjectName("drugTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.long_description = self._value("longDescription")
        self.descriptor = self._value("parsedDescriptor")
        self.price = self._value("aspPrice")
        self.mue = self._value("mueLimit")
        self.dates = self._value("codeDates")

        self.ndc_model = NdcTableModel(self)
        self.ndc_view = QTableView(self)
        self.ndc_view.setObjectName("ndcView")
        self.ndc_view.setModel(self.ndc_model)
        self.ndc_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.ndc_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.ndc_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.ndc_view.setAlternatingRowColors(True)
        self.ndc_view.setWordWrap(False)
        self.ndc_view.verticalHeader().hide()
        self.ndc_view.verticalHeader().setDefaultSectionSize(
            self.ndc_view.fontMetrics().height() + 6
        )
        header = self.ndc_view.horizontalHeader()
        header.setSectionResizeMode(COL_NDC, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_PACKAGE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_BRAND, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_LABELER, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_LABELER, 110)
        self.ndc_label = QLabel("NDCs of this code (ASP crosswalk)", self)
        self.clear_ndc_button = QPushButton("No NDC", self)
        self.clear_ndc_button.setObjectName("clearNdcButton")
        self.clear_ndc_button.setToolTip("Bill without an NDC (clears the pick)")
        self.clear_ndc_button.setAutoDefault(False)

        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(2)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.addRow("Descriptor", self.long_description)
        form.addRow("Billing unit", self.descriptor)
        form.addRow("ASP limit", self.price)
        form.addRow("MUE", self.mue)
        form.addRow("Dates", self.dates)
        ndc_bar = QHBoxLayout()
        ndc_bar.addWidget(self.ndc_label, 1)
        ndc_bar.addWidget(self.clear_ndc_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addLayout(ndc_bar)
        layout.addWidget(self.ndc_view, 1)

        self.ndc_view.selectionModel().selectionChanged.connect(self._on_ndc_view_selection_changed)
        self.clear_ndc_button.clicked.connect(self._on_clear_ndc_button_clicked)
        self.set_drug(None, [], quarter="", day=date.today())

    def _value(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def set_drug(
        self,
        drug: DrugCode | None,
        products: Sequence[NdcProduct],
        *,
        quarter: str,
        day: date,
        message: str = "",
    ) -> None:
        """Show ``drug`` (None: nothing picked; ``message`` says why) and its products."""
        self._syncing = True
        try:
            if drug is None:
                self.title.setText(message or "No code picked yet: search above, then press Enter.")
                for label in (self.long_description, self.descriptor, self.price, self.mue,
                              self.dates):  # fmt: skip
                    label.setText("—")
                self.ndc_model.set_products([], None)
            else:
                self.title.setText(f"{drug.hcpcs}  {drug.name}")
                self.long_description.setText(drug.long_description)
                self.descriptor.setText(descriptor_text(drug))
                self.price.setText(price_text(drug, quarter))
                self.mue.setText(mue_text(drug))
                self.update_dates(drug, day)
                self.ndc_model.set_products(products, drug.descriptor)
            count = self.ndc_model.rowCount()
            self.ndc_label.setText(
                f"NDCs of this code (ASP crosswalk): {count}"
                if count
                else "No NDC of this code in the ASP crosswalk"
                if drug is not None
                else "NDCs"
            )
            self.clear_ndc_button.setEnabled(count > 0)
        finally:
            self._syncing = False

    def update_dates(self, drug: DrugCode, day: date) -> None:
        """Refresh the dates line for a new date of service; terminated codes in red."""
        text = html.escape(dates_text(drug, day))
        if not drug.valid_on(day):
            text = f'<span style="color:#b71c1c; font-weight:bold">{text}</span>'
        self.dates.setText(text)

    def select_ndc(self, ndc11: str | None) -> None:
        """Highlight the row of ``ndc11`` (None or unknown: no row) without emitting ndcPicked."""
        row = self.ndc_model.row_of(ndc11) if ndc11 else -1
        self._syncing = True
        try:
            if row < 0:
                self.ndc_view.clearSelection()
                self.ndc_view.setCurrentIndex(QModelIndex())
            else:
                index = self.ndc_model.index(row, 0)
                self.ndc_view.selectRow(row)
                self.ndc_view.scrollTo(index)
        finally:
            self._syncing = False

    @Slot(QItemSelection, QItemSelection)
    def _on_ndc_view_selection_changed(
        self, _selected: QItemSelection, _deselected: QItemSelection
    ) -> None:
        if self._syncing:
            return
        rows = self.ndc_view.selectionModel().selectedRows()
        product = self.ndc_model.product(rows[0].row()) if rows else None
        self.ndcPicked.emit(product.ndc if product else "")

    @Slot()
    def _on_clear_ndc_button_clicked(self) -> None:
        self.ndc_view.clearSelection()
