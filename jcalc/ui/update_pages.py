"""The update dialog's pages: the files to use, progress, older files to confirm, the review."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from jcalc.ui.diff_models import DiffSection

BAR_STEPS = 1000

INTRO = (
    "Choose the CMS files of the new quarter, as downloaded (the zips) or extracted: any of the "
    "HCPCS Level II file, the ASP payment limit file, the ASP NDC–HCPCS crosswalk and the "
    "practitioner MUE table. Kinds you leave out are kept from the catalog in use. Nothing "
    "changes until you have seen what the new files change and accepted them."
)


class UpdateDialogPages(QDialog):
    """The widgets and layout of :class:`~jcalc.ui.update_dialog.UpdateDialog`'s four pages."""

    def _files_page(self) -> QWidget:
        page = QWidget(self)
        intro = QLabel(INTRO, page)
        intro.setWordWrap(True)
        self.in_use_label = QLabel(page)
        self.in_use_label.setObjectName("catalogInUseLabel")
        self.in_use_label.setWordWrap(True)
        self.file_list = QListWidget(page)
        self.file_list.setObjectName("updateFileList")
        self.file_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.add_button = QPushButton("&Add files…", page)
        self.add_button.setObjectName("addUpdateFilesButton")
        self.remove_button = QPushButton("&Remove", page)
        self.remove_button.setObjectName("removeUpdateFilesButton")
        self.message = QLabel(page)
        self.message.setObjectName("updateMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        self.start_button = QPushButton("&Check files and build", page)
        self.start_button.setObjectName("startUpdateButton")
        self.start_button.setDefault(True)
        self.close_button = QPushButton("Close", page)
        self.close_button.setObjectName("closeUpdateButton")

        side = QVBoxLayout()
        side.addWidget(self.add_button)
        side.addWidget(self.remove_button)
        side.addStretch(1)
        middle = QHBoxLayout()
        middle.addWidget(self.file_list, 1)
        middle.addLayout(side)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.start_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(intro)
        layout.addWidget(self.in_use_label)
        layout.addLayout(middle, 1)
        layout.addWidget(self.message)
        layout.addLayout(bottom)
        return page

    def _progress_page(self) -> QWidget:
        page = QWidget(self)
        self.stage_label = QLabel("Starting…", page)
        self.stage_label.setObjectName("updateStage")
        self.progress_bar = QProgressBar(page)
        self.progress_bar.setObjectName("updateProgress")
        self.progress_bar.setRange(0, BAR_STEPS)
        self.progress_bar.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel", page)
        self.cancel_button.setObjectName("cancelUpdateButton")
        note = QLabel(
            "You can go on working in the main window meanwhile; the catalog in use does not "
            "change until you accept the new one.",
            page,
        )
        note.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.cancel_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addStretch(1)
        layout.addWidget(self.stage_label)
        layout.addWidget(self.progress_bar)
        layout.addWidget(note)
        layout.addStretch(1)
        layout.addLayout(bottom)
        return page

    def _confirm_page(self) -> QWidget:
        page = QWidget(self)
        title = QLabel("<b>Some files are older than the catalog in use</b>", page)
        self.reasons_label = QLabel(page)
        self.reasons_label.setObjectName("olderReasons")
        self.reasons_label.setWordWrap(True)
        self.reasons_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        advice = QLabel(
            "Using them goes back to older codes, prices or limits. Go on only if that is what "
            "you mean to do (for example to bill visits of an earlier quarter).",
            page,
        )
        advice.setWordWrap(True)
        self.confirm_button = QPushButton("&Use them anyway", page)
        self.confirm_button.setObjectName("confirmOlderButton")
        self.reject_older_button = QPushButton("Cancel", page)
        self.reject_older_button.setObjectName("rejectOlderButton")
        self.reject_older_button.setDefault(True)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.confirm_button)
        bottom.addWidget(self.reject_older_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.reasons_label)
        layout.addWidget(advice)
        layout.addStretch(1)
        layout.addLayout(bottom)
        return page

    def _review_page(self) -> QWidget:
        page = QWidget(self)
        self.diff_header = QLabel(page)
        self.diff_header.setObjectName("diffHeader")
        self.diff_header.setWordWrap(True)
        self.diff_header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes_label = QLabel(page)
        self.notes_label.setObjectName("updateNotes")
        self.notes_label.setWordWrap(True)
        self.notes_label.setStyleSheet("color: #5a4500;")
        self.skips_label = QLabel(page)  # rows read, imported and skipped (reason, examples)
        self.skips_label.setObjectName("skippedRows")
        self.skips_label.setWordWrap(True)
        self.skips_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tabs = QTabWidget(page)
        self.tabs.setObjectName("diffTabs")
        self.review_error = QLabel(page)
        self.review_error.setObjectName("reviewError")
        self.review_error.setWordWrap(True)
        self.review_error.setStyleSheet("color: #b71c1c;")
        self.review_error.hide()
        self.accept_button = QPushButton("&Use the new catalog", page)
        self.accept_button.setObjectName("acceptUpdateButton")
        self.accept_button.setDefault(True)
        self.discard_button = QPushButton("Cancel", page)
        self.discard_button.setObjectName("discardUpdateButton")
        self.discard_button.setToolTip("Throw the new catalog away; nothing changes")
        bottom = QHBoxLayout()
        bottom.addWidget(self.review_error, 1)
        bottom.addStretch(0)
        bottom.addWidget(self.accept_button)
        bottom.addWidget(self.discard_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.diff_header)
        layout.addWidget(self.notes_label)
        layout.addWidget(self.skips_label)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        return page

    @staticmethod
    def _tab_title(section: DiffSection) -> str:
        return f"{section.title} ({section.model.rowCount()})"

    def _section_widget(self, section: DiffSection) -> QWidget:
        widget = QWidget(self.tabs)
        layout = QVBoxLayout(widget)
        layout.setContentsMargins(4, 4, 4, 4)
        view = QTableView(widget)
        view.setObjectName(f"diffView_{section.key}")
        view.setModel(section.model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setWordWrap(True)  # the last column wraps; the others are cut (tooltip whole)
        view.verticalHeader().hide()
        view.verticalHeader().setMinimumSectionSize(view.fontMetrics().height() + 6)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.resizeColumnsToContents()
        columns = section.model.columnCount()
        stretch = section.model.stretch_column % columns
        for column in range(columns):
            if column != stretch:
                view.setColumnWidth(column, min(view.columnWidth(column) + 12, 300))
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        view.resizeRowsToContents()
        empty = QLabel(section.empty_text, widget)
        empty.setObjectName(f"diffEmpty_{section.key}")
        empty.setVisible(section.model.rowCount() == 0)
        view.setVisible(section.model.rowCount() > 0)
        layout.addWidget(empty)
        layout.addWidget(view, 1)
        if section.model.rowCount() == 0:
            layout.addStretch(1)
        return widget
