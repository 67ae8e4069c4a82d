"""The History window: printed and saved summaries, filtered, shown, re-printed, exported.

The list is filtered in SQL by :meth:`jcalc.userdata.history.SummaryLog.list` (text typed is
debounced); the selected summary is shown with the same HTML as the preview pane and re-printed
through the one render path of :mod:`jcalc.printing`. Re-prints are not logged again: the log
already holds that summary.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QItemSelection, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from jcalc.core.errors import JcalcError
from jcalc.core.summary import ClaimSummary, render_summary_html
from jcalc.printing import PrintOptions, print_preview, print_summary
from jcalc.ui.history_model import (
    COL_ACTION,
    COL_CODES,
    COL_PATIENT,
    COL_QUARTER,
    COL_REFERENCE,
    COL_TIME,
    HistoryTableModel,
)
from jcalc.ui.print_actions import open_pdf_dialog, open_save_dialog, save_summary_pdf
from jcalc.ui.settings import Settings
from jcalc.userdata.history import HistoryFilter, LoggedSummary, SummaryLog

log = logging.getLogger(__name__)

FILTER_DEBOUNCE_MS = 200
LIST_LIMIT = 500
EMPTY_PREVIEW = "<p><i>Pick a summary in the list to see it here.</i></p>"


class HistoryDialog(QDialog):
    """The printed-summary log. Show it with ``show()`` (non-modal, stays open beside the window).

    ``options`` returns the current print options (the clinic's page size, this PC's printer).

    Signals:
        listed(int): the list was refreshed (number of summaries shown).
        exported(str): the CSV file was written (its path).
    """

    listed = Signal(int)
    exported = Signal(str)

    def __init__(
        self,
        *,
        summary_log: SummaryLog,
        settings: Settings,
        options: PrintOptions,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("historyDialog")
        self.setWindowTitle("History: printed and saved summaries")
        self.setWindowModality(Qt.WindowModality.NonModal)
        self._log = summary_log
        self._settings = settings
        self._options = options
        self._dialogs: list[QDialog] = []

        self._filter_timer = QTimer(self)
        self._filter_timer.setObjectName("historyFilterTimer")
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DEBOUNCE_MS)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("historyFilterEdit")
        self.filter_edit.setPlaceholderText("reference, code or drug")
        self.filter_edit.setClearButtonEnabled(True)
        today = QDate.currentDate()
        self.since_check = QCheckBox("&From", self)
        self.since_check.setObjectName("historySinceCheck")
        self.since_edit = self._date_edit("historySinceEdit", today.addDays(-30))
        self.until_check = QCheckBox("&To", self)
        self.until_check.setObjectName("historyUntilCheck")
        self.until_edit = self._date_edit("historyUntilEdit", today)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("historyCount")

        self.model = HistoryTableModel(self)
        self.view = QTableView(self)
        self.view.setObjectName("historyView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 6)
        header = self.view.horizontalHeader()
        for column in (COL_TIME, COL_ACTION, COL_QUARTER):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_REFERENCE, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_REFERENCE, 130)
        header.setSectionResizeMode(COL_CODES, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_PATIENT, QHeaderView.ResizeMode.Interactive)

        self.preview = QTextBrowser(self)
        self.preview.setObjectName("historyPreview")
        self.preview.setOpenLinks(False)
        self.preview.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # wraps
        self.preview.setHtml(EMPTY_PREVIEW)
        self.preview_button = QPushButton("Pre&view…", self)
        self.preview_button.setObjectName("historyPrintPreviewButton")
        self.print_button = QPushButton("&Print again…", self)
        self.print_button.setObjectName("historyPrintButton")
        self.pdf_button = QPushButton("Save P&DF…", self)
        self.pdf_button.setObjectName("historyPdfButton")
        self.export_button = QPushButton("&Export CSV…", self)
        self.export_button.setObjectName("historyExportButton")
        self.export_button.setToolTip("Write the summaries listed to a CSV file, one row per line")
        self.close_button = QPushButton("Close", self)
        self.close_button.setObjectName("historyCloseButton")
        self.message = QLabel(self)
        self.message.setObjectName("historyMessage")
        self.message.setWordWrap(True)
        for button in (self.preview_button, self.print_button, self.pdf_button,
                       self.export_button, self.close_button):  # fmt: skip
            button.setAutoDefault(False)

        self._layout()
        self._wire()
        self.resize(1100, 640)
        if not settings.history_geometry.isEmpty():
            self.restoreGeometry(settings.history_geometry)
        self.refresh()

    def _date_edit(self, name: str, day: QDate) -> QDateEdit:
        edit = QDateEdit(day, self)
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setEnabled(False)
        return edit

    def _layout(self) -> None:
        filters = QHBoxLayout()
        search_label = QLabel("&Search", self)
        search_label.setBuddy(self.filter_edit)
        filters.addWidget(search_label)
        filters.addWidget(self.filter_edit, 1)
        filters.addSpacing(12)
        filters.addWidget(self.since_check)
        filters.addWidget(self.since_edit)
        filters.addWidget(self.until_check)
        filters.addWidget(self.until_edit)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.view, 1)
        left_layout.addWidget(self.count_label)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.preview, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("historySplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)

        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(buttons)

    def _wire(self) -> None:
        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)
        self._filter_timer.timeout.connect(self.refresh)
        self.since_check.toggled.connect(self._on_since_check_toggled)
        self.until_check.toggled.connect(self._on_until_check_toggled)
        self.since_edit.dateChanged.connect(self._on_date_edit_date_changed)
        self.until_edit.dateChanged.connect(self._on_date_edit_date_changed)
        self.view.selectionModel().selectionChanged.connect(self._on_view_selection_changed)
        self.preview_button.clicked.connect(self._on_preview_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.pdf_button.clicked.connect(self._on_pdf_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.close_button.clicked.connect(self.reject)

    # -- state ---------------------------------------------------------------------------------
    def current_filter(self) -> HistoryFilter:
        """The filter the list shows."""
        since = self.since_edit.date().toPython() if self.since_check.isChecked() else None
        until = self.until_edit.date().toPython() if self.until_check.isChecked() else None
        return HistoryFilter(
            text=self.filter_edit.text(),
            since=since if isinstance(since, date) else None,
            until=until if isinstance(until, date) else None,
            limit=LIST_LIMIT,
        )

    def set_dates(self, since: date | None, until: date | None) -> None:
        """Filter by printing date (None: no bound on that side)."""
        for check, edit, day in ((self.since_check, self.since_edit, since),
                                 (self.until_check, self.until_edit, until)):  # fmt: skip
            if day is not None:
                edit.setDate(QDate(day.year, day.month, day.day))
            check.setChecked(day is not None)
        self.refresh()

    def set_options(self, options: PrintOptions) -> None:
        """Print with these options from now on."""
        self._options = options

    def selected(self) -> LoggedSummary | None:
        """The logged summary selected, if any."""
        rows = self.view.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()) if rows else None

    def select_row(self, row: int) -> None:
        """Select a row of the list."""
        self.view.selectRow(row)

    @Slot()
    def refresh(self) -> None:
        """Read the log again with the current filter (keeps the selection when it can)."""
        self._filter_timer.stop()
        chosen = self.selected()
        try:
            entries = self._log.list(self.current_filter())
        except JcalcError as error:
            self._show_message(f"The history cannot be read: {error}", error=True)
            entries = []
        self.model.set_entries(entries)
        patient = any(entry.patient_name for entry in entries)
        self.view.setColumnHidden(COL_PATIENT, not patient)
        self.view.resizeColumnToContents(COL_ACTION)
        self.count_label.setText(self._count_text(len(entries)))
        row = self.model.row_of(chosen.id) if chosen is not None else -1
        if row >= 0:
            self.view.selectRow(row)
        else:
            self._show_entry(None)
        self.listed.emit(len(entries))

    def _count_text(self, count: int) -> str:
        if count >= LIST_LIMIT:
            return f"the newest {count} summaries: narrow the search to see older ones"
        if count:
            return f"{count} summar{'y' if count == 1 else 'ies'}"
        if self._filtered():
            return "No printed or saved summary matches."
        return "Nothing printed or saved yet: summaries appear here once printed or saved as PDF."

    def _filtered(self) -> bool:
        wanted = self.current_filter()
        return bool(wanted.text.strip()) or wanted.since is not None or wanted.until is not None

    def _show_entry(self, entry: LoggedSummary | None) -> None:
        self.preview.setHtml(
            render_summary_html(entry.summary()) if entry is not None else EMPTY_PREVIEW
        )
        for button in (self.preview_button, self.print_button, self.pdf_button):
            button.setEnabled(entry is not None)

    def _selected_summary(self) -> ClaimSummary | None:
        entry = self.selected()
        if entry is None:
            self._show_message("Pick a summary in the list first.", error=True)
            return None
        try:
            return entry.summary()
        except JcalcError as error:
            self._show_message(f"This summary cannot be printed again: {error}", error=True)
            return None

    def _show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b71c1c;" if error else "")

    def _keep(self, dialog: QDialog) -> None:
        self._dialogs.append(dialog)
        dialog.finished.connect(lambda _result, d=dialog: self._forget(d))

    def _forget(self, dialog: QDialog) -> None:
        if dialog in self._dialogs:
            self._dialogs.remove(dialog)

    def save_pdf(self, path: Path | str) -> bool:
        """Write the selected summary to ``path`` again; False (with the reason shown) if not."""
        summary = self._selected_summary()
        if summary is None:
            return False
        target = Path(path)
        failure = save_summary_pdf(summary, target, self._options.page_size)
        if failure is not None:
            self._show_message(failure, error=True)
            return False
        self._settings.pdf_directory = str(target.parent)
        self._settings.sync()
        self._show_message(f"Saved {target}")
        return True

    def export_csv(self, path: Path | str) -> int | None:
        """Write the summaries listed to CSV; the number of claim lines, None on failure."""
        wanted = replace(self.current_filter(), limit=None)  # every match, not only those shown
        try:
            rows = self._log.export_csv(Path(path), wanted)
        except JcalcError as error:
            self._show_message(str(error), error=True)
            return None
        self._settings.transfer_directory = str(Path(path).parent)
        self._settings.sync()
        self._show_message(f"Wrote {rows} claim lines to {path}")
        self.exported.emit(str(path))
        return rows

    # -- slots ---------------------------------------------------------------------------------
    @Slot(str)
    def _on_filter_edit_text_changed(self, _text: str) -> None:
        self._filter_timer.start()

    @Slot(bool)
    def _on_since_check_toggled(self, checked: bool) -> None:
        self.since_edit.setEnabled(checked)
        self.refresh()

    @Slot(bool)
    def _on_until_check_toggled(self, checked: bool) -> None:
        self.until_edit.setEnabled(checked)
        self.refresh()

    @Slot(QDate)
    def _on_date_edit_date_changed(self, _day: QDate) -> None:
        self._filter_timer.start()

    @Slot(QItemSelection, QItemSelection)
    def _on_view_selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        self._show_entry(self.selected())

    @Slot()
    def _on_preview_button_clicked(self) -> None:
        summary = self._selected_summary()
        if summary is not None:
            self._keep(print_preview(self, summary, self._options))

    @Slot()
    def _on_print_button_clicked(self) -> None:
        summary = self._selected_summary()
        if summary is not None:
            dialog = print_summary(
                self,
                summary,
                self._options,
                on_error=self._on_print_error,
                on_printed=self._on_printed,
            )
            self._keep(dialog)

    def _on_print_error(self, message: str) -> None:
        self._show_message(message, error=True)

    def _on_printed(self, printer_name: str) -> None:
        self._settings.printer_name = printer_name
        self._settings.sync()
        self._show_message("Printed again (not logged twice).")

    @Slot()
    def _on_pdf_button_clicked(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        open_pdf_dialog(
            self,
            self._settings.pdf_directory,
            f"claim-summary-{entry.printed_at:%Y-%m-%d}-{entry.id}.pdf",
            object_name="historyPdfFileDialog",
            on_selected=self.save_pdf,
            keep=self._keep,
        )

    @Slot()
    def _on_export_button_clicked(self) -> None:
        open_save_dialog(
            self,
            title="Export the history as CSV",
            folder=self._settings.transfer_directory,
            name=f"jcalc-history-{date.today().isoformat()}.csv",
            name_filter="CSV files (*.csv)",
            suffix="csv",
            object_name="historyCsvFileDialog",
            on_selected=self.export_csv,
            keep=self._keep,
        )

    def done(self, result: int) -> None:
        """Remember the geometry, close the print dialogs opened from here."""
        self._settings.history_geometry = self.saveGeometry()
        self._settings.sync()
        for dialog in list(self._dialogs):
            dialog.close()
        super().done(result)
