"""The jcalc window, composed: the frame (top-level window and search field), the contents
(:mod:`jcalc.ui.window_layout`), the menus (:mod:`jcalc.ui.actions`), and one controller per
concern, every signal of which is connected here, in :meth:`MainWindow._connect`:

=========================  =============================================================
:mod:`~.search_control`    the search field, the results, picking a result
:mod:`~.entry_control`     the picked code and the entry of its dose, the live calculation
:mod:`~.visit_control`     the visit's drugs and administration codes, the glance, new visit
:mod:`~.print_control`     preview, print, PDF, copy claim lines, the History
:mod:`~.clinic_control`    the clinic's favourites, notes, charges, defaults, settings, transfer
:mod:`~.catalog_control`   the catalog in use, its updates and restores, read-only mode
=========================  =============================================================

Every figure on screen comes from :func:`jcalc.service.calculate_from_text` (the command line's
function, with the same clinic data) and every text of the bill from :mod:`jcalc.core`; the
window gathers input, and shows results and errors where they belong.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from jcalc.catalog.library import ActiveCatalog, CatalogLibrary, default_library
from jcalc.catalog.store import Catalog
from jcalc.core.calculate import Calculation
from jcalc.core.drug import DrugCode
from jcalc.core.errors import JcalcError
from jcalc.core.summary import ClaimSummary
from jcalc.ui.actions import build_actions, shortcuts_html
from jcalc.ui.catalog_control import READ_ONLY_TEXT, CatalogControl
from jcalc.ui.clinic_control import ClinicControl
from jcalc.ui.dialogs import Dialogs
from jcalc.ui.entry_control import EntryControl
from jcalc.ui.print_control import PrintControl
from jcalc.ui.search_control import SearchControl
from jcalc.ui.search_model import SearchFunction
from jcalc.ui.settings import Settings, migrate_clinic_settings
from jcalc.ui.visit_control import VisitControl
from jcalc.ui.window_frame import WindowFrame
from jcalc.ui.window_layout import build_contents, restore_layout, save_layout
from jcalc.userdata import open_user_data
from jcalc.userdata.clinic import ClinicSettings, ClinicStore
from jcalc.userdata.history import SummaryLog

if TYPE_CHECKING:
    from jcalc.printing import PrintOptions

log = logging.getLogger(__name__)

__all__ = ["READ_ONLY_TEXT", "MainWindow"]


class MainWindow(QObject):
    """The full jcalc window, composed into a :class:`WindowFrame` (``frame``).

    ``frame`` is the shown frame to complete (the start-up path); without one a new frame is
    made (shown by the caller). ``catalog`` defaults to the catalog in use
    (``library.open_active()``: the updated catalog when there is a usable one, else the
    bundled one), opened here and closed with the window; ``library`` is the per-user catalog
    folder (default: :func:`default_library`); ``search`` maps a query to results (default:
    :func:`jcalc.catalog.search.search` on the catalog); ``settings`` defaults to this PC's
    settings file; ``clinic`` and ``summary_log`` default to the per-user clinic database
    (opened here, closed with the window). ``read_only`` (another jcalc is open, see
    :mod:`jcalc.ui.instance`) turns off every change to the catalog and the clinic's data.
    On an error opening the data, the frame is left as it was and the error raised.

    Signals:
        searchFinished(str): the results of this query are on screen.
        drugPicked(str): a code was picked (its HCPCS code).
        previewUpdated(): the preview pane was re-rendered.
        catalogReloaded(str): another catalog is now in use (its status line).
        summaryLogged(int): a printed or saved summary was logged (its number).
        clinicDataChanged(): the clinic's data changed (saved here or imported).
    """

    searchFinished = Signal(str)  # noqa: N815
    drugPicked = Signal(str)  # noqa: N815
    previewUpdated = Signal()  # noqa: N815
    catalogReloaded = Signal(str)  # noqa: N815
    summaryLogged = Signal(int)  # noqa: N815
    clinicDataChanged = Signal()  # noqa: N815

    def __init__(
        self,
        *,
        frame: WindowFrame | None = None,
        catalog: Catalog | None = None,
        settings: Settings | None = None,
        search: SearchFunction | None = None,
        clinic: ClinicStore | None = None,
        summary_log: SummaryLog | None = None,
        library: CatalogLibrary | None = None,
        read_only: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        if frame is None:
            frame = WindowFrame(settings=settings, read_only=read_only, parent=parent)
        super().__init__(frame)
        self.setObjectName("mainWindowController")
        self.frame = frame
        self.settings = frame.settings
        self.read_only = frame.read_only
        self._open_data(catalog=catalog, clinic=clinic, summary_log=summary_log, library=library)

        parts = build_contents(frame)
        self.parts = parts
        self.search_box = parts.search_box
        self.search_status = parts.search_status
        self.results_model = parts.results_model
        self.results_view = parts.results_view
        self.drug_panel = parts.drug_panel
        self.dose_panel = parts.dose_panel
        self.encounter_model = parts.encounter_model
        self.encounter_view = parts.encounter_view
        self.encounter_label = parts.encounter_label
        self.admin_edit = parts.admin_edit
        self.admin_error = parts.admin_error
        self.remove_button = parts.remove_button
        self.glance = parts.glance
        self.preview = parts.preview
        self.messages = parts.messages
        self.catalog_label = parts.catalog_label
        self.quarter_warning = parts.quarter_warning
        self.problem_bar = parts.problem_bar
        self.read_only_bar = parts.read_only_bar
        self.actions = build_actions(frame)
        self.dialogs = Dialogs(frame)

        self.search = SearchControl(self, search)
        self.entry = EntryControl(self)
        self.visit = VisitControl(self)
        self.printing = PrintControl(self)
        self.clinic_control = ClinicControl(self)
        self.catalog_control = CatalogControl(self)
        self._closed = False
        self._connect()

        restore_layout(frame, parts, self.settings)
        self.clinic_control.apply_settings()
        self.catalog_control.apply_read_only()
        self.catalog_control.refresh_status()
        self.search.run()
        self.visit.update_preview()
        QTimer.singleShot(0, self.search.warm_up)

    @classmethod
    def complete(
        cls,
        frame: WindowFrame,
        *,
        catalog: Catalog | None = None,
        search: SearchFunction | None = None,
        clinic: ClinicStore | None = None,
        summary_log: SummaryLog | None = None,
        library: CatalogLibrary | None = None,
    ) -> MainWindow:
        """Compose the full window into ``frame`` (already shown, keeping what was typed)."""
        return cls(
            frame=frame,
            catalog=catalog,
            search=search,
            clinic=clinic,
            summary_log=summary_log,
            library=library,
        )

    def _open_data(
        self,
        *,
        catalog: Catalog | None,
        clinic: ClinicStore | None,
        summary_log: SummaryLog | None,
        library: CatalogLibrary | None,
    ) -> None:
        self.library = library if library is not None else default_library()
        self.owns_catalog = catalog is None
        self.catalog = catalog if catalog is not None else self.library.open_active()
        self.owns_user_data = clinic is None and summary_log is None
        if clinic is None and summary_log is None:
            try:
                clinic, summary_log = open_user_data()
            except JcalcError:
                if self.owns_catalog:
                    self.catalog.close()
                raise
        elif clinic is None:
            assert summary_log is not None
            clinic = ClinicStore(summary_log.database)
        elif summary_log is None:
            summary_log = SummaryLog(clinic.database)
        self.clinic: ClinicStore = clinic
        self.summary_log: SummaryLog = summary_log
        if not self.read_only:
            migrate_clinic_settings(self.settings, self.clinic)
        self._clinic_settings = self.clinic.settings()
        self.info = self.catalog.info()

    def _connect(self) -> None:
        """Every signal-slot connection of the window, in one place."""
        parts, actions = self.parts, self.actions
        search, entry, visit = self.search, self.entry, self.visit
        printing, clinic, catalog = self.printing, self.clinic_control, self.catalog_control
        parts.search_box.textChanged.connect(search.on_text_changed)
        parts.search_box.returnPressed.connect(search.on_return_pressed)
        parts.search_box.moveRequested.connect(search.on_move_requested)
        parts.results_view.activated.connect(search.on_results_activated)
        parts.results_view.clicked.connect(search.on_results_clicked)

        parts.drug_panel.ndcPicked.connect(entry.on_ndc_picked)
        parts.dose_panel.changed.connect(entry.on_dose_changed)
        parts.dose_panel.dateChanged.connect(entry.on_date_changed)
        parts.dose_panel.addRequested.connect(entry.on_add_requested)
        actions.add.triggered.connect(entry.on_add_requested)
        actions.find.triggered.connect(search.on_find_requested)
        actions.focus_dose.triggered.connect(entry.on_focus_dose_requested)

        parts.encounter_model.contentsChanged.connect(visit.on_contents_changed)
        parts.encounter_view.selectionModel().selectionChanged.connect(visit.on_selection_changed)
        parts.remove_button.clicked.connect(visit.on_remove_requested)
        actions.remove.triggered.connect(visit.on_remove_requested)
        parts.admin_button.clicked.connect(visit.on_admin_add_requested)
        parts.admin_edit.returnPressed.connect(visit.on_admin_add_requested)
        parts.admin_edit.textChanged.connect(visit.on_admin_text_changed)
        actions.new_visit.triggered.connect(visit.on_new_visit_requested)
        parts.preview.referenceChanged.connect(visit.on_reference_changed)
        parts.preview.patientChanged.connect(visit.on_reference_changed)

        parts.preview.printPreviewRequested.connect(printing.on_print_preview_requested)
        parts.preview.printRequested.connect(printing.on_print_requested)
        parts.preview.pdfRequested.connect(printing.on_pdf_requested)
        actions.print_preview.triggered.connect(printing.on_print_preview_requested)
        actions.print.triggered.connect(printing.on_print_requested)
        actions.pdf.triggered.connect(printing.on_pdf_requested)
        actions.copy_lines.triggered.connect(printing.on_copy_lines_requested)
        actions.copy_shaded.triggered.connect(printing.on_copy_shaded_requested)
        parts.glance.copyLinesRequested.connect(printing.on_copy_lines_requested)
        parts.glance.copyShadedRequested.connect(printing.on_copy_shaded_requested)
        actions.history.triggered.connect(printing.on_history_requested)

        parts.drug_panel.favouriteToggled.connect(clinic.on_favourite_toggled)
        parts.drug_panel.noteEdited.connect(clinic.on_note_edited)
        parts.dose_panel.ndcTextChanged.connect(clinic.on_ndc_text_changed)
        parts.dose_panel.qualifierChosen.connect(clinic.on_qualifier_chosen)
        parts.dose_panel.saveChargeRequested.connect(clinic.on_save_charge_requested)
        parts.dose_panel.rememberDefaultsRequested.connect(clinic.on_remember_defaults_requested)
        actions.settings.triggered.connect(clinic.on_settings_requested)
        actions.export_clinic.triggered.connect(clinic.on_export_requested)
        actions.import_clinic.triggered.connect(clinic.on_import_requested)

        parts.problem_bar.actionClicked.connect(catalog.on_restore_bundled_requested)
        actions.update.triggered.connect(catalog.on_update_requested)
        actions.restore_previous.triggered.connect(catalog.on_restore_previous_requested)

        actions.quit.triggered.connect(self.frame.close)
        actions.shortcuts.triggered.connect(self._on_shortcuts_action_triggered)
        actions.about.triggered.connect(self._on_about_action_triggered)
        self.frame.closing.connect(self._on_frame_closing)

    # -- public API ----------------------------------------------------------------------------
    @property
    def calculation(self) -> Calculation | None:
        """The current entry's calculation (None when there is none or it has an error)."""
        return self.entry.calculation

    @property
    def drug(self) -> DrugCode | None:
        """The picked code."""
        return self.entry.drug

    @property
    def active_catalog(self) -> ActiveCatalog | None:
        """The library's catalog in use (None when it cannot be read or was passed in)."""
        return self.catalog_control.active

    @property
    def clinic_settings(self) -> ClinicSettings:
        """The clinic's name, patient field and printing options as last read."""
        return self._clinic_settings

    @clinic_settings.setter
    def clinic_settings(self, value: ClinicSettings) -> None:
        self._clinic_settings = value

    def show_message(self, text: str, *, error: bool = False) -> None:
        """Say what happened on the message line (and in its log)."""
        self.messages.show_message(text, error=error)

    def pick_code(self, hcpcs: str, *, ndc: str | None = None, focus_dose: bool = True) -> bool:
        """Pick a code as if chosen from the results (see :meth:`EntryControl.pick_code`)."""
        return self.entry.pick_code(hcpcs, ndc=ndc, focus_dose=focus_dose)

    def summary(self) -> ClaimSummary:
        """The visit as it would print now: the visit's entries plus the current entry."""
        return self.visit.summary()

    def print_options(self) -> PrintOptions:
        """The clinic's page size and grayscale with this PC's last printer."""
        from jcalc.ui.settings import print_options

        return print_options(self._clinic_settings, self.settings)

    def save_pdf(self, path: Path | str) -> bool:
        """Write the summary to ``path`` and log it; False (with the reason shown) on failure."""
        return self.printing.save_pdf(path)

    def reload_catalog(self, message: str = "") -> None:
        """Open the catalog now in use and show everything from it (after an update/restore)."""
        self.catalog_control.reload(message)

    def export_clinic_data_to(self, path: Path | str) -> bool:
        """Write the clinic's data to ``path``; False (with the reason shown) on failure."""
        return self.clinic_control.export_to(path)

    def import_clinic_data_from(self, path: Path | str, *, merge: bool = False) -> bool:
        """Replace (or merge into) the clinic's data from a file; False on failure."""
        return self.clinic_control.import_from(path, merge=merge)

    def ask_import_clinic_data(self, path: Path | str) -> QMessageBox | None:
        """Check a clinic data file, then ask whether to replace or merge (non-blocking)."""
        return self.clinic_control.ask_import(path)

    def flush(self) -> None:
        """Run a pending search and calculation now."""
        self.search.flush()
        self.entry.flush()

    def show_second_instance_warning(self, owner: str = "") -> QMessageBox:
        """Tell the biller that another jcalc is open and this window is read-only."""
        held = f" ({owner})" if owner else ""
        return self.dialogs.warn(
            "jcalc is already open",
            f"jcalc is already open{held}.\n\n{READ_ONLY_TEXT}",
            "secondInstanceBox",
        )

    def save_layout(self) -> None:
        """Remember the window geometry and splitter positions in the settings."""
        save_layout(self.frame, self.parts, self.settings)

    def show(self) -> None:
        """Show the window."""
        self.frame.show()

    def close(self) -> bool:
        """Close the window and what it opened (idempotent)."""
        closed = self.frame.close()
        self._shut_down()
        return closed

    # -- slots ---------------------------------------------------------------------------------
    @Slot()
    def _on_shortcuts_action_triggered(self) -> None:
        self.dialogs.inform("Keyboard shortcuts", shortcuts_html(), "shortcutsBox")

    @Slot()
    def _on_about_action_triggered(self) -> None:
        from jcalc import __version__

        self.dialogs.inform(
            "About jcalc",
            f"jcalc {__version__}: drug dose to HCPCS billing units and claim lines.\n"
            f"Catalog: ASP {self.info.asp_quarter} ({self.info.path.name}).\n"
            "CPT administration codes are shown as code numbers with jcalc's own labels.",
            "aboutBox",
        )

    @Slot()
    def _on_frame_closing(self) -> None:
        self._shut_down()

    def _shut_down(self) -> None:
        """Save a note being typed, stop an update, remember the layout, close what was opened."""
        if self._closed:
            return
        self._closed = True
        self.search.stop()
        self.entry.stop()
        self.drug_panel.flush_note()
        self.catalog_control.close_dialogs()
        self.printing.close_dialogs()
        self.save_layout()
        if self.owns_catalog:
            self.catalog.close()
            self.owns_catalog = False
        if self.owns_user_data:
            self.clinic.close()
            self.owns_user_data = False
