"""A scroll area as tall as its contents need at its width, that scrolls only when the window
is too small: wrapped lines are never squeezed into each other."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QApplication, QFrame, QScrollArea, QWidget


class FitScrollArea(QScrollArea):
    """Holds ``contents`` whole when there is room (no frame, no scroll bar, no Tab stop)."""

    def __init__(self, contents: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its fields are the Tab stops
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # it wraps
        self.setWidgetResizable(True)
        self.setWidget(contents)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)

    def sizeHint(self) -> QSize:  # noqa: N802
        """The contents' height at the width they have (wrapped lines included)."""
        hint = super().sizeHint()
        contents = self.widget()
        if contents is not None and contents.hasHeightForWidth():
            width = self.viewport().width() or contents.sizeHint().width()
            hint.setHeight(contents.heightForWidth(width) + 2 * self.frameWidth())
        return hint

    @Slot(QWidget, QWidget)
    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        """A field inside that gets the focus (Tab from outside too) is scrolled into view."""
        contents = self.widget()
        if new is not None and contents is not None and contents.isAncestorOf(new):
            self.ensureWidgetVisible(new)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """A new width wraps the lines anew: ask the layout for the new height."""
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()
