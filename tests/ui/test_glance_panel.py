"""The glance panel's layout: the units per code stay readable at any width."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QBoxLayout

from jcalc.ui.glance_panel import GlancePanel

TOTALS = "J9312: 50 units (JW units included) · J2312: 40 units"


@pytest.mark.parametrize("width", [280, 330, 420, 520, 700])
def test_the_units_per_code_sit_beside_the_buttons_or_above_them_never_a_word_a_line(
    qtbot, width: int
) -> None:
    """At 1000 × 600 the totals were squeezed beside the copy buttons into a word per line
    ("Units / per / code: / J9312: / 45 / units"); when they do not fit on one line beside
    the buttons they go above them, across the panel."""
    panel = GlancePanel()
    qtbot.addWidget(panel)
    panel.show_visit([], TOTALS, ())
    panel.resize(width, 200)
    panel.show()
    qtbot.waitExposed(panel)
    qtbot.wait(10)
    line = panel.totals.fontMetrics().lineSpacing()
    need = panel.totals.heightForWidth(panel.totals.width())  # at the width it was given
    assert need <= 2 * line + 4  # one or two lines, not one word a line
    beside = panel._totals_row.direction() is QBoxLayout.Direction.LeftToRight
    buttons = panel.copy_lines_button.geometry()
    totals = panel.totals.geometry()
    if beside:
        assert totals.right() < buttons.left()
        assert need < 2 * line  # one line
    else:
        assert totals.bottom() < buttons.top()
    assert beside == (width >= 700)
