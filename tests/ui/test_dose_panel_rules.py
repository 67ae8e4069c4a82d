"""The window offers issue 9's choices: the 340B box, containers by NDC or `auto`, and the
weight/BSA helpers compute with the core (the same figures as `jcalc calc`)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from jcalc.cli import main
from jcalc.core.body import parse_weight
from jcalc.core.containers import ContainerType
from jcalc.service import calculate_from_text
from jcalc.ui.dose_panel import DosePanel
from tests.ui.conftest import answer, start_new_visit, type_search

DOS = date(2026, 2, 2)


@pytest.fixture
def panel(qtbot) -> DosePanel:
    widget = DosePanel()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_the_340b_box_and_auto_containers_reach_the_engine(qtbot, panel, bundled_catalog) -> None:
    qtbot.keyClicks(panel.dose_edit, "600 mg")
    qtbot.keyClicks(panel.ndc_edit, "50242-0053-06")
    panel.set_container_type(ContainerType.SINGLE_DOSE)  # the opened containers field needs it
    qtbot.keyClicks(panel.packages_edit, "auto")
    panel.program_340b_check.setChecked(True)
    check = panel.check("J9312")
    assert check.errors == {}
    assert check.entry is not None and check.entry.billing.program_340b is True
    result = calculate_from_text(bundled_catalog, replace(check.entry, date_of_service=DOS))
    assert [(line.ndc, line.units, line.modifiers) for line in result.lines] == [
        ("50242005306", 50, ("JZ", "TB")),
        ("50242005121", 10, ("JZ", "TB")),
    ]
    panel.clear_entry()
    assert not panel.program_340b_check.isChecked()  # no carry-over to the next drug


def test_containers_by_ndc_and_bad_containers_are_checked(qtbot, panel) -> None:
    qtbot.keyClicks(panel.dose_edit, "600 mg")
    panel.set_container_type(ContainerType.SINGLE_DOSE)
    qtbot.keyClicks(panel.packages_edit, "50242-0053-06, 50242-0051-21")
    assert panel.check("J9312").errors == {}
    panel.packages_edit.setText("auto, 500 mg")
    assert "give it alone" in panel.check("J9312").errors["packages"]


def test_the_weight_helper_uses_the_core_rounding(qtbot, panel) -> None:
    panel.helpers_button.click()
    qtbot.keyClicks(panel.helpers.per_kg_edit, "5 mg")
    qtbot.keyClicks(panel.helpers.weight_edit, "154 lb")
    assert parse_weight("154 lb")[0] == Decimal("69.85")
    assert panel.helpers.weight_button.text() == "Use 349.25 mg"  # 5 × 69.85, as `jcalc calc`


def test_the_bsa_helper_takes_height_and_weight_by_mosteller(qtbot, panel) -> None:
    panel.helpers_button.click()
    qtbot.keyClicks(panel.helpers.per_m2_edit, "375 mg")
    qtbot.keyClicks(panel.helpers.bsa_edit, "170 cm 70 kg")
    assert panel.helpers.bsa_button.text() == "Use 682.5 mg"  # BSA 1.8181 → 1.82 m²
    assert "Mosteller" in panel.helpers.bsa_result.text()


def test_an_order_per_kg_typed_in_the_window_matches_the_cli(qtbot, window, capsys) -> None:
    """Issue 9 item 3 ("holds … in the window"): `5 mg/kg` in the Dose field with the weight in
    the window gives the result and steps of `jcalc calc J9312 "5 mg/kg" --weight "150 lb"
    --multi-dose` (Mosteller/lb rounding are the core's, named in the explanation)."""
    assert main(["calc", "J9312", "5 mg/kg", "--weight", "150 lb", "--multi-dose", "--json",
                 "--date", window.dose_panel.date_of_service.isoformat()]) == 0  # fmt: skip
    cli = json.loads(capsys.readouterr().out)
    type_search(qtbot, window, "J9312")
    dose = window.dose_panel
    dose.set_container_type(ContainerType.MULTI_DOSE)
    qtbot.keyClicks(dose.dose_edit, "5 mg/kg")
    window.flush()
    assert window.calculation is None  # no weight yet: the order cannot be worked out
    qtbot.keyClicks(dose.body.weight_edit, "150 lb")
    qtbot.waitUntil(lambda: window.calculation is not None, timeout=2000)
    calculation = window.calculation
    assert [line.units for line in calculation.lines] == [li["units"] for li in cli["lines"]]
    assert list(calculation.explanation) == cli["explanation"]
    steps = ("Weight 150 lb ÷ 2.20462 = 68.04 kg", "Order 5 mg/kg × 68.04 kg = 340.2 mg")
    assert all(step in window.preview.html for step in steps)


def test_a_bad_weight_is_marked_in_the_weight_field(qtbot, window) -> None:
    type_search(qtbot, window, "J9312")
    qtbot.keyClicks(window.dose_panel.dose_edit, "5 mg/kg")
    qtbot.keyClicks(window.dose_panel.body.weight_edit, "0 kg")
    window.flush()
    message = window.dose_panel.errors["weight"].text()
    assert "weight" in message.lower() and window.calculation is None


def test_the_weight_stays_for_the_next_drug_and_goes_with_a_new_visit(qtbot, window) -> None:
    """The weight is the patient's, not the drug's: picking the next drug keeps it (the dose is
    emptied, issue 10's no carry-over); a new visit (the next patient) empties it."""
    type_search(qtbot, window, "J9312")
    qtbot.keyClicks(window.dose_panel.body.weight_edit, "70 kg")
    qtbot.keyClicks(window.dose_panel.dose_edit, "5 mg/kg")
    qtbot.waitUntil(lambda: window.calculation is not None, timeout=2000)
    window.search_box.clear()
    type_search(qtbot, window, "J2405")
    answer(qtbot, window, "pendingEntryBox")  # add the J9312 order to the visit
    assert window.encounter_model.drug_items()[0].entry.weight == "70 kg"
    assert window.drug is not None and window.drug.hcpcs == "J2405"
    assert window.dose_panel.dose_edit.text() == ""
    assert window.dose_panel.body.weight_edit.text() == "70 kg"
    start_new_visit(qtbot, window)
    assert window.dose_panel.body.weight_edit.text() == ""


def test_a_shared_vial_typed_in_the_window_matches_the_cli(qtbot, window, capsys) -> None:
    """Issue 9 item 6 in the window: JW is "Drug amount discarded/not administered to any
    patient" (HCPCS Level II file, modifier JW), so drug of the same opened vial given to other
    patients is not waste: 40 units here and 40 to another patient from a 100-unit vial bill
    40 units + JW 20, as `jcalc calc J0585 "40 units" --package "100 units" --given-to-others
    "40 units"`."""
    day = window.dose_panel.date_of_service.isoformat()
    args = ["calc", "J0585", "40 units", "--package", "100 units", "--given-to-others",
            "40 units", "--json", "--date", day, "--no-clinic-data"]  # fmt: skip
    assert main(args) == 0
    cli = json.loads(capsys.readouterr().out)
    type_search(qtbot, window, "J0585")
    dose = window.dose_panel
    dose.set_container_type(ContainerType.SINGLE_DOSE)
    qtbot.keyClicks(dose.packages_edit, "100 units")
    qtbot.keyClicks(dose.others_edit, "40 units")
    qtbot.keyClicks(dose.dose_edit, "40 units")
    qtbot.waitUntil(lambda: window.calculation is not None, timeout=2000)
    lines = [(line.modifiers, line.units) for line in window.calculation.lines]
    assert lines == [((), 40), (("JW",), 20)]
    assert [line["units"] for line in cli["lines"]] == [40, 20]


def test_a_bad_amount_given_to_others_is_marked_in_its_field(qtbot, window) -> None:
    type_search(qtbot, window, "J0585")
    dose = window.dose_panel
    dose.set_container_type(ContainerType.SINGLE_DOSE)
    qtbot.keyClicks(dose.others_edit, "forty")
    qtbot.keyClicks(dose.dose_edit, "40 units")
    window.flush()
    assert "given to other patients" in dose.errors["others"].text()
    assert window.calculation is None
    dose.set_container_type(ContainerType.MULTI_DOSE)  # a multi-dose vial has no waste to share
    assert not dose.others_edit.isEnabled() and dose.others_edit.text() == ""
