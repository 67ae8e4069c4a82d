"""The "Update catalog…" dialog: choose the CMS files, build in the background, review, switch.

Pages, in order: the files to use; progress (stage, bar, Cancel) while
:func:`~jcalc.catalog.update.plan_update` and :func:`~jcalc.catalog.update.build_update` run in a
worker thread; a confirmation when a file is older than the catalog in use; the review of the
changes (tabs over the diff, the clinic's own codes first) with "Use the new catalog" or Cancel.
Nothing changes for the biller until the new catalog is accepted
(:func:`~jcalc.catalog.update.commit_update`); cancelling, closing or an error at any point
discards the prepared catalog.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from jcalc.catalog.diff import CatalogDiff, ClinicCodes
from jcalc.catalog.library import ActiveCatalog, CatalogLibrary
from jcalc.catalog.update import (
    PreparedUpdate,
    UpdateCancelledError,
    UpdatePlan,
    build_update,
    commit_update,
    discard_update,
    plan_update,
)
from jcalc.core.errors import JcalcError
from jcalc.ui.diff_models import DiffSection, diff_sections
from jcalc.ui.settings import Settings
from jcalc.ui.update_pages import BAR_STEPS, UpdateDialogPages
from jcalc.ui.update_pages import INTRO as INTRO
from jcalc.ui.worker import BackgroundTask, Job

log = logging.getLogger(__name__)

PAGE_FILES, PAGE_PROGRESS, PAGE_CONFIRM, PAGE_REVIEW = range(4)
PLAN_SHARE = 0.45  # of the progress bar: reading and checking the files (measured: ~45 %)
CMS_FILE_FILTER = "CMS files (*.zip *.csv *.txt *.xlsx);;All files (*)"
CANCELLED = "The update was cancelled; nothing was changed."


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def counts_text(diff: CatalogDiff) -> str:
    """ "2 codes added, 3 ended or removed, …": the diff's counts in one line, and the ASP
    quarters it adds to the price history."""
    counts = diff.counts()
    parts = [
        f"{counts['added']} added",
        f"{counts['terminated']} ended or removed",
        f"{counts['descriptors_changed']} descriptors changed",
        f"{counts['prices_changed']} payment limits changed",
        f"{counts['mue_changed']} MUEs changed",
        f"NDCs: {counts['ndcs_added']} added, {counts['ndcs_removed']} removed",
    ]
    text = "Codes: " + ", ".join(parts) + "."
    if diff.quarters_added:
        text += f" ASP quarters added to the price history: {', '.join(diff.quarters_added)}."
    return text


class UpdateDialog(UpdateDialogPages):
    """Update the catalog in use from CMS files. Show it with ``show()`` (non-modal).

    ``clinic`` (a snapshot of the clinic's data) lets the review list the clinic's codes that
    change. The dialog closes itself once the new catalog is in use.

    Signals:
        progressChanged(str, float): the stage and overall fraction now on screen.
        confirmationNeeded(object): the plan has files older than the catalog in use.
        reviewReady(object): the prepared update (``PreparedUpdate``) is shown for review.
        messageShown(str): a message on the files page (a bad file, a cancel).
        catalogChanged(object): the new catalog (``ActiveCatalog``) is in use.
    """

    progressChanged = Signal(str, float)  # noqa: N815
    confirmationNeeded = Signal(object)  # noqa: N815
    reviewReady = Signal(object)  # noqa: N815
    messageShown = Signal(str)  # noqa: N815
    catalogChanged = Signal(object)  # noqa: N815

    def __init__(
        self,
        *,
        library: CatalogLibrary,
        settings: Settings,
        clinic: ClinicCodes | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("updateDialog")
        self.setWindowTitle("Update the catalog from CMS files")
        self.setWindowModality(Qt.WindowModality.NonModal)
        self._library = library
        self._settings = settings
        self._clinic = clinic
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._task: BackgroundTask | None = None
        self._plan: UpdatePlan | None = None
        self._prepared: PreparedUpdate | None = None
        self._accept_older = False
        self._sections: list[DiffSection] = []
        self._file_dialog: QFileDialog | None = None

        self.pages = QStackedWidget(self)
        self.pages.setObjectName("updatePages")
        self.pages.addWidget(self._files_page())
        self.pages.addWidget(self._progress_page())
        self.pages.addWidget(self._confirm_page())
        self.pages.addWidget(self._review_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self.resize(960, 600)
        if not settings.update_geometry.isEmpty():
            self.restoreGeometry(settings.update_geometry)
        self._wire()
        self._show_in_use()
        self._on_file_list_changed()

    # -- pages ---------------------------------------------------------------------------------
    def _wire(self) -> None:
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.file_list.model().rowsInserted.connect(self._on_file_list_changed)
        self.file_list.model().rowsRemoved.connect(self._on_file_list_changed)
        self.file_list.itemSelectionChanged.connect(self._on_file_list_changed)
        self.start_button.clicked.connect(self._on_start_button_clicked)
        self.close_button.clicked.connect(self.reject)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        self.reject_older_button.clicked.connect(self._on_reject_older_button_clicked)
        self.accept_button.clicked.connect(self._on_accept_button_clicked)
        self.discard_button.clicked.connect(self._on_discard_button_clicked)

    # -- state ---------------------------------------------------------------------------------
    @property
    def files(self) -> list[Path]:
        """The files chosen, in the order shown."""
        return [Path(self.file_list.item(row).text()) for row in range(self.file_list.count())]

    @property
    def prepared(self) -> PreparedUpdate | None:
        """The update being reviewed, if any."""
        return self._prepared

    @property
    def sections(self) -> list[DiffSection]:
        """The review's tabs (their models), once the review is shown."""
        return list(self._sections)

    @property
    def busy(self) -> bool:
        """True while files are read or the catalog is built."""
        return self._task is not None

    def add_files(self, paths: Sequence[Path | str]) -> None:
        """Add files to the list (a file already there is not added twice)."""
        known = {str(path) for path in self.files}
        for path in paths:
            text = str(Path(path))
            if text not in known:
                self.file_list.addItem(text)
                known.add(text)
        if paths:
            self._settings.update_directory = str(Path(paths[-1]).parent)
            self._settings.sync()

    def start(self) -> None:
        """Read and check the chosen files in the background (then build, then review)."""
        files = self.files
        if not files:
            self._show_message("Add the CMS files first.", error=True)
            return
        self._accept_older = False
        self._show_message("")
        library = self._library

        def job(progress: Callable[[str, float], None], cancel: threading.Event) -> UpdatePlan:
            return plan_update(
                files,
                library=library,
                progress=lambda stage, f: progress(stage, f * PLAN_SHARE),
                cancel=cancel,
            )

        self._run(job, self._on_plan_succeeded)

    def _run(self, job: Job, on_success: Callable[[Any], None], *, start: float = 0.0) -> None:
        task = BackgroundTask(job, parent=self)
        task.signals.progressed.connect(self._on_task_progressed)
        task.signals.succeeded.connect(functools.partial(self._on_task_succeeded, on_success))
        task.signals.failed.connect(self._on_task_failed)
        self._task = task
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Cancel")
        self._set_progress("starting", start)
        self.pages.setCurrentIndex(PAGE_PROGRESS)
        self._pool.start(task)

    def _build(self, plan: UpdatePlan) -> None:
        clinic = self._clinic

        def job(progress: Callable[[str, float], None], cancel: threading.Event) -> PreparedUpdate:
            return build_update(
                plan,
                progress=lambda stage, f: progress(stage, PLAN_SHARE + f * (1 - PLAN_SHARE)),
                cancel=cancel,
                clinic=clinic,
            )

        self._run(job, self._on_build_succeeded, start=PLAN_SHARE)

    def _set_progress(self, stage: str, fraction: float) -> None:
        self.stage_label.setText(f"{_sentence(stage)}…" if fraction < 1 else _sentence(stage))
        self.progress_bar.setValue(round(fraction * BAR_STEPS))
        self.progress_bar.setFormat(f"{fraction:.0%}")
        self.progressChanged.emit(stage, fraction)

    def _show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b71c1c;" if error else "color: #1b5e20;")
        self.message.setVisible(bool(text))
        if text:
            self.messageShown.emit(text)

    def _show_in_use(self) -> None:
        try:
            active: ActiveCatalog | None = self._library.active()
        except JcalcError as error:
            self.in_use_label.setText(f"No catalog is usable: {error}")
            return
        assert active is not None
        self.in_use_label.setText(f"In use: {active.status_text}. {_sentence(active.describe())}.")

    def _show_review(self, prepared: PreparedUpdate) -> None:
        diff = prepared.diff
        header = diff.summary_lines()[0]
        self.diff_header.setText(f"<b>{_sentence(header)}</b><br>{counts_text(diff)}")
        notes = [*prepared.plan.notes]
        if self._accept_older:
            notes += [f"Older than in use (you agreed): {r}" for r in prepared.plan.reasons]
        self.notes_label.setText("\n".join(f"• {note}" for note in notes))  # may start: a file
        self.notes_label.setVisible(bool(notes))
        skips = prepared.summary.skip_lines()
        self.skips_label.setText("Rows of the CMS files:\n" + "\n".join(skips))
        self.skips_label.setVisible(bool(skips))
        self.tabs.clear()
        self._sections = diff_sections(diff, self)
        for section in self._sections:
            self.tabs.addTab(self._section_widget(section), self._tab_title(section))
        self.review_error.hide()
        self.accept_button.setEnabled(True)
        self.pages.setCurrentIndex(PAGE_REVIEW)
        self.accept_button.setFocus()

    def _discard(self) -> None:
        prepared, self._prepared = self._prepared, None
        if prepared is not None:
            discard_update(prepared)

    def _finish_task(self) -> BackgroundTask | None:
        task, self._task = self._task, None
        if task is not None:
            task.done.wait()  # the signal came after the job ended: returns at once
        return task

    # -- slots ---------------------------------------------------------------------------------
    @Slot()
    def _on_file_list_changed(self) -> None:
        self.remove_button.setEnabled(bool(self.file_list.selectedItems()))
        self.start_button.setEnabled(self.file_list.count() > 0)

    @Slot()
    def _on_add_button_clicked(self) -> None:
        folder = self._settings.update_directory or str(Path.home())
        dialog = QFileDialog(self, "Choose the CMS files", folder, CMS_FILE_FILTER)
        dialog.setObjectName("cmsFileDialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.filesSelected.connect(self._on_file_dialog_files_selected)
        dialog.finished.connect(self._on_file_dialog_finished)
        self._file_dialog = dialog
        dialog.open()

    @Slot(int)
    def _on_file_dialog_finished(self, _result: int) -> None:
        self._file_dialog = None

    @Slot(list)
    def _on_file_dialog_files_selected(self, paths: list[str]) -> None:
        self.add_files([Path(path) for path in paths])

    @Slot()
    def _on_remove_button_clicked(self) -> None:
        for item in self.file_list.selectedItems():
            self.file_list.takeItem(self.file_list.row(item))

    @Slot()
    def _on_start_button_clicked(self) -> None:
        self.start()

    @Slot(str, float)
    def _on_task_progressed(self, stage: str, fraction: float) -> None:
        if self._task is not None and not self._task.cancel.is_set():
            self._set_progress(stage, fraction)

    def _on_task_succeeded(self, on_success: Callable[[Any], None], result: object) -> None:
        task = self._finish_task()
        if task is None:  # closed meanwhile: done() has dealt with the outcome
            return
        on_success(result)

    @Slot(object)
    def _on_plan_succeeded(self, plan: UpdatePlan) -> None:
        self._plan = plan
        if plan.needs_confirmation:
            self.reasons_label.setText("\n".join(f"• {reason}" for reason in plan.reasons))
            self.pages.setCurrentIndex(PAGE_CONFIRM)
            self.reject_older_button.setFocus()
            self.confirmationNeeded.emit(plan)
            return
        self._build(plan)

    @Slot(object)
    def _on_build_succeeded(self, prepared: PreparedUpdate) -> None:
        self._prepared = prepared
        log.info(
            "update prepared: %s (built from %s; diff in %.0f ms)",
            prepared.info.asp_quarter,
            ", ".join(item.path.name for item in prepared.plan.files),
            prepared.diff.seconds * 1000,
        )
        self._show_review(prepared)
        self.reviewReady.emit(prepared)

    @Slot(object)
    def _on_task_failed(self, error: BaseException) -> None:
        if self._finish_task() is None:
            return
        self.pages.setCurrentIndex(PAGE_FILES)
        if isinstance(error, UpdateCancelledError):
            self._show_message(CANCELLED)
            return
        if isinstance(error, JcalcError):
            log.info("update refused: %s", error)
            self._show_message(f"Nothing was changed: {error}", error=True)
            return
        self._show_message("The update failed unexpectedly; nothing was changed.", error=True)
        raise error  # an unexpected error: the application's error dialog shows it

    @Slot()
    def _on_cancel_button_clicked(self) -> None:
        if self._task is not None:
            self._task.cancel.set()
            self.cancel_button.setEnabled(False)
            self.cancel_button.setText("Cancelling…")
            self.stage_label.setText("Cancelling…")

    @Slot()
    def _on_confirm_button_clicked(self) -> None:
        if self._plan is not None:
            self._accept_older = True
            self._build(self._plan)

    @Slot()
    def _on_reject_older_button_clicked(self) -> None:
        self._plan = None
        self.pages.setCurrentIndex(PAGE_FILES)
        self._show_message(CANCELLED)

    @Slot()
    def _on_accept_button_clicked(self) -> None:
        prepared = self._prepared
        if prepared is None:
            return
        try:
            active = commit_update(prepared, accept_older=self._accept_older)
        except JcalcError as error:
            self.review_error.setText(f"Not switched: {error}")
            self.review_error.show()
            self.accept_button.setEnabled(False)
            return
        self._prepared = None
        log.info("catalog switched: %s", active.describe())
        self.catalogChanged.emit(active)
        self.accept()

    @Slot()
    def _on_discard_button_clicked(self) -> None:
        self._discard()
        self.pages.setCurrentIndex(PAGE_FILES)
        self._show_in_use()
        self._show_message(CANCELLED)

    # -- closing -------------------------------------------------------------------------------
    def done(self, result: int) -> None:
        """Closing at any point: stop the worker, throw a prepared catalog away, then close."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel.set()
            self._pool.waitForDone()  # the job stops at its next step
            if isinstance(task.result, PreparedUpdate):
                discard_update(task.result)
        self._discard()
        if self._file_dialog is not None:
            self._file_dialog.close()
        self._settings.update_geometry = self.saveGeometry()
        self._settings.sync()
        super().done(result)
