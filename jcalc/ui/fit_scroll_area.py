"""A scroll area as tall as its contents need at its width, that scrolls only when the window
is too small: wrapped lines are never squeezed into each other."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


class FitScrollArea(QScrollArea):
    """Holds ``contents`` whole when there is room (no frame, no scroll bar, no Tab stop)."""

    def __init__(self, contents: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its fields are the Tab stops
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # it wraps
        self.setWidgetResizable(True)
        self.setWidget(contents)

    def sizeHint(self) -> QSize:  # noqa: N802
        """The contents' height at the width they have (wrapped lines included)."""
        hint = super().sizeHint()
        contents = self.widget()
        if contents is not None and contents.hasHeightForWidth():
            width = self.viewport().width() or contents.sizeHint().width()
            hint.setHeight(contents.heightForWidth(width) + 2 * self.frameWidth())
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """A new width wraps the lines anew: ask the layout for the new height."""
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()
