"""The main window: search, drug panel, dose entry, encounter, live preview and printing.

Every figure on screen comes from :func:`jcalc.service.calculate_from_text` (the same function the
command line uses) and the summary from :mod:`jcalc.core.summary`; the window only gathers input,
debounces it, and shows results and errors where they belong.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jcalc.catalog.search import search as catalog_search
from jcalc.catalog.store import Catalog, open_catalog
from jcalc.core.calculate import Calculation
from jcalc.core.drug import DrugCode, NdcProduct
from jcalc.core.errors import JcalcError
from jcalc.core.ndc import format_ndc
from jcalc.core.summary import ClaimSummary, SummaryEntry, parse_administration_codes
from jcalc.printing import print_preview, print_summary, write_pdf
from jcalc.service import CalcInput, calculate_from_text
from jcalc.ui.dose_panel import DosePanel
from jcalc.ui.drug_panel import DrugPanel
from jcalc.ui.encounter_model import COL_ASP, COL_CODE, COL_LINES, COL_WHAT, EncounterModel
from jcalc.ui.preview import PreviewPanel
from jcalc.ui.search_model import (
    COL_CODE as SEARCH_COL_CODE,
)
from jcalc.ui.search_model import (
    COL_DESCRIPTOR,
    COL_DRUG,
    COL_STATUS,
    SearchFunction,
    SearchHit,
    SearchResultsModel,
)
from jcalc.ui.settings import Settings
from jcalc.ui.settings_dialog import SettingsDialog
from jcalc.ui.widgets import INVALID_STYLE, FieldError, SearchBox, set_invalid

log = logging.getLogger(__name__)

SEARCH_DEBOUNCE_MS = 120
CALC_DEBOUNCE_MS = 100
SEARCH_LIMIT = 50
EMPTY_SEARCH_TEXT = "Type a code (J9312), a drug or brand name, or an NDC; Enter picks the top row."


class MainWindow(QMainWindow):
    """The jcalc window.

    ``catalog`` defaults to the bundled catalog (opened here and closed with the window);
    ``search`` maps a query to results (defaults to :func:`jcalc.catalog.search.search` on the
    catalog); ``settings`` defaults to the per-user settings file.

    Signals:
        searchFinished(str): the results of this query are on screen.
        drugPicked(str): a code was picked (its HCPCS code).
        previewUpdated(): the preview pane was re-rendered.
    """

    searchFinished = Signal(str)  # noqa: N815
    drugPicked = Signal(str)  # noqa: N815
    previewUpdated = Signal()  # noqa: N815

    def __init__(
        self,
        *,
        catalog: Catalog | None = None,
        settings: Settings | None = None,
        search: SearchFunction | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("jcalc: drug units and claim lines")
        self._owns_catalog = catalog is None
        self.catalog = catalog if catalog is not None else open_catalog()
        self.settings = settings if settings is not None else Settings()
        self._search = search or self._default_search
        self._info = self.catalog.info()
        self._drug: DrugCode | None = None
        self._products: list[NdcProduct] = []
        self._calculation: Calculation | None = None  # last good result for the picked code
        self._entry: CalcInput | None = None
        self._entry_errors: dict[str, str] = {}
        self._search_error = ""
        self._dialogs: list[QDialog] = []

        self._search_timer = QTimer(self)
        self._search_timer.setObjectName("searchTimer")
        self._search_timer.setSingleShot(True)
        self._search_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._calc_timer = QTimer(self)
        self._calc_timer.setObjectName("calcTimer")
        self._calc_timer.setSingleShot(True)
        self._calc_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._calc_timer.setInterval(CALC_DEBOUNCE_MS)

        self._build_widgets()
        self._build_layout()
        self._build_actions()
        self._connect()
        self._restore_layout()
        self._refresh_status()
        self._run_search()
        self._update_preview()
        QTimer.singleShot(0, self._on_startup_warm_up)

    # -- construction --------------------------------------------------------------------------
    def _default_search(self, query: str) -> Sequence[SearchHit]:
        return catalog_search(
            self.catalog.connection,
            query,
            limit=SEARCH_LIMIT,
            today=self.dose_panel.date_of_service,
        )

    def _build_widgets(self) -> None:
        self.search_box = SearchBox(self)
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText("Search: J9312, rituximab, Rituxan, 50242-0053-06")
        self.search_box.setClearButtonEnabled(True)
        font = self.search_box.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.search_box.setFont(font)
        self.search_status = QLabel(EMPTY_SEARCH_TEXT, self)
        self.search_status.setObjectName("searchStatus")
        self.search_status.setWordWrap(True)
        # Two lines, always: a message of another length must not re-lay out the whole window.
        self.search_status.setFixedHeight(self.search_status.fontMetrics().lineSpacing() * 2 + 2)
        self.search_status.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

        self.results_model = SearchResultsModel(self)
        self.results_view = QTableView(self)
        self.results_view.setObjectName("resultsView")
        self.results_view.setModel(self.results_model)
        self._setup_table(self.results_view)
        # Fixed widths from the font, not ResizeToContents: measuring every row of every result
        # set would cost more than the search itself.
        header = self.results_view.horizontalHeader()
        bold = self.results_view.font()
        bold.setBold(True)
        for column, sample in (
            (SEARCH_COL_CODE, "J9999"),
            (COL_DESCRIPTOR, "250 mg"),  # longer ones are elided; the tooltip has them whole
            (COL_STATUS, "not yet"),
        ):
            width = max(QFontMetrics(bold).horizontalAdvance(text) for text in (sample, "Status"))
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width + 14)
        header.setSectionResizeMode(COL_DRUG, QHeaderView.ResizeMode.Stretch)

        self.drug_panel = DrugPanel(self)
        self.dose_panel = DosePanel(self)

        self.encounter_model = EncounterModel(self)
        self.encounter_view = QTableView(self)
        self.encounter_view.setObjectName("encounterView")
        self.encounter_view.setModel(self.encounter_model)
        self._setup_table(self.encounter_view)
        header = self.encounter_view.horizontalHeader()
        header.setSectionResizeMode(COL_CODE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_WHAT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_LINES, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_ASP, QHeaderView.ResizeMode.ResizeToContents)
        self.remove_button = QPushButton("&Remove", self)
        self.remove_button.setObjectName("removeFromEncounterButton")
        self.remove_button.setToolTip("Remove the selected entry from the visit (Delete)")
        self.remove_button.setEnabled(False)
        self.admin_edit = QLineEdit(self)
        self.admin_edit.setObjectName("adminEdit")
        self.admin_edit.setPlaceholderText("96413, 96415 x2")
        self.admin_edit.setToolTip(
            "Administration code numbers (five digits), separated by commas; 'x2' for 2 units"
        )
        self.admin_button = QPushButton("Add &codes", self)
        self.admin_button.setObjectName("addAdminButton")
        self.admin_error = FieldError(object_name="adminError", parent=self)
        self.encounter_label = QLabel("Visit: nothing added yet", self)
        self.encounter_label.setObjectName("encounterLabel")
        for button in (self.remove_button, self.admin_button):
            button.setAutoDefault(False)

        self.preview = PreviewPanel(self)

        self.catalog_label = QLabel(self)
        self.catalog_label.setObjectName("catalogLabel")
        self.quarter_warning = QLabel(self)
        self.quarter_warning.setObjectName("quarterWarning")
        self.quarter_warning.setStyleSheet("color: #b71c1c; font-weight: bold;")
        self.quarter_warning.setWordWrap(False)
        self.statusBar().addPermanentWidget(self.quarter_warning)
        self.statusBar().addPermanentWidget(self.catalog_label)

    @staticmethod
    def _setup_table(view: QTableView) -> None:
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setTabKeyNavigation(False)
        view.verticalHeader().hide()
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 6)

    def _build_layout(self) -> None:
        search_area = QWidget(self)
        search_layout = QVBoxLayout(search_area)
        search_layout.setContentsMargins(0, 0, 0, 0)
        search_layout.setSpacing(4)
        search_layout.addWidget(self.search_box)
        search_layout.addWidget(self.search_status)
        search_layout.addWidget(self.results_view, 1)

        encounter_area = QWidget(self)
        encounter_area.setStyleSheet(INVALID_STYLE)
        encounter_layout = QVBoxLayout(encounter_area)
        encounter_layout.setContentsMargins(0, 0, 0, 0)
        encounter_layout.setSpacing(4)
        encounter_layout.addWidget(self.encounter_label)
        encounter_layout.addWidget(self.encounter_view, 1)
        admin_row = QHBoxLayout()
        admin_label = QLabel("Admin. c&odes", encounter_area)
        admin_label.setBuddy(self.admin_edit)
        admin_row.addWidget(admin_label)
        admin_row.addWidget(self.admin_edit, 1)
        admin_row.addWidget(self.admin_button)
        admin_row.addWidget(self.remove_button)
        encounter_layout.addLayout(admin_row)
        encounter_layout.addWidget(self.admin_error)

        self.left_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.left_splitter.setObjectName("leftSplitter")
        self.left_splitter.addWidget(search_area)
        self.left_splitter.addWidget(encounter_area)
        self.left_splitter.setStretchFactor(0, 3)
        self.left_splitter.setStretchFactor(1, 2)
        self.left_splitter.setChildrenCollapsible(False)

        self.middle_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.middle_splitter.setObjectName("middleSplitter")
        self.middle_splitter.addWidget(self.drug_panel)
        self.middle_splitter.addWidget(self.dose_panel)
        self.middle_splitter.setStretchFactor(0, 1)
        self.middle_splitter.setStretchFactor(1, 0)
        self.middle_splitter.setChildrenCollapsible(False)

        self.main_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.main_splitter.setObjectName("mainSplitter")
        self.main_splitter.addWidget(self.left_splitter)
        self.main_splitter.addWidget(self.middle_splitter)
        self.main_splitter.addWidget(self.preview)
        self.main_splitter.setStretchFactor(0, 3)
        self.main_splitter.setStretchFactor(1, 4)
        self.main_splitter.setStretchFactor(2, 4)
        self.main_splitter.setChildrenCollapsible(False)
        self.main_splitter.setSizes([380, 470, 500])

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 2)
        layout.addWidget(self.main_splitter)
        self.setCentralWidget(central)
        self.setMinimumSize(780, 520)
        self.resize(1340, 720)
        self.setTabOrder(self.search_box, self.results_view)
        self.setTabOrder(self.results_view, self.dose_panel.dose_edit)

    def _action(
        self,
        text: str,
        name: str,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        keys = QKeySequence.StandardKey
        self.new_visit_action = self._action("&New visit", "newVisitAction", keys.New)
        self.print_preview_action = self._action(
            "Print pre&view…", "printPreviewAction", "Ctrl+Shift+P"
        )
        self.print_action = self._action("&Print…", "printAction", keys.Print)
        self.pdf_action = self._action("Save as P&DF…", "pdfAction", keys.Save)
        self.quit_action = self._action("&Quit", "quitAction", keys.Quit)
        self.find_action = self._action("&Find code or drug", "findAction", keys.Find)
        self.focus_dose_action = self._action("Go to &dose", "focusDoseAction", "Ctrl+D")
        self.add_action = self._action("&Add to encounter", "addAction", "Ctrl+Return")
        self.remove_action = self._action("&Remove from encounter", "removeAction")
        self.settings_action = self._action("&Settings…", "settingsAction", "Ctrl+,")
        self.about_action = self._action("&About jcalc", "aboutAction")

        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.new_visit_action)
        file_menu.addSeparator()
        file_menu.addAction(self.print_preview_action)
        file_menu.addAction(self.print_action)
        file_menu.addAction(self.pdf_action)
        file_menu.addSeparator()
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        go_menu = self.menuBar().addMenu("&Go")
        go_menu.addAction(self.find_action)
        go_menu.addAction(self.focus_dose_action)
        go_menu.addAction(self.add_action)
        go_menu.addAction(self.remove_action)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.about_action)

    def _connect(self) -> None:
        """Every signal-slot connection of the window, in one place."""
        self.search_box.textChanged.connect(self._on_search_box_text_changed)
        self.search_box.returnPressed.connect(self._on_search_box_return_pressed)
        self.search_box.moveRequested.connect(self._on_search_box_move_requested)
        self._search_timer.timeout.connect(self._on_search_timer_timeout)
        self.results_view.activated.connect(self._on_results_view_activated)
        self.results_view.clicked.connect(self._on_results_view_clicked)

        self.drug_panel.ndcPicked.connect(self._on_drug_panel_ndc_picked)
        self.dose_panel.changed.connect(self._on_dose_panel_changed)
        self.dose_panel.dateChanged.connect(self._on_dose_panel_date_changed)
        self.dose_panel.addRequested.connect(self._on_dose_panel_add_requested)
        self._calc_timer.timeout.connect(self._on_calc_timer_timeout)

        self.encounter_model.contentsChanged.connect(self._on_encounter_model_contents_changed)
        self.encounter_view.selectionModel().selectionChanged.connect(
            self._on_encounter_view_selection_changed
        )
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.admin_button.clicked.connect(self._on_admin_button_clicked)
        self.admin_edit.returnPressed.connect(self._on_admin_button_clicked)
        self.admin_edit.textChanged.connect(self._on_admin_edit_text_changed)

        self.preview.referenceChanged.connect(self._on_preview_reference_changed)
        self.preview.printPreviewRequested.connect(self._on_print_preview_action_triggered)
        self.preview.printRequested.connect(self._on_print_action_triggered)
        self.preview.pdfRequested.connect(self._on_pdf_action_triggered)

        self.new_visit_action.triggered.connect(self._on_new_visit_action_triggered)
        self.print_preview_action.triggered.connect(self._on_print_preview_action_triggered)
        self.print_action.triggered.connect(self._on_print_action_triggered)
        self.pdf_action.triggered.connect(self._on_pdf_action_triggered)
        self.quit_action.triggered.connect(self.close)
        self.find_action.triggered.connect(self._on_find_action_triggered)
        self.focus_dose_action.triggered.connect(self._on_focus_dose_action_triggered)
        self.add_action.triggered.connect(self._on_dose_panel_add_requested)
        self.remove_action.triggered.connect(self._on_remove_button_clicked)
        self.settings_action.triggered.connect(self._on_settings_action_triggered)
        self.about_action.triggered.connect(self._on_about_action_triggered)

    def _restore_layout(self) -> None:
        settings = self.settings
        if not settings.window_geometry.isEmpty():
            self.restoreGeometry(settings.window_geometry)
        if not settings.window_state.isEmpty():
            self.restoreState(settings.window_state)
        for splitter, state in (
            (self.main_splitter, settings.main_splitter),
            (self.left_splitter, settings.left_splitter),
            (self.middle_splitter, settings.middle_splitter),
        ):
            if not state.isEmpty():
                splitter.restoreState(state)

    def save_layout(self) -> None:
        """Remember the window geometry and splitter positions in the settings."""
        settings = self.settings
        settings.window_geometry = self.saveGeometry()
        settings.window_state = self.saveState()
        settings.main_splitter = self.main_splitter.saveState()
        settings.left_splitter = self.left_splitter.saveState()
        settings.middle_splitter = self.middle_splitter.saveState()
        settings.sync()

    # -- public API ----------------------------------------------------------------------------
    @property
    def calculation(self) -> Calculation | None:
        """The current entry's calculation (None when there is none or it has an error)."""
        return self._calculation if not self._entry_errors else None

    @property
    def drug(self) -> DrugCode | None:
        """The picked code."""
        return self._drug

    def pick_code(self, hcpcs: str, *, ndc: str | None = None, focus_dose: bool = True) -> bool:
        """Pick a code as if chosen from the results; False (and a message) when unknown."""
        drug = self.catalog.code(hcpcs)
        if drug is None:
            message = f"{hcpcs.strip().upper()} is not in the catalog ({self._info.asp_quarter})."
            self._set_drug(None, message=message)
            self.search_status.setText(message)
            return False
        self._set_drug(drug, ndc=ndc)
        if focus_dose:
            self.dose_panel.dose_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            self.dose_panel.dose_edit.selectAll()
        return True

    def summary(self) -> ClaimSummary:
        """The visit as it would print now: the encounter plus the current entry."""
        entries = [item.summary_entry for item in self.encounter_model.drug_items()]
        if self._calculation is not None:
            entries.append(SummaryEntry.from_calculation(self._calculation))
        return ClaimSummary(
            date_of_service=self.dose_panel.date_of_service,
            entries=tuple(entries),
            administration=self.encounter_model.administration_codes(),
            clinic_name=self.settings.clinic_name,
            reference=self.preview.reference_edit.text(),
            catalog_quarter=self._info.asp_quarter,
            catalog_effective_from=self._info.asp_effective_from,
            catalog_effective_to=self._info.asp_effective_to,
        )

    def save_pdf(self, path: Path | str) -> bool:
        """Write the summary to ``path``; False (with the reason shown) when it failed."""
        if not self._printable():
            return False
        target = Path(path)
        try:
            write_pdf(self.summary(), target)
        except (JcalcError, OSError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            message = f"Could not save the PDF {target}: {reason}"
            self._show_print_error(message)
            log.warning("%s", message)
            return False
        self.settings.pdf_directory = str(target.parent)
        self.settings.sync()
        self.statusBar().showMessage(f"Saved {target}", 8000)
        return True

    def flush(self) -> None:
        """Run a pending search and calculation now instead of after their debounce."""
        if self._search_timer.isActive():
            self._run_search()
        if self._calc_timer.isActive():
            self._recalculate()

    # -- search --------------------------------------------------------------------------------
    def _run_search(self) -> None:
        self._search_timer.stop()
        query = self.search_box.text().strip()
        if not query:
            self.results_model.set_results("", [])
            self.search_status.setText(EMPTY_SEARCH_TEXT)
            self.searchFinished.emit("")
            return
        try:
            results = list(self._search(query))
        except JcalcError as error:
            self.results_model.set_results(query, [])
            self._search_error = f"Search is not available: {error}"
            self.search_status.setText(self._search_error)
            log.warning("%s", self._search_error)
            self.searchFinished.emit(query)
            return
        self._search_error = ""
        self.results_model.set_results(query, results)
        if results:
            self._set_current_result(0)
            count = len(results)
            more = "+" if count >= SEARCH_LIMIT else ""
            self.search_status.setText(
                f"{count}{more} match{'es' if count != 1 else ''}: Enter picks the highlighted row."
            )
        else:
            self.search_status.setText(
                f"No code, drug or NDC matches '{query}'. Check the spelling, or type the code."
            )
        self.searchFinished.emit(query)

    def _set_current_result(self, row: int) -> None:
        index = self.results_model.index(row, 0)
        self.results_view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.results_view.scrollTo(index)

    def _pick_row(self, row: int, *, focus_dose: bool) -> None:
        hit = self.results_model.result(row)
        if hit is None:
            return
        self._set_current_result(row)
        ndc = format_ndc(hit.ndc) if hit.ndc and len(hit.ndc) == 11 and hit.ndc.isdigit() else None
        self.pick_code(hit.hcpcs, ndc=ndc, focus_dose=focus_dose)

    def _set_drug(
        self, drug: DrugCode | None, *, ndc: str | None = None, message: str = ""
    ) -> None:
        day = self.dose_panel.date_of_service
        changed = drug is None or self._drug is None or drug.hcpcs != self._drug.hcpcs
        self._drug = drug
        if changed:
            self._calculation = None
            self._products = self.catalog.ndcs_for_code(drug.hcpcs) if drug else []
            self.drug_panel.set_drug(
                drug, self._products, quarter=self._info.asp_quarter, day=day, message=message
            )
            self.dose_panel.set_units_needed(drug is not None and not drug.descriptor.is_numeric)
            self.dose_panel.packages_edit.clear()
            self.dose_panel.set_ndc_text(ndc or "")
        elif ndc:
            self.dose_panel.set_ndc_text(ndc)
        self.dose_panel.add_button.setEnabled(False)
        if drug is not None:
            self.drugPicked.emit(drug.hcpcs)
        self._recalculate()

    # -- calculation ---------------------------------------------------------------------------
    def _recalculate(self) -> None:
        self._calc_timer.stop()
        drug = self._drug
        errors: dict[str, str] = {}
        if drug is None:
            self._calculation = None
        elif self.dose_panel.is_blank():
            self._calculation = None
            self.dose_panel.show_errors({})
        else:
            check = self.dose_panel.check(drug.hcpcs)
            if check.entry is None:
                errors = check.errors
            else:
                try:
                    result = calculate_from_text(self.catalog, check.entry)
                except JcalcError as error:
                    errors = {"calculation": str(error)}
                else:
                    self._calculation = result
                    self._entry = check.entry
                    product = result.request.product
                    self.drug_panel.select_ndc(product.ndc if product else None)
            self.dose_panel.show_errors(errors)
        self._entry_errors = errors
        self.dose_panel.add_button.setEnabled(self.calculation is not None)
        self._update_preview()

    def _update_preview(self) -> None:
        if self._entry_errors:
            reason = next(iter(self._entry_errors.values()))
            if self._calculation is not None:
                dose = self._calculation.request.dose
                shown = f" ({dose})" if dose else ""
                notice = (
                    f"Not updated: {reason}. The preview still shows the last valid entry"
                    f"{shown}; fix the entry to print."
                )
            else:
                notice = f"Not in the preview: {reason}."
            self.preview.set_notice(notice)
        else:
            self.preview.set_notice("")
        printable, reason = self._print_state()
        self.preview.set_printing_enabled(printable, reason)
        for action in (self.print_action, self.print_preview_action, self.pdf_action):
            action.setEnabled(printable)
        self.preview.show_summary(self.summary())
        self.previewUpdated.emit()

    def _print_state(self) -> tuple[bool, str]:
        if self._entry_errors:
            return False, "Fix the entry marked in red first (or clear the dose)."
        if self._calculation is None and self.encounter_model.rowCount() == 0:
            return False, "Nothing to print yet: pick a code and type the dose."
        return True, ""

    def _printable(self) -> bool:
        self.flush()
        printable, reason = self._print_state()
        if not printable:
            self.statusBar().showMessage(reason, 8000)
        return printable

    def _recompute_encounter(self, day: date) -> None:
        failed: list[str] = []
        for row, item in enumerate(self.encounter_model.drug_items()):
            entry = replace(item.entry, date_of_service=day)
            try:
                result = calculate_from_text(self.catalog, entry)
            except JcalcError as error:
                failed.append(f"{item.calculation.drug.hcpcs}: {error}")
                continue
            self.encounter_model.replace_calculation(row, entry, result)
        if failed:
            self.statusBar().showMessage("Kept the old date for " + "; ".join(failed), 15000)

    def _refresh_status(self) -> None:
        info = self._info
        start = info.asp_effective_from.isoformat() if info.asp_effective_from else "?"
        end = info.asp_effective_to.isoformat() if info.asp_effective_to else "?"
        self.catalog_label.setText(f"Catalog {info.asp_quarter or '?'}: {start} to {end}")
        self.catalog_label.setToolTip(
            f"ASP payment limits {info.asp_quarter}, effective {start} to {end}; HCPCS release "
            f"{info.hcpcs_release or '?'}; MUE {info.mue_quarter or '?'}; file {info.path}"
        )
        day = self.dose_panel.date_of_service
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
        self.quarter_warning.setText(warning)
        self.quarter_warning.setToolTip(warning)
        self.quarter_warning.setVisible(bool(warning))

    # -- slots: search -------------------------------------------------------------------------
    @Slot()
    def _on_startup_warm_up(self) -> None:
        """Load the search index once the window is up, so the first keystroke is fast."""
        if self.search_box.text().strip():
            return
        try:
            self._search("J9312")
        except JcalcError as error:
            self._search_error = f"Search is not available: {error}"
            self.search_status.setText(self._search_error)
            log.warning("%s", self._search_error)

    @Slot(str)
    def _on_search_box_text_changed(self, _text: str) -> None:
        self._search_timer.start()

    @Slot()
    def _on_search_timer_timeout(self) -> None:
        self._run_search()

    @Slot()
    def _on_search_box_return_pressed(self) -> None:
        stale = self.results_model.query != self.search_box.text().strip()
        if self._search_timer.isActive() or stale:
            self._run_search()
        if self.results_model.rowCount() == 0:
            query = self.search_box.text().strip()
            if query and self._search_error:
                self.search_status.setText(self._search_error)
            elif query:
                self.search_status.setText(
                    f"No code, drug or NDC matches '{query}': nothing to pick."
                )
            return
        current = self.results_view.currentIndex()
        self._pick_row(current.row() if current.isValid() else 0, focus_dose=True)

    @Slot(int)
    def _on_search_box_move_requested(self, steps: int) -> None:
        count = self.results_model.rowCount()
        if count == 0:
            return
        current = self.results_view.currentIndex()
        row = (current.row() if current.isValid() else -1) + steps
        self._set_current_result(max(0, min(count - 1, row)))

    @Slot(QModelIndex)
    def _on_results_view_activated(self, index: QModelIndex) -> None:
        self._pick_row(index.row(), focus_dose=True)

    @Slot(QModelIndex)
    def _on_results_view_clicked(self, index: QModelIndex) -> None:
        self._pick_row(index.row(), focus_dose=False)

    # -- slots: drug and dose ------------------------------------------------------------------
    @Slot(str)
    def _on_drug_panel_ndc_picked(self, ndc11: str) -> None:
        self.dose_panel.set_ndc_text(format_ndc(ndc11) if ndc11 else "")

    @Slot()
    def _on_dose_panel_changed(self) -> None:
        self._calc_timer.start()

    @Slot()
    def _on_calc_timer_timeout(self) -> None:
        self._recalculate()

    @Slot(object)
    def _on_dose_panel_date_changed(self, day: date) -> None:
        self._refresh_status()
        if self._drug is not None:
            self.drug_panel.update_dates(self._drug, day)
        self._recompute_encounter(day)
        if self.search_box.text().strip():
            self._search_timer.start()

    @Slot()
    def _on_dose_panel_add_requested(self) -> None:
        self.flush()
        calculation, entry = self.calculation, self._entry
        if calculation is None or entry is None:
            self.statusBar().showMessage(
                "Nothing to add: pick a code and type a valid dose first.", 8000
            )
            return
        self.encounter_model.add_drug(entry, calculation)
        self._calculation = None
        self._entry = None
        self.dose_panel.clear_entry()
        self._recalculate()
        self.statusBar().showMessage(
            f"Added {calculation.drug.hcpcs} ({calculation.total_units} units) to the visit.", 8000
        )
        self.search_box.setFocus(Qt.FocusReason.OtherFocusReason)
        self.search_box.selectAll()

    # -- slots: encounter ----------------------------------------------------------------------
    @Slot()
    def _on_encounter_model_contents_changed(self) -> None:
        drugs = len(self.encounter_model.drug_items())
        codes = len(self.encounter_model.administration_codes())
        if drugs or codes:
            self.encounter_label.setText(
                f"Visit: {drugs} drug{'s' if drugs != 1 else ''}, "
                f"{codes} administration code{'s' if codes != 1 else ''}"
            )
        else:
            self.encounter_label.setText("Visit: nothing added yet")
        for column in (COL_CODE, COL_LINES, COL_ASP):  # rows added: widths follow the content
            self.encounter_view.resizeColumnToContents(column)
        self._update_preview()

    @Slot()
    def _on_encounter_view_selection_changed(self) -> None:
        self.remove_button.setEnabled(self.encounter_view.selectionModel().hasSelection())

    @Slot()
    def _on_remove_button_clicked(self) -> None:
        rows = self.encounter_view.selectionModel().selectedRows()
        if not rows:
            self.statusBar().showMessage("Select an entry of the visit to remove.", 5000)
            return
        self.encounter_model.remove_row(rows[0].row())

    @Slot()
    def _on_admin_button_clicked(self) -> None:
        text = self.admin_edit.text()
        try:
            codes = parse_administration_codes(text)
        except JcalcError as error:
            self.admin_error.set_message(str(error))
            set_invalid(self.admin_edit, True)
            return
        if not codes:
            self.admin_error.set_message("Type administration code numbers, such as 96413.")
            set_invalid(self.admin_edit, True)
            return
        self.encounter_model.add_administration(codes)
        self.admin_edit.clear()

    @Slot(str)
    def _on_admin_edit_text_changed(self, _text: str) -> None:
        self.admin_error.set_message("")
        set_invalid(self.admin_edit, False)

    # -- slots: printing and menus -------------------------------------------------------------
    @Slot(str)
    def _on_preview_reference_changed(self, _text: str) -> None:
        self._update_preview()

    @Slot()
    def _on_print_preview_action_triggered(self) -> None:
        if self._printable():
            self._keep(print_preview(self, self.summary(), self.settings))

    @Slot()
    def _on_print_action_triggered(self) -> None:
        if self._printable():
            dialog = print_summary(
                self, self.summary(), self.settings, on_error=self._show_print_error
            )
            self._keep(dialog)

    @Slot()
    def _on_pdf_action_triggered(self) -> None:
        if not self._printable():
            return
        folder = self.settings.pdf_directory or str(Path.home())
        name = f"claim-summary-{self.dose_panel.date_of_service.isoformat()}.pdf"
        dialog = QFileDialog(self, "Save the summary as PDF", str(Path(folder) / name))
        dialog.setObjectName("pdfFileDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter("PDF files (*.pdf)")
        dialog.setDefaultSuffix("pdf")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.fileSelected.connect(self._on_pdf_dialog_file_selected)
        self._keep(dialog)
        dialog.open()

    @Slot(str)
    def _on_pdf_dialog_file_selected(self, path: str) -> None:
        if path:
            self.save_pdf(path)

    @Slot()
    def _on_new_visit_action_triggered(self) -> None:
        self.encounter_model.clear()
        self.preview.reference_edit.clear()
        self.dose_panel.clear_entry()
        self._calculation = None
        self.search_box.clear()
        self._set_drug(None)
        self.search_box.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def _on_find_action_triggered(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    @Slot()
    def _on_focus_dose_action_triggered(self) -> None:
        self.dose_panel.dose_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.dose_panel.dose_edit.selectAll()

    @Slot()
    def _on_settings_action_triggered(self) -> None:
        dialog = SettingsDialog(settings=self.settings, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.accepted.connect(self._on_settings_dialog_accepted)
        self._keep(dialog)
        dialog.open()

    @Slot()
    def _on_settings_dialog_accepted(self) -> None:
        self._update_preview()

    @Slot()
    def _on_about_action_triggered(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from jcalc import __version__

        box = QMessageBox(
            QMessageBox.Icon.Information,
            "About jcalc",
            f"jcalc {__version__}: drug dose to HCPCS billing units and claim lines.\n"
            f"Catalog: ASP {self._info.asp_quarter} ({self._info.path.name}).\n"
            "CPT administration codes are shown as code numbers with jcalc's own labels.",
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self._keep(box)
        box.open()

    def _show_print_error(self, message: str) -> None:
        self.preview.set_notice(message)
        self.statusBar().showMessage(message, 10000)

    def _keep(self, dialog: QDialog) -> None:
        """Hold a reference to a non-blocking dialog until it closes."""
        self._dialogs.append(dialog)
        dialog.finished.connect(functools.partial(self._forget_dialog, dialog))

    def _forget_dialog(self, dialog: QDialog, _result: int = 0) -> None:
        if dialog in self._dialogs:
            self._dialogs.remove(dialog)

    # -- events --------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Remember the layout, close the catalog the window opened."""
        self._search_timer.stop()
        self._calc_timer.stop()
        self.save_layout()
        if self._owns_catalog:
            self.catalog.close()
            self._owns_catalog = False
        super().closeEvent(event)
