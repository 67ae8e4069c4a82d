"""The dose panel's helpers and field checks (no engine figures are made here)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from jcalc.core.containers import ContainerType
from jcalc.ui import MainWindow
from jcalc.ui.dose_panel import DosePanel
from jcalc.ui.dose_text import parse_charge, split_packages


@pytest.fixture
def panel(qtbot) -> DosePanel:
    widget = DosePanel()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_split_packages() -> None:
    assert split_packages("500 mg, 100 mg") == ("500 mg", "100 mg")
    assert split_packages("3 x 100 mg") == ("100 mg",) * 3
    assert split_packages("500 mg + 2×100 mg;") == ("500 mg", "100 mg", "100 mg")
    assert split_packages("  ") == ()


def test_parse_charge() -> None:
    assert parse_charge("$1,200.50") == Decimal("1200.50")
    assert parse_charge(" ") is None
    with pytest.raises(ValueError, match="not an amount of money"):
        parse_charge("lots")
    with pytest.raises(ValueError):
        parse_charge("-3")


@pytest.mark.parametrize(
    ("per", "amount", "edits", "expected"),
    [
        ("per_kg_edit", "5 mg", "weight_edit", "350 mg"),
        ("per_m2_edit", "375 mg", "bsa_edit", "701.25 mg"),
    ],
)
def test_weight_and_bsa_helpers_feed_the_dose(qtbot, panel, per, amount, edits, expected) -> None:
    panel.helpers_button.click()
    assert panel.helpers.isVisible()
    helpers = panel.helpers
    qtbot.keyClicks(getattr(helpers, per), amount)
    qtbot.keyClicks(getattr(helpers, edits), "70" if edits == "weight_edit" else "1.87")
    button = helpers.weight_button if edits == "weight_edit" else helpers.bsa_button
    assert button.text() == f"Use {expected}" and button.isEnabled()
    with qtbot.waitSignal(panel.changed, timeout=1000):
        qtbot.keyClick(getattr(helpers, edits), Qt.Key.Key_Return)
    assert panel.dose_edit.text() == expected


def test_pounds_are_converted_and_nonsense_is_named(qtbot, panel) -> None:
    panel.helpers_button.click()
    helpers = panel.helpers
    qtbot.keyClicks(helpers.per_kg_edit, "10 mg/kg")
    qtbot.keyClicks(helpers.weight_edit, "154.324 lb")
    assert helpers.weight_button.text() == "Use 700 mg"
    assert helpers.weight_result.text() == "154.324 lb = 70 kg"
    helpers.weight_edit.clear()
    qtbot.keyClicks(helpers.weight_edit, "7000")
    assert "not possible for a patient" in helpers.weight_result.text()
    assert not helpers.weight_button.isEnabled()


def test_volume_helper_uses_the_concentration(qtbot, panel) -> None:
    panel.helpers_button.click()
    helpers = panel.helpers
    qtbot.keyClicks(helpers.volume_edit, "45 mL")
    qtbot.keyClicks(helpers.helper_concentration_edit, "10 mg/mL")
    assert helpers.volume_button.text() == "Use 450 mg"
    helpers.volume_button.click()
    assert panel.dose_edit.text() == "450 mg"
    helpers.volume_edit.selectAll()
    qtbot.keyClicks(helpers.volume_edit, "45 mg")
    assert "is not a volume" in helpers.volume_result.text()


def test_check_reports_fields_and_builds_the_input(qtbot, panel) -> None:
    panel.dose_edit.setText("450 mg")
    panel.set_container_type(ContainerType.SINGLE_DOSE)
    panel.packages_edit.setText("500 mg")
    panel.ndc_edit.setText("50242-0053-06")
    panel.charge_edit.setText("$80")
    check = panel.check("J9312")
    assert check.errors == {}
    assert check.entry is not None
    assert check.entry.packages == ("500 mg",) and check.entry.charge_per_unit == Decimal(80)
    panel.packages_edit.setText("500 mq")
    panel.concentration_edit.setText("10 mg")
    errors = panel.check("J9312").errors
    assert set(errors) == {"packages", "concentration"}
    panel.show_errors(errors)
    assert panel.errors["packages"].isVisible() and panel.packages_edit.property("invalid")
    panel.show_errors({})
    assert not panel.errors["packages"].isVisible() and not panel.packages_edit.property("invalid")


def test_units_by_hand_for_an_unreadable_descriptor(qtbot, window: MainWindow) -> None:
    code = next(
        (c for c in ("J3490", "J7999", "J9999") if window.catalog.code(c) is not None), None
    )
    assert code is not None
    drug = window.catalog.code(code)
    assert window.pick_code(code)
    panel = window.dose_panel
    assert panel.units_edit.isVisible() == (not drug.descriptor.is_numeric)
    if drug.descriptor.is_numeric:
        pytest.skip(f"{code} has a readable descriptor in this catalog")
    qtbot.keyClicks(panel.units_edit, "3")
    qtbot.waitUntil(lambda: "3 units" in window.preview.pane.toPlainText(), timeout=300)
    assert "not-otherwise-classified" in window.preview.pane.toPlainText()


def test_date_of_service_defaults_to_today(qtbot, panel) -> None:
    from datetime import date

    assert panel.date_of_service == date.today()
    assert panel.date_edit.displayFormat() == "yyyy-MM-dd"
