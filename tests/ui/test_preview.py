"""The preview pane: the summary as printed, whole codes and amounts, sideways scrolling only for
a table wider than the pane."""

from __future__ import annotations

from jcalc.core.containers import ContainerType
from jcalc.ui import MainWindow
from tests.ui.conftest import type_search


def _enter_two_drugs(qtbot, window: MainWindow) -> None:
    """A JW drug added to the visit, then a second drug: the pane scrolls down too."""
    type_search(qtbot, window, "50242-0053-06")
    window.dose_panel.set_container_type(ContainerType.SINGLE_DOSE)
    qtbot.keyClicks(window.dose_panel.dose_edit, "450 mg")
    window.flush()
    window.dose_panel.add_button.click()
    type_search(qtbot, window, "J2312")
    qtbot.keyClicks(window.dose_panel.dose_edit, "0.4 mg")
    window.flush()
    assert window.encounter_model.rowCount() == 1 and window.calculation is not None


def test_the_pane_scrolls_sideways_only_when_the_lines_table_is_wider(qtbot, window) -> None:
    """A table a pixel over the pane (Qt's table layout rounds a full-width table over at many
    widths) shows no scroll bar; a pane narrower than the table shows one, so the biller sees
    that the table goes on (its amounts are never broken over two lines instead)."""
    window.frame.resize(1340, 720)
    _enter_two_drugs(qtbot, window)
    qtbot.waitUntil(window.preview.pane.verticalScrollBar().isVisible, timeout=1000)
    pane, splitter = window.preview.pane, window.parts.main_splitter
    seen: dict[str, int] = {"rounded over": 0, "wider": 0, "fits": 0}
    for width in range(260, 560, 4):
        sizes = splitter.sizes()
        splitter.setSizes([sizes[0], sum(sizes) - sizes[0] - width, width])
        qtbot.wait(5)
        over = pane.document().idealWidth() - pane.viewport().width()
        shown = pane.horizontalScrollBar().isVisible()
        assert shown == (over > 2), (width, over)
        seen["wider" if over > 2 else "rounded over" if over > 0 else "fits"] += 1
    assert all(seen.values()), seen
    assert "$3,364.43" in pane.toPlainText()


def test_no_sideways_scroll_bar_after_the_pane_grows_a_vertical_one(qtbot, window) -> None:
    """Two drugs entered in one go: the document is laid out, then the vertical scroll bar
    narrows the pane. The check runs after both, so the pixel of rounding shows no bar."""
    window.frame.resize(1340, 720)
    qtbot.wait(20)
    window.pick_code("J9312", ndc="50242005306")
    window.dose_panel.set_container_type(ContainerType.SINGLE_DOSE)
    window.dose_panel.dose_edit.setText("450 mg")
    window.flush()
    assert window.entry.add_to_visit()
    window.pick_code("J2312")
    window.dose_panel.dose_edit.setText("0.4 mg")
    window.flush()
    assert window.entry.add_to_visit()
    pane = window.preview.pane
    qtbot.waitUntil(pane.verticalScrollBar().isVisible, timeout=1000)
    qtbot.wait(20)
    over = pane.document().idealWidth() - pane.viewport().width()
    assert over <= 2
    assert not pane.horizontalScrollBar().isVisible(), over
