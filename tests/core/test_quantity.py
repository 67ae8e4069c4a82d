from decimal import Decimal

import pytest

from jcalc.core.errors import InputError
from jcalc.core.quantity import Quantity, Unit, parse_concentration, parse_quantity


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("450 mg", "450", Unit.MG),
        ("450mg", "450", Unit.MG),
        ("0.4 mg", "0.4", Unit.MG),
        ("0.4mg", "0.4", Unit.MG),
        ("4000 mcg", "4000", Unit.MCG),
        ("1 g", "1", Unit.G),
        ("75 units", "75", Unit.UNITS),
        ("1,200,000 units", "1200000", Unit.UNITS),
        ("7.5 mL", "7.5", Unit.ML),
        ("2 vials", "2", Unit.VIAL),
        ("1 dose", "1", Unit.DOSE),
        ("10 IU", "10", Unit.UNITS),
        ("5 cc", "5", Unit.ML),
        ("2 mEq", "2", Unit.MEQ),
        (".5 mL", "0.5", Unit.ML),
        ("1.2 million units", "1200000", Unit.UNITS),
        ("450\u00a0MG", "450", Unit.MG),
    ],
)
def test_parse_quantity_accepts_common_forms(text: str, amount: str, unit: Unit) -> None:
    assert parse_quantity(text) == Quantity(Decimal(amount), unit)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("450", "no unit"),
        ("mg", "not an amount"),
        ("0 mg", "zero"),
        ("-5 mg", "negative"),
        ("nan mg", "not an amount"),
        ("inf mg", "not an amount"),
        ("1e12 mg", "too large"),
        ("45 furlongs", "does not know"),
        ("1.2.3 mg", "malformed"),
        ("1,20 mg", "malformed"),
    ],
)
def test_parse_quantity_rejects_bad_input_with_reason(text: str, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        parse_quantity(text)


def test_conversions_are_exact() -> None:
    assert Quantity(Decimal("0.14"), Unit.MG).to(Unit.MCG).amount == Decimal("140")
    assert Quantity(Decimal(1), Unit.G).to(Unit.MG).amount == Decimal(1000)
    with pytest.raises(InputError, match="cannot be converted"):
        Quantity(Decimal(1), Unit.ML).to(Unit.MG)
    with pytest.raises(InputError):
        Quantity(Decimal(1), Unit.UNITS).to(Unit.MG)


def test_parse_concentration() -> None:
    assert parse_concentration("10 mg/mL").per_ml == Quantity(Decimal(10), Unit.MG)
    assert parse_concentration("40 mg / 2 mL").per_ml == Quantity(Decimal(20), Unit.MG)
    with pytest.raises(InputError, match="per volume"):
        parse_concentration("10 mg")
    with pytest.raises(InputError, match="per mL"):
        parse_concentration("10 mg/2 mg")
