"""Reading the dose panel's fields without Qt: orders per kg or m² pass the weight, height and BSA
on to the engine, and a wrong field is named."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from jcalc.core.containers import ContainerType
from jcalc.ui.dose_text import EntryTexts, charge_change, check_entry, is_body_order

DOS = date(2026, 2, 2)


def texts(dose: str, **fields: str) -> EntryTexts:
    return EntryTexts(dose=dose, date_of_service=DOS, container=ContainerType.MULTI_DOSE, **fields)


def test_an_order_per_kg_carries_the_weight_to_the_engine() -> None:
    """Issue 9 item 3: `DOSE` may be per kg with `--weight`; the window passes the same."""
    check = check_entry("J9312", texts("5 mg/kg", weight="150 lb"))
    assert check.errors == {}
    assert check.entry is not None
    assert (check.entry.dose, check.entry.weight, check.entry.bsa) == ("5 mg/kg", "150 lb", None)


def test_an_order_per_m2_carries_height_weight_and_bsa() -> None:
    check = check_entry("J9312", texts("375 mg/m²", weight="70 kg", height="170 cm", bsa=""))
    assert check.entry is not None
    assert (check.entry.weight, check.entry.height, check.entry.bsa) == ("70 kg", "170 cm", None)
    assert is_body_order("375 mg/m2") and is_body_order("5 mg / kg")
    assert not is_body_order("450 mg")


def test_a_weight_left_in_the_field_does_not_touch_a_plain_dose() -> None:
    """The same patient's weight stays for the next drug; a plain dose ignores it."""
    check = check_entry("J9312", texts("450 mg", weight="70 kg"))
    assert check.entry is not None and check.entry.weight is None


def test_impossible_weights_and_bsa_are_named_in_their_field() -> None:
    """Issue 9: a weight of 0 or 900 kg, or a BSA of 12, is one clear error."""
    check = check_entry("J9312", texts("5 mg/kg", weight="900 kg", bsa="12"))
    assert check.entry is None
    assert set(check.errors) == {"weight", "bsa"}
    assert "900" in check.errors["weight"] and "12" in check.errors["bsa"]
    bad_order = check_entry("J9312", texts("5 mL/kg", weight="70 kg"))
    assert "amount of drug per kg" in bad_order.errors["dose"]


def test_the_charge_buttons_follow_the_typed_charge() -> None:
    """Save when the typed charge differs; Forget when the field is emptied; nothing when bad."""
    assert charge_change("12.50", None) == (True, False)
    assert charge_change("$12.50", Decimal("12.50")) == (False, False)
    assert charge_change("", Decimal("12.50")) == (True, True)
    assert charge_change("twelve", Decimal("12.50")) == (False, False)
