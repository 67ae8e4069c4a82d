"""The preview pane: the summary as printed, whole codes and amounts, sideways scrolling only for
a table wider than the pane."""

from __future__ import annotations

from jcalc.core.containers import ContainerType
from jcalc.ui import MainWindow
from tests.ui.conftest import type_search


def _enter_jw_drug(qtbot, window: MainWindow) -> None:
    type_search(qtbot, window, "50242-0053-06")
    window.dose_panel.set_container_type(ContainerType.SINGLE_DOSE)
    qtbot.keyClicks(window.dose_panel.dose_edit, "450 mg")
    window.flush()


def test_the_pane_scrolls_sideways_only_when_the_lines_table_is_wider(qtbot, window) -> None:
    """A table a pixel over the pane (Qt's table layout rounds a full-width table over at many
    widths) shows no scroll bar; a pane narrower than the table shows one, so the biller sees
    that the table goes on (its amounts are never broken over two lines instead)."""
    window.frame.resize(1340, 720)
    _enter_jw_drug(qtbot, window)
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
