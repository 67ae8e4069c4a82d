"""Printing the claim-line summary: print preview, printer and PDF through one render path.

Every output lays out the HTML of :func:`jcalc.core.summary.render_summary_html` in a
:class:`QTextDocument` and paints it with :func:`paint_summary`, shrunk to fit one page when it is
a little too long. The window's preview pane shows the same HTML.
"""

from __future__ import annotations

import logging
import math
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QGuiApplication,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
    QTextOption,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from jcalc import __version__
from jcalc.core.errors import JcalcError
from jcalc.core.summary import ClaimSummary, render_summary_html, summary_from_calculations
from jcalc.safe_io import SafeFileError, write_atomically

if TYPE_CHECKING:
    from jcalc.catalog.store import Catalog
    from jcalc.core.calculate import Calculation

log = logging.getLogger(__name__)

PAGE_MARGIN_MM = 12.7
PDF_RESOLUTION = 300
# Lines break between words only, never inside a code or an amount ("$3,364.4" / "3"): a table
# too wide for its page or pane gets wider instead (the preview pane then scrolls sideways).
SUMMARY_WRAP = QTextOption.WrapMode.WordWrap
MIN_SCALE = 0.6  # below this the text gets too small to read: go on to a second page instead
PAGE_SIZE_IDS = {
    "Letter": QPageSize.PageSizeId.Letter,
    "A4": QPageSize.PageSizeId.A4,
    "Legal": QPageSize.PageSizeId.Legal,
}

_app: QGuiApplication | None = None


class PrintError(JcalcError):
    """The summary could not be printed or written."""


@dataclass(frozen=True)
class PrintOptions:
    """How to print: the clinic's page size and colour choice, and this PC's last printer."""

    page_size: str = "Letter"  # a key of PAGE_SIZE_IDS
    grayscale: bool = False
    printer_name: str = ""  # "" : the system's default printer


def ensure_gui_application() -> QGuiApplication:
    """The running Qt application, or a new windowless one (for ``jcalc calc --pdf``)."""
    global _app
    existing = QGuiApplication.instance()
    if isinstance(existing, QGuiApplication):
        return existing
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication([sys.argv[0] if sys.argv and sys.argv[0] else "jcalc"])
    return _app


def summary_document(summary: ClaimSummary) -> QTextDocument:
    """The summary laid out as a rich-text document (not yet bound to a device)."""
    document = QTextDocument()
    document.setDocumentMargin(0)
    font = QGuiApplication.font()
    font.setPointSizeF(9.5)
    document.setDefaultFont(font)
    option = document.defaultTextOption()
    option.setWrapMode(SUMMARY_WRAP)
    document.setDefaultTextOption(option)
    document.setHtml(render_summary_html(summary))
    return document


def paint_summary(document: QTextDocument, painter: QPainter, page: QRectF) -> int:
    """Paint ``document`` in ``page`` (device pixels); returns the number of pages used.

    A document a little taller than the page is shrunk (down to ``MIN_SCALE``) to stay on one
    page; a longer one continues on further pages, which needs a QPagedPaintDevice.
    """
    scale = 1.0
    document.setTextWidth(page.width())
    height = document.size().height()
    for _ in range(4):
        if height * scale <= page.height() or scale <= MIN_SCALE:
            break
        scale = max(MIN_SCALE, page.height() / height)
        document.setTextWidth(page.width() / scale)
        height = document.size().height()
    page_height = page.height() / scale  # in document units
    pages = max(1, math.ceil(height / page_height - 1e-6))
    device = painter.device()
    for number in range(pages):
        if number > 0 and (not isinstance(device, QPagedPaintDevice) or not device.newPage()):
            log.warning("summary truncated: the device cannot take another page")
            return number
        painter.save()
        painter.translate(page.topLeft())
        painter.scale(scale, scale)
        top = number * page_height
        painter.translate(0, -top)
        document.drawContents(painter, QRectF(0, top, page.width() / scale, page_height))
        painter.restore()
    return pages


def render_to_device(summary: ClaimSummary, device: QPagedPaintDevice) -> int:
    """Paint the summary on a printer or PDF writer; returns the number of pages."""
    if isinstance(device, QPrinter) and device.outputFileName():
        _check_writable(Path(device.outputFileName()))
    painter = QPainter()
    if not painter.begin(device):
        raise PrintError("the printer or file could not be opened for printing")
    try:
        document = summary_document(summary)
        layout = document.documentLayout()
        layout.setPaintDevice(device)
        rect = device.pageLayout().paintRectPixels(device.logicalDpiX())
        page = QRectF(0, 0, rect.width(), rect.height())
        return paint_summary(document, painter, page)
    finally:
        painter.end()


def _check_writable(path: Path) -> None:
    """PrintError naming the reason when ``path`` cannot be written."""
    try:
        with path.open("ab"):
            pass
    except OSError as error:
        raise PrintError(f"{path}: {error.strerror or error}") from error


def _page_size(name: str) -> QPageSize:
    return QPageSize(PAGE_SIZE_IDS.get(name, QPageSize.PageSizeId.Letter))


def configure_printer(printer: QPrinter, options: PrintOptions | None) -> None:
    """Apply the print options (printer, page size, grayscale) to ``printer``."""
    printer.setPageSize(_page_size(options.page_size if options else "Letter"))
    printer.setPageMargins(
        QMarginsF(PAGE_MARGIN_MM, PAGE_MARGIN_MM, PAGE_MARGIN_MM, PAGE_MARGIN_MM),
        QPageLayout.Unit.Millimeter,
    )
    printer.setDocName("jcalc claim-line summary")
    printer.setCreator(f"jcalc {__version__}")
    if options is None:
        return
    if options.printer_name:
        printer.setPrinterName(options.printer_name)
    printer.setColorMode(
        QPrinter.ColorMode.GrayScale if options.grayscale else QPrinter.ColorMode.Color
    )


def print_preview(
    parent: QWidget | None,
    summary: ClaimSummary,
    options: PrintOptions | None = None,
    on_printed: Callable[[str], None] | None = None,
) -> QPrintPreviewDialog:
    """Open a print preview of ``summary`` without blocking; the dialog is returned.

    ``on_printed`` gets the printer's name when the biller prints from the preview.
    """
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    configure_printer(printer, options)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setObjectName("printPreviewDialog")
    dialog.setWindowTitle("Print preview: claim-line summary")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    # The slot keeps the printer alive as long as the dialog's connection.
    dialog.paintRequested.connect(
        lambda target, _printer=printer: render_to_device(summary, target)
    )
    if on_printed is not None:  # the preview's print button prints, then accepts the dialog
        dialog.accepted.connect(lambda _printer=printer: on_printed(_printer.printerName()))
    dialog.resize(900, 700)
    dialog.open()
    return dialog


def print_summary(
    parent: QWidget | None,
    summary: ClaimSummary,
    options: PrintOptions | None = None,
    on_error: Callable[[str], None] | None = None,
    on_printed: Callable[[str], None] | None = None,
) -> QPrintDialog:
    """Open the print dialog without blocking; print ``summary`` when it is accepted.

    A printer that cannot be opened is reported through ``on_error`` (or the log); after a
    successful print ``on_printed`` gets the printer's name.
    """
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    configure_printer(printer, options)
    dialog = QPrintDialog(printer, parent)
    dialog.setObjectName("printDialog")
    dialog.setWindowTitle("Print claim-line summary")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)

    def on_accepted() -> None:
        try:
            render_to_device(summary, printer)
        except PrintError as error:
            log.warning("printing failed: %s", error)
            if on_error is not None:
                on_error(f"Could not print: {error}")
            return
        log.info("summary printed on %s", printer.printerName() or "the default printer")
        if on_printed is not None:
            on_printed(printer.printerName())

    dialog.accepted.connect(on_accepted)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()  # what QDialog.open() does, without blocking
    return dialog


def write_pdf(summary: ClaimSummary, path: Path | str, *, page_size: str = "Letter") -> Path:
    """Write the summary to ``path`` as a one-page PDF (Letter by default); needs no display."""
    ensure_gui_application()
    target = Path(path)
    # Rendered in memory, checked, then written through a temporary file and renamed: QPdfWriter
    # reports no write errors, so a full disk would otherwise leave an empty "PDF".
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageSize(_page_size(page_size))
    writer.setPageMargins(
        QMarginsF(PAGE_MARGIN_MM, PAGE_MARGIN_MM, PAGE_MARGIN_MM, PAGE_MARGIN_MM),
        QPageLayout.Unit.Millimeter,
    )
    writer.setResolution(PDF_RESOLUTION)
    writer.setTitle("jcalc claim-line summary")
    writer.setCreator(f"jcalc {__version__}")
    pages = render_to_device(summary, writer)
    del writer  # finishes the document
    data = bytes(buffer.data().data())
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-32:]:
        raise PrintError(f"{target}: the PDF could not be produced")
    try:
        write_atomically(target, data)
    except SafeFileError as error:
        raise PrintError(str(error)) from error
    log.info("summary written to %s (%d page%s)", target, pages, "" if pages == 1 else "s")
    return target


def write_pdf_for_calculation(
    catalog: Catalog,
    calculation: Calculation,
    path: Path,
    *,
    clinic_name: str = "",
    page_size: str = "Letter",
) -> None:
    """The PDF of ``jcalc calc … --pdf FILE``: the same summary as the window, for one drug."""
    ensure_gui_application()
    day = calculation.request.date_of_service
    summary = summary_from_calculations(
        [calculation], date_of_service=day, clinic_name=clinic_name,
        **catalog.summary_quarter(day),
    )  # fmt: skip
    write_pdf(summary, path, page_size=page_size)
