"""The printed-summary log from the window: what is logged, the History list, filters,
re-printing through the one render path, CSV export."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QFileDialog

from jcalc.core.summary import render_summary_html
from jcalc.ui import MainWindow
from jcalc.ui.history_dialog import HistoryDialog
from jcalc.ui.history_model import COL_CODES, COL_QUARTER, COL_REFERENCE, HistoryTableModel
from tests.ui.test_printing import enter_jw_case, pdf_pages, pdf_text


def open_history(window: MainWindow) -> HistoryDialog:
    window.actions.history.trigger()
    dialog = window.frame.findChild(HistoryDialog, "historyDialog")
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    return dialog


def column(dialog: HistoryDialog, col: int) -> list[str]:
    model = dialog.model
    return [model.index(row, col).data() for row in range(model.rowCount())]


def print_to_pdf(qtbot, window: MainWindow, out: Path) -> None:
    window.actions.print.trigger()
    dialog = window.frame.findChild(QPrintDialog, "printDialog")
    assert dialog is not None
    printer = dialog.printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    with qtbot.waitSignal(window.summaryLogged):
        dialog.done(QDialog.DialogCode.Accepted)


def test_history_model(qtmodeltester, window: MainWindow) -> None:
    summary = window.summary()
    window.summary_log.log(replace(summary, reference="A-1"), action="printed")
    window.summary_log.log(replace(summary, reference="A-2"), action="saved")
    model = HistoryTableModel()
    qtmodeltester.check(model)
    model.set_entries(window.summary_log.list())
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert [model.index(r, COL_REFERENCE).data() for r in range(2)] == ["A-2", "A-1"]
    assert model.index(0, 1).data() == "saved PDF"
    model.set_entries([])
    qtmodeltester.check(model)


def test_prints_and_pdfs_are_logged_and_listed(qtbot, window: MainWindow, tmp_path) -> None:
    enter_jw_case(qtbot, window)
    window.preview.reference_edit.setText("ACCT-0042")
    print_to_pdf(qtbot, window, tmp_path / "printed.pdf")
    with qtbot.waitSignal(window.summaryLogged):
        assert window.save_pdf(tmp_path / "saved.pdf")
    entries = window.summary_log.list()
    assert [e.action for e in entries] == ["saved", "printed"]
    assert {e.reference for e in entries} == {"ACCT-0042"}
    assert all(e.codes == ("J9312",) and e.catalog_quarter == "2026Q1" for e in entries)
    assert all(e.patient_name is None for e in entries)  # the patient field is off

    dialog = open_history(window)
    assert dialog.model.rowCount() == 2
    assert column(dialog, COL_CODES) == ["J9312", "J9312"]
    assert column(dialog, COL_QUARTER) == ["2026Q1", "2026Q1"]
    assert column(dialog, COL_REFERENCE) == ["ACCT-0042", "ACCT-0042"]
    assert dialog.view.isColumnHidden(5)  # no patient names: no patient column
    assert "2 summaries" in dialog.count_label.text()

    # a new print while the History is open shows up in it
    with qtbot.waitSignal(dialog.listed):
        window.save_pdf(tmp_path / "again.pdf")
    assert dialog.model.rowCount() == 3


def test_filter_by_text_and_dates(qtbot, window: MainWindow) -> None:
    base = window.summary()
    log = window.summary_log
    log.log(replace(base, reference="ACCT-1"), when=datetime(2026, 1, 5, 9, 30))
    log.log(replace(base, reference="ACCT-2"), when=datetime(2026, 2, 10, 14, 0))
    log.log(replace(base, reference="OTHER"), action="saved", when=datetime(2026, 3, 1, 8, 0))
    dialog = open_history(window)
    assert column(dialog, COL_REFERENCE) == ["OTHER", "ACCT-2", "ACCT-1"]
    assert column(dialog, 0)[-1] == "2026-01-05 09:30"

    with qtbot.waitSignal(dialog.listed, timeout=2000):
        qtbot.keyClicks(dialog.filter_edit, "acct")  # debounced, filtered in SQL
    assert column(dialog, COL_REFERENCE) == ["ACCT-2", "ACCT-1"]
    dialog.set_dates(date(2026, 2, 1), date(2026, 2, 28))
    assert column(dialog, COL_REFERENCE) == ["ACCT-2"]
    dialog.set_dates(date(2026, 1, 5), date(2026, 1, 5))  # both ends included
    assert column(dialog, COL_REFERENCE) == ["ACCT-1"]
    dialog.set_dates(date(2026, 4, 1), None)
    assert dialog.model.rowCount() == 0
    assert "No printed or saved summary matches" in dialog.count_label.text()
    dialog.filter_edit.clear()
    dialog.set_dates(None, None)
    assert dialog.model.rowCount() == 3


def test_reprint_uses_the_same_render_path(qtbot, window: MainWindow, tmp_path) -> None:
    enter_jw_case(qtbot, window)
    window.preview.reference_edit.setText("ACCT-0042")
    with qtbot.waitSignal(window.summaryLogged) as logged:
        window.save_pdf(tmp_path / "first.pdf")
    printed = window.summary_log.get(logged.args[0]).summary()
    window.actions.new_visit.trigger()  # the window moves on; the History keeps the summary

    dialog = open_history(window)
    assert not dialog.pdf_button.isEnabled()  # nothing selected
    dialog.select_row(0)
    assert dialog.pdf_button.isEnabled()
    assert "J9312-JW" in dialog.preview.toPlainText()
    assert dialog.preview.toHtml()  # the same HTML as the preview pane showed
    assert render_summary_html(printed) == render_summary_html(dialog.selected().summary())

    again = tmp_path / "again.pdf"
    dialog.pdf_button.click()
    file_dialog = dialog.findChild(QFileDialog, "historyPdfFileDialog")
    assert file_dialog is not None and file_dialog.isVisible()
    with qtbot.waitSignal(file_dialog.fileSelected, timeout=2000):
        file_dialog.selectFile(str(again))
        file_dialog.accept()
    assert again.read_bytes().startswith(b"%PDF-") and pdf_pages(again) == 1
    text = pdf_text(again)
    if text is not None:
        flat = " ".join(text.split())
        assert "J9312-JW" in flat and "reference ACCT-0042" in flat
        assert printed.generated_on.strftime("%Y-%m-%d %H:%M") in flat  # as first printed
    assert window.summary_log.list() and len(window.summary_log.list()) == 1  # not re-logged

    dialog.preview_button.click()
    preview = dialog.findChild(QPrintPreviewDialog, "printPreviewDialog")
    assert preview is not None
    qtbot.waitUntil(preview.isVisible, timeout=2000)
    preview.reject()

    dialog.print_button.click()
    print_dialog = dialog.findChild(QPrintDialog, "printDialog")
    assert print_dialog is not None
    printer = print_dialog.printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "reprinted.pdf"))
    print_dialog.done(QDialog.DialogCode.Accepted)
    assert (tmp_path / "reprinted.pdf").read_bytes().startswith(b"%PDF-")
    assert "Printed again" in dialog.message.text()


def test_export_the_listed_summaries_to_csv(qtbot, window: MainWindow, tmp_path) -> None:
    enter_jw_case(qtbot, window)
    window.preview.reference_edit.setText("=HYPERLINK()")  # a formula is defused in the CSV
    with qtbot.waitSignal(window.summaryLogged):
        window.save_pdf(tmp_path / "visit.pdf")
    old = window.summary()
    window.summary_log.log(replace(old, reference="OLD"), when=datetime.now() - timedelta(days=400))
    dialog = open_history(window)
    dialog.set_dates(date.today() - timedelta(days=30), None)  # only what is listed is exported
    target = tmp_path / "history.csv"
    dialog.export_button.click()
    file_dialog = dialog.findChild(QFileDialog, "historyCsvFileDialog")
    assert file_dialog is not None
    with qtbot.waitSignal(dialog.exported, timeout=2000):
        file_dialog.selectFile(str(target))
        file_dialog.accept()
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["modifiers"] for row in rows] == ["", "JW"]
    assert {row["reference"] for row in rows} == {"'=HYPERLINK()"}
    assert {row["catalog_quarter"] for row in rows} == {"2026Q1"}
    assert "Wrote 2 claim lines" in dialog.message.text()
