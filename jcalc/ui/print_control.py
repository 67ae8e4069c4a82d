"""Printing the visit (preview, printer, PDF: one render path), copying its claim lines, and the
History of printed summaries."""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QApplication

from jcalc.core.claim_text import claim_lines_tsv, shaded_text
from jcalc.core.errors import JcalcError
from jcalc.core.summary import ClaimSummary
from jcalc.ui.print_actions import open_pdf_dialog, save_summary_pdf

if TYPE_CHECKING:
    from jcalc.ui.history_dialog import HistoryDialog
    from jcalc.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class PrintControl(QObject):
    """Print preview, print, PDF and copy for the window; the History dialog."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.history_dialog: HistoryDialog | None = None

    def print_state(self) -> tuple[bool, str]:
        """Whether the visit can print now, and why not."""
        w = self.w
        if w.entry.errors:
            return False, "Fix the entry marked in red first (or clear the dose)."
        if w.entry.last_good is None and w.encounter_model.rowCount() == 0:
            return False, "Nothing to print yet: pick a code and type the dose."
        return True, ""

    def _printable(self) -> bool:
        """Ready to print: the entry being made goes into the visit first (said so)."""
        w = self.w
        w.flush()
        printable, reason = self.print_state()
        if not printable:
            w.show_message(reason, error=True)
            return False
        if w.entry.calculation is not None:
            w.entry.add_to_visit(why=" before printing")
        return True

    def save_pdf(self, path: Path | str) -> bool:
        """Write the summary to ``path`` and log it; False (with the reason shown) on failure."""
        w = self.w
        if not self._printable():
            return False
        target = Path(path)
        summary = w.summary()
        message = save_summary_pdf(summary, target, w.clinic_settings.page_size)
        if message is not None:
            self.show_print_error(message)
            log.warning("%s", message)
            return False
        w.settings.pdf_directory = str(target.parent)
        w.settings.sync()
        w.show_message(f"Saved {target}")
        self._log_summary(summary, "saved")
        return True

    def show_print_error(self, message: str) -> None:
        """A print or PDF failure, above the preview and on the message line."""
        self.w.preview.set_notice(message)
        self.w.show_message(message, error=True)

    def _on_summary_printed(self, summary: ClaimSummary, printer_name: str) -> None:
        self.w.settings.printer_name = printer_name
        self.w.settings.sync()
        self.w.show_message(f"Printed the summary on {printer_name or 'the printer'}.")
        self._log_summary(summary, "printed")

    def _log_summary(self, summary: ClaimSummary, action: Literal["printed", "saved"]) -> None:
        """Log a printed or saved summary; a failure is shown, the print itself stands."""
        w = self.w
        w.visit.mark_saved()
        try:
            log_id = w.summary_log.log(summary, action=action)
        except JcalcError as error:
            message = f"The summary was {action}, but it could not be added to the History: {error}"
            w.show_message(message, error=True)
            log.warning("%s", message)
            return
        if self.history_dialog is not None:
            self.history_dialog.refresh()
        w.summaryLogged.emit(log_id)

    def close_dialogs(self) -> None:
        """The window closes: close the History."""
        if self.history_dialog is not None:
            self.history_dialog.reject()

    def set_history_options(self) -> None:
        """The print options changed: the History prints with the new ones."""
        if self.history_dialog is not None:
            self.history_dialog.set_options(self.w.print_options())

    # -- slots ---------------------------------------------------------------------------------
    @Slot()
    def on_print_preview_requested(self) -> None:
        """Print preview of the visit."""
        if self._printable():
            summary = self.w.summary()
            on_printed = functools.partial(self._on_summary_printed, summary)
            from jcalc.printing import print_preview

            self.w.dialogs.keep(
                print_preview(self.w.frame, summary, self.w.print_options(), on_printed)
            )

    @Slot()
    def on_print_requested(self) -> None:
        """Print the visit (the print dialog first)."""
        if self._printable():
            summary = self.w.summary()
            from jcalc.printing import print_summary

            dialog = print_summary(
                self.w.frame,
                summary,
                self.w.print_options(),
                on_error=self.show_print_error,
                on_printed=functools.partial(self._on_summary_printed, summary),
            )
            self.w.dialogs.keep(dialog)

    @Slot()
    def on_pdf_requested(self) -> None:
        """Save the visit as PDF (the file dialog first)."""
        w = self.w
        if not self._printable():
            return
        open_pdf_dialog(
            w.frame,
            w.settings.pdf_directory,
            f"claim-summary-{w.dose_panel.date_of_service.isoformat()}.pdf",
            object_name="pdfFileDialog",
            on_selected=self.save_pdf,
            keep=w.dialogs.keep,
        )

    def _copy(self, summary: ClaimSummary, text: str, copied: str) -> None:
        """Put ``text`` on the clipboard and say what was ``copied``, and whether the claim is
        ready: lines pasted into a claim while a problem blocks it would be denied."""
        w = self.w
        QApplication.clipboard().setText(text)
        blocking = w.visit.blocking_problems(summary)
        if blocking:
            w.show_message(
                f"Copied {copied} to the clipboard, but the claim is not ready: "
                + "; ".join(blocking)
                + ".",
                error=True,
            )
        else:
            w.show_message(f"Copied {copied} to the clipboard.")

    @Slot()
    def on_copy_lines_requested(self) -> None:
        """Ctrl+Shift+C: the claim lines as tab-separated text, a header row first."""
        w = self.w
        w.flush()
        summary = w.summary()
        count = len(summary.lines)
        if not count:
            w.show_message("Nothing to copy: the visit has no claim lines yet.", error=True)
            return
        copied = f"{count} claim line{'s' if count != 1 else ''} and a header row"
        self._copy(summary, claim_lines_tsv(summary.lines), copied)

    @Slot()
    def on_copy_shaded_requested(self) -> None:
        """The CMS-1500 item 24 shaded-line text alone, one line per claim line with an NDC."""
        w = self.w
        w.flush()
        summary = w.summary()
        text = shaded_text(summary.lines)
        if not text:
            w.show_message(
                "Nothing to copy: no claim line of the visit has an NDC, so there is no "
                "shaded-line text.",
                error=True,
            )
            return
        count = text.count("\n")
        self._copy(
            summary, text, f"the shaded-line text of {count} line{'s' if count != 1 else ''}"
        )

    @Slot()
    def on_history_requested(self) -> None:
        """Open (or raise) the History of printed summaries."""
        w = self.w
        if self.history_dialog is None:
            from jcalc.ui.history_dialog import HistoryDialog

            dialog = HistoryDialog(
                summary_log=w.summary_log,
                settings=w.settings,
                options=w.print_options(),
                parent=w.frame,
            )
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
            dialog.finished.connect(self._on_history_dialog_finished)
            self.history_dialog = dialog
            w.dialogs.keep(dialog)
        else:
            self.history_dialog.refresh()
        self.history_dialog.show()
        self.history_dialog.raise_()
        self.history_dialog.activateWindow()

    @Slot(int)
    def _on_history_dialog_finished(self, _result: int) -> None:
        self.history_dialog = None
