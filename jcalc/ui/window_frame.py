"""The main window's frame: the top-level window, shown before the rest of jcalc is imported.

:class:`WindowFrame` has the final title, the remembered geometry, the menu titles and a search
field that already takes typing, and imports only PySide6, the standard library and light jcalc
modules (settings). Nothing here touches the ``Qt`` namespace of QtCore at import or while the
frame is built: loading it costs ~20 ms, paid after the first frame instead.

:class:`jcalc.ui.main_window.MainWindow` is this class extended by the catalog, the clinic's
data and the panels: ``MainWindow()`` builds both at once, while :func:`jcalc.ui.app.run_app`
shows a frame first and completes that same window right after its first frame
(:meth:`MainWindow.complete`), keeping what was typed in the search field meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QKeyEvent
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
    """

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

        self.setMinimumSize(780, 520)
        self.resize(1340, 720)
        if not self.settings.window_geometry.isEmpty():
            self.restoreGeometry(self.settings.window_geometry)
        self.search_box.setFocus()


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
