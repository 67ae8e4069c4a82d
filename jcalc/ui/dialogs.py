"""Non-blocking message boxes of the window: questions, warnings, and the references that keep
them alive until they close (a test can drive every one: none uses ``exec()``)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QAbstractButton, QDialog, QMessageBox, QWidget


class Dialogs(QObject):
    """Opens the window's message boxes over ``parent`` and keeps them until they close."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self.open_dialogs: list[QDialog] = []

    def keep(self, dialog: QDialog) -> None:
        """Hold a reference to a non-blocking dialog until it closes."""
        self.open_dialogs.append(dialog)
        dialog.finished.connect(functools.partial(self._forget, dialog))

    def _forget(self, dialog: QDialog, _result: int = 0) -> None:
        if dialog in self.open_dialogs:
            self.open_dialogs.remove(dialog)

    def ask(
        self,
        name: str,
        title: str,
        text: str,
        choices: Sequence[tuple[str, Callable[[], None]]],
        *,
        cancel_default: bool = False,
    ) -> QMessageBox:
        """A question with a button per choice and Cancel; the first choice is the default
        (Cancel with ``cancel_default``, for what cannot be undone).

        The buttons are named ``<name>Confirm`` (the first), then ``<name>Choice2``… .
        """
        box = QMessageBox(
            QMessageBox.Icon.Question,
            title,
            text,
            QMessageBox.StandardButton.Cancel,
            self._parent,
        )
        box.setObjectName(name)
        actions: dict[QAbstractButton, Callable[[], None]] = {}
        for index, (label, action) in enumerate(choices):
            button = box.addButton(label, QMessageBox.ButtonRole.AcceptRole)
            button.setObjectName(f"{name}Confirm" if index == 0 else f"{name}Choice{index + 1}")
            actions[button] = action
            if index == 0 and not cancel_default:
                box.setDefaultButton(button)
        if cancel_default:
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def clicked(which: QAbstractButton) -> None:
            action = actions.get(which)
            if action is not None:
                action()

        box.buttonClicked.connect(clicked)
        # Answered: the window (and the field the answer put the focus in) takes the keys again.
        box.finished.connect(self._parent.activateWindow)
        return self._open(box)

    def warn(self, title: str, text: str, name: str = "messageBox") -> QMessageBox:
        """A plain warning."""
        box = QMessageBox(
            QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self._parent
        )
        box.setObjectName(name)
        return self._open(box)

    def inform(self, title: str, text: str, name: str) -> QMessageBox:
        """A plain information box (rich text allowed)."""
        box = QMessageBox(
            QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, self._parent
        )
        box.setObjectName(name)
        return self._open(box)

    def _open(self, box: QMessageBox) -> QMessageBox:
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.keep(box)
        box.open()
        return box
