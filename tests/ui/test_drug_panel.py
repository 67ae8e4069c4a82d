"""The drug panel: the price of the quarter of the date of service, named, and the NDC count that
counts real NDCs only (issue 8 items 7 and 3)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QHeaderView, QLabel

from jcalc.catalog.store import AspQuarter, QuarterPrice
from jcalc.core.drug import NdcProduct
from jcalc.ui.drug_panel import DrugPanel, ndc_count_text, quarter_price_text
from jcalc.ui.ndc_model import COL_NDC, COL_PACKAGE
from tests.ui.conftest import type_search

Q1 = AspQuarter("2026Q1", date(2026, 1, 1), date(2026, 3, 31))


def test_the_price_names_its_quarter_and_says_when_it_is_the_nearest() -> None:
    """Issue 8 item 7: the window prices a line with the quarter that contains the date of
    service and names that quarter (CMS Medicare Claims Processing Manual ch. 17 §20.1.2: ASP
    payment limits are updated quarterly and apply to dates of service in that quarter)."""
    inside = quarter_price_text(
        QuarterPrice(Q1, Decimal("74.765"), "10 MG", True), date(2026, 2, 2)
    )
    assert inside == (
        "$74.765 per unit (ASP 2026Q1, 2026-01-01 to 2026-03-31, the quarter of 2026-02-02)"
    )
    outside = quarter_price_text(QuarterPrice(Q1, None, None, False), date(2026, 7, 1))
    assert outside == (
        "no ASP payment limit published (ASP 2026Q1, 2026-01-01 to 2026-03-31: the nearest "
        "quarter held, none contains 2026-07-01)"
    )


def test_the_price_line_follows_the_date_of_service(qtbot, window) -> None:
    type_search(qtbot, window, "J9312")
    price = window.drug_panel.price
    assert "$74.765 per unit (ASP 2026Q1" in price.text()
    assert "the quarter of 2026-02-02" in price.text()
    window.dose_panel.set_date_of_service(date(2026, 8, 3))
    assert "the nearest quarter held, none contains 2026-08-03" in price.text()
    window.dose_panel.set_date_of_service(date(2026, 3, 31))
    assert "the quarter of 2026-03-31" in price.text() and "nearest" not in price.text()


def _products(ndcs: int, others: int) -> list[NdcProduct]:
    real = [NdcProduct(ndc=f"5024200530{i}", hcpcs="J9312") for i in range(ndcs)]
    alternate = [
        replace(
            NdcProduct(ndc=f"88886741368{i}", hcpcs="J9312"), extra={"identifier": "not an NDC"}
        )
        for i in range(others)
    ]
    return real + alternate


def test_the_count_is_of_real_ndcs_and_the_others_cannot_be_picked(qtbot) -> None:
    """Issue 8: product identifiers that are not NDCs are shown apart and never billed as NDCs
    (NUCC 1500 Claim Form manual, item 24 shaded area: the N4 qualifier precedes an 11-digit
    NDC)."""
    assert ndc_count_text(2, 5) == (
        "NDCs of this code: 2 · other product identifiers: 5 (not NDCs)"
    )
    assert ndc_count_text(0, 1).startswith("No NDC of this code in the ASP crosswalk · other")
    panel = DrugPanel()
    qtbot.addWidget(panel)
    picked: list[str] = []
    panel.ndcPicked.connect(picked.append)
    panel.ndc_model.set_products(_products(2, 5), None)
    assert panel.ndc_model.counts() == (2, 5)
    alternate_row = 4
    flags = panel.ndc_model.flags(panel.ndc_model.index(alternate_row, 0))
    assert flags == Qt.ItemFlag.NoItemFlags
    assert panel.ndc_model.row_of("888867413680") == -1
    panel.show()
    qtbot.waitExposed(panel)
    panel.ndc_view.selectRow(1)
    assert picked == ["50242005301"]
    rect = panel.ndc_view.visualRect(panel.ndc_model.index(alternate_row, 0))
    qtbot.mouseClick(panel.ndc_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    panel.ndc_view.selectRow(alternate_row)
    assert picked == ["50242005301"]  # the other identifier is never picked, the NDC stays


def test_a_code_with_only_another_identifier_says_so(qtbot, window) -> None:
    """J7331 (SynoJoynt) is in the crosswalk under an identifier that is not an NDC."""
    type_search(qtbot, window, "J7331")
    label = window.drug_panel.ndc_label.text()
    assert (
        label
        == "No NDC of this code in the ASP crosswalk · other product identifiers: 1 (not NDCs)"
    )
    assert not window.drug_panel.clear_ndc_button.isEnabled()


def test_the_ndc_and_package_columns_fit_every_row(qtbot, window) -> None:
    """No NDC or package size is cut short, on rows far below the fold too (J1885 has 70
    products); the widths are worked out once per pick, not by Qt on every relayout."""
    type_search(qtbot, window, "J1885")
    view = window.drug_panel.ndc_view
    assert window.drug_panel.ndc_model.rowCount() > 40
    header = view.horizontalHeader()
    for column in (COL_NDC, COL_PACKAGE):
        assert header.sectionResizeMode(column) is QHeaderView.ResizeMode.Interactive
        assert view.sizeHintForColumn(column) <= header.sectionSize(column)
    type_search(qtbot, window, "J9312")  # a code with shorter texts: the columns narrow again
    assert view.sizeHintForColumn(COL_PACKAGE) <= header.sectionSize(COL_PACKAGE)
    assert header.sectionSize(COL_PACKAGE) < view.sizeHintForColumn(COL_PACKAGE) + 20


@pytest.mark.parametrize(
    ("code", "dose"),
    [("J2312", "0.4 mg"), ("J1830", "0.25 mg"), ("Q0235", "1 mg"), ("J9312", "450 mg")],
)  # long names and descriptions (J1830's is the longest of the J codes), wrapped lines
def test_at_the_smallest_window_size_no_text_is_drawn_over_another(
    qtbot, window, code: str, dose: str
) -> None:
    """At the old minimum (780 × 520) the drug panel got less height than its wrapped lines
    need: the ASP line was drawn under the MUE line and labels were cut ("Date of se"). The
    window cannot be made that small any more; at its minimum every label gets its height."""
    frame = window.frame
    frame.resize(frame.minimumSize())
    type_search(qtbot, window, code)
    window.dose_panel.dose_edit.setText(dose)
    window.flush()
    qtbot.wait(50)  # the relayout
    labels = [
        label
        for label in window.drug_panel.findChildren(QLabel) + window.dose_panel.findChildren(QLabel)
        if label.isVisible() and label.text()
    ]
    assert len(labels) > 15
    for label in labels:
        need = (
            label.heightForWidth(label.width()) if label.wordWrap() else label.sizeHint().height()
        )
        assert label.height() >= need, (label.objectName(), label.text())
        if not label.wordWrap():
            assert label.width() >= label.minimumSizeHint().width(), label.text()
    frames = [  # what is seen of each label (a scroll area may hide part of it), in the window
        label.visibleRegion().boundingRect().translated(label.mapTo(frame, QPoint()))
        for label in labels
    ]
    for i, first in enumerate(frames):
        for second in frames[i + 1 :]:
            assert not first.intersects(second), (first, second)
