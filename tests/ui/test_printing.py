"""Print preview, printer and PDF: one render path, one Letter page, readable text."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QFileDialog

from jcalc.cli import main
from jcalc.core.containers import ContainerType
from jcalc.core.summary import render_summary_html, summary_from_calculations
from jcalc.printing import PrintError, summary_document, write_pdf
from jcalc.service import CalcInput, calculate_from_text
from jcalc.ui import MainWindow
from jcalc.ui.preview import PreviewPanel
from tests.ui.conftest import IN_QUARTER, type_search


def pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", path.read_bytes()))


def pdf_text(path: Path) -> str | None:
    """The PDF's text through poppler's pdftotext when it is installed, else None."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    out = subprocess.run([tool, "-layout", str(path), "-"], capture_output=True, check=True)
    return unicodedata.normalize("NFKC", out.stdout.decode("utf-8"))  # ligatures: "ﬀ" → "ff"


def jw_visit(catalog, *more: CalcInput):
    first = CalcInput(
        code="J9312",
        dose="450 mg",
        date_of_service=IN_QUARTER,
        ndc="50242-0053-06",
        container=ContainerType.SINGLE_DOSE,
    )
    calcs = [calculate_from_text(catalog, entry) for entry in (first, *more)]
    info = catalog.info()
    return summary_from_calculations(
        calcs,
        date_of_service=IN_QUARTER,
        clinic_name="Riverside Infusion Clinic",
        reference="ACCT-0042",
        catalog_quarter=info.asp_quarter,
        catalog_effective_from=info.asp_effective_from,
        catalog_effective_to=info.asp_effective_to,
    )


def assert_summary_text(text: str) -> None:
    for expected in (
        "Riverside Infusion Clinic",
        "date of service 2026-02-02",
        "reference ACCT-0042",
        "J9312 rituximab — 450 mg",
        "45 units",
        "5 units",
        "J9312-JW",
        "N450242005306",
        "ASP catalog 2026Q1, effective 2026-01-01 to 2026-03-31",
        "generated on",
    ):
        assert expected in text, expected


def test_write_pdf_one_letter_page_with_the_summary(qtbot, bundled_catalog, tmp_path) -> None:
    summary = jw_visit(bundled_catalog)
    document = summary_document(summary)
    assert_summary_text(document.toPlainText())  # what the PDF is painted from

    path = write_pdf(summary, tmp_path / "visit.pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert pdf_pages(path) == 1
    letter = rb"/MediaBox\s*\[\s*0\s+0\s+612(\.0+)?\s+792(\.0+)?\s*\]"  # in points
    assert re.search(letter, data)
    text = pdf_text(path)
    if text is not None:
        assert_summary_text(" ".join(text.split()))  # lines wrap differently on paper


def test_a_three_drug_visit_still_fits_one_page(qtbot, bundled_catalog, tmp_path) -> None:
    summary = jw_visit(
        bundled_catalog,
        CalcInput(code="J1100", dose="10 mg", date_of_service=IN_QUARTER),
        CalcInput(code="J2312", dose="0.4 mg", date_of_service=IN_QUARTER),
    )
    path = write_pdf(summary, tmp_path / "three.pdf")
    assert pdf_pages(path) == 1


def test_write_pdf_to_a_missing_folder_names_the_reason(qtbot, bundled_catalog, tmp_path) -> None:
    with pytest.raises(PrintError, match="No such file or directory"):  # the reason is named
        write_pdf(jw_visit(bundled_catalog), tmp_path / "missing" / "x.pdf")


def _generated(html: str) -> datetime:
    match = re.search(r"generated on (\d{4}-\d\d-\d\d \d\d:\d\d)", html)
    assert match is not None
    return datetime.strptime(match.group(1), "%Y-%m-%d %H:%M")


def enter_jw_case(qtbot, window: MainWindow) -> None:
    type_search(qtbot, window, "50242-0053-06")
    window.dose_panel.set_container_type(ContainerType.SINGLE_DOSE)
    qtbot.keyClicks(window.dose_panel.dose_edit, "450 mg")
    qtbot.waitUntil(lambda: "J9312-JW" in window.preview.pane.toPlainText(), timeout=300)


def test_pdf_button_saves_what_the_preview_shows(qtbot, window: MainWindow, tmp_path) -> None:
    enter_jw_case(qtbot, window)
    window.settings.pdf_directory = str(tmp_path)
    window.preview.pdf_button.click()
    dialog = window.frame.findChild(QFileDialog, "pdfFileDialog")
    assert dialog is not None and dialog.isVisible()
    target = tmp_path / "visit.pdf"
    with qtbot.waitSignal(dialog.fileSelected, timeout=1000):
        dialog.selectFile(str(target))
        dialog.accept()
    assert target.read_bytes().startswith(b"%PDF-") and pdf_pages(target) == 1
    assert window.settings.pdf_directory == str(tmp_path)
    assert f"Saved {target}" in window.messages.current
    text = pdf_text(target)
    if text is not None:
        assert "J9312-JW" in text and "45 units" in text
    # The preview pane shows the HTML the PDF was painted from.
    shown = window.preview.html
    assert shown == render_summary_html(replace(window.summary(), generated_on=_generated(shown)))


def test_save_pdf_failure_is_shown_not_raised(qtbot, window: MainWindow, tmp_path) -> None:
    enter_jw_case(qtbot, window)
    assert window.save_pdf(tmp_path / "nope" / "x.pdf") is False
    assert "Could not save the PDF" in window.preview.notice.text()


def test_ctrl_p_opens_the_print_dialog_and_prints(qtbot, window: MainWindow, tmp_path) -> None:
    enter_jw_case(qtbot, window)
    qtbot.keyClick(window.dose_panel.dose_edit, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = window.frame.findChild(QPrintDialog, "printDialog")
    assert dialog is not None and dialog.isVisible()
    printer = dialog.printer()
    out = tmp_path / "printed.pdf"
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    dialog.done(QDialog.DialogCode.Accepted)  # accept() would reapply the dialog's own choices
    assert out.read_bytes().startswith(b"%PDF-") and pdf_pages(out) == 1
    text = pdf_text(out)
    if text is not None:
        assert "J9312-JW" in text


def test_print_preview_paints_the_summary(qtbot, window: MainWindow) -> None:
    enter_jw_case(qtbot, window)
    window.preview.print_preview_button.click()
    dialog = window.frame.findChild(QPrintPreviewDialog, "printPreviewDialog")
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=1000)
    dialog.reject()


def test_printing_is_refused_while_there_is_nothing_to_print(qtbot, window: MainWindow) -> None:
    assert not window.preview.print_button.isEnabled()
    assert not window.actions.print.isEnabled()
    window.actions.print.trigger()
    assert window.frame.findChild(QPrintDialog, "printDialog") is None


def test_cli_calc_pdf_writes_the_same_summary(qtbot, tmp_path, capsys) -> None:
    out = tmp_path / "calc.pdf"
    code = main(
        ["calc", "J9312", "450 mg", "--ndc", "50242-0053-06", "--single-dose",
         "--date", "2026-02-02", "--pdf", str(out)]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert out.read_bytes().startswith(b"%PDF-") and pdf_pages(out) == 1
    text = pdf_text(out)
    if text is not None:
        assert "J9312-JW" in text and "45 units" in text


def test_cli_pdf_works_without_a_display(tmp_path) -> None:
    out = tmp_path / "headless.pdf"
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    result = subprocess.run(
        [sys.executable, "-m", "jcalc", "calc", "J1100", "10 mg", "--date", "2026-02-02",
         "--pdf", str(out)],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF-")
    assert date.today()  # the summary's generated-on date is today's


def test_a_printer_that_cannot_open_is_reported_in_place(qtbot, window, tmp_path) -> None:
    enter_jw_case(qtbot, window)
    window.actions.print.trigger()
    dialog = window.frame.findChild(QPrintDialog, "printDialog")
    assert dialog is not None
    printer = dialog.printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "missing" / "out.pdf"))
    with qtbot.captureExceptions() as exceptions:
        dialog.done(QDialog.DialogCode.Accepted)
    assert exceptions == []
    assert "Could not print: " in window.preview.notice.text()
    assert "No such file or directory" in window.preview.notice.text()


# A code with its modifiers, an amount, units, an NDC quantity: never split over two lines.
WHOLE = re.compile(
    r"^([A-Z]\d{4}(-[A-Z0-9]{2})*|\$[\d,]+\.\d\d|[\d,]+\sunits?|[\d.]+\s\w+\s\(\w+\))$"
)


def broken_pieces(document: QTextDocument) -> tuple[int, list[list[str]]]:
    """(codes and figures found, those laid out over more than one line, as their lines)."""
    found, broken = 0, []
    block = document.begin()
    while block.isValid():
        text, layout = block.text(), block.layout()
        lines = [
            text[layout.lineAt(i).textStart() :][: layout.lineAt(i).textLength()]
            for i in range(layout.lineCount())
        ]
        for word in re.split(r" (?=[a-z(])", text.strip()):  # "J9312-JW discarded (JW)"
            if WHOLE.match(word):
                found += 1
                if not any(word in line for line in lines):
                    broken.append(lines)
        block = block.next()
    return found, broken


@pytest.mark.parametrize("width", [200, 260, 340, 420, 600])
def test_no_code_or_figure_of_the_summary_is_broken_over_two_lines(
    qtbot, bundled_catalog, width
) -> None:
    """In a narrow preview pane Qt broke "$3,364.43" into "$3,364.4" and "3", and J9312 into
    "J931" and "2", which read as another amount and another code. Lines now break between
    words only; a table wider than the pane makes it scroll sideways."""
    more = CalcInput(
        code="J1100", dose="10 mg", date_of_service=IN_QUARTER, charge_per_unit=Decimal("12.50")
    )
    summary = jw_visit(bundled_catalog, more)
    document = summary_document(summary)
    document.setTextWidth(width)
    document.size()  # lays the document out
    found, broken = broken_pieces(document)
    assert found >= 11 and broken == []
    pane = PreviewPanel()
    qtbot.addWidget(pane)
    pane.show_summary(summary)
    pane.pane.document().setTextWidth(width)
    pane.pane.document().size()
    assert broken_pieces(pane.pane.document()) == (found, [])
