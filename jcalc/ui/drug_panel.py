"""What the catalog says about the picked code, its NDCs to pick from, and the clinic's mark and
note on it (favourite star, free-text note)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from jcalc.catalog.store import QuarterPrice
from jcalc.core.descriptor import DescriptorKind
from jcalc.core.drug import DrugCode, NdcProduct
from jcalc.core.quantity import format_decimal
from jcalc.ui.fit_scroll_area import FitScrollArea
from jcalc.ui.ndc_model import (
    COL_BRAND,
    COL_LABELER,
    COL_NDC,
    COL_PACKAGE,
    COLUMN_TITLES,
    NdcTableModel,
    is_ndc,
)
from jcalc.userdata.clinic import MAX_NOTE_LENGTH, CodeSettings

NOTE_SAVE_DELAY_MS = 700
STAR_ON, STAR_OFF = "★", "☆"

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


def quarter_price_text(price: QuarterPrice, day: date) -> str:
    """The payment limit of the quarter chosen for ``day``, the quarter named: "$74.765 per unit
    (ASP 2026Q1, 2026-01-01 to 2026-03-31, the quarter of 2026-02-02)", with a note when no
    quarter held contains the day and the nearest one is used."""
    quarter = price.quarter
    span = f"{quarter.effective_from.isoformat()} to {quarter.effective_to.isoformat()}"
    if price.exact:
        when = f"ASP {quarter.quarter}, {span}, the quarter of {day.isoformat()}"
    else:
        when = (
            f"ASP {quarter.quarter}, {span}: the nearest quarter held, none contains "
            f"{day.isoformat()}"
        )
    if price.payment_limit is None:
        return f"no ASP payment limit published ({when})"
    return f"${format_decimal(price.payment_limit)} per unit ({when})"


def ndc_count_text(ndcs: int, others: int) -> str:
    """ "NDCs of this code: 2 · other product identifiers: 5" (real NDCs only in the first)."""
    text = f"NDCs of this code: {ndcs}" if ndcs else "No NDC of this code in the ASP crosswalk"
    if others:
        text += f" · other product identifiers: {others} (not NDCs)"
    return text


def mue_text(drug: DrugCode) -> str:
    """ "250 units per day (clinical), MAI 3" or that none is published."""
    if drug.mue is None:
        return "none published (that does not mean unlimited)"
    return f"{drug.mue.describe()}, MAI {drug.mue.mai}"


def dates_text(drug: DrugCode, day: date) -> str:
    """Added and termination dates (the code's billable span), the status on ``day``."""
    parts = []
    if drug.added:
        parts.append(f"added {drug.added.isoformat()}")
    if drug.terminated:
        parts.append(f"last valid day {drug.terminated.isoformat()}")
    status = drug.status_on(day)
    parts.append(f"{status} on {day.isoformat()}")
    if drug.xrefs and status != "active":
        parts.append(f"see {', '.join(drug.xrefs)}")
    return "; ".join(parts)


class DrugPanel(QWidget):
    """The picked code's descriptor, price, MUE and dates, its crosswalk NDCs, the clinic's star
    and note.

    Signals:
        ndcPicked(str): an NDC row was picked (11 digits), or "" when the pick was cleared.
        favouriteToggled(str, bool): the biller starred (True) or unstarred a code.
        noteEdited(str, str): the biller changed a code's note (sent once typing pauses).
    """

    ndcPicked = Signal(str)  # noqa: N815
    favouriteToggled = Signal(str, bool)  # noqa: N815
    noteEdited = Signal(str, str)  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drugPanel")
        self._syncing = False
        self._code = ""  # the code the star and the note belong to
        self._note_timer = QTimer(self)
        self._note_timer.setObjectName("noteTimer")
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(NOTE_SAVE_DELAY_MS)

        self.favourite_button = QToolButton(self)
        self.favourite_button.setObjectName("favouriteButton")
        self.favourite_button.setCheckable(True)
        self.favourite_button.setText(STAR_OFF)
        self.favourite_button.setAutoRaise(True)
        self.favourite_button.setStyleSheet(
            "QToolButton#favouriteButton { color: #b8860b; border: none; padding: 0 2px; }"
            "QToolButton#favouriteButton:disabled { color: #b0b0b0; }"
            "QToolButton#favouriteButton:focus { border: 2px solid #1e66c8; border-radius: 3px; }"
        )
        star_font = self.favourite_button.font()
        star_font.setPointSizeF(star_font.pointSizeF() * 1.5)
        self.favourite_button.setFont(star_font)
        self.favourite_button.setToolTip(
            "The clinic's favourite: shown first in search when the search box is empty"
        )
        self.favourite_button.setAccessibleName("Favourite")
        self.favourite_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.note_edit = QLineEdit(self)
        self.note_edit.setObjectName("noteEdit")
        self.note_edit.setPlaceholderText("the clinic's note on this code (saved as you type)")
        self.note_edit.setMaxLength(MAX_NOTE_LENGTH)
        self.note_edit.setClearButtonEnabled(True)

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
        self.ndc_view.setTabKeyNavigation(False)  # one Tab stop; arrows move inside
        self.ndc_view.verticalHeader().hide()
        self.ndc_view.verticalHeader().setDefaultSectionSize(
            self.ndc_view.fontMetrics().height() + 6
        )
        header = self.ndc_view.horizontalHeader()
        # NDC and Package are fitted to their texts on each pick (_fit_columns): Qt's
        # ResizeToContents would ask the model for every cell again on each relayout.
        header.setSectionResizeMode(COL_NDC, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_PACKAGE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_BRAND, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_LABELER, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_LABELER, 110)
        self.ndc_label = QLabel("NDCs of this code (ASP crosswalk)", self)
        self.ndc_label.setObjectName("ndcCountLabel")
        self.ndc_label.setWordWrap(True)
        self.ndc_label.setToolTip(
            "NDCs of the ASP crosswalk for this code. Products listed under another kind of "
            "identifier (marked 'not an NDC') are shown but cannot be put on the claim."
        )
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
        form.addRow("Clinic note", self.note_edit)
        title_row = QHBoxLayout()
        title_row.setSpacing(2)
        title_row.addWidget(self.favourite_button, 0, Qt.AlignmentFlag.AlignTop)
        title_row.addWidget(self.title, 1)
        ndc_bar = QHBoxLayout()
        ndc_bar.addWidget(self.ndc_label, 1)
        ndc_bar.addWidget(self.clear_ndc_button)
        about = QWidget(self)
        about.setObjectName("drugAbout")
        about_layout = QVBoxLayout(about)
        about_layout.setContentsMargins(0, 0, 0, 0)
        about_layout.setSpacing(4)
        about_layout.addLayout(title_row)
        about_layout.addLayout(form)
        self.about_area = FitScrollArea(about, self)
        self.about_area.setObjectName("drugAboutArea")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.about_area)
        layout.addLayout(ndc_bar)
        layout.addWidget(self.ndc_view, 1)

        self.ndc_view.selectionModel().selectionChanged.connect(self._on_ndc_view_selection_changed)
        self.clear_ndc_button.clicked.connect(self._on_clear_ndc_button_clicked)
        self.favourite_button.toggled.connect(self._on_favourite_button_toggled)
        self.note_edit.textEdited.connect(self._on_note_edit_text_edited)
        self.note_edit.editingFinished.connect(self.flush_note)
        self._note_timer.timeout.connect(self._on_note_timer_timeout)
        self.set_drug(None, [], quarter="", day=date.today())
        self.set_clinic(None, editable=False)

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
        self.flush_note()
        code = drug.hcpcs if drug is not None else ""
        if code != self._code:
            self._code = code
            self.set_clinic(None, editable=False)
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
            self._fit_columns()
            ndcs, others = self.ndc_model.counts()
            self.ndc_label.setText(ndc_count_text(ndcs, others) if drug is not None else "NDCs")
            self.clear_ndc_button.setEnabled(ndcs > 0)
        finally:
            self._syncing = False

    def set_clinic(self, settings: CodeSettings | None, *, editable: bool) -> None:
        """Show the clinic's star and note of the code shown (``settings`` None: none set).

        ``editable`` False (no code picked, or a read-only window) disables both.
        """
        self._note_timer.stop()
        self._syncing = True
        try:
            favourite = settings is not None and settings.favourite
            self.favourite_button.setChecked(favourite)
            self.favourite_button.setText(STAR_ON if favourite else STAR_OFF)
            note = settings.note if settings is not None else ""
            if self.note_edit.text() != note:
                self.note_edit.setText(note)
            self.note_edit.setToolTip(note)
        finally:
            self._syncing = False
        enabled = editable and bool(self._code)
        self.favourite_button.setEnabled(enabled)
        self.note_edit.setEnabled(enabled)

    def flush_note(self) -> None:
        """Send a note still waiting for typing to pause."""
        if self._note_timer.isActive():
            self._note_timer.stop()
            if self._code:
                self.noteEdited.emit(self._code, self.note_edit.text())

    def update_price(self, price: QuarterPrice | None, day: date) -> None:
        """Show the payment limit of the quarter for the date of service ``day`` (None: the
        catalog holds no quarter, the catalog's own price stays); the nearest quarter in brown."""
        if price is None:
            return
        text = html.escape(quarter_price_text(price, day))
        if not price.exact:
            text = f'<span style="color:#6b5000">{text}</span>'
        self.price.setText(text)

    def update_dates(self, drug: DrugCode, day: date) -> None:
        """Refresh the dates line for a new date of service; terminated codes in red."""
        text = html.escape(dates_text(drug, day))
        if not drug.valid_on(day):
            text = f'<span style="color:#b71c1c; font-weight:bold">{text}</span>'
        self.dates.setText(text)

    def _fit_columns(self) -> None:
        """Make the NDC and Package columns as wide as their longest text and their title."""
        view, header = self.ndc_view, self.ndc_view.horizontalHeader()
        cell_metrics, title_metrics = view.fontMetrics(), header.fontMetrics()
        style = view.style()
        cell_margin = 2 * (
            style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
        )
        title_margin = 2 * style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
        for column in (COL_NDC, COL_PACKAGE):
            texts = self.ndc_model.column_texts(column)
            widest = max((cell_metrics.horizontalAdvance(text) for text in texts), default=0)
            title = title_metrics.horizontalAdvance(COLUMN_TITLES[column]) + title_margin
            header.resizeSection(column, max(widest + cell_margin, title) + 4)

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
        if product is None and self._aimed_at_other_identifier():
            self._syncing = True  # a product that is not an NDC was aimed at: keep the pick
            try:
                self.ndc_view.selectionModel().select(
                    _deselected, QItemSelectionModel.SelectionFlag.Select
                )
            finally:
                self._syncing = False
            return
        self.ndcPicked.emit(product.ndc if product else "")

    def _aimed_at_other_identifier(self) -> bool:
        current = self.ndc_view.currentIndex()
        product = self.ndc_model.product(current.row()) if current.isValid() else None
        return product is not None and not is_ndc(product)

    @Slot()
    def _on_clear_ndc_button_clicked(self) -> None:
        self.ndc_view.clearSelection()

    @Slot(bool)
    def _on_favourite_button_toggled(self, checked: bool) -> None:
        self.favourite_button.setText(STAR_ON if checked else STAR_OFF)
        if not self._syncing and self._code:
            self.favouriteToggled.emit(self._code, checked)

    @Slot()
    def _on_note_timer_timeout(self) -> None:
        if self._code:
            self.noteEdited.emit(self._code, self.note_edit.text())

    @Slot(str)
    def _on_note_edit_text_edited(self, _text: str) -> None:
        if self._code:
            self._note_timer.start()
