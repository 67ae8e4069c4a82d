"""The main window's frame: the top-level window, shown before the rest of jcalc is imported.

:class:`WindowFrame` has the final title, the remembered geometry, the menu titles and a search
field that already takes typing, and imports only PySide6, the standard library and light jcalc
modules (settings). Nothing here touches the ``Qt`` namespace of QtCore at import or while the
frame is built: loading it costs ~20 ms, paid after the first frame instead.

The frame stays the top-level window for good: :class:`jcalc.ui.main_window.MainWindow` is
composed into it (its contents become the central widget, its menus fill the menu bar), right
after the first frame on the start-up path of :func:`jcalc.ui.app.run_app`. Keys typed before
then are kept: the search field has the focus from the start, and a key that reaches the frame
itself (no widget focused yet) is passed on to the search field.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QMainWindow, QVBoxLayout, QWidget

from jcalc.ui.settings import Settings

TITLE = "jcalc: drug units and claim lines"
READ_ONLY_TITLE = "jcalc (read-only): drug units and claim lines"
SEARCH_PLACEHOLDER = "Search: J9312, rituximab, Rituxan, 50242-0053-06"
MENU_TITLES = ("&File", "&Go", "&Help")
LOADING_TEXT = "Opening the catalog…"


class SearchBox(QLineEdit):
    """The search field: Up/Down/Page keys move through the results without leaving it.

    Signals:
        moveRequested(int): move the current result by this many rows (negative: up).
    """

    moveRequested = Signal(int)  # noqa: N815

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Send navigation keys to the results; Escape clears the field; the rest types."""
        # Not at the top: the Qt namespace costs ~20 ms to import, after the first frame here.
        from PySide6.QtCore import Qt

        steps = {
            Qt.Key.Key_Down: 1,
            Qt.Key.Key_Up: -1,
            Qt.Key.Key_PageDown: 10,
            Qt.Key.Key_PageUp: -10,
        }
        key = Qt.Key(event.key())
        if key in steps and not event.modifiers() & Qt.KeyboardModifier.AltModifier:
            self.moveRequested.emit(steps[key])
            event.accept()
            return
        if key is Qt.Key.Key_Escape and self.text():
            self.clear()
            event.accept()
            return
        super().keyPressEvent(event)


class WindowFrame(QMainWindow):
    """The top-level jcalc window before (and under) its full contents.

    ``settings`` defaults to this PC's settings file (the window geometry is restored from it);
    ``read_only`` only changes the title here.

    Signals:
        closing(): the window is being closed (the composed window saves and closes its data).
    """

    closing = Signal()

    def __init__(
        self,
        *,
        settings: Settings | None = None,
        read_only: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.read_only = read_only
        self.setWindowTitle(READ_ONLY_TITLE if read_only else TITLE)
        self.settings = settings if settings is not None else Settings()

        self.search_box = SearchBox(self)
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText(SEARCH_PLACEHOLDER)
        self.search_box.setClearButtonEnabled(True)
        font = self.search_box.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.search_box.setFont(font)

        # Replaced by the full contents (setCentralWidget deletes it, the search box moves over).
        placeholder = QWidget(self)
        placeholder.setObjectName("framePlaceholder")
        layout = QVBoxLayout(placeholder)
        layout.setContentsMargins(6, 6, 6, 2)
        layout.addWidget(self.search_box)
        loading = QLabel(LOADING_TEXT, placeholder)
        loading.setObjectName("frameLoading")
        layout.addWidget(loading)
        layout.addStretch(1)
        self.setCentralWidget(placeholder)
        for title in MENU_TITLES:  # the full window puts its menus here (see _build_actions)
            self.menuBar().addMenu(title).setEnabled(False)

        self.setMinimumSize(1000, 600)
        self.resize(1340, 720)
        if not self.settings.window_geometry.isEmpty():
            self.restoreGeometry(self.settings.window_geometry)
        self.search_box.setFocus()

    def focus_search(self) -> None:
        """Give the search field the keyboard focus (also while the window is not yet active)."""
        self.search_box.setFocus()
        if self.isActiveWindow() and self.focusWidget() is not self.search_box:
            self.search_box.activateWindow()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """A key typed while no field has the focus goes to the search field, never lost."""
        from PySide6.QtCore import Qt  # after the first frame, see SearchBox

        held = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        text = event.text()
        if text and text.isprintable() and not event.modifiers() & held:
            self.search_box.setFocus()
            self.search_box.keyPressEvent(event)
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Tell the composed window, which saves the layout and closes what it opened."""
        self.closing.emit()
        super().closeEvent(event)


class _AfterFirstFrame(QObject):
    """Calls ``callback`` once, from the event loop, after the first paint of ``widget``."""

    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._callback = callback
        self._done = False
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """On the first paint, schedule the callback for when the frame has been flushed."""
        if not self._done and event.type() == QEvent.Type.Paint:
            self._done = True
            QTimer.singleShot(0, self._callback)
        return False


def after_first_frame(widget: QWidget, callback: Callable[[], None]) -> QObject:
    """Run ``callback`` right after ``widget`` has painted its first frame; the watcher."""
    return _AfterFirstFrame(widget, callback)
