"""Start the window: Qt application, logging to a file, Qt messages and unexpected errors.

The window opens the catalog in use (the updated one, else the bundled one) and the clinic's
database. A second jcalc of the same user finds the instance lock taken, warns and opens
read-only (see :mod:`jcalc.ui.instance`).

``JCALC_QUIT_AFTER_SHOW=1`` makes the application quit right after the window's first frame has
been painted (the smoke test of ``jcalc`` with no arguments and of frozen builds).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from collections.abc import Sequence
from pathlib import Path

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
from jcalc.ui.main_window import MainWindow
from jcalc.ui.settings import Settings

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


def run_app(argv: Sequence[str] | None = None) -> int:
    """Open the window on the catalog in use and run until it closes; the exit code."""
    args = list(argv) if argv is not None else list(sys.argv)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(args or ["jcalc"])
    app.setApplicationName("jcalc")
    app.setOrganizationName("jcalc")
    app.setApplicationVersion(__version__)
    log_path = setup_logging()
    previous_handler = qInstallMessageHandler(qt_message_handler)
    log.info("jcalc %s starting (log: %s)", __version__, log_path)

    window: MainWindow | None = None
    hook = ExceptionHandler(parent=lambda: window)
    hook.install()
    instance = acquire_instance_lock()
    try:
        try:
            window = MainWindow(settings=Settings(), read_only=instance.read_only)
        except JcalcError as error:
            return _fail_to_start(str(error))
        log.info("catalog in use: %s", window.catalog.info().path)
        window.show()
        if instance.read_only:
            window.show_second_instance_warning(instance.owner)
        if os.environ.get(QUIT_AFTER_SHOW_ENV):
            QuitAfterFirstFrame(window)
            QTimer.singleShot(QUIT_FALLBACK_MS, lambda: app.exit(3))
        code = app.exec()
        window.close()  # closes the catalog and the clinic's database (idempotent)
        log.info("jcalc exiting with code %d", code)
        return code
    finally:
        instance.release()
        hook.uninstall()
        qInstallMessageHandler(previous_handler)
