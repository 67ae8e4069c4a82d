"""The live preview: the printed summary's HTML on screen, with the print buttons."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from jcalc.core.summary import ClaimSummary, render_summary_html
from jcalc.ui.widgets import INVALID_STYLE

SIDEWAYS_SLACK_PX = 2  # Qt's table layout can round a full-width table a pixel over


class PreviewPanel(QWidget):
    """Reference (and, when the clinic turned it on, patient) field, a notice line, the summary,
    and print preview / print / PDF buttons.

    Signals:
        referenceChanged(str): the free-text reference was edited.
        patientChanged(str): the patient name was edited.
        printPreviewRequested(): the print preview button was pressed.
        printRequested(): the print button was pressed.
        pdfRequested(): the save-as-PDF button was pressed.
    """

    referenceChanged = Signal(str)  # noqa: N815
    patientChanged = Signal(str)  # noqa: N815
    printPreviewRequested = Signal()  # noqa: N815
    printRequested = Signal()  # noqa: N815
    pdfRequested = Signal()  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewPanel")
        self.setStyleSheet(INVALID_STYLE)
        self._html = ""

        self.reference_edit = QLineEdit(self)
        self.reference_edit.setObjectName("referenceEdit")
        self.reference_edit.setPlaceholderText("optional: account or visit number (no names)")
        self.reference_edit.setClearButtonEnabled(True)
        reference_label = QLabel("&Reference", self)
        reference_label.setBuddy(self.reference_edit)
        self.patient_edit = QLineEdit(self)
        self.patient_edit.setObjectName("patientEdit")
        self.patient_edit.setPlaceholderText("optional: printed, and kept in the History")
        self.patient_edit.setClearButtonEnabled(True)
        self.patient_edit.setMaxLength(200)
        self.patient_label = QLabel("Pat&ient", self)
        self.patient_label.setBuddy(self.patient_edit)

        self.notice = QLabel(self)
        self.notice.setObjectName("previewNotice")
        self.notice.setProperty("role", "fieldError")
        self.notice.setWordWrap(True)
        self.notice.hide()

        self.pane = QTextBrowser(self)
        self.pane.setObjectName("previewPane")
        self.pane.setOpenLinks(False)
        # As printed (jcalc.printing.SUMMARY_WRAP, not imported: the window starts without
        # print support): lines break between words, never inside a code or an amount.
        self.pane.setWordWrapMode(QTextOption.WrapMode.WordWrap)
        # Text wraps to the pane; a lines table wider than a narrow pane scrolls sideways
        # (_fit_sideways: not for the pixel Qt's table layout rounds over).
        self.pane.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pane.setAccessibleName("Claim-line preview")

        self.print_preview_button = QPushButton("Pre&view…", self)
        self.print_preview_button.setObjectName("printPreviewButton")
        self.print_preview_button.setToolTip("Print preview (Ctrl+Shift+P)")
        self.print_button = QPushButton("&Print…", self)
        self.print_button.setObjectName("printButton")
        self.print_button.setToolTip("Print the summary (Ctrl+P)")
        self.pdf_button = QPushButton("&Save PDF…", self)
        self.pdf_button.setObjectName("pdfButton")
        self.pdf_button.setToolTip("Save the summary as a one-page PDF (Ctrl+S)")
        for button in (self.print_preview_button, self.print_button, self.pdf_button):
            button.setAutoDefault(False)

        top = QGridLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setVerticalSpacing(3)
        top.addWidget(reference_label, 0, 0)
        top.addWidget(self.reference_edit, 0, 1)
        top.addWidget(self.patient_label, 1, 0)
        top.addWidget(self.patient_edit, 1, 1)
        top.setColumnStretch(1, 1)
        self.set_patient_field(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.print_preview_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(self.pane, 1)
        layout.addLayout(buttons)

        # Checked once the pane and its document have settled (either can change last).
        self._sideways_timer = QTimer(self)
        self._sideways_timer.setSingleShot(True)
        self._sideways_timer.setInterval(0)
        self._sideways_timer.timeout.connect(self._fit_sideways)
        self.pane.document().documentLayout().documentSizeChanged.connect(
            self._sideways_timer.start
        )
        self.pane.viewport().installEventFilter(self)
        self.reference_edit.textChanged.connect(self._on_reference_edit_text_changed)
        self.patient_edit.textChanged.connect(self._on_patient_edit_text_changed)
        self.print_preview_button.clicked.connect(self._on_print_preview_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.pdf_button.clicked.connect(self._on_pdf_button_clicked)

    @property
    def html(self) -> str:
        """The HTML on screen (the same as printed)."""
        return self._html

    def show_summary(self, summary: ClaimSummary) -> bool:
        """Render ``summary``; False when the page already showed exactly that."""
        markup = render_summary_html(summary)
        if markup == self._html:
            return False
        bar = self.pane.verticalScrollBar()
        position = bar.value()
        self._html = markup
        self.pane.setHtml(markup)
        bar.setValue(min(position, bar.maximum()))
        return True

    @property
    def patient_name(self) -> str:
        """The patient name typed ("" while the field is off)."""
        return self.patient_edit.text().strip() if self.patient_edit.isVisibleTo(self) else ""

    def set_patient_field(self, enabled: bool) -> None:
        """Show the patient field (the clinic turned it on) or hide and empty it."""
        self.patient_label.setVisible(enabled)
        self.patient_edit.setVisible(enabled)
        if not enabled:
            self.patient_edit.clear()

    def set_notice(self, text: str) -> None:
        """A red line above the preview (empty: hidden)."""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def set_printing_enabled(self, enabled: bool, reason: str = "") -> None:
        """Enable or disable the three print buttons, with the reason as their tooltip."""
        for button in (self.print_preview_button, self.print_button, self.pdf_button):
            button.setEnabled(enabled)
        self.print_button.setToolTip("Print the summary (Ctrl+P)" if enabled else reason)
        self.pdf_button.setToolTip(
            "Save the summary as a one-page PDF (Ctrl+S)" if enabled else reason
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """A new pane width may make the lines table fit, or no longer fit."""
        if event.type() == QEvent.Type.Resize:
            self._sideways_timer.start()
        return super().eventFilter(watched, event)

    @Slot()
    def _fit_sideways(self) -> None:
        over = self.pane.document().size().width() - self.pane.viewport().width()
        policy = (
            Qt.ScrollBarPolicy.ScrollBarAsNeeded
            if over > SIDEWAYS_SLACK_PX
            else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        if self.pane.horizontalScrollBarPolicy() != policy:
            self.pane.setHorizontalScrollBarPolicy(policy)

    @Slot(str)
    def _on_reference_edit_text_changed(self, text: str) -> None:
        self.referenceChanged.emit(text)

    @Slot(str)
    def _on_patient_edit_text_changed(self, text: str) -> None:
        self.patientChanged.emit(text)

    @Slot()
    def _on_print_preview_button_clicked(self) -> None:
        self.printPreviewRequested.emit()

    @Slot()
    def _on_print_button_clicked(self) -> None:
        self.printRequested.emit()

    @Slot()
    def _on_pdf_button_clicked(self) -> None:
        self.pdfRequested.emit()
