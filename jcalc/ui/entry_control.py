"""The picked code and the entry of its dose: what the drug panel and the dose panel show, the
live calculation, and adding the entry to the visit.

Nothing carries over from one drug to the next: a newly picked code starts with an empty dose
and the clinic's remembered NDC, container type, charge and administration codes for it. A drug
entered but not yet added is never dropped silently: picking another code asks first.
A calculation runs as soon as the keys already waiting are handled (:data:`CALC_DELAY_MS`).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Slot

from jcalc.core.calculate import Calculation
from jcalc.core.drug import DrugCode, NdcProduct
from jcalc.core.errors import JcalcError
from jcalc.core.glance import headline
from jcalc.core.ndc import format_ndc, normalize_ndc
from jcalc.service import CalcInput, calculate_from_text
from jcalc.userdata.clinic import CodeSettings

if TYPE_CHECKING:
    from jcalc.ui.main_window import MainWindow

log = logging.getLogger(__name__)

CALC_DELAY_MS = 0  # after the keys already queued; a calculation takes a few milliseconds
ERROR_DELAY_MS = 400  # a half-typed dose ("450 m") is marked red only when typing pauses


class EntryControl(QObject):
    """The code being entered, its typed entry and its calculation."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.drug: DrugCode | None = None
        self.products: list[NdcProduct] = []
        self.last_good: Calculation | None = None  # last good result for the picked code
        self.entry: CalcInput | None = None
        self.errors: dict[str, str] = {}
        self.shown_errors: dict[str, str] = {}  # the errors marked on screen
        self.timer = QTimer(self)
        self.timer.setObjectName("calcTimer")
        self.timer.setSingleShot(True)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(CALC_DELAY_MS)
        self.timer.timeout.connect(self._on_timer_timeout)
        self.error_timer = QTimer(self)
        self.error_timer.setObjectName("entryErrorTimer")
        self.error_timer.setSingleShot(True)
        self.error_timer.setInterval(ERROR_DELAY_MS)
        self.error_timer.timeout.connect(self.recalculate)

    @property
    def calculation(self) -> Calculation | None:
        """The current entry's calculation (None when there is none or it has an error)."""
        return self.last_good if not self.errors else None

    def flush(self) -> None:
        """Run a pending calculation now (and show its errors)."""
        if self.timer.isActive() or self.error_timer.isActive():
            self.recalculate()

    def stop(self) -> None:
        """Drop a pending calculation (the window closes)."""
        self.timer.stop()
        self.error_timer.stop()

    # -- picking -------------------------------------------------------------------------------
    def pick_code(self, hcpcs: str, *, ndc: str | None = None, focus_dose: bool = True) -> bool:
        """Pick a code as if chosen from the results; False when it is unknown (said so) or
        when a drug entered but not added must be dealt with first (the biller is asked, and
        the pick follows the answer).

        The pick is remembered as a recently used code (shown first for a short search).
        """
        self.flush()
        pending = self.calculation
        if pending is not None and pending.drug.hcpcs != hcpcs.strip().upper():
            self._ask_about_pending(pending, hcpcs, ndc=ndc, focus_dose=focus_dose)
            return False
        return self._pick(hcpcs, ndc=ndc, focus_dose=focus_dose)

    def _ask_about_pending(
        self, pending: Calculation, hcpcs: str, *, ndc: str | None, focus_dose: bool
    ) -> None:
        code = hcpcs.strip().upper()
        lines = headline(pending.lines)

        def add_then_pick() -> None:
            if self.add_to_visit():
                self._pick(code, ndc=ndc, focus_dose=focus_dose)

        def discard_then_pick() -> None:
            self.w.show_message(f"Discarded {pending.drug.hcpcs} ({lines}): it was not added.")
            self.w.dose_panel.clear_entry()
            self._pick(code, ndc=ndc, focus_dose=focus_dose)

        self.w.dialogs.ask(
            "pendingEntryBox",
            "Add the drug entered first?",
            f"{pending.drug.hcpcs} {pending.drug.name} ({lines}) is not in the visit yet.\n\n"
            f"Add it to the visit before picking {code}, or discard it?",
            [("&Add it to the visit", add_then_pick), ("&Discard it", discard_then_pick)],
        )

    def _pick(self, hcpcs: str, *, ndc: str | None, focus_dose: bool) -> bool:
        if not self.select_code(hcpcs, ndc=ndc):
            return False
        if self.drug is not None:
            self._record_use(self.drug.hcpcs)
        if focus_dose:
            self.w.dose_panel.dose_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            self.w.dose_panel.dose_edit.selectAll()
        return True

    def select_code(self, hcpcs: str, *, ndc: str | None = None, keep_entry: bool = False) -> bool:
        """Show ``hcpcs`` (with ``ndc`` in the NDC field); False and a message when unknown.

        ``keep_entry``: the same code again from another catalog, the typed entry stays.
        """
        drug = self.w.catalog.code(hcpcs)
        if drug is None:
            message = f"{hcpcs.strip().upper()} is not in the catalog ({self.w.info.asp_quarter})."
            self.set_drug(None, message=message)
            self.w.search_status.setText(message)
            return False
        self.set_drug(drug, ndc=ndc, keep_entry=keep_entry)
        return True

    def _record_use(self, code: str) -> None:
        try:
            self.w.clinic.record_use(code)
        except JcalcError as error:  # a busy database must not stop the biller
            log.warning("could not remember %s as recently used: %s", code, error)

    def code_settings(self, code: str) -> CodeSettings | None:
        """The clinic's settings of ``code`` (None when none, or unreadable: logged)."""
        try:
            return self.w.clinic.code_settings(code)
        except JcalcError as error:
            log.warning("the clinic's data on %s cannot be read: %s", code, error)
            return None

    def set_drug(
        self,
        drug: DrugCode | None,
        *,
        ndc: str | None = None,
        message: str = "",
        keep_entry: bool = False,
    ) -> None:
        """Show ``drug`` (None: nothing picked, ``message`` says why); a new code starts with an
        empty entry and the clinic's remembered defaults for it (unless ``keep_entry``)."""
        w = self.w
        dose = w.dose_panel
        day = dose.date_of_service
        changed = drug is None or self.drug is None or drug.hcpcs != self.drug.hcpcs
        self.drug = drug
        if changed:
            self.last_good = None
            self.entry = None
            self.products = w.catalog.ndcs_for_code(drug.hcpcs) if drug else []
            w.drug_panel.set_drug(
                drug, self.products, quarter=w.info.asp_quarter, day=day, message=message
            )
            if drug is not None:
                w.drug_panel.update_price(w.catalog.price_on(drug.hcpcs, day), day)
            if not keep_entry:
                dose.clear_entry()  # no carry-over: the dose of one drug is never another's
            dose.set_units_needed(drug is not None and not drug.descriptor.is_numeric)
            saved = self.code_settings(drug.hcpcs) if drug is not None else None
            editable = drug is not None and not w.read_only
            if drug is not None:
                w.drug_panel.set_clinic(saved, editable=editable)
            dose.set_clinic_editable(editable)
            if not keep_entry:
                dose.set_saved_charge(saved.charge_per_unit if saved else None)
                if saved is not None and saved.container_type is not None:
                    dose.set_container_type(saved.container_type)
                if ndc is None and saved is not None and saved.default_ndc:
                    ndc = format_ndc(saved.default_ndc)
                dose.set_ndc_text(ndc or "")
                if drug is not None:
                    w.visit.fill_remembered_administration(drug.hcpcs)
        elif ndc:
            dose.set_ndc_text(ndc)
        dose.add_button.setEnabled(False)
        if drug is not None:
            w.drugPicked.emit(drug.hcpcs)
        self.recalculate()

    # -- calculation ---------------------------------------------------------------------------
    @Slot()
    def _on_timer_timeout(self) -> None:
        self.recalculate(reveal_errors=False)

    @Slot()
    def recalculate(self, *, reveal_errors: bool = True) -> None:
        """Work out the entry now and show the result, or the errors by field (while typing,
        ``reveal_errors`` False, only once typing pauses)."""
        self.timer.stop()
        w = self.w
        drug = self.drug
        errors: dict[str, str] = {}
        if drug is None or w.dose_panel.is_blank():
            self.last_good = None
        else:
            check = w.dose_panel.check(drug.hcpcs)
            if check.entry is None:
                errors = check.errors
            else:
                try:
                    result = calculate_from_text(w.catalog, check.entry, clinic=w.clinic)
                except JcalcError as error:
                    errors = {"calculation": str(error)}
                else:
                    self.last_good = result
                    self.entry = check.entry
                    product = result.request.product
                    w.drug_panel.select_ndc(product.ndc if product else None)
        self.errors = errors
        if errors and not reveal_errors:
            self.error_timer.start()
            errors = {}
        else:
            self.error_timer.stop()
        self.shown_errors = errors
        w.dose_panel.show_errors(errors)
        w.dose_panel.add_button.setEnabled(self.calculation is not None)
        w.visit.update_preview()

    def current_ndc(self) -> str:
        """The 11-digit NDC typed or picked ("" when none or not readable yet)."""
        text = self.w.dose_panel.ndc_edit.text().strip()
        if not text:
            return ""
        try:
            return normalize_ndc(text)
        except JcalcError:
            product = self.last_good.request.product if self.last_good else None
            return product.ndc if product is not None else ""

    def recompute(self, entry: CalcInput, day: date) -> tuple[CalcInput, Calculation]:
        """``entry`` for ``day`` and its calculation (raises JcalcError)."""
        moved = replace(entry, date_of_service=day)
        return moved, calculate_from_text(self.w.catalog, moved, clinic=self.w.clinic)

    def add_to_visit(self, *, why: str = "") -> bool:
        """Add the current entry to the visit and clear it for the next drug; False (and a
        message) when there is no valid entry."""
        self.flush()
        calculation, entry = self.calculation, self.entry
        if calculation is None or entry is None:
            self.w.show_message("Nothing to add: pick a code and type a valid dose first.")
            return False
        self.w.encounter_model.add_drug(entry, calculation)
        self.last_good = None
        self.entry = None
        self.w.dose_panel.clear_entry()
        self.recalculate()
        self.w.show_message(
            f"Added {calculation.drug.hcpcs} {calculation.request.dose or ''} "
            f"({headline(calculation.lines)}) to the visit{why}."
        )
        return True

    # -- slots ---------------------------------------------------------------------------------
    @Slot(str)
    def on_ndc_picked(self, ndc11: str) -> None:
        """A row of the NDC table was picked (or the pick cleared)."""
        self.w.dose_panel.set_ndc_text(format_ndc(ndc11) if ndc11 else "")

    @Slot()
    def on_dose_changed(self) -> None:
        """An input of the entry changed: work it out once the keys waiting are handled."""
        self.timer.start()

    @Slot(object)
    def on_date_changed(self, day: date) -> None:
        """The date of service changed: dates, catalog quarter warning, the visit's lines."""
        self.w.catalog_control.refresh_status()
        if self.drug is not None:
            self.w.drug_panel.update_dates(self.drug, day)
            self.w.drug_panel.update_price(self.w.catalog.price_on(self.drug.hcpcs, day), day)
        self.w.visit.recompute(day)
        self.w.search.schedule()  # the codes' status marks depend on the day

    @Slot()
    def on_add_requested(self) -> None:
        """Add to visit (button, Ctrl+Enter): add, then back to the search for the next drug."""
        if self.add_to_visit():
            self.w.search_box.setFocus(Qt.FocusReason.OtherFocusReason)
            self.w.search_box.selectAll()

    @Slot()
    def on_focus_dose_requested(self) -> None:
        """Ctrl+D: to the dose field, its text selected."""
        self.w.dose_panel.dose_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.w.dose_panel.dose_edit.selectAll()
