"""Bad input is marked where it was typed; the window never crashes and keeps the input."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QApplication

from jcalc.ui import MainWindow
from jcalc.ui.errors import ErrorDialog, ExceptionHandler
from tests.ui.conftest import focus_name, type_search


def test_bad_dose_is_marked_in_place_and_preview_keeps_last_good(qtbot, window) -> None:
    type_search(qtbot, window, "J9312")
    dose = window.dose_panel.dose_edit
    error = window.dose_panel.errors["dose"]
    qtbot.keyClicks(dose, "450 mg")
    qtbot.waitUntil(lambda: "45 units" in window.preview.pane.toPlainText(), timeout=1000)

    dose.selectAll()
    qtbot.keyClicks(dose, "450 mgg")
    qtbot.waitUntil(error.isVisible, timeout=1000)
    assert "has a unit jcalc does not know ('mgg')" in error.text()
    assert dose.property("invalid") is True  # red border
    assert dose.text() == "450 mgg"  # nothing lost
    assert "45 units" in window.preview.pane.toPlainText()  # last good state kept …
    notice = window.preview.notice
    assert notice.isVisible() and "still shows the last valid entry (450 mg)" in notice.text()
    assert not window.preview.print_button.isEnabled()  # … but not printable as it stands
    assert not window.dose_panel.add_button.isEnabled()
    assert window.calculation is None

    dose.selectAll()
    qtbot.keyClicks(dose, "460 mg")
    qtbot.waitUntil(lambda: "46 units" in window.preview.pane.toPlainText(), timeout=1000)
    assert not error.isVisible() and not dose.property("invalid")
    assert not notice.isVisible() and window.preview.print_button.isEnabled()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("450", "has no unit"),
        ("-5 mg", "is negative"),
        ("0 mg", "is zero"),
        ("mg", "is not an amount and a unit"),
        ("2 mL", "concentration"),  # no NDC and no concentration: the engine says what is missing
    ],
)
def test_dose_errors_name_the_reason(qtbot, window: MainWindow, text: str, reason: str) -> None:
    type_search(qtbot, window, "J9312")
    qtbot.keyClicks(window.dose_panel.dose_edit, text)
    shown = window.dose_panel.errors
    qtbot.waitUntil(
        lambda: shown["dose"].isVisible() or shown["calculation"].isVisible(), timeout=1000
    )
    message = shown["dose"].text() or shown["calculation"].text()
    assert reason in message
    assert window.dose_panel.dose_edit.property("invalid") is True
    assert f"Not in the preview: {message}" in window.preview.notice.text()


def test_other_fields_are_marked_in_place(qtbot, window: MainWindow) -> None:
    type_search(qtbot, window, "J9312")
    panel = window.dose_panel
    qtbot.keyClicks(panel.dose_edit, "450 mg")
    qtbot.keyClicks(panel.ndc_edit, "1234-56")
    qtbot.waitUntil(panel.errors["ndc"].isVisible, timeout=1000)
    assert "NDC" in panel.errors["ndc"].text() and panel.ndc_edit.property("invalid") is True
    panel.ndc_edit.clear()
    qtbot.keyClicks(panel.charge_edit, "lots")
    qtbot.waitUntil(panel.errors["charge"].isVisible, timeout=1000)
    assert not panel.errors["ndc"].isVisible()
    panel.charge_edit.clear()
    qtbot.keyClicks(panel.ndc_edit, "00002-8215-01")  # an NDC of another code
    qtbot.waitUntil(panel.errors["calculation"].isVisible, timeout=1000)
    assert "is not an NDC of J9312" in panel.errors["calculation"].text()


def test_containers_too_small_for_the_dose(qtbot, window: MainWindow) -> None:
    type_search(qtbot, window, "J9312")
    panel = window.dose_panel
    panel.set_container_type(panel.container_type.SINGLE_DOSE)
    qtbot.keyClicks(panel.packages_edit, "100 mg")
    qtbot.keyClicks(panel.dose_edit, "450 mg")
    qtbot.waitUntil(panel.errors["calculation"].isVisible, timeout=1000)
    assert "less than the dose" in panel.errors["calculation"].text()


def test_unknown_code_says_so_and_keeps_focus_in_search(qtbot, window: MainWindow) -> None:
    type_search(qtbot, window, "Q9999x")
    assert window.drug is None
    assert "No code, drug or NDC matches 'Q9999x'" in window.search_status.text()
    assert focus_name() == "searchBox"
    assert window.pick_code("Z9999") is False
    assert "Z9999 is not in the catalog" in window.drug_panel.title.text()


def test_terminated_code_is_an_error_on_the_date(qtbot, window: MainWindow) -> None:
    assert window.pick_code("J9310")  # rituximab 100 mg, terminated 2018
    qtbot.keyClicks(window.dose_panel.dose_edit, "500 mg")
    error = window.dose_panel.errors["calculation"]
    qtbot.waitUntil(error.isVisible, timeout=1000)
    assert "J9310 is not valid on 2026-02-02: it was terminated" in error.text()
    assert "terminated" in window.drug_panel.dates.text()


def test_unexpected_error_opens_a_dialog_and_the_app_keeps_running(qtbot, window) -> None:
    handler = ExceptionHandler(parent=lambda: window.frame)
    handler.install()
    try:
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())
    finally:
        handler.uninstall()
    assert sys.excepthook is not handler
    dialog = handler.dialogs[0]  # a child of the window, deleted when closed
    assert isinstance(dialog, ErrorDialog) and dialog.isVisible()
    assert "RuntimeError: boom" in dialog.message_label.text()
    assert "Traceback" in dialog.details_view.toPlainText()
    dialog.copy_button.click()
    assert "RuntimeError: boom" in QApplication.clipboard().text()
    dialog.reject()
    assert handler.dialogs == []
    type_search(qtbot, window, "J9312")  # still usable
    assert window.drug is not None


def test_a_catalog_without_search_index_says_so(qtbot, fake_catalog, settings) -> None:
    from jcalc.catalog.search import SearchError
    from tests.ui.conftest import show

    def broken(_query: str):
        raise SearchError("the catalog has no search index")

    win = show(qtbot, MainWindow(catalog=fake_catalog, settings=settings, search=broken))
    type_search(qtbot, win, "J9312")
    assert "Search is not available: the catalog has no search index" in win.search_status.text()
    assert win.pick_code("J9312")  # the rest of the window still works


def test_a_half_typed_dose_is_marked_only_when_typing_pauses(qtbot, window: MainWindow) -> None:
    """With no debounce, "450 m" on the way to "450 mg" must not flash red at each key."""
    type_search(qtbot, window, "J9312")
    dose = window.dose_panel.dose_edit
    qtbot.keyClicks(dose, "450")
    qtbot.waitUntil(lambda: window.entry.errors != {}, timeout=1000)  # worked out at once
    assert not window.dose_panel.errors["dose"].isVisible()
    assert dose.property("invalid") is not True
    qtbot.keyClicks(dose, " mg")
    qtbot.waitUntil(lambda: window.calculation is not None, timeout=1000)
    assert not window.entry.error_timer.isActive()
    dose.setText("450")  # and then the biller stops typing
    qtbot.waitUntil(window.dose_panel.errors["dose"].isVisible, timeout=2000)
    assert dose.property("invalid") is True


def test_an_input_or_file_error_reaches_the_dialog_in_plain_words(qtbot, window) -> None:
    handler = ExceptionHandler(parent=lambda: window.frame)
    try:
        raise OSError(28, "No space left on device", "/media/usb/visit.pdf")
    except OSError as error:
        dialog = handler.show(OSError, error, "details")
    assert dialog.message_label.text().startswith("/media/usb/visit.pdf: No space left on device")
    assert "Something went wrong inside jcalc" not in dialog.message_label.text()
    dialog.reject()
