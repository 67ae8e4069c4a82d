"""The main window: search, drug panel, dose entry, encounter, live preview and printing; the
catalog in use and its updates; the clinic's data; the printed-summary log.

Every figure on screen comes from :func:`jcalc.service.calculate_from_text` (the same function the
command line uses, with the same clinic data) and the summary from :mod:`jcalc.core.summary`; the
window only gathers input, debounces it, and shows results and errors where they belong.
"""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jcalc.catalog.library import (
    BUNDLED,
    ActiveCatalog,
    CatalogLibrary,
    catalog_label,
    default_library,
)
from jcalc.catalog.search import result_for_code
from jcalc.catalog.search import search as catalog_search
from jcalc.catalog.store import Catalog, open_catalog
from jcalc.core.calculate import Calculation
from jcalc.core.containers import ContainerType
from jcalc.core.drug import DrugCode, NdcProduct
from jcalc.core.errors import JcalcError
from jcalc.core.ndc import format_ndc, normalize_ndc
from jcalc.core.summary import ClaimSummary, SummaryEntry, parse_administration_codes
from jcalc.service import CalcInput, calculate_from_text
from jcalc.ui.dose_panel import DosePanel, charge_text, parse_charge
from jcalc.ui.drug_panel import DrugPanel
from jcalc.ui.encounter_model import COL_ASP, COL_CODE, COL_LINES, COL_WHAT, EncounterModel
from jcalc.ui.preview import PreviewPanel
from jcalc.ui.print_actions import open_pdf_dialog, open_save_dialog, save_summary_pdf
from jcalc.ui.search_model import (
    COL_CODE as SEARCH_COL_CODE,
)
from jcalc.ui.search_model import (
    COL_DESCRIPTOR,
    COL_DRUG,
    COL_STATUS,
    FAVOURITE_MARK,
    RECENT_MARK,
    SearchFunction,
    SearchHit,
    SearchResultsModel,
)
from jcalc.ui.settings import Settings, migrate_clinic_settings, print_options
from jcalc.ui.widgets import INVALID_STYLE, FieldError, NoticeBar, set_invalid
from jcalc.ui.window_frame import WindowFrame
from jcalc.userdata import open_user_data
from jcalc.userdata.clinic import ClinicData, ClinicSettings, ClinicStore, CodeSettings
from jcalc.userdata.history import SummaryLog

if TYPE_CHECKING:  # imported where used: the window's first frame should not wait for them
    from jcalc.printing import PrintOptions
    from jcalc.ui.history_dialog import HistoryDialog
    from jcalc.ui.update_dialog import UpdateDialog

log = logging.getLogger(__name__)

SEARCH_DEBOUNCE_MS = 120
CALC_DEBOUNCE_MS = 100
SEARCH_LIMIT = 50
PROBLEM_PREFIX = "the updated catalog cannot be used: "  # how the library's problems start
SHORT_QUERY = 2  # a query shorter than this shows the clinic's favourites and recent codes first
PREFERRED_LIMIT = 20
EMPTY_SEARCH_TEXT = "Type a code (J9312), a drug or brand name, or an NDC; Enter picks the top row."
PREFERRED_TEXT = (
    "Your favourites (★) and recently used codes first; type to search. Enter picks the "
    "highlighted row."
)
READ_ONLY_TEXT = (
    "jcalc is already open in another window, so this one is read-only: you can search, "
    "calculate, print and see the History, but not update the catalog or change the clinic's "
    "data. Use the other window for that (or close it and start jcalc again)."
)


class MainWindow(WindowFrame):
    """The jcalc window: the :class:`WindowFrame` (title, geometry, search field) and the rest.

    ``catalog`` defaults to the catalog in use (``library.open_active()``: the updated catalog
    when there is a usable one, else the bundled one), opened here and closed with the window;
    ``library`` is the per-user catalog folder (default: :func:`default_library`); ``search``
    maps a query to results (defaults to :func:`jcalc.catalog.search.search` on the catalog);
    ``settings`` defaults to this PC's settings file; ``clinic`` and ``summary_log`` default to
    the per-user clinic database (opened here, closed with the window). ``read_only`` (another
    jcalc is open, see :mod:`jcalc.ui.instance`) turns off every change to the catalog and the
    clinic's data.

    ``MainWindow()`` is fully built when it returns; :meth:`complete` builds the rest into a
    frame that is already on screen (the start-up path of :func:`jcalc.ui.app.run_app`).

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
        catalog: Catalog | None = None,
        settings: Settings | None = None,
        search: SearchFunction | None = None,
        clinic: ClinicStore | None = None,
        summary_log: SummaryLog | None = None,
        library: CatalogLibrary | None = None,
        read_only: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(settings=settings, read_only=read_only, parent=parent)
        self._build(
            catalog=catalog, search=search, clinic=clinic, summary_log=summary_log, library=library
        )

    @classmethod
    def complete(cls, frame: WindowFrame, **options: Any) -> MainWindow:
        """Build the full window into ``frame`` (already shown); the same object, now complete.

        ``options`` are :class:`MainWindow`'s ``catalog``, ``search``, ``clinic``,
        ``summary_log`` and ``library``; the frame keeps its settings, read-only state, geometry
        and whatever was typed in its search field (searched as soon as the window is built).
        On an error the frame is left as it was and the error raised.
        """
        frame.__class__ = cls  # the frame becomes the full window: same top-level, no swap
        window: MainWindow = frame  # type: ignore[assignment]
        try:
            window._build(**options)
        except BaseException:
            frame.__class__ = WindowFrame
            raise
        return window

    def _build(
        self,
        *,
        catalog: Catalog | None = None,
        search: SearchFunction | None = None,
        clinic: ClinicStore | None = None,
        summary_log: SummaryLog | None = None,
        library: CatalogLibrary | None = None,
    ) -> None:
        read_only = self.read_only
        self.library = library if library is not None else default_library()
        self._owns_catalog = catalog is None
        self.catalog = catalog if catalog is not None else self.library.open_active()
        self._active = self._read_active()
        self._owns_user_data = clinic is None and summary_log is None
        if clinic is None and summary_log is None:
            try:
                clinic, summary_log = open_user_data()
            except JcalcError:
                if self._owns_catalog:
                    self.catalog.close()
                raise
        elif clinic is None:
            assert summary_log is not None
            clinic = ClinicStore(summary_log.database)
        elif summary_log is None:
            summary_log = SummaryLog(clinic.database)
        self.clinic: ClinicStore = clinic
        self.summary_log: SummaryLog = summary_log
        if not read_only:
            migrate_clinic_settings(self.settings, self.clinic)
        self._clinic_settings = self.clinic.settings()
        self._search = search or self._default_search
        self._info = self.catalog.info()
        self._drug: DrugCode | None = None
        self._products: list[NdcProduct] = []
        self._calculation: Calculation | None = None  # last good result for the picked code
        self._entry: CalcInput | None = None
        self._entry_errors: dict[str, str] = {}
        self._search_error = ""
        self._dialogs: list[QDialog] = []
        self._update_dialog: UpdateDialog | None = None
        self._history_dialog: HistoryDialog | None = None

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
        self._apply_clinic_settings()
        self._apply_read_only()
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
        self.problem_bar = NoticeBar(
            object_name="catalogProblemBar", action_text="Restore bundled catalog", parent=self
        )
        self.problem_bar.button.setToolTip(
            "Use the catalog that came with jcalc again (an intact updated catalog is kept as "
            "the previous one)"
        )
        self.read_only_bar = NoticeBar(object_name="readOnlyBar", parent=self)

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
        # The frame's search box moves into the full layout with its text, cursor and focus.
        had_focus = self.search_box.hasFocus()
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
        layout.addWidget(self.problem_bar)
        layout.addWidget(self.read_only_bar)
        layout.addWidget(self.main_splitter, 1)
        self.setCentralWidget(central)  # deletes the frame's placeholder
        self.search_box.show()  # moving it hid it
        if had_focus:
            self.search_box.setFocus(Qt.FocusReason.OtherFocusReason)
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
        self.menuBar().clear()  # the frame's placeholder menus
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
        self.history_action = self._action("&History…", "historyAction", "Ctrl+H")
        self.update_action = self._action("&Update catalog…", "updateCatalogAction")
        self.restore_previous_action = self._action(
            "&Restore previous catalog…", "restorePreviousAction"
        )
        self.export_clinic_action = self._action("E&xport clinic data…", "exportClinicAction")
        self.import_clinic_action = self._action("&Import clinic data…", "importClinicAction")

        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.new_visit_action)
        file_menu.addSeparator()
        file_menu.addAction(self.print_preview_action)
        file_menu.addAction(self.print_action)
        file_menu.addAction(self.pdf_action)
        file_menu.addAction(self.history_action)
        file_menu.addSeparator()
        file_menu.addAction(self.update_action)
        file_menu.addAction(self.restore_previous_action)
        file_menu.addSeparator()
        file_menu.addAction(self.export_clinic_action)
        file_menu.addAction(self.import_clinic_action)
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
        self.drug_panel.favouriteToggled.connect(self._on_drug_panel_favourite_toggled)
        self.drug_panel.noteEdited.connect(self._on_drug_panel_note_edited)
        self.dose_panel.ndcTextChanged.connect(self._on_dose_panel_ndc_text_changed)
        self.dose_panel.qualifierChosen.connect(self._on_dose_panel_qualifier_chosen)
        self.dose_panel.saveChargeRequested.connect(self._on_dose_panel_save_charge_requested)
        self.dose_panel.rememberDefaultsRequested.connect(
            self._on_dose_panel_remember_defaults_requested
        )
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
        self.preview.patientChanged.connect(self._on_preview_patient_changed)
        self.problem_bar.actionClicked.connect(self._on_problem_bar_action_clicked)
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
        self.history_action.triggered.connect(self._on_history_action_triggered)
        self.update_action.triggered.connect(self._on_update_action_triggered)
        self.restore_previous_action.triggered.connect(self._on_restore_previous_action_triggered)
        self.export_clinic_action.triggered.connect(self._on_export_clinic_action_triggered)
        self.import_clinic_action.triggered.connect(self._on_import_clinic_action_triggered)

    def _restore_layout(self) -> None:
        settings = self.settings  # the geometry was restored by the frame
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

    @property
    def active_catalog(self) -> ActiveCatalog | None:
        """The library's catalog in use (None when it cannot be read)."""
        return self._active

    @property
    def clinic_settings(self) -> ClinicSettings:
        """The clinic's name, patient field and printing options as last read."""
        return self._clinic_settings

    def pick_code(self, hcpcs: str, *, ndc: str | None = None, focus_dose: bool = True) -> bool:
        """Pick a code as if chosen from the results; False (and a message) when unknown.

        The pick is remembered as a recently used code (shown first for a short search).
        """
        if not self._select_code(hcpcs, ndc=ndc):
            return False
        if self._drug is not None:
            self._record_use(self._drug.hcpcs)
        if focus_dose:
            self.dose_panel.dose_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            self.dose_panel.dose_edit.selectAll()
        return True

    def _select_code(self, hcpcs: str, *, ndc: str | None = None) -> bool:
        drug = self.catalog.code(hcpcs)
        if drug is None:
            message = f"{hcpcs.strip().upper()} is not in the catalog ({self._info.asp_quarter})."
            self._set_drug(None, message=message)
            self.search_status.setText(message)
            return False
        self._set_drug(drug, ndc=ndc)
        return True

    def _record_use(self, code: str) -> None:
        try:
            self.clinic.record_use(code)
        except JcalcError as error:  # a busy database must not stop the biller
            log.warning("could not remember %s as recently used: %s", code, error)

    def summary(self) -> ClaimSummary:
        """The visit as it would print now: the encounter plus the current entry."""
        entries = [item.summary_entry for item in self.encounter_model.drug_items()]
        if self._calculation is not None:
            entries.append(SummaryEntry.from_calculation(self._calculation))
        patient = self.preview.patient_name if self._clinic_settings.patient_field else ""
        return ClaimSummary(
            date_of_service=self.dose_panel.date_of_service,
            entries=tuple(entries),
            administration=self.encounter_model.administration_codes(),
            clinic_name=self._clinic_settings.clinic_name,
            reference=self.preview.reference_edit.text(),
            **self.catalog.summary_quarter(self.dose_panel.date_of_service),
            patient_name=patient,
        )

    def print_options(self) -> PrintOptions:
        """The clinic's page size and grayscale with this PC's last printer."""
        return print_options(self._clinic_settings, self.settings)

    def save_pdf(self, path: Path | str) -> bool:
        """Write the summary to ``path`` and log it; False (with the reason shown) on failure."""
        if not self._printable():
            return False
        target = Path(path)
        summary = self.summary()
        message = save_summary_pdf(summary, target, self._clinic_settings.page_size)
        if message is not None:
            self._show_print_error(message)
            log.warning("%s", message)
            return False
        self.settings.pdf_directory = str(target.parent)
        self.settings.sync()
        self.statusBar().showMessage(f"Saved {target}", 8000)
        self._log_summary(summary, "saved")
        return True

    def reload_catalog(self, message: str = "") -> None:
        """Open the catalog now in use and show everything from it (after an update or restore).

        The picked code, the typed entry and the visit stay; the visit's lines are worked out
        again with the new catalog.
        """
        try:
            catalog = self.library.open_active()
        except JcalcError as error:
            self._show_message_box("jcalc: catalog", f"The catalog cannot be opened: {error}")
            return
        old, owned = self.catalog, self._owns_catalog
        self.catalog, self._owns_catalog = catalog, True
        self._info = catalog.info()
        self._active = self._read_active()
        if owned:
            old.close()
        code = self._drug.hcpcs if self._drug is not None else None
        ndc = self.dose_panel.ndc_edit.text().strip() or None
        self._drug = None
        if code is not None:
            self._select_code(code, ndc=ndc)
        else:
            self._set_drug(None)
        self._recompute_encounter(self.dose_panel.date_of_service)
        self._refresh_status()
        self._run_search()
        self._recalculate()
        status = self._active.status_text if self._active else f"Catalog {self._info.asp_quarter}"
        self.statusBar().showMessage(message or f"Now using {status}.", 15000)
        log.info("catalog reloaded: %s", self._info.path)
        self.catalogReloaded.emit(status)

    def export_clinic_data_to(self, path: Path | str) -> bool:
        """Write the clinic's data to ``path``; False (with the reason shown) on failure."""
        target = Path(path)
        try:
            from jcalc.userdata.transfer import export_clinic_data

            written = export_clinic_data(self.clinic, target)
        except JcalcError as error:
            self._show_message_box("jcalc: export clinic data", f"Nothing was exported: {error}")
            return False
        self.settings.transfer_directory = str(target.parent)
        self.settings.sync()
        self.statusBar().showMessage(f"Exported {written.describe()} to {target}.", 15000)
        return True

    def import_clinic_data_from(self, path: Path | str, *, merge: bool = False) -> bool:
        """Replace (or with ``merge``, add to) the clinic's data from a file; False on failure.

        A bad file changes nothing; the reasons are shown in plain words.
        """
        if not self._writable("import clinic data"):
            return False
        source = Path(path)
        try:
            from jcalc.userdata.transfer import import_clinic_data

            read = import_clinic_data(self.clinic, source, merge=merge)
        except JcalcError as error:
            self._show_transfer_error(error)
            return False
        self.settings.transfer_directory = str(source.parent)
        self.settings.sync()
        self._clinic_data_changed()
        how = "Merged" if merge else "Imported"
        self.statusBar().showMessage(f"{how} {read.describe()} from {source.name}.", 15000)
        return True

    def flush(self) -> None:
        """Run a pending search and calculation now instead of after their debounce."""
        if self._search_timer.isActive():
            self._run_search()
        if self._calc_timer.isActive():
            self._recalculate()

    # -- search --------------------------------------------------------------------------------
    def _preferred(self) -> tuple[list[SearchHit], dict[str, str]]:
        """The clinic's favourites, then its recently used codes, as result rows with marks."""
        try:
            favourites = set(self.clinic.favourites())
            codes = self.clinic.preferred_codes(PREFERRED_LIMIT)
        except JcalcError as error:
            log.warning("favourites and recent codes not shown: %s", error)
            return [], {}
        day = self.dose_panel.date_of_service
        hits: list[SearchHit] = []
        marks: dict[str, str] = {}
        for code in codes:
            drug = self.catalog.code(code)
            if drug is None:  # a code the catalog in use no longer has
                continue
            favourite = code in favourites
            matched = "favourite" if favourite else "recently used"
            hits.append(result_for_code(drug, day=day, matched=matched))
            marks[code] = FAVOURITE_MARK if favourite else RECENT_MARK
        return hits, marks

    def _run_search(self) -> None:
        self._search_timer.stop()
        query = self.search_box.text().strip()
        preferred, marks = self._preferred() if len(query) < SHORT_QUERY else ([], {})
        if not query:
            self.results_model.set_results("", preferred, marks)
            if preferred:
                self._set_current_result(0)
            self.search_status.setText(PREFERRED_TEXT if preferred else EMPTY_SEARCH_TEXT)
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
        results = preferred + [hit for hit in results if hit.hcpcs not in marks]
        self.results_model.set_results(query, results, marks)
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
            saved = self._code_settings(drug.hcpcs) if drug is not None else None
            editable = drug is not None and not self.read_only
            if drug is not None:
                self.drug_panel.set_clinic(saved, editable=editable)
            self.dose_panel.set_saved_charge(saved.charge_per_unit if saved else None)
            self.dose_panel.set_clinic_editable(editable)
            if saved is not None and saved.container_type is not None:
                self.dose_panel.set_container_type(saved.container_type)
            if ndc is None and saved is not None and saved.default_ndc:
                ndc = format_ndc(saved.default_ndc)
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
                    result = calculate_from_text(self.catalog, check.entry, clinic=self.clinic)
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
                result = calculate_from_text(self.catalog, entry, clinic=self.clinic)
            except JcalcError as error:
                failed.append(f"{item.calculation.drug.hcpcs}: {error}")
                continue
            self.encounter_model.replace_calculation(row, entry, result)
        if failed:
            self.statusBar().showMessage("Kept the old date for " + "; ".join(failed), 15000)

    def _read_active(self) -> ActiveCatalog | None:
        """The library's catalog in use, when the window shows it (not a catalog passed in)."""
        if not self._owns_catalog:
            return None
        try:
            return self.library.active()
        except JcalcError as error:
            log.warning("the catalog in use cannot be described: %s", error)
            return None

    def _refresh_status(self) -> None:
        info = self._info
        active = self._active
        start = info.asp_effective_from.isoformat() if info.asp_effective_from else "?"
        end = info.asp_effective_to.isoformat() if info.asp_effective_to else "?"
        name = active.status_text if active is not None else f"Catalog {info.asp_quarter or '?'}"
        self.catalog_label.setText(f"{name}: {start} to {end}")
        where = active.describe() if active is not None else str(info.path)
        self.catalog_label.setToolTip(
            f"ASP payment limits {info.asp_quarter}, effective {start} to {end}; HCPCS release "
            f"{info.hcpcs_release or '?'}; MUE {info.mue_quarter or '?'}.\nIn use: {where}"
        )
        if active is not None and active.problem:
            reason = active.problem.removeprefix(PROBLEM_PREFIX)
            self.problem_bar.set_message(
                f"<b>The updated catalog cannot be used</b>, so jcalc uses the bundled catalog "
                f"({active.quarter}) for now. Reason: {html.escape(reason)}. Restore the "
                "bundled "
                "catalog to make that the normal state, then update again from the CMS files."
            )
        else:
            self.problem_bar.set_message("")
        can_restore = active is not None and active.previous is not None and not self.read_only
        self.restore_previous_action.setEnabled(can_restore)
        self.restore_previous_action.setToolTip(
            "Go back to the catalog used before the last change"
            if can_restore
            else "There is no previous catalog to go back to"
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
        self._search_timer.start()  # the codes' status marks depend on the day

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

    @Slot(str)
    def _on_preview_patient_changed(self, _text: str) -> None:
        self._update_preview()

    @Slot()
    def _on_print_preview_action_triggered(self) -> None:
        if self._printable():
            summary = self.summary()
            on_printed = functools.partial(self._on_summary_printed, summary)
            from jcalc.printing import print_preview

            self._keep(print_preview(self, summary, self.print_options(), on_printed))

    @Slot()
    def _on_print_action_triggered(self) -> None:
        if self._printable():
            summary = self.summary()
            from jcalc.printing import print_summary

            dialog = print_summary(
                self,
                summary,
                self.print_options(),
                on_error=self._show_print_error,
                on_printed=functools.partial(self._on_summary_printed, summary),
            )
            self._keep(dialog)

    def _on_summary_printed(self, summary: ClaimSummary, printer_name: str) -> None:
        self.settings.printer_name = printer_name
        self.settings.sync()
        self._log_summary(summary, "printed")

    def _log_summary(self, summary: ClaimSummary, action: Literal["printed", "saved"]) -> None:
        """Log a printed or saved summary; a failure is shown, the print itself stands."""
        try:
            log_id = self.summary_log.log(summary, action=action)
        except JcalcError as error:
            message = f"The summary was {action}, but it could not be added to the History: {error}"
            self.statusBar().showMessage(message, 15000)
            log.warning("%s", message)
            return
        if self._history_dialog is not None:
            self._history_dialog.refresh()
        self.summaryLogged.emit(log_id)

    @Slot()
    def _on_pdf_action_triggered(self) -> None:
        if not self._printable():
            return
        open_pdf_dialog(
            self,
            self.settings.pdf_directory,
            f"claim-summary-{self.dose_panel.date_of_service.isoformat()}.pdf",
            object_name="pdfFileDialog",
            on_selected=self.save_pdf,
            keep=self._keep,
        )

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
        if not self._writable("change the clinic's settings"):
            return
        from jcalc.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(store=self.clinic, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.saved.connect(self._on_settings_dialog_saved)
        self._keep(dialog)
        dialog.open()

    @Slot(object)
    def _on_settings_dialog_saved(self, saved: ClinicSettings) -> None:
        was = self._clinic_settings
        if was.patient_field and not saved.patient_field:
            try:
                erased = self.summary_log.erase_patient_names()
            except JcalcError as error:
                self.statusBar().showMessage(f"Patient names not removed: {error}", 15000)
            else:
                self.statusBar().showMessage(
                    f"Patient field off: {erased} stored patient name"
                    f"{'' if erased == 1 else 's'} removed from the History.",
                    15000,
                )
        self._clinic_data_changed()

    # -- slots: catalog ------------------------------------------------------------------------
    @Slot()
    def _on_update_action_triggered(self) -> None:
        if not self._writable("update the catalog"):
            return
        if self._update_dialog is not None:
            self._update_dialog.raise_()
            self._update_dialog.activateWindow()
            return
        try:
            clinic: ClinicData | None = self.clinic.snapshot()
        except JcalcError as error:
            log.warning("the review will not list the clinic's codes: %s", error)
            clinic = None
        from jcalc.ui.update_dialog import UpdateDialog

        dialog = UpdateDialog(
            library=self.library, settings=self.settings, clinic=clinic, parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.catalogChanged.connect(self._on_update_dialog_catalog_changed)
        dialog.finished.connect(self._on_update_dialog_finished)
        self._update_dialog = dialog
        self._keep(dialog)
        dialog.show()

    @Slot(object)
    def _on_update_dialog_catalog_changed(self, active: ActiveCatalog) -> None:
        self.reload_catalog(f"Now using {active.status_text}; the previous catalog is kept.")

    @Slot(int)
    def _on_update_dialog_finished(self, _result: int) -> None:
        self._update_dialog = None

    @Slot()
    def _on_restore_previous_action_triggered(self) -> None:
        if not self._writable("restore the previous catalog"):
            return
        previous = self.library.previous_entry()
        if previous is None:
            self.statusBar().showMessage("There is no previous catalog to go back to.", 8000)
            return
        try:
            with open_catalog(self.library.entry_path(previous)) as catalog:
                label = catalog_label(catalog.info())
        except JcalcError as error:
            self._show_message_box(
                "jcalc: catalog", f"The previous catalog cannot be used: {error}"
            )
            return
        kind = "the bundled catalog" if previous == BUNDLED else "the previous catalog"
        self._ask(
            "restorePreviousBox",
            "Restore the previous catalog?",
            f"Go back to {kind} ({label})?\n\nThe catalog in use now "
            f"({catalog_label(self._info)}) is kept as the previous one, so you can switch "
            "back the same way.",
            "Restore",
            self._restore_previous,
        )

    def _restore_previous(self) -> None:
        try:
            active = self.library.restore_previous()
        except JcalcError as error:
            self._show_message_box("jcalc: catalog", f"Nothing was changed: {error}")
            return
        self.reload_catalog(f"Now using {active.status_text} again.")

    @Slot()
    def _on_problem_bar_action_clicked(self) -> None:
        if not self._writable("restore the bundled catalog"):
            return
        try:
            active = self.library.restore_bundled()
        except JcalcError as error:
            self._show_message_box("jcalc: catalog", f"Nothing was changed: {error}")
            return
        self.reload_catalog(f"Now using {active.status_text}.")

    # -- slots: clinic data --------------------------------------------------------------------
    @Slot(str, bool)
    def _on_drug_panel_favourite_toggled(self, code: str, favourite: bool) -> None:
        if not self._writable("change the favourites"):
            return
        if self._save_clinic(lambda: self.clinic.set_favourite(code, favourite)):
            word = "added to" if favourite else "removed from"
            self.statusBar().showMessage(f"{code} {word} the clinic's favourites.", 8000)
            if len(self.search_box.text().strip()) < SHORT_QUERY:
                self._search_timer.start()

    @Slot(str, str)
    def _on_drug_panel_note_edited(self, code: str, text: str) -> None:
        if self._writable("change the notes") and self._save_clinic(
            lambda: self.clinic.set_note(code, text)
        ):
            self.statusBar().showMessage(f"Note on {code} saved.", 5000)

    @Slot()
    def _on_dose_panel_save_charge_requested(self) -> None:
        drug = self._drug
        if drug is None or not self._writable("change the clinic's charges"):
            return
        try:
            charge = parse_charge(self.dose_panel.charge_edit.text())
        except ValueError as error:
            self.statusBar().showMessage(str(error), 8000)
            return
        if not self._save_clinic(
            lambda: self.clinic.set_charge(drug.hcpcs, charge), recalculate=True
        ):
            return
        self.dose_panel.set_saved_charge(charge)
        self.statusBar().showMessage(
            f"Saved ${charge_text(charge)} per unit as the clinic's charge of {drug.hcpcs}."
            if charge is not None
            else f"{drug.hcpcs} has no clinic charge any more.",
            10000,
        )

    @Slot()
    def _on_dose_panel_remember_defaults_requested(self) -> None:
        drug = self._drug
        if drug is None or not self._writable("change the clinic's defaults"):
            return
        ndc = self._current_ndc() or None
        kind = self.dose_panel.container_type
        container = None if kind is ContainerType.UNKNOWN else kind

        def save() -> CodeSettings:
            self.clinic.set_default_ndc(drug.hcpcs, ndc)
            return self.clinic.set_container_type(drug.hcpcs, container)

        if self._save_clinic(save):
            parts = [
                f"NDC {format_ndc(ndc)}" if ndc else "no NDC",
                container.value if container else "no container type",
            ]
            self.statusBar().showMessage(
                f"{drug.hcpcs} will start with {' and '.join(parts)}.", 10000
            )

    @Slot(str)
    def _on_dose_panel_ndc_text_changed(self, _text: str) -> None:
        ndc = self._current_ndc()
        qualifier = None
        if ndc:
            try:
                saved = self.clinic.ndc_qualifier(ndc)
            except JcalcError as error:
                log.warning("NDC qualifier of %s not read: %s", ndc, error)
            else:
                qualifier = saved.value if saved is not None else None
        self.dose_panel.set_qualifier(qualifier)

    @Slot(str)
    def _on_dose_panel_qualifier_chosen(self, value: str) -> None:
        ndc = self._current_ndc()
        if not ndc:
            self.statusBar().showMessage("Pick or type the NDC first.", 8000)
            return
        if not self._writable("save NDC qualifiers"):
            return
        if self._save_clinic(
            lambda: self.clinic.set_ndc_qualifier(ndc, value or None), recalculate=True
        ):
            shown = format_ndc(ndc)
            self.statusBar().showMessage(
                f"{value} is used for NDC {shown} from now on."
                if value
                else f"jcalc chooses the qualifier of NDC {shown} again.",
                10000,
            )

    def _current_ndc(self) -> str:
        """The 11-digit NDC typed or picked ("" when none or not readable yet)."""
        text = self.dose_panel.ndc_edit.text().strip()
        if not text:
            return ""
        try:
            return normalize_ndc(text)
        except JcalcError:
            product = self._calculation.request.product if self._calculation else None
            return product.ndc if product is not None else ""

    def _code_settings(self, code: str) -> CodeSettings | None:
        try:
            return self.clinic.code_settings(code)
        except JcalcError as error:
            log.warning("the clinic's data on %s cannot be read: %s", code, error)
            return None

    def _save_clinic(self, change: Callable[[], object], *, recalculate: bool = False) -> bool:
        """Run one change of the clinic's data; a refused value is shown, False then.

        ``recalculate``: the change affects the lines on screen (a charge, a qualifier).
        """
        try:
            change()
        except JcalcError as error:
            self.statusBar().showMessage(f"Not saved: {error}", 15000)
            return False
        if recalculate:
            self._recalculate()
        self.clinicDataChanged.emit()
        return True

    def _clinic_data_changed(self) -> None:
        """Show the clinic's data again after an import or a change of its settings."""
        self._apply_clinic_settings()
        if self._drug is not None:
            saved = self._code_settings(self._drug.hcpcs)
            self.drug_panel.set_clinic(saved, editable=not self.read_only)
            self.dose_panel.set_saved_charge(saved.charge_per_unit if saved else None)
        self._on_dose_panel_ndc_text_changed(self.dose_panel.ndc_edit.text())
        self._run_search()
        self._recalculate()
        self.clinicDataChanged.emit()

    def _apply_clinic_settings(self) -> None:
        try:
            self._clinic_settings = self.clinic.settings()
        except JcalcError as error:
            log.warning("the clinic's settings cannot be read: %s", error)
        self.preview.set_patient_field(self._clinic_settings.patient_field)
        if self._history_dialog is not None:
            self._history_dialog.set_options(self.print_options())

    @Slot()
    def _on_export_clinic_action_triggered(self) -> None:
        open_save_dialog(
            self,
            title="Export the clinic's data",
            folder=self.settings.transfer_directory,
            name=f"jcalc-clinic-data-{date.today().isoformat()}.json",
            name_filter="jcalc clinic data (*.json)",
            suffix="json",
            object_name="exportClinicFileDialog",
            on_selected=self.export_clinic_data_to,
            keep=self._keep,
        )

    @Slot()
    def _on_import_clinic_action_triggered(self) -> None:
        if not self._writable("import clinic data"):
            return
        folder = self.settings.transfer_directory or str(Path.home())
        dialog = QFileDialog(
            self, "Import clinic data", folder, "jcalc clinic data (*.json);;All files (*)"
        )
        dialog.setObjectName("importClinicFileDialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.fileSelected.connect(self._on_import_dialog_file_selected)
        self._keep(dialog)
        dialog.open()

    @Slot(str)
    def _on_import_dialog_file_selected(self, path: str) -> None:
        if path:
            self.ask_import_clinic_data(path)

    def ask_import_clinic_data(self, path: Path | str) -> QMessageBox | None:
        """Check a clinic data file, then ask whether to replace or merge (non-blocking).

        A bad file is reported in plain words and nothing is asked or changed (None).
        """
        source = Path(path)
        try:
            from jcalc.userdata.transfer import read_clinic_data

            data = read_clinic_data(source)  # checked whole before anything is asked or written
        except JcalcError as error:
            self._show_transfer_error(error)
            return None
        favourites, priced = len(data.favourite_codes), len(data.priced_codes)
        name = data.settings.clinic_name or "no clinic name"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Import clinic data?",
            f"{source.name} holds {len(data.codes)} codes ({favourites} favourites, {priced} "
            f"with a charge), {len(data.ndc_qualifiers)} NDC qualifiers and the settings of "
            f"'{name}'.\n\nReplace: this PC's clinic data becomes the file's.\nMerge: the "
            "file's entries are added or updated; nothing is removed.",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("importClinicBox")
        replace_button = box.addButton("&Replace", QMessageBox.ButtonRole.AcceptRole)
        replace_button.setObjectName("importReplaceButton")
        merge_button = box.addButton("&Merge", QMessageBox.ButtonRole.AcceptRole)
        merge_button.setObjectName("importMergeButton")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def chosen(button: QAbstractButton) -> None:
            if button is replace_button or button is merge_button:
                self.import_clinic_data_from(source, merge=button is merge_button)

        box.buttonClicked.connect(chosen)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self._keep(box)
        box.open()
        return box

    def _show_transfer_error(self, error: JcalcError) -> None:
        from jcalc.userdata.transfer import TransferError

        problems = error.problems if isinstance(error, TransferError) else ()
        text = f"Nothing was imported: {error}"
        if problems:
            text += "\n\n" + "\n".join(f"• {problem}" for problem in problems[:8])
        self._show_message_box("jcalc: import clinic data", text, "importErrorBox")

    # -- slots: history ------------------------------------------------------------------------
    @Slot()
    def _on_history_action_triggered(self) -> None:
        if self._history_dialog is None:
            from jcalc.ui.history_dialog import HistoryDialog

            dialog = HistoryDialog(
                summary_log=self.summary_log,
                settings=self.settings,
                options=self.print_options(),
                parent=self,
            )
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
            dialog.finished.connect(self._on_history_dialog_finished)
            self._history_dialog = dialog
            self._keep(dialog)
        else:
            self._history_dialog.refresh()
        self._history_dialog.show()
        self._history_dialog.raise_()
        self._history_dialog.activateWindow()

    @Slot(int)
    def _on_history_dialog_finished(self, _result: int) -> None:
        self._history_dialog = None

    # -- read-only, questions and messages -----------------------------------------------------
    def _apply_read_only(self) -> None:
        """Turn off whatever changes the catalog or the clinic's data (another jcalc is open)."""
        if not self.read_only:
            return
        for action in (
            self.update_action,
            self.restore_previous_action,
            self.import_clinic_action,
            self.settings_action,
        ):
            action.setEnabled(False)
            action.setToolTip("Read-only: jcalc is already open in another window")
        self.problem_bar.button.setEnabled(False)
        self.read_only_bar.set_message(READ_ONLY_TEXT)

    def _writable(self, what: str) -> bool:
        if self.read_only:
            self.statusBar().showMessage(
                f"Read-only window: cannot {what} (jcalc is open in another window).", 10000
            )
        return not self.read_only

    def _ask(
        self,
        name: str,
        title: str,
        text: str,
        confirm: str,
        on_confirm: Callable[[], None],
    ) -> QMessageBox:
        """A non-blocking question; ``on_confirm`` runs when its confirm button is pressed."""
        box = QMessageBox(
            QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, self
        )
        box.setObjectName(name)
        button = box.addButton(confirm, QMessageBox.ButtonRole.AcceptRole)
        button.setObjectName(f"{name}Confirm")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def clicked(which: QAbstractButton) -> None:
            if which is button:
                on_confirm()

        box.buttonClicked.connect(clicked)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self._keep(box)
        box.open()
        return box

    def _show_message_box(self, title: str, text: str, name: str = "messageBox") -> QMessageBox:
        """A plain, non-blocking warning."""
        box = QMessageBox(
            QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self
        )
        box.setObjectName(name)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self._keep(box)
        box.open()
        return box

    def show_second_instance_warning(self, owner: str = "") -> QMessageBox:
        """Tell the biller that another jcalc is open and this window is read-only."""
        held = f" ({owner})" if owner else ""
        return self._show_message_box(
            "jcalc is already open",
            f"jcalc is already open{held}.\n\n{READ_ONLY_TEXT}",
            "secondInstanceBox",
        )

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
        """Save a note being typed, stop an update, remember the layout, close what was opened."""
        self._search_timer.stop()
        self._calc_timer.stop()
        self.drug_panel.flush_note()
        for dialog in (self._update_dialog, self._history_dialog):
            if dialog is not None:
                dialog.reject()
        self.save_layout()
        if self._owns_catalog:
            self.catalog.close()
            self._owns_catalog = False
        if self._owns_user_data:
            self.clinic.close()
            self._owns_user_data = False
        super().closeEvent(event)
