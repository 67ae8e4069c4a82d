"""The catalog in use: its name and quarter in the status bar, the date-of-service warning, the
problem bar of an unusable updated catalog, updates, restores, and the read-only mode."""

from __future__ import annotations

import html
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Slot

from jcalc.catalog.library import BUNDLED, ActiveCatalog, catalog_label
from jcalc.catalog.store import open_catalog
from jcalc.core.errors import JcalcError
from jcalc.userdata.clinic import ClinicData

if TYPE_CHECKING:
    from jcalc.ui.main_window import MainWindow
    from jcalc.ui.update_dialog import UpdateDialog

log = logging.getLogger(__name__)

PROBLEM_PREFIX = "the updated catalog cannot be used: "  # how the library's problems start
READ_ONLY_TEXT = (
    "jcalc is already open in another window, so this one is read-only: you can search, "
    "calculate, print and see the History, but not update the catalog or change the clinic's "
    "data. Use the other window for that (or close it and start jcalc again)."
)


class CatalogControl(QObject):
    """Shows the catalog in use and switches it (update, restore), for the window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.update_dialog: UpdateDialog | None = None
        self.active = self._read_active()

    def _read_active(self) -> ActiveCatalog | None:
        """The library's catalog in use, when the window shows it (not a catalog passed in)."""
        if not self.w.owns_catalog:
            return None
        try:
            return self.w.library.active()
        except JcalcError as error:
            log.warning("the catalog in use cannot be described: %s", error)
            return None

    def refresh_status(self) -> None:
        """The status bar's catalog line, the problem bar and the date-of-service warning."""
        w = self.w
        info = w.info
        active = self.active
        start = info.asp_effective_from.isoformat() if info.asp_effective_from else "?"
        end = info.asp_effective_to.isoformat() if info.asp_effective_to else "?"
        name = active.status_text if active is not None else f"Catalog {info.asp_quarter or '?'}"
        w.catalog_label.setText(f"{name}: {start} to {end}")
        where = active.describe() if active is not None else str(info.path)
        w.catalog_label.setToolTip(
            f"ASP payment limits {info.asp_quarter}, effective {start} to {end}; HCPCS release "
            f"{info.hcpcs_release or '?'}; MUE {info.mue_quarter or '?'}.\nIn use: {where}"
        )
        if active is not None and active.problem:
            reason = active.problem.removeprefix(PROBLEM_PREFIX)
            w.problem_bar.set_message(
                f"<b>The updated catalog cannot be used</b>, so jcalc uses the bundled catalog "
                f"({active.quarter}) for now. Reason: {html.escape(reason)}. Restore the "
                "bundled catalog to make that the normal state, then update again from the CMS "
                "files."
            )
        else:
            w.problem_bar.set_message("")
        can_restore = active is not None and active.previous is not None and not w.read_only
        action = w.actions.restore_previous
        action.setEnabled(can_restore)
        action.setToolTip(
            "Go back to the catalog used before the last change"
            if can_restore
            else "There is no previous catalog to go back to"
        )
        day = w.dose_panel.date_of_service
        warning = ""
        if info.asp_effective_to is not None and day > info.asp_effective_to:
            warning = (
                f"Date of service is after the catalog's quarter (ended {end}): "
                "codes and prices may have changed."
            )
        elif info.asp_effective_from is not None and day < info.asp_effective_from:
            warning = (
                f"Date of service is before the catalog's quarter (from {start}): "
                "ASP estimates use this quarter's prices."
            )
        w.quarter_warning.setText(warning)
        w.quarter_warning.setToolTip(warning)
        w.quarter_warning.setVisible(bool(warning))

    def reload(self, message: str = "") -> None:
        """Open the catalog now in use and show everything from it (after an update or restore).

        The picked code, the typed entry and the visit stay; the visit's lines are worked out
        again with the new catalog.
        """
        w = self.w
        try:
            catalog = w.library.open_active()
        except JcalcError as error:
            w.dialogs.warn("jcalc: catalog", f"The catalog cannot be opened: {error}")
            return
        old, owned = w.catalog, w.owns_catalog
        w.catalog, w.owns_catalog = catalog, True
        w.info = catalog.info()
        self.active = self._read_active()
        if owned:
            old.close()
        entry = w.entry
        code = entry.drug.hcpcs if entry.drug is not None else None
        ndc = w.dose_panel.ndc_edit.text().strip() or None
        entry.drug = None
        if code is not None:
            entry.select_code(code, ndc=ndc, keep_entry=True)
        else:
            entry.set_drug(None)
        w.visit.recompute(w.dose_panel.date_of_service)
        self.refresh_status()
        w.search.run()
        entry.recalculate()
        status = self.active.status_text if self.active else f"Catalog {w.info.asp_quarter}"
        w.show_message(message or f"Now using {status}.")
        log.info("catalog reloaded: %s", w.info.path)
        w.catalogReloaded.emit(status)

    def apply_read_only(self) -> None:
        """Turn off whatever changes the catalog or the clinic's data (another jcalc is open)."""
        w = self.w
        if not w.read_only:
            return
        for action in (
            w.actions.update,
            w.actions.restore_previous,
            w.actions.import_clinic,
            w.actions.settings,
        ):
            action.setEnabled(False)
            action.setToolTip("Read-only: jcalc is already open in another window")
        w.problem_bar.button.setEnabled(False)
        w.read_only_bar.set_message(READ_ONLY_TEXT)

    def close_dialogs(self) -> None:
        """The window closes: stop an update."""
        if self.update_dialog is not None:
            self.update_dialog.reject()

    # -- slots ---------------------------------------------------------------------------------
    @Slot()
    def on_update_requested(self) -> None:
        """File → Update catalog…"""
        w = self.w
        if not w.clinic_control.writable("update the catalog"):
            return
        if self.update_dialog is not None:
            self.update_dialog.raise_()
            self.update_dialog.activateWindow()
            return
        try:
            clinic: ClinicData | None = w.clinic.snapshot()
        except JcalcError as error:
            log.warning("the review will not list the clinic's codes: %s", error)
            clinic = None
        from jcalc.ui.update_dialog import UpdateDialog

        dialog = UpdateDialog(library=w.library, settings=w.settings, clinic=clinic, parent=w.frame)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.catalogChanged.connect(self._on_update_dialog_catalog_changed)
        dialog.finished.connect(self._on_update_dialog_finished)
        self.update_dialog = dialog
        w.dialogs.keep(dialog)
        dialog.show()

    @Slot(object)
    def _on_update_dialog_catalog_changed(self, active: ActiveCatalog) -> None:
        self.reload(f"Now using {active.status_text}; the previous catalog is kept.")

    @Slot(int)
    def _on_update_dialog_finished(self, _result: int) -> None:
        self.update_dialog = None

    @Slot()
    def on_restore_previous_requested(self) -> None:
        """File → Restore previous catalog… (asked first)."""
        w = self.w
        if not w.clinic_control.writable("restore the previous catalog"):
            return
        previous = w.library.previous_entry()
        if previous is None:
            w.show_message("There is no previous catalog to go back to.", error=True)
            return
        try:
            with open_catalog(w.library.entry_path(previous)) as catalog:
                label = catalog_label(catalog.info())
        except JcalcError as error:
            w.dialogs.warn("jcalc: catalog", f"The previous catalog cannot be used: {error}")
            return
        kind = "the bundled catalog" if previous == BUNDLED else "the previous catalog"
        w.dialogs.ask(
            "restorePreviousBox",
            "Restore the previous catalog?",
            f"Go back to {kind} ({label})?\n\nThe catalog in use now "
            f"({catalog_label(w.info)}) is kept as the previous one, so you can switch "
            "back the same way.",
            [("Restore", self._restore_previous)],
            cancel_default=True,
        )

    def _restore_previous(self) -> None:
        try:
            active = self.w.library.restore_previous()
        except JcalcError as error:
            self.w.dialogs.warn("jcalc: catalog", f"Nothing was changed: {error}")
            return
        self.reload(f"Now using {active.status_text} again.")

    @Slot()
    def on_restore_bundled_requested(self) -> None:
        """The problem bar's Restore bundled catalog."""
        w = self.w
        if not w.clinic_control.writable("restore the bundled catalog"):
            return
        try:
            active = w.library.restore_bundled()
        except JcalcError as error:
            w.dialogs.warn("jcalc: catalog", f"Nothing was changed: {error}")
            return
        self.reload(f"Now using {active.status_text}.")
