"""Start the window: Qt application, logging to a file, Qt messages and unexpected errors.

The window starts in two phases: its frame (:class:`jcalc.ui.window_frame.WindowFrame`: title,
geometry, a search field that takes typing) is shown first, with nothing but PySide6 and light
modules imported; right after its first frame the rest is composed into that same window
(:meth:`jcalc.ui.main_window.MainWindow.complete`): it opens the catalog in use (the updated one,
else the bundled one) and the clinic's database, and searches what was typed meanwhile. The log
file is opened then too; what is logged before waits for it. A second jcalc of the same user
finds the instance lock taken, warns and opens read-only (see :mod:`jcalc.ui.instance`).

``JCALC_QUIT_AFTER_SHOW=1`` makes the application quit right after the window, fully built, has
painted a frame (the smoke test of ``jcalc`` with no arguments and of frozen builds).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QMessageLogContext,
    QObject,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from jcalc import __version__
from jcalc.core.errors import JcalcError
from jcalc.paths import user_data_dir
from jcalc.ui.errors import ExceptionHandler
from jcalc.ui.instance import acquire_instance_lock
from jcalc.ui.settings import Settings
from jcalc.ui.state_dump import install as install_state_dump
from jcalc.ui.window_frame import WindowFrame, after_first_frame

if TYPE_CHECKING:  # imported after the first frame: see _complete_window
    from jcalc.ui.main_window import MainWindow

log = logging.getLogger(__name__)
qt_log = logging.getLogger("jcalc.qt")

LOG_FILE = "jcalc.log"
QUIT_AFTER_SHOW_ENV = "JCALC_QUIT_AFTER_SHOW"
QUIT_FALLBACK_MS = 15000
_HANDLER_NAME = "jcalc-file"

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def setup_logging(level: int = logging.INFO) -> Path:
    """Log the ``jcalc`` loggers to a rotating file in the user data directory; its path."""
    import logging.handlers  # ~12 ms: run_app calls this after the window's first frame

    path = user_data_dir() / LOG_FILE
    root = logging.getLogger("jcalc")
    root.setLevel(level)
    if not any(h.get_name() == _HANDLER_NAME for h in root.handlers):
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
        handler.set_name(_HANDLER_NAME)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    return path


class _EarlyRecords(logging.Handler):
    """Holds what is logged before the log file is set up (right after the first frame)."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record for :meth:`replay`."""
        self.records.append(record)

    def replay(self) -> None:
        """Stop holding records and pass the held ones to the ``jcalc`` handlers (idempotent)."""
        root = logging.getLogger("jcalc")
        if self not in root.handlers:
            return
        root.removeHandler(self)
        for record in self.records:
            root.handle(record)
        self.records.clear()


def qt_message_handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Route Qt's own messages into the ``jcalc.qt`` logger."""
    where = f" ({context.category})" if context.category and context.category != "default" else ""
    qt_log.log(_QT_LEVELS.get(mode, logging.WARNING), "%s%s", message, where)


class QuitAfterFirstFrame(QObject):
    """Quits the application once the watched widget has painted its first frame."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self._done = False
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """On the first paint of the widget, schedule the quit."""
        if not self._done and event.type() == QEvent.Type.Paint:
            self._done = True
            log.info("first frame shown; quitting as %s asks", QUIT_AFTER_SHOW_ENV)
            QTimer.singleShot(0, QCoreApplication.quit)
        return False


def _fail_to_start(message: str) -> int:
    log.error("cannot start: %s", message)
    print(f"error: {message}", file=sys.stderr)
    if not os.environ.get(QUIT_AFTER_SHOW_ENV):
        QMessageBox.critical(None, "jcalc cannot start", message)  # startup only: no window yet
    return 1


def _complete_window(frame: WindowFrame) -> MainWindow:
    """Import the rest of the window and build it into the shown ``frame``."""
    from jcalc.ui.main_window import MainWindow

    return MainWindow.complete(frame)


def run_app(
    argv: Sequence[str] | None = None,
    *,
    on_show: Callable[[WindowFrame], None] | None = None,
    on_ready: Callable[[MainWindow], None] | None = None,
) -> int:
    """Open the window on the catalog in use and run until it closes; the exit code.

    For the start-up probe: ``on_show`` is called with the window's frame just before it is
    first shown, ``on_ready`` with the window once it is fully built.
    """
    args = list(argv) if argv is not None else list(sys.argv)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(args or ["jcalc"])
    app.setApplicationName("jcalc")
    app.setOrganizationName("jcalc")
    app.setApplicationVersion(__version__)
    install_state_dump(app)  # test-only: does nothing unless JCALC_TEST_STATE_FILE is set
    early = _EarlyRecords()
    logging.getLogger("jcalc").addHandler(early)
    logging.getLogger("jcalc").setLevel(logging.INFO)
    previous_handler = qInstallMessageHandler(qt_message_handler)
    log.info("jcalc %s starting (log: %s)", __version__, user_data_dir() / LOG_FILE)

    def open_log() -> None:
        setup_logging()
        early.replay()

    frame: WindowFrame | None = None
    window: MainWindow | None = None
    failure: list[str] = []
    hook = ExceptionHandler(parent=lambda: frame)
    hook.install()
    instance = acquire_instance_lock()

    def complete() -> None:
        nonlocal window
        assert frame is not None
        open_log()
        try:
            window = _complete_window(frame)
        except JcalcError as error:
            failure.append(str(error))
            frame.hide()
            app.exit(1)
            return
        log.info("catalog in use: %s", window.catalog.info().path)
        if instance.read_only:
            window.show_second_instance_warning(instance.owner)
        if on_ready is not None:
            on_ready(window)
        if os.environ.get(QUIT_AFTER_SHOW_ENV):
            QuitAfterFirstFrame(window.frame)
            window.frame.update()  # a frame of the full window, then quit

    try:
        frame = WindowFrame(settings=Settings(), read_only=instance.read_only)
        after_first_frame(frame, complete)
        if on_show is not None:
            on_show(frame)
        frame.show()
        if os.environ.get(QUIT_AFTER_SHOW_ENV):
            QTimer.singleShot(QUIT_FALLBACK_MS, lambda: app.exit(3))
        code = app.exec()
        open_log()
        if failure:
            frame.close()
            return _fail_to_start(failure[0])
        if window is None:  # closed before it was complete: nothing was opened
            frame.close()
            log.info("jcalc exiting with code %d before the window was complete", code)
            return code
        window.close()  # closes the catalog and the clinic's database (idempotent)
        log.info("jcalc exiting with code %d", code)
        return code
    finally:
        early.replay()
        instance.release()
        hook.uninstall()
        qInstallMessageHandler(previous_handler)
