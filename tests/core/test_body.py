"""Weight- and BSA-based orders in the core: each step shown, weight and BSA rounding named."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jcalc.core.body import Basis, body_dose, mosteller_bsa, parse_bsa, parse_weight, split_order
from jcalc.core.errors import InputError
from jcalc.core.quantity import Quantity, Unit


def test_mosteller_formula_named_and_rounded_to_two_decimals() -> None:
    """Mosteller RD, "Simplified calculation of body-surface area", N Engl J Med 1987;317:1098
    (as quoted by GlobalRPh, globalrph.com/bsa2.htm): BSA (m²) = √(height cm × weight kg / 3600).
    175 cm and 70 kg: √(12250 / 3600) = 1.8447 → 1.84 m²."""
    bsa, step = mosteller_bsa(Decimal(175), Decimal(70))
    assert bsa == Decimal("1.84")
    assert "Mosteller" in step and "√(175 × 70 ÷ 3600)" in step and "1.8447" in step


def test_per_kg_order_times_weight() -> None:
    worked = body_dose("5 mg/kg", weight="70 kg")
    assert worked is not None
    assert worked.dose == Quantity(Decimal(350), Unit.MG)
    assert worked.basis is Basis.KG
    assert worked.steps[-1] == "Order 5 mg/kg × 70 kg = 350 mg."


def test_pounds_are_converted_and_the_rounding_is_shown() -> None:
    kg, step = parse_weight("154 lb")
    assert kg == Decimal("69.85")
    assert "154 lb ÷ 2.20462 = 69.85 kg (rounded to 0.01 kg)" in step


@pytest.mark.parametrize("text", ["375 mg/m2", "375 mg/m²", "375 mg per m2", "375mg/sq m"])
def test_per_m2_orders_in_every_spelling(text: str) -> None:
    worked = body_dose(text, bsa="1.87")
    assert worked is not None
    assert worked.dose == Quantity(Decimal("701.25"), Unit.MG)
    assert worked.steps == ("BSA 1.87 m² as given.", "Order 375 mg/m² × 1.87 m² = 701.25 mg.")


def test_per_m2_from_height_and_weight() -> None:
    worked = body_dose("375 mg/m2", height="170 cm", weight="154 lb")
    assert worked is not None
    assert worked.dose == Quantity(Decimal("682.5"), Unit.MG)  # BSA 1.8162 → 1.82 m²
    assert any("Mosteller" in step for step in worked.steps)


def test_a_plain_dose_is_not_an_order() -> None:
    assert body_dose("450 mg") is None
    assert split_order("10 mg/mL") is None


@pytest.mark.parametrize(
    ("text", "kwargs", "fragment"),
    [
        ("5 mg/kg", {}, "give the patient's weight"),
        ("5 mg/kg", {"weight": "0"}, "not possible for a patient"),
        ("5 mg/kg", {"weight": "900 kg"}, "not possible for a patient"),
        ("5 mg/kg", {"weight": "70 stone"}, "kg or lb"),
        ("375 mg/m2", {"bsa": "12"}, "not possible for a patient"),
        ("375 mg/m2", {"weight": "70"}, "give the BSA, or the height and the weight"),
        ("375 mg/m2", {"height": "9 m", "weight": "70"}, "not possible"),
        ("5 mL/kg", {"weight": "70"}, "amount of drug per kg"),
        ("5 mg/kg", {"weight": "1e-999999999"}, "exponent out of range"),
    ],
)
def test_impossible_patients_and_orders_are_errors(
    text: str, kwargs: dict[str, str], fragment: str
) -> None:
    with pytest.raises(InputError, match=fragment):
        body_dose(text, **kwargs)


def test_bsa_accepts_its_unit() -> None:
    assert parse_bsa("1.87 m²") == Decimal("1.87")


def test_bsa_typed_as_height_and_weight() -> None:
    from jcalc.core.body import bsa_from_text

    bsa, steps = bsa_from_text("170 cm, 154 lb")
    assert bsa == Decimal("1.82") and len(steps) == 2  # lb → kg, then Mosteller
    assert bsa_from_text("1.87") == (Decimal("1.87"), ())
