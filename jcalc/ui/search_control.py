"""The search field and its results: search as the biller types, move through the results
without leaving the field, pick a result (Enter, double-click) or look at one (click).

A search runs as soon as the keys already waiting are handled (a single-shot timer of
:data:`SEARCH_DELAY_MS`, restarted by each key): the search takes a few milliseconds, so a biller
never waits for a debounce, and a burst of keys typed while the window is busy is searched once.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, Slot

from jcalc.catalog.search import result_for_code
from jcalc.catalog.search import search as catalog_search
from jcalc.core.errors import JcalcError
from jcalc.core.ndc import format_ndc
from jcalc.ui.search_model import (
    FAVOURITE_MARK,
    RECENT_MARK,
    SearchFunction,
    SearchHit,
)
from jcalc.ui.window_layout import EMPTY_SEARCH_TEXT

if TYPE_CHECKING:
    from jcalc.ui.main_window import MainWindow

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 0  # after the keys already queued; the search itself takes ~2 ms
SEARCH_LIMIT = 50
SHORT_QUERY = 2  # a query shorter than this shows the clinic's favourites and recent codes first
PREFERRED_LIMIT = 20
PREFERRED_TEXT = (
    "Your favourites (★) and recently used codes first; type to search. Enter picks the "
    "highlighted row."
)


class SearchControl(QObject):
    """Runs searches for the window's search field and fills its results."""

    def __init__(self, window: MainWindow, search: SearchFunction | None = None) -> None:
        super().__init__(window)
        self.w = window
        self._search = search or self._default_search
        self.error = ""
        self.timer = QTimer(self)
        self.timer.setObjectName("searchTimer")
        self.timer.setSingleShot(True)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.run)

    def _default_search(self, query: str) -> Sequence[SearchHit]:
        return catalog_search(
            self.w.catalog.connection,
            query,
            limit=SEARCH_LIMIT,
            today=self.w.dose_panel.date_of_service,
        )

    def schedule(self) -> None:
        """Search again once the keys already waiting are handled."""
        self.timer.start()

    def flush(self) -> None:
        """Run a pending search now."""
        if self.timer.isActive():
            self.run()

    def stop(self) -> None:
        """Drop a pending search (the window closes)."""
        self.timer.stop()

    def _preferred(self) -> tuple[list[SearchHit], dict[str, str]]:
        """The clinic's favourites, then its recently used codes, as result rows with marks."""
        clinic = self.w.clinic
        try:
            favourites = set(clinic.favourites())
            codes = clinic.preferred_codes(PREFERRED_LIMIT)
        except JcalcError as error:
            log.warning("favourites and recent codes not shown: %s", error)
            return [], {}
        day = self.w.dose_panel.date_of_service
        hits: list[SearchHit] = []
        marks: dict[str, str] = {}
        for code in codes:
            drug = self.w.catalog.code(code)
            if drug is None:  # a code the catalog in use no longer has
                continue
            favourite = code in favourites
            matched = "favourite" if favourite else "recently used"
            hits.append(result_for_code(drug, day=day, matched=matched))
            marks[code] = FAVOURITE_MARK if favourite else RECENT_MARK
        return hits, marks

    @Slot()
    def run(self) -> None:
        """Search what the field holds now and show the results, the top row current."""
        self.timer.stop()
        w = self.w
        query = w.search_box.text().strip()
        preferred, marks = self._preferred() if len(query) < SHORT_QUERY else ([], {})
        if not query:
            w.results_model.set_results("", preferred, marks)
            if preferred:
                self.set_current(0)
            w.search_status.setText(PREFERRED_TEXT if preferred else EMPTY_SEARCH_TEXT)
            w.searchFinished.emit("")
            return
        try:
            results = list(self._search(query))
        except JcalcError as error:
            w.results_model.set_results(query, [])
            self.error = f"Search is not available: {error}"
            w.search_status.setText(self.error)
            log.warning("%s", self.error)
            w.searchFinished.emit(query)
            return
        self.error = ""
        results = preferred + [hit for hit in results if hit.hcpcs not in marks]
        w.results_model.set_results(query, results, marks)
        if results:
            self.set_current(0)
            count = len(results)
            more = "+" if count >= SEARCH_LIMIT else ""
            w.search_status.setText(
                f"{count}{more} match{'es' if count != 1 else ''}: Enter picks the highlighted row."
            )
        else:
            w.search_status.setText(
                f"No code, drug or NDC matches '{query}'. Check the spelling, or type the code."
            )
        w.searchFinished.emit(query)

    def set_current(self, row: int) -> None:
        """Make ``row`` the highlighted result."""
        view = self.w.results_view
        index = self.w.results_model.index(row, 0)
        view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        view.scrollTo(index)

    def pick_row(self, row: int, *, focus_dose: bool) -> None:
        """Pick the code (and NDC, for a search by NDC) of a result row."""
        hit = self.w.results_model.result(row)
        if hit is None:
            return
        self.set_current(row)
        ndc = format_ndc(hit.ndc) if hit.ndc and len(hit.ndc) == 11 and hit.ndc.isdigit() else None
        self.w.entry.pick_code(hit.hcpcs, ndc=ndc, focus_dose=focus_dose)

    @Slot()
    def warm_up(self) -> None:
        """Load the search index once the window is up, so the first keystroke is fast."""
        if self.w.search_box.text().strip():
            return
        try:
            self._search("J9312")
        except JcalcError as error:
            self.error = f"Search is not available: {error}"
            self.w.search_status.setText(self.error)
            log.warning("%s", self.error)

    @Slot(str)
    def on_text_changed(self, _text: str) -> None:
        """A key was typed: search once the keys already waiting are handled."""
        self.schedule()

    @Slot()
    def on_return_pressed(self) -> None:
        """Enter picks the highlighted result (searching first when the results are stale)."""
        w = self.w
        query = w.search_box.text().strip()
        if self.timer.isActive() or w.results_model.query != query:
            self.run()
        if w.results_model.rowCount() == 0:
            if query and self.error:
                w.search_status.setText(self.error)
            elif query:
                w.search_status.setText(f"No code, drug or NDC matches '{query}': nothing to pick.")
            return
        current = w.results_view.currentIndex()
        self.pick_row(current.row() if current.isValid() else 0, focus_dose=True)

    @Slot(int)
    def on_move_requested(self, steps: int) -> None:
        """Up/Down/Page keys in the search field move the highlighted result."""
        count = self.w.results_model.rowCount()
        if count == 0:
            return
        current = self.w.results_view.currentIndex()
        row = (current.row() if current.isValid() else -1) + steps
        self.set_current(max(0, min(count - 1, row)))

    @Slot(QModelIndex)
    def on_results_activated(self, index: QModelIndex) -> None:
        """Enter or double-click on a result picks it and goes to the dose."""
        self.pick_row(index.row(), focus_dose=True)

    @Slot(QModelIndex)
    def on_results_clicked(self, index: QModelIndex) -> None:
        """A click picks the result; the focus stays."""
        self.pick_row(index.row(), focus_dose=False)

    @Slot()
    def on_find_requested(self) -> None:
        """Ctrl+F: back to the search field, its text selected."""
        self.w.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.w.search_box.selectAll()
