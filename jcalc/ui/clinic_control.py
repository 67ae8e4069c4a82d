"""The clinic's own data from the window: favourites, notes, charges, the NDC and container
type and administration codes remembered per code, NDC qualifiers, the clinic's settings, and
export/import of all of it. A read-only window (another jcalc is open) changes none of it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QMessageBox

from jcalc.core.containers import ContainerType
from jcalc.core.errors import JcalcError
from jcalc.core.ndc import format_ndc
from jcalc.core.summary import parse_administration_codes
from jcalc.ui.dose_text import charge_text, parse_charge
from jcalc.ui.print_actions import open_save_dialog
from jcalc.ui.search_control import SHORT_QUERY
from jcalc.userdata.clinic import ClinicSettings, CodeSettings

if TYPE_CHECKING:
    from jcalc.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class ClinicControl(QObject):
    """Saves and shows the clinic's data for the window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window

    def writable(self, what: str) -> bool:
        """False (and says why) in a read-only window."""
        if self.w.read_only:
            self.w.show_message(
                f"Read-only window: cannot {what} (jcalc is open in another window).", error=True
            )
        return not self.w.read_only

    def save(self, change: Callable[[], object], *, recalculate: bool = False) -> bool:
        """Run one change of the clinic's data; a refused value is shown, False then.

        ``recalculate``: the change affects the lines on screen (a charge, a qualifier).
        """
        try:
            change()
        except JcalcError as error:
            self.w.show_message(f"Not saved: {error}", error=True)
            return False
        if recalculate:
            self.w.entry.recalculate()
        self.w.clinicDataChanged.emit()
        return True

    def apply_settings(self) -> None:
        """Read the clinic's settings again and apply them (patient field, print options)."""
        w = self.w
        try:
            w.clinic_settings = w.clinic.settings()
        except JcalcError as error:
            log.warning("the clinic's settings cannot be read: %s", error)
        w.preview.set_patient_field(w.clinic_settings.patient_field)
        w.printing.set_history_options()

    def data_changed(self) -> None:
        """Show the clinic's data again after an import or a change of its settings."""
        w = self.w
        self.apply_settings()
        drug = w.entry.drug
        if drug is not None:
            saved = w.entry.code_settings(drug.hcpcs)
            w.drug_panel.set_clinic(saved, editable=not w.read_only)
            w.dose_panel.set_saved_charge(saved.charge_per_unit if saved else None)
        self.on_ndc_text_changed(w.dose_panel.ndc_edit.text())
        w.search.run()
        w.entry.recalculate()
        w.clinicDataChanged.emit()

    # -- per code ------------------------------------------------------------------------------
    @Slot(str, bool)
    def on_favourite_toggled(self, code: str, favourite: bool) -> None:
        """The star was toggled."""
        if not self.writable("change the favourites"):
            return
        if self.save(lambda: self.w.clinic.set_favourite(code, favourite)):
            word = "added to" if favourite else "removed from"
            self.w.show_message(f"{code} {word} the clinic's favourites.")
            if len(self.w.search_box.text().strip()) < SHORT_QUERY:
                self.w.search.schedule()

    @Slot(str, str)
    def on_note_edited(self, code: str, text: str) -> None:
        """The note paused: save it."""
        if self.writable("change the notes") and self.save(
            lambda: self.w.clinic.set_note(code, text)
        ):
            self.w.show_message(f"Note on {code} saved.")

    @Slot()
    def on_save_charge_requested(self) -> None:
        """Save (or forget) the typed charge as the clinic's charge of the code."""
        w = self.w
        drug = w.entry.drug
        if drug is None or not self.writable("change the clinic's charges"):
            return
        try:
            charge = parse_charge(w.dose_panel.charge_edit.text())
        except ValueError as error:
            w.show_message(str(error), error=True)
            return
        if not self.save(lambda: w.clinic.set_charge(drug.hcpcs, charge), recalculate=True):
            return
        w.dose_panel.set_saved_charge(charge)
        w.show_message(
            f"Saved ${charge_text(charge)} per unit as the clinic's charge of {drug.hcpcs}."
            if charge is not None
            else f"{drug.hcpcs} has no clinic charge any more."
        )

    def _administration_text(self) -> str | None:
        """The administration codes to remember: those typed, else those of the visit."""
        w = self.w
        typed = w.admin_edit.text().strip()
        if typed:
            codes = parse_administration_codes(typed)  # raises JcalcError when unreadable
        else:
            codes = w.encounter_model.administration_codes()
        text = ", ".join(c.code + (f" x{c.units}" if c.units > 1 else "") for c in codes)
        return text or None

    @Slot()
    def on_remember_defaults_requested(self) -> None:
        """Remember the NDC, the container type and the administration codes for the code."""
        w = self.w
        drug = w.entry.drug
        if drug is None or not self.writable("change the clinic's defaults"):
            return
        ndc = w.entry.current_ndc() or None
        kind = w.dose_panel.container_type
        container = None if kind is ContainerType.UNKNOWN else kind
        try:
            admin = self._administration_text()
        except JcalcError as error:
            w.show_message(f"Not saved: {error}", error=True)
            return

        def save() -> CodeSettings:
            w.clinic.set_default_ndc(drug.hcpcs, ndc)
            w.clinic.set_administration_codes(drug.hcpcs, admin)
            return w.clinic.set_container_type(drug.hcpcs, container)

        if self.save(save):
            parts = [
                f"NDC {format_ndc(ndc)}" if ndc else "no NDC",
                container.value if container else "no container type",
                f"administration codes {admin}" if admin else "no administration codes",
            ]
            w.show_message(f"{drug.hcpcs} will start with {', '.join(parts)}.")

    @Slot(str)
    def on_ndc_text_changed(self, _text: str) -> None:
        """Show the qualifier saved for the NDC typed (Auto when none)."""
        w = self.w
        ndc = w.entry.current_ndc()
        qualifier = None
        if ndc:
            try:
                saved = w.clinic.ndc_qualifier(ndc)
            except JcalcError as error:
                log.warning("NDC qualifier of %s not read: %s", ndc, error)
            else:
                qualifier = saved.value if saved is not None else None
        w.dose_panel.set_qualifier(qualifier)

    @Slot(str)
    def on_qualifier_chosen(self, value: str) -> None:
        """Save the qualifier chosen for the NDC ("" goes back to Auto)."""
        w = self.w
        ndc = w.entry.current_ndc()
        if not ndc:
            w.show_message("Pick or type the NDC first.", error=True)
            return
        if not self.writable("save NDC qualifiers"):
            return
        if self.save(lambda: w.clinic.set_ndc_qualifier(ndc, value or None), recalculate=True):
            shown = format_ndc(ndc)
            w.show_message(
                f"{value} is used for NDC {shown} from now on."
                if value
                else f"jcalc chooses the qualifier of NDC {shown} again."
            )

    # -- settings ------------------------------------------------------------------------------
    @Slot()
    def on_settings_requested(self) -> None:
        """Open the clinic's settings."""
        if not self.writable("change the clinic's settings"):
            return
        from jcalc.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(store=self.w.clinic, parent=self.w.frame)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.saved.connect(self._on_settings_dialog_saved)
        self.w.dialogs.keep(dialog)
        dialog.open()

    @Slot(object)
    def _on_settings_dialog_saved(self, saved: ClinicSettings) -> None:
        w = self.w
        if w.clinic_settings.patient_field and not saved.patient_field:
            try:
                erased = w.summary_log.erase_patient_names()
            except JcalcError as error:
                w.show_message(f"Patient names not removed: {error}", error=True)
            else:
                w.show_message(
                    f"Patient field off: {erased} stored patient name"
                    f"{'' if erased == 1 else 's'} removed from the History."
                )
        else:
            w.show_message("The clinic's settings were saved.")
        self.data_changed()

    # -- export and import ---------------------------------------------------------------------
    def export_to(self, path: Path | str) -> bool:
        """Write the clinic's data to ``path``; False (with the reason shown) on failure."""
        w = self.w
        target = Path(path)
        try:
            from jcalc.userdata.transfer import export_clinic_data

            written = export_clinic_data(w.clinic, target)
        except JcalcError as error:
            w.dialogs.warn("jcalc: export clinic data", f"Nothing was exported: {error}")
            return False
        w.settings.transfer_directory = str(target.parent)
        w.settings.sync()
        w.show_message(f"Exported {written.describe()} to {target}.")
        return True

    def import_from(self, path: Path | str, *, merge: bool = False) -> bool:
        """Replace (or with ``merge``, add to) the clinic's data from a file; False on failure.

        A bad file changes nothing; the reasons are shown in plain words.
        """
        w = self.w
        if not self.writable("import clinic data"):
            return False
        source = Path(path)
        try:
            from jcalc.userdata.transfer import import_clinic_data

            read = import_clinic_data(w.clinic, source, merge=merge)
        except JcalcError as error:
            self._show_transfer_error(error)
            return False
        w.settings.transfer_directory = str(source.parent)
        w.settings.sync()
        self.data_changed()
        how = "Merged" if merge else "Imported"
        w.show_message(f"{how} {read.describe()} from {source.name}.")
        return True

    @Slot()
    def on_export_requested(self) -> None:
        """File → Export clinic data…"""
        w = self.w
        open_save_dialog(
            w.frame,
            title="Export the clinic's data",
            folder=w.settings.transfer_directory,
            name=f"jcalc-clinic-data-{date.today().isoformat()}.json",
            name_filter="jcalc clinic data (*.json)",
            suffix="json",
            object_name="exportClinicFileDialog",
            on_selected=self.export_to,
            keep=w.dialogs.keep,
        )

    @Slot()
    def on_import_requested(self) -> None:
        """File → Import clinic data…"""
        w = self.w
        if not self.writable("import clinic data"):
            return
        folder = w.settings.transfer_directory or str(Path.home())
        dialog = QFileDialog(
            w.frame, "Import clinic data", folder, "jcalc clinic data (*.json);;All files (*)"
        )
        dialog.setObjectName("importClinicFileDialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.fileSelected.connect(self._on_import_dialog_file_selected)
        w.dialogs.keep(dialog)
        dialog.open()

    @Slot(str)
    def _on_import_dialog_file_selected(self, path: str) -> None:
        if path:
            self.ask_import(path)

    def ask_import(self, path: Path | str) -> QMessageBox | None:
        """Check a clinic data file, then ask whether to replace or merge (non-blocking).

        A bad file is reported in plain words and nothing is asked or changed (None).
        """
        w = self.w
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
            w.frame,
        )
        box.setObjectName("importClinicBox")
        replace_button = box.addButton("&Replace", QMessageBox.ButtonRole.AcceptRole)
        replace_button.setObjectName("importReplaceButton")
        merge_button = box.addButton("&Merge", QMessageBox.ButtonRole.AcceptRole)
        merge_button.setObjectName("importMergeButton")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def chosen(button: QAbstractButton) -> None:
            if button is replace_button or button is merge_button:
                self.import_from(source, merge=button is merge_button)

        box.buttonClicked.connect(chosen)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        w.dialogs.keep(box)
        box.open()
        return box

    def _show_transfer_error(self, error: JcalcError) -> None:
        from jcalc.userdata.transfer import TransferError

        problems = error.problems if isinstance(error, TransferError) else ()
        text = f"Nothing was imported: {error}"
        if problems:
            text += "\n\n" + "\n".join(f"• {problem}" for problem in problems[:8])
        self.w.dialogs.warn("jcalc: import clinic data", text, "importErrorBox")
