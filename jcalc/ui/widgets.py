"""Small shared widgets: the search field, a field error label, a notice bar, the invalid mark."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from jcalc.ui.window_frame import SearchBox  # it is part of the window's light frame

__all__ = ["FOCUS_STYLE", "INVALID_STYLE", "FieldError", "NoticeBar", "SearchBox", "set_invalid"]

INVALID_PROPERTY = "invalid"

# Applied once per panel; a widget with the ``invalid`` property set gets a red border.
INVALID_STYLE = """
QLineEdit[invalid="true"], QComboBox[invalid="true"], QDateEdit[invalid="true"] {
    border: 2px solid #c62828;
    border-radius: 3px;
    padding: 1px 3px;
}
QLabel[role="fieldError"] { color: #b71c1c; }
QLabel[role="hint"] { color: #555555; }
"""

# Applied to the window's contents: every button shows the keyboard focus plainly (Fusion's own
# focus mark on flat and tool buttons is faint or missing).
FOCUS_STYLE = """
QPushButton:focus, QToolButton:focus {
    border: 2px solid #1e66c8;
    border-radius: 3px;
    padding: 2px 6px;
}
QTableView:focus, QTextBrowser:focus { border: 2px solid #1e66c8; }
QCheckBox:focus { border: 2px solid #1e66c8; border-radius: 3px; padding: 1px 3px; }
QComboBox:focus, QDateEdit:focus {
    border: 2px solid #1e66c8;
    border-radius: 3px;
    padding: 1px 3px;
}
"""


def set_invalid(widget: QWidget, invalid: bool) -> None:
    """Mark ``widget`` as invalid (red border) or clear the mark."""
    if bool(widget.property(INVALID_PROPERTY)) == invalid:
        return
    widget.setProperty(INVALID_PROPERTY, invalid)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


class FieldError(QLabel):
    """A red message under a field; hidden while there is nothing to say."""

    def __init__(self, *, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setProperty("role", "fieldError")
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def set_message(self, message: str) -> None:
        """Show ``message``, or hide the label when it is empty."""
        self.setText(message)
        self.setToolTip(message)
        self.setVisible(bool(message))


class NoticeBar(QFrame):
    """A yellow bar across the window with a plain warning and, optionally, one action button.

    Signals:
        actionClicked(): the bar's button was pressed.
    """

    actionClicked = Signal()  # noqa: N815

    def __init__(
        self, *, object_name: str, action_text: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            f"QFrame#{object_name} {{ background: #fff4d6; border: 1px solid #d8b35a; "
            "border-radius: 3px; }"
        )
        self.label = QLabel(self)
        self.label.setObjectName(f"{object_name}Text")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button = QPushButton(action_text, self)
        self.button.setObjectName(f"{object_name}Button")
        self.button.setAutoDefault(False)
        self.button.setVisible(bool(action_text))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.button.clicked.connect(self._on_button_clicked)
        self.hide()

    def set_message(self, message: str) -> None:
        """Show ``message``, or hide the bar when it is empty."""
        self.label.setText(message)
        self.setVisible(bool(message))

    @Slot()
    def _on_button_clicked(self) -> None:
        self.actionClicked.emit()
