"""The visit: its drugs and administration codes, the preview and the glance of the bill, and
starting a new visit (asked first while the visit was not printed or saved)."""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut

from jcalc.core.errors import JcalcError
from jcalc.core.glance import drug_glance, problems_once, totals_text, visit_problems
from jcalc.core.summary import ClaimSummary, SummaryEntry, parse_administration_codes
from jcalc.ui.encounter_model import COL_ASP, COL_CODE, COL_LINES
from jcalc.ui.glance_panel import GlanceRow
from jcalc.ui.widgets import set_invalid

if TYPE_CHECKING:
    from jcalc.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class VisitControl(QObject):
    """The visit's rows, what prints, and what the glance and the preview show."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.saved = True  # the visit as it stands was printed or saved (or is empty)
        self._last_summary: ClaimSummary | None = None
        delete = QShortcut(QKeySequence.StandardKey.Delete, window.encounter_view)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.on_remove_requested)

    def summary(self) -> ClaimSummary:
        """The visit as it would print now: the visit's entries plus the current entry."""
        w = self.w
        entries = [item.summary_entry for item in w.encounter_model.drug_items()]
        current = w.entry.last_good
        if current is not None:
            entries.append(SummaryEntry.from_calculation(current))
        settings = w.clinic_settings
        patient = w.preview.patient_name if settings.patient_field else ""
        day = w.dose_panel.date_of_service
        return ClaimSummary(
            date_of_service=day,
            entries=tuple(entries),
            administration=w.encounter_model.administration_codes(),
            clinic_name=settings.clinic_name,
            reference=w.preview.reference_edit.text(),
            **w.catalog.summary_quarter(day),
            patient_name=patient,
        )

    def is_empty(self) -> bool:
        """True when nothing was added and nothing is being entered."""
        return self.w.encounter_model.rowCount() == 0 and self.w.entry.calculation is None

    def mark_saved(self) -> None:
        """The visit as it stands was printed or saved as PDF."""
        self.saved = True

    def update_preview(self) -> None:
        """Show the summary, the glance, the notice and whether printing is possible."""
        w = self.w
        entry = w.entry
        if entry.shown_errors:
            reason = next(iter(entry.shown_errors.values()))
            if entry.last_good is not None:
                dose = entry.last_good.request.dose
                shown = f" ({dose})" if dose else ""
                notice = (
                    f"Not updated: {reason}. The preview still shows the last valid entry"
                    f"{shown}; fix the entry to print."
                )
            else:
                notice = f"Not in the preview: {reason}."
            w.preview.set_notice(notice)
        else:
            w.preview.set_notice("")
        printable, reason = w.printing.print_state()
        w.preview.set_printing_enabled(printable, reason)
        for action in (w.actions.print, w.actions.print_preview, w.actions.pdf):
            action.setEnabled(printable)
        summary = self.summary()
        self._show_glance(summary)
        w.preview.show_summary(summary)
        w.previewUpdated.emit()

    def _glance_rows(self, summary: ClaimSummary) -> list[GlanceRow]:
        day = summary.date_of_service
        rows = [
            GlanceRow(drug_glance(item.calculation, day))
            for item in self.w.encounter_model.drug_items()
        ]
        current = self.w.entry.last_good
        if current is not None:
            rows.append(GlanceRow(drug_glance(current, day), entering=True))
        return rows

    def _show_glance(self, summary: ClaimSummary) -> None:
        rows = self._glance_rows(summary)
        self.w.glance.show_visit(
            rows, totals_text(summary.lines), visit_problems(summary.encounter_warnings)
        )

    def blocking_problems(self, summary: ClaimSummary) -> list[str]:
        """The problems of ``summary`` that block the claim, each once (the glance shows them)."""
        problems = [p for row in self._glance_rows(summary) for p in row.glance.problems]
        problems += visit_problems(summary.encounter_warnings)
        return [problem.text for problem in problems_once(problems) if problem.blocking]

    def recompute(self, day: date) -> None:
        """Work out the visit's drugs again for a new date of service."""
        w = self.w
        failed: list[str] = []
        for row, item in enumerate(w.encounter_model.drug_items()):
            try:
                entry, result = w.entry.recompute(item.entry, day)
            except JcalcError as error:
                failed.append(f"{item.calculation.drug.hcpcs}: {error}")
                continue
            w.encounter_model.replace_calculation(row, entry, result)
        if failed:
            w.show_message("Kept the old date for " + "; ".join(failed), error=True)

    def fill_remembered_administration(self, code: str) -> None:
        """Put the clinic's remembered administration codes of ``code`` in the field (not yet
        added: Enter adds them) when the field is empty."""
        if self.w.admin_edit.text().strip():
            return
        try:
            text = self.w.clinic.administration_codes(code)
        except JcalcError as error:
            log.warning("administration codes of %s not read: %s", code, error)
            return
        if text:
            self.w.admin_edit.setText(text)

    def new_visit(self) -> None:
        """Empty the visit, the entry and the search for the next patient."""
        w = self.w
        w.encounter_model.clear()
        w.preview.reference_edit.clear()
        w.preview.patient_edit.clear()
        w.admin_edit.clear()
        w.dose_panel.clear_entry()
        w.dose_panel.body.clear()  # the weight, height and BSA are the previous patient's
        w.entry.last_good = None
        w.search_box.clear()
        w.entry.set_drug(None)
        self.saved = True
        w.show_message("New visit: the previous one was cleared.")
        w.search_box.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- slots ---------------------------------------------------------------------------------
    @Slot()
    def on_new_visit_requested(self) -> None:
        """Ctrl+N: a new visit, asked first when this one was not printed or saved."""
        w = self.w
        w.entry.flush()
        if (self.saved and w.entry.calculation is None) or self.is_empty():
            self.new_visit()
            return
        drugs = len(w.encounter_model.drug_items()) + (w.entry.calculation is not None)
        w.dialogs.ask(
            "newVisitBox",
            "Start a new visit?",
            f"This visit ({drugs} drug{'s' if drugs != 1 else ''}) was not printed or saved as "
            "PDF. Start a new visit and clear it?",
            [("&Clear and start a new visit", self.new_visit)],
            cancel_default=True,
        )

    @Slot()
    def on_contents_changed(self) -> None:
        """Rows were added, removed or recomputed."""
        w = self.w
        self.saved = False
        drugs = len(w.encounter_model.drug_items())
        codes = len(w.encounter_model.administration_codes())
        if drugs or codes:
            w.parts.encounter_label.setText(
                f"Visit: {drugs} drug{'s' if drugs != 1 else ''}, "
                f"{codes} administration code{'s' if codes != 1 else ''}"
            )
        else:
            w.parts.encounter_label.setText("Visit: nothing added yet")
        for column in (COL_CODE, COL_LINES, COL_ASP):  # rows added: widths follow the content
            w.encounter_view.resizeColumnToContents(column)
        self.update_preview()

    @Slot()
    def on_selection_changed(self) -> None:
        """Remove is possible while a row is selected."""
        self.w.remove_button.setEnabled(self.w.encounter_view.selectionModel().hasSelection())

    @Slot()
    def on_remove_requested(self) -> None:
        """Remove the selected row of the visit (button, Delete, Go menu)."""
        w = self.w
        rows = w.encounter_view.selectionModel().selectedRows()
        if not rows:
            w.show_message("Select an entry of the visit to remove.")
            return
        item = w.encounter_model.object_at(rows[0].row())
        w.encounter_model.remove_row(rows[0].row())
        what = (
            w.encounter_model.cell(item, 0, COL_CODE, Qt.ItemDataRole.DisplayRole) if item else ""
        )
        w.show_message(f"Removed {what} from the visit.")

    @Slot()
    def on_admin_add_requested(self) -> None:
        """Add the administration codes typed (Enter or Add codes)."""
        w = self.w
        text = w.admin_edit.text()
        try:
            codes = parse_administration_codes(text)
        except JcalcError as error:
            w.admin_error.set_message(str(error))
            set_invalid(w.admin_edit, True)
            return
        if not codes:
            w.admin_error.set_message("Type administration code numbers, such as 96413.")
            set_invalid(w.admin_edit, True)
            return
        w.encounter_model.add_administration(codes)
        w.admin_edit.clear()
        added = ", ".join(f"{c.code}" + (f" × {c.units}" if c.units > 1 else "") for c in codes)
        w.show_message(f"Added administration code{'s' if len(codes) > 1 else ''} {added}.")

    @Slot(str)
    def on_admin_text_changed(self, _text: str) -> None:
        """Typing clears the error mark."""
        self.w.admin_error.set_message("")
        set_invalid(self.w.admin_edit, False)

    @Slot(str)
    def on_reference_changed(self, _text: str) -> None:
        """The reference or patient changed: the printout changes."""
        self.saved = False
        self.update_preview()
