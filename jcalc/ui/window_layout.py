"""The window's contents: the panels, the search and visit areas, the splitters, the status
widgets, the Tab order, and the layout remembered between sessions.

Only widgets are made here; what they do is wired in :mod:`jcalc.ui.main_window`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jcalc.ui.dose_panel import DosePanel
from jcalc.ui.drug_panel import DrugPanel
from jcalc.ui.encounter_model import COL_ASP, COL_CODE, COL_LINES, COL_WHAT, EncounterModel
from jcalc.ui.glance_panel import GlancePanel
from jcalc.ui.messages import MessageLine
from jcalc.ui.preview import PreviewPanel
from jcalc.ui.search_model import COL_CODE as SEARCH_COL_CODE
from jcalc.ui.search_model import COL_DESCRIPTOR, COL_DRUG, COL_STATUS, SearchResultsModel
from jcalc.ui.settings import Settings
from jcalc.ui.widgets import FOCUS_STYLE, INVALID_STYLE, FieldError, NoticeBar
from jcalc.ui.window_frame import SearchBox, WindowFrame

EMPTY_SEARCH_TEXT = "Type a code (J9312), a drug or brand name, or an NDC; Enter picks the top row."


@dataclass
class Contents:
    """Every widget of the full window, by role."""

    search_box: SearchBox
    search_status: QLabel
    results_model: SearchResultsModel
    results_view: QTableView
    drug_panel: DrugPanel
    dose_panel: DosePanel
    encounter_model: EncounterModel
    encounter_view: QTableView
    encounter_label: QLabel
    admin_edit: QLineEdit
    admin_button: QPushButton
    admin_error: FieldError
    remove_button: QPushButton
    glance: GlancePanel
    preview: PreviewPanel
    messages: MessageLine
    catalog_label: QLabel
    quarter_warning: QLabel
    problem_bar: NoticeBar
    read_only_bar: NoticeBar
    main_splitter: QSplitter
    left_splitter: QSplitter
    middle_splitter: QSplitter


def setup_table(view: QTableView) -> None:
    """Rows picked whole, read-only, one Tab stop (arrows move inside)."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 6)


def _results_view(frame: WindowFrame, model: SearchResultsModel) -> QTableView:
    view = QTableView(frame)
    view.setObjectName("resultsView")
    view.setModel(model)
    setup_table(view)
    # Fixed widths from the font, not ResizeToContents: measuring every row of every result
    # set would cost more than the search itself.
    header = view.horizontalHeader()
    bold = view.font()
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
    return view


def _encounter_view(frame: WindowFrame, model: EncounterModel) -> QTableView:
    view = QTableView(frame)
    view.setObjectName("encounterView")
    view.setModel(model)
    setup_table(view)
    header = view.horizontalHeader()
    header.setSectionResizeMode(COL_CODE, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(COL_WHAT, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(COL_LINES, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(COL_ASP, QHeaderView.ResizeMode.ResizeToContents)
    return view


def _splitter(frame: WindowFrame, name: str, orientation: Qt.Orientation) -> QSplitter:
    splitter = QSplitter(orientation, frame)
    splitter.setObjectName(name)
    splitter.setChildrenCollapsible(False)
    return splitter


def build_contents(frame: WindowFrame) -> Contents:
    """Make the full window's widgets and lay them out in ``frame`` (its search box moves in)."""
    search_status = QLabel(EMPTY_SEARCH_TEXT, frame)
    search_status.setObjectName("searchStatus")
    search_status.setWordWrap(True)
    # Two lines, always: a message of another length must not re-lay out the whole window.
    search_status.setFixedHeight(search_status.fontMetrics().lineSpacing() * 2 + 2)
    search_status.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    results_model = SearchResultsModel(frame)
    encounter_model = EncounterModel(frame)
    admin_edit = QLineEdit(frame)
    admin_edit.setObjectName("adminEdit")
    admin_edit.setPlaceholderText("96413, 96415 x2")
    admin_edit.setToolTip(
        "Administration code numbers (five digits), separated by commas; 'x2' for 2 units. "
        "Filled in with the codes the clinic remembered for the drug; Enter adds them."
    )
    admin_button = QPushButton("Add codes", frame)
    admin_button.setObjectName("addAdminButton")
    remove_button = QPushButton("Remove", frame)
    remove_button.setObjectName("removeFromEncounterButton")
    remove_button.setToolTip("Remove the selected entry from the visit (Delete)")
    remove_button.setEnabled(False)
    for button in (remove_button, admin_button):
        button.setAutoDefault(False)
    catalog_label = QLabel(frame)
    catalog_label.setObjectName("catalogLabel")
    quarter_warning = QLabel(frame)
    quarter_warning.setObjectName("quarterWarning")
    quarter_warning.setStyleSheet("color: #6b5000;")
    frame.statusBar().addPermanentWidget(quarter_warning)
    frame.statusBar().addPermanentWidget(catalog_label)
    problem_bar = NoticeBar(
        object_name="catalogProblemBar", action_text="Restore bundled catalog", parent=frame
    )
    problem_bar.button.setToolTip(
        "Use the catalog that came with jcalc again (an intact updated catalog is kept as "
        "the previous one)"
    )
    parts = Contents(
        search_box=frame.search_box,
        search_status=search_status,
        results_model=results_model,
        results_view=_results_view(frame, results_model),
        drug_panel=DrugPanel(frame),
        dose_panel=DosePanel(frame),
        encounter_model=encounter_model,
        encounter_view=_encounter_view(frame, encounter_model),
        encounter_label=QLabel("Visit: nothing added yet", frame),
        admin_edit=admin_edit,
        admin_button=admin_button,
        admin_error=FieldError(object_name="adminError", parent=frame),
        remove_button=remove_button,
        glance=GlancePanel(frame),
        preview=PreviewPanel(frame),
        messages=MessageLine(frame),
        catalog_label=catalog_label,
        quarter_warning=quarter_warning,
        problem_bar=problem_bar,
        read_only_bar=NoticeBar(object_name="readOnlyBar", parent=frame),
        main_splitter=_splitter(frame, "mainSplitter", Qt.Orientation.Horizontal),
        left_splitter=_splitter(frame, "leftSplitter", Qt.Orientation.Vertical),
        middle_splitter=_splitter(frame, "middleSplitter", Qt.Orientation.Vertical),
    )
    parts.encounter_label.setObjectName("encounterLabel")
    _lay_out(frame, parts)
    set_tab_order(frame, parts)
    return parts


def _lay_out(frame: WindowFrame, parts: Contents) -> None:
    search_area = QWidget(frame)
    search_layout = QVBoxLayout(search_area)
    search_layout.setContentsMargins(0, 0, 0, 0)
    search_layout.setSpacing(4)
    search_layout.addWidget(parts.search_box)
    search_layout.addWidget(parts.search_status)
    search_layout.addWidget(parts.results_view, 1)

    encounter_area = QWidget(frame)
    encounter_area.setStyleSheet(INVALID_STYLE)
    encounter_layout = QVBoxLayout(encounter_area)
    encounter_layout.setContentsMargins(0, 0, 0, 0)
    encounter_layout.setSpacing(4)
    encounter_layout.addWidget(parts.encounter_label)
    encounter_layout.addWidget(parts.encounter_view, 1)
    admin_row = QHBoxLayout()
    admin_label = QLabel("Ad&min. codes", encounter_area)
    admin_label.setBuddy(parts.admin_edit)
    admin_row.addWidget(admin_label)
    admin_row.addWidget(parts.admin_edit, 1)
    admin_row.addWidget(parts.admin_button)
    admin_row.addWidget(parts.remove_button)
    encounter_layout.addLayout(admin_row)
    encounter_layout.addWidget(parts.admin_error)

    parts.left_splitter.addWidget(search_area)
    parts.left_splitter.addWidget(encounter_area)
    parts.left_splitter.setStretchFactor(0, 3)
    parts.left_splitter.setStretchFactor(1, 2)
    parts.middle_splitter.addWidget(parts.drug_panel)
    parts.middle_splitter.addWidget(parts.dose_panel)
    parts.middle_splitter.setStretchFactor(0, 1)
    parts.middle_splitter.setStretchFactor(1, 0)
    # A layout, not a splitter: the glance's wrapped lines always get the height they need.
    right = QWidget(frame)
    right.setObjectName("billArea")
    right_layout = QVBoxLayout(right)
    right_layout.setContentsMargins(0, 0, 0, 0)
    right_layout.setSpacing(4)
    right_layout.addWidget(parts.glance)
    right_layout.addWidget(parts.preview, 1)
    main = parts.main_splitter
    main.addWidget(parts.left_splitter)
    main.addWidget(parts.middle_splitter)
    main.addWidget(right)
    main.setStretchFactor(0, 3)
    main.setStretchFactor(1, 4)
    main.setStretchFactor(2, 4)
    main.setSizes([380, 470, 500])

    central = QWidget(frame)
    central.setObjectName("windowContents")
    central.setStyleSheet(FOCUS_STYLE)
    layout = QVBoxLayout(central)
    layout.setContentsMargins(6, 6, 6, 2)
    layout.addWidget(parts.problem_bar)
    layout.addWidget(parts.read_only_bar)
    layout.addWidget(main, 1)
    layout.addWidget(parts.messages)
    frame.setCentralWidget(central)  # deletes the frame's placeholder
    # Shown now, not by the show Qt queues for a child added to a visible window: a window
    # manager activating the frame in between would find the focus widget hidden and leave
    # the window with no focus at all (seen under openbox about one start in ten).
    central.show()
    parts.search_box.show()  # moving it hid it
    # Always, not only when the frame had it: the frame may not be active yet (a window manager
    # activates it later), and moving the field cleared the window's focus widget.
    frame.focus_search()


def tab_chain(parts: Contents) -> list[QWidget]:
    """The Tab order: the search, what is picked and entered, the visit, the printout."""
    dose, drug, preview, glance = parts.dose_panel, parts.drug_panel, parts.preview, parts.glance
    return [
        parts.search_box,
        parts.results_view,
        dose.dose_edit,
        dose.helpers_button,
        *dose.body.edits(),
        dose.units_edit,
        dose.date_edit,
        dose.container_combo,
        dose.packages_edit,
        dose.others_edit,
        dose.ndc_edit,
        dose.qualifier_combo,
        drug.ndc_view,
        drug.clear_ndc_button,
        dose.concentration_edit,
        dose.charge_edit,
        dose.program_340b_check,
        dose.remember_button,
        dose.save_charge_button,
        dose.add_button,
        drug.favourite_button,
        drug.note_edit,
        parts.encounter_view,
        parts.admin_edit,
        parts.admin_button,
        parts.remove_button,
        preview.reference_edit,
        preview.patient_edit,
        glance.copy_lines_button,
        glance.copy_shaded_button,
        preview.pane,
        preview.print_preview_button,
        preview.print_button,
        preview.pdf_button,
    ]


def set_tab_order(frame: WindowFrame, parts: Contents) -> None:
    """Tab walks :func:`tab_chain`; the helpers' own fields follow their button when shown."""
    chain = tab_chain(parts)
    for first, second in itertools.pairwise(chain):
        frame.setTabOrder(first, second)
    helpers = parts.dose_panel.helpers
    previous: QWidget = parts.dose_panel.helpers_button
    for widget in (
        helpers.per_kg_edit, helpers.weight_edit, helpers.weight_button,
        helpers.per_m2_edit, helpers.bsa_edit, helpers.bsa_button,
        helpers.volume_edit, helpers.helper_concentration_edit, helpers.volume_button,
    ):  # fmt: skip
        frame.setTabOrder(previous, widget)
        previous = widget
    frame.setTabOrder(previous, parts.dose_panel.body.weight_edit)


def restore_layout(frame: WindowFrame, parts: Contents, settings: Settings) -> None:
    """The window state and splitter positions of the last session (the frame did geometry)."""
    if not settings.window_state.isEmpty():
        frame.restoreState(settings.window_state)
    for splitter, state in (
        (parts.main_splitter, settings.main_splitter),
        (parts.left_splitter, settings.left_splitter),
        (parts.middle_splitter, settings.middle_splitter),
    ):
        if not state.isEmpty():
            splitter.restoreState(state)


def save_layout(frame: WindowFrame, parts: Contents, settings: Settings) -> None:
    """Remember the window geometry and splitter positions."""
    settings.window_geometry = frame.saveGeometry()
    settings.window_state = frame.saveState()
    settings.main_splitter = parts.main_splitter.saveState()
    settings.left_splitter = parts.left_splitter.saveState()
    settings.middle_splitter = parts.middle_splitter.saveState()
    settings.sync()
