"""Test-only, opt-in: the window's state as a JSON file, for tests that drive the real program.

When ``JCALC_TEST_STATE_FILE`` names a file, :func:`install` writes there, whenever it changes,
which widget has the keyboard focus and what the search, dose and NDC fields, the drug title, the
preview and the visit hold, with the on-screen rectangles of the main fields. The real-desktop test
(``tests/desktop``) starts ``jcalc`` as a user does, types with real key events and reads this
file. Without the variable :func:`install` only looks it up; nothing else runs. Widgets are found
by object name only, so the window's inner structure can change freely.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QMainWindow,
    QTextEdit,
    QWidget,
)

STATE_FILE_ENV = "JCALC_TEST_STATE_FILE"
POLL_MS = 25
LINE_EDITS = {"search": "searchBox", "dose": "doseEdit", "ndc": "ndcEdit"}
RECTS = (
    "searchBox",
    "doseEdit",
    "ndcEdit",
    "containerCombo",
    "ndcView",
    "previewPane",
    "addToEncounterButton",
)


def install(app: QApplication) -> QObject | None:
    """Write the state of ``app``'s main window to the file ``JCALC_TEST_STATE_FILE`` names.

    The writer (a child of ``app``), or None when the variable is not set.
    """
    target = os.environ.get(STATE_FILE_ENV)
    return _StateWriter(app, Path(target)) if target else None


def _rect(widget: QWidget) -> list[int]:
    """``widget``'s rectangle on the screen, in device pixels: x, y, width, height."""
    ratio = widget.devicePixelRatioF()
    top_left = widget.mapToGlobal(widget.rect().topLeft())
    return [
        round(top_left.x() * ratio),
        round(top_left.y() * ratio),
        round(widget.width() * ratio),
        round(widget.height() * ratio),
    ]


def snapshot(app: QApplication) -> dict[str, Any]:
    """The state the desktop tests look at (see the module docstring)."""
    focus = app.focusWidget()
    modal = app.activeModalWidget()
    state: dict[str, Any] = {
        "focus": focus.objectName() if focus is not None else "",
        "focus_class": type(focus).__name__ if focus is not None else "",
        "active": bool(app.activeWindow()),
        "modal": modal.objectName() or type(modal).__name__ if modal is not None else "",
    }
    window = next((w for w in app.topLevelWidgets() if w.objectName() == "mainWindow"), None)
    if not isinstance(window, QMainWindow):
        return state
    state["title"] = window.windowTitle()
    for key, name in LINE_EDITS.items():
        edit = window.findChild(QLineEdit, name)
        state[key] = edit.text() if edit is not None else None
    title = window.findChild(QLabel, "drugTitle")
    state["drug"] = title.text() if title is not None else None
    pane = window.findChild(QTextEdit, "previewPane")
    state["complete"] = pane is not None
    state["preview"] = pane.toPlainText() if pane is not None else ""
    for key, name in (("results", "resultsView"), ("visit", "encounterView"), ("ndcs", "ndcView")):
        view = window.findChild(QAbstractItemView, name)
        model = view.model() if view is not None else None
        state[f"{key}_rows"] = model.rowCount() if model is not None else 0
    state["status"] = window.statusBar().currentMessage()
    state["rects"] = {
        name: _rect(widget)
        for name in RECTS
        if (widget := window.findChild(QWidget, name)) is not None and widget.isVisible()
    }
    return state


class _StateWriter(QObject):
    """Polls the window every few milliseconds and rewrites the file when the state changed."""

    def __init__(self, app: QApplication, path: Path) -> None:
        super().__init__(app)
        self._app = app
        self._path = path
        self._last = ""
        self._sequence = 0
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.write)
        self._timer.start()
        app.focusChanged.connect(self.write)

    def write(self, *_args: object) -> None:
        """Write the state when it differs from the last one written (atomically)."""
        import json

        text = json.dumps(snapshot(self._app), sort_keys=True)
        if text == self._last:
            return
        self._last = text
        self._sequence += 1
        temporary = self._path.with_name(self._path.name + ".tmp")
        temporary.write_text(f'{{"seq": {self._sequence}, "state": {text}}}\n', encoding="utf-8")
        temporary.replace(self._path)
