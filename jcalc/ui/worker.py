"""Running a slow job (reading CMS files, building a catalog) off the GUI thread.

A :class:`BackgroundTask` runs one function in a :class:`QThreadPool`; the function gets a
``progress(stage, fraction)`` callback and a :class:`threading.Event` it must honour as "cancel".
Results, errors and progress come back as Qt signals, delivered in the GUI thread (queued
connections), so the window never freezes and never touches widgets from the worker.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal

Job = Callable[[Callable[[str, float], None], threading.Event], Any]


class TaskSignals(QObject):
    """What a task reports (emitted from the worker thread).

    Signals:
        progressed(str, float): a stage in plain words and the fraction done (0.0 to 1.0).
        succeeded(object): the job's result.
        failed(object): the exception the job raised.
    """

    progressed = Signal(str, float)
    succeeded = Signal(object)
    failed = Signal(object)


class BackgroundTask(QRunnable):
    """One run of ``job`` in a thread pool; ``result``/``error`` stay readable after it ends."""

    def __init__(self, job: Job, *, parent: QObject | None = None) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the owner keeps it until it has read the outcome
        self.signals = TaskSignals(parent)
        self.cancel = threading.Event()
        self.done = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None
        self._job = job

    def _progress(self, stage: str, fraction: float) -> None:
        self.signals.progressed.emit(stage, fraction)

    def run(self) -> None:
        """Run the job in the worker thread and report how it ended."""
        try:
            self.result = self._job(self._progress, self.cancel)
        except BaseException as error:  # handed to the GUI thread, which decides
            self.error = error
            self.done.set()
            self.signals.failed.emit(error)
            return
        self.done.set()
        self.signals.succeeded.emit(self.result)
