"""The window's message line: what just happened, in full (it wraps), with a log of the earlier
messages; a message goes when it is stale (replaced, timed out, or cleared by the next visit)."""

from __future__ import annotations

from collections import deque
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

LOG_LENGTH = 50
INFO_MS = 12000
ERROR_MS = 30000


class MessageLine(QWidget):
    """One message at a time, never clipped; the log button lists the earlier ones.

    Signals:
        messageShown(str): a message was shown ("" when cleared).
    """

    messageShown = Signal(str)  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageLine")
        self._log: deque[str] = deque(maxlen=LOG_LENGTH)
        self.label = QLabel(self)
        self.label.setObjectName("statusMessage")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log_button = QToolButton(self)
        self.log_button.setObjectName("messageLogButton")
        self.log_button.setText("Log")
        self.log_button.setToolTip("No messages yet")
        self.log_button.setAutoRaise(True)
        self.log_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 0, 2, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.log_button, 0, Qt.AlignmentFlag.AlignTop)

    @property
    def current(self) -> str:
        """The message on screen ("" when none)."""
        return self.label.text()

    @property
    def log(self) -> list[str]:
        """Earlier and current messages with their time, newest last."""
        return list(self._log)

    def show_message(self, text: str, *, error: bool = False, timeout_ms: int = 0) -> None:
        """Show ``text`` (replacing the last message) and log it; errors in red, kept longer."""
        self._log.append(f"{datetime.now():%H:%M:%S}  {text}")
        self.log_button.setToolTip("\n".join(list(self._log)[-15:]))
        self.label.setText(text)
        self.label.setStyleSheet("color: #b71c1c;" if error else "")
        self._timer.start(timeout_ms or (ERROR_MS if error else INFO_MS))
        self.messageShown.emit(text)

    def clear(self) -> None:
        """Take the message away (it stays in the log)."""
        self._timer.stop()
        self.label.clear()
        self.messageShown.emit("")

    @Slot()
    def _on_timer_timeout(self) -> None:
        self.clear()
