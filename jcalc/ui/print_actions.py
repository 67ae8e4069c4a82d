"""What the window and the History share around printing: the save dialogs and the PDF write.

The summary itself is always rendered by :mod:`jcalc.printing` (the one render path); this
module only opens the non-blocking "save as" dialogs and words a failed write the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from jcalc.core.errors import JcalcError

if TYPE_CHECKING:
    from jcalc.core.summary import ClaimSummary

PDF_TITLE = "Save the summary as PDF"
PDF_FILTER = "PDF files (*.pdf)"


def open_save_dialog(
    parent: QWidget,
    *,
    title: str,
    folder: str | None,
    name: str,
    name_filter: str,
    suffix: str,
    object_name: str,
    on_selected: Callable[[str], object],
    keep: Callable[[QDialog], None],
) -> QFileDialog:
    """Open a non-blocking "save as" dialog on ``name`` in ``folder`` (the home folder if unset).

    ``on_selected`` gets the file chosen (never an empty path); ``keep`` holds a reference to the
    dialog until it closes (it deletes itself then).
    """

    def file_selected(path: str) -> None:
        if path:
            on_selected(path)

    dialog = QFileDialog(parent, title, str(Path(folder or Path.home()) / name))
    dialog.setObjectName(object_name)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setNameFilter(name_filter)
    dialog.setDefaultSuffix(suffix)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.fileSelected.connect(file_selected)
    keep(dialog)
    dialog.open()
    return dialog


def open_pdf_dialog(
    parent: QWidget,
    folder: str | None,
    name: str,
    *,
    object_name: str,
    on_selected: Callable[[str], object],
    keep: Callable[[QDialog], None],
) -> QFileDialog:
    """Open the "save the summary as PDF" dialog on ``name`` in ``folder``."""
    return open_save_dialog(
        parent,
        title=PDF_TITLE,
        folder=folder,
        name=name,
        name_filter=PDF_FILTER,
        suffix="pdf",
        object_name=object_name,
        on_selected=on_selected,
        keep=keep,
    )


def save_summary_pdf(summary: ClaimSummary, target: Path, page_size: str) -> str | None:
    """Write ``summary`` to ``target`` as PDF; None when written, else why it could not be."""
    from jcalc.printing import write_pdf  # imported when used: the window starts without it

    try:
        write_pdf(summary, target, page_size=page_size)
    except (JcalcError, OSError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        return f"Could not save the PDF {target}: {reason}"
    return None
