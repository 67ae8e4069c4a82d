"""Unexpected errors: logged, then shown in a dialog with copyable details; the app keeps running.

Errors the biller can fix (:class:`jcalc.core.errors.JcalcError`) never come here: the window
shows them in place, next to the field they concern.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import Slot
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jcalc import __version__

log = logging.getLogger(__name__)

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def format_details(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> str:
    """Version, platform and traceback as plain text for a bug report."""
    lines = traceback.format_exception(exc_type, exc, tb)
    return f"jcalc {__version__} on {sys.platform}, Python {sys.version.split()[0]}\n\n" + "".join(
        lines
    )


class ErrorDialog(QDialog):
    """A non-blocking dialog: a plain sentence, the details, and a button copying them."""

    def __init__(self, *, message: str, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorDialog")
        self.setWindowTitle("jcalc: unexpected error")
        from PySide6.QtCore import Qt  # not at the top: this module loads before the first frame

        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self._details = details

        self.message_label = QLabel(message, self)
        self.message_label.setWordWrap(True)
        self.details_view = QPlainTextEdit(details, self)
        self.details_view.setObjectName("errorDetails")
        self.details_view.setReadOnly(True)
        self.details_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.copy_button = QPushButton("&Copy details", self)
        self.copy_button.setObjectName("copyDetailsButton")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)

        layout = QVBoxLayout(self)
        layout.addWidget(self.message_label)
        layout.addWidget(self.details_view, 1)
        layout.addWidget(buttons)
        self.resize(640, 360)

        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        buttons.rejected.connect(self.reject)

    @Slot()
    def _on_copy_button_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self._details)
        self.copy_button.setText("Copied")


class ExceptionHandler:
    """A ``sys.excepthook`` that logs the error and opens an :class:`ErrorDialog`.

    ``parent`` returns the widget to put the dialog over (or None). The previous hook is kept
    and put back by :meth:`uninstall`.
    """

    def __init__(self, parent: Callable[[], QWidget | None] = lambda: None) -> None:
        self._parent = parent
        self._previous: ExceptHook | None = None
        self.dialogs: list[ErrorDialog] = []

    def install(self) -> None:
        """Make this the process's ``sys.excepthook``."""
        self._previous = sys.excepthook
        sys.excepthook = self

    def uninstall(self) -> None:
        """Restore the hook that was in place before :meth:`install`."""
        if self._previous is not None:
            sys.excepthook = self._previous
            self._previous = None

    def __call__(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        details = format_details(exc_type, exc, tb)
        log.error("unexpected error: %s: %s\n%s", exc_type.__name__, exc, details)
        if issubclass(exc_type, KeyboardInterrupt):
            app = QApplication.instance()
            if app is not None:
                app.quit()
            return
        if QApplication.instance() is None:
            sys.__excepthook__(exc_type, exc, tb)
            return
        try:
            self.show(exc_type, exc, details)
        except Exception:  # the hook itself must never raise
            log.exception("could not show the error dialog")

    def show(self, exc_type: type[BaseException], exc: BaseException, details: str) -> ErrorDialog:
        """Open the dialog for one error without blocking."""
        from jcalc.console import describe_failure
        from jcalc.core.safe_text import escape_control

        plain = describe_failure(exc)  # bad input, a file or a resource: said in plain words
        message = (
            f"{escape_control(plain)}\n\nWhat you typed is kept; you can go on working."
            if plain is not None
            else "Something went wrong inside jcalc. What you typed is kept and you can go on "
            "working. Please send the details below to whoever supports jcalc.\n\n"
            f"{exc_type.__name__}: {exc}"
        )
        dialog = ErrorDialog(message=message, details=details, parent=self._parent())
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.dialogs.append(dialog)
        dialog.open()
        return dialog

    def _forget(self, dialog: ErrorDialog) -> None:
        if dialog in self.dialogs:
            self.dialogs.remove(dialog)
