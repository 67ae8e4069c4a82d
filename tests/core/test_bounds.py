"""Numbers with bounds in the core parsers (issue 11): refused before any arithmetic.

A hostile exponent or an absurd precision must cost microseconds, not minutes or gigabytes; an
implausible amount for its dimension, or under a millionth of the descriptor, is an error that
says so; user text echoed in a message has its control characters escaped.
"""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jcalc.core.descriptor import parse_descriptor
from jcalc.core.errors import InputError
from jcalc.core.quantity import (
    Dimension,
    Quantity,
    Unit,
    format_decimal,
    parse_amount,
    parse_concentration,
    parse_quantity,
    shown,
)
from jcalc.core.units import units_for

J9312 = parse_descriptor("Injection, rituximab, 10 mg")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("1e-999999999 mg", "exponent out of range"),
        ("1e-999999999999999999 mg", "exponent out of range"),
        ("1e999999999 mg", "exponent out of range"),
        ("1" * 500 + " mg", "too long"),
        ("1.2345678901234567890123 mg", "significant digits"),
        ("1e-30 mg", "implausibly small"),
        ("20 kg mg", "unit jcalc does not know"),
        ("20000 g", "implausibly large"),
        ("2000000 L", "implausibly large"),
        ("0.00001 sq cm", "implausibly small"),
        ("-5mg", "negative"),
        ("0 mg", "zero"),
    ],
)
def test_hostile_and_implausible_doses_are_refused_at_once(text: str, fragment: str) -> None:
    started = time.perf_counter()
    with pytest.raises(InputError, match=fragment):
        parse_quantity(text)
    assert time.perf_counter() - started < 0.05  # milliseconds, never minutes


def test_a_dose_under_a_millionth_of_the_descriptor_is_implausible_not_one_unit() -> None:
    """Issue 11: `1e-30 mg` of J9312 was billed as 1 unit; a millionth of 10 mg is the floor."""
    with pytest.raises(InputError, match="less than a millionth of one billing unit"):
        units_for(Quantity(Decimal("0.000001"), Unit.MG), J9312)
    assert units_for(Quantity(Decimal("0.00001"), Unit.MG), J9312) == 1


@pytest.mark.parametrize(
    "text", ["1e-999999999 mg/mL", "5000 mg/mL", "0 mg/mL", "101%", "0%", "10 mg/2 vials"]
)
def test_implausible_concentrations_are_refused(text: str) -> None:
    with pytest.raises(InputError):
        parse_concentration(text)


def test_a_percentage_is_weight_per_volume() -> None:
    """10 % w/v is 10 g per 100 mL (Privigen 10 g/100 mL), 100 mg/mL."""
    assert str(parse_concentration("10%")) == "100 mg/mL"
    assert str(parse_concentration("10 % w/v")) == "100 mg/mL"


def test_control_characters_in_the_dose_are_escaped_in_the_message() -> None:
    with pytest.raises(InputError) as caught:
        parse_quantity("5 mg\x1b[31m\x07")
    message = str(caught.value)
    assert "\x1b" not in message and "\x07" not in message and "\n" not in message
    assert "\\u001b" in message  # written as in every error: line (jcalc.core.safe_text)
    assert shown("a\nb") == "a\\nb"


def test_format_decimal_never_writes_gigabytes_of_digits() -> None:
    assert format_decimal(Decimal("1e-999999999")) == "1.000000E-999999999"
    assert format_decimal(Decimal("0.25")) == "0.25"


def test_area_is_a_dimension_in_every_spelling() -> None:
    """J7336 bills "per square centimeter": sq cm, cm2 and cm² all read as one area unit."""
    for text in ("16 sq cm", "16 cm2", "16 cm²", "16 square centimeters"):
        assert parse_quantity(text) == Quantity(Decimal(16), Unit.CM2)
    assert Unit.CM2.dimension is Dimension.AREA


texts = st.one_of(
    st.text(max_size=60),
    st.builds(
        lambda n, e, u: f"{n}e{e} {u}",
        st.integers(min_value=-(10**30), max_value=10**30),
        st.integers(min_value=-(10**20), max_value=10**20),
        st.sampled_from(["mg", "mL", "units", "sq cm", "g", "vials", "mg/mL", "%"]),
    ),
)


@settings(max_examples=400, deadline=200)
@given(text=texts)
def test_parsers_only_ever_raise_input_error_and_answer_fast(text: str) -> None:
    for parse in (parse_quantity, parse_concentration, parse_amount):
        started = time.perf_counter()
        try:
            value = parse(text)
        except InputError as error:
            assert "\n" not in str(error) and "\x1b" not in str(error)
        else:
            assert value is not None
        assert time.perf_counter() - started < 0.05


@settings(max_examples=200, deadline=200)
@given(
    amount=st.decimals(allow_nan=False, allow_infinity=False, places=None),
    unit=st.sampled_from(["mg", "mcg", "g", "mL", "units", "sq cm"]),
)
def test_an_accepted_dose_lies_in_its_plausible_range(amount: Decimal, unit: str) -> None:
    try:
        quantity = parse_quantity(f"{amount} {unit}")
    except InputError:
        return
    assert quantity.amount > 0
    assert len(format_decimal(quantity.amount)) < 60


@pytest.mark.parametrize("amount", ["1e-999999999", "0", "1e999"])
def test_an_impossible_descriptor_amount_is_a_descriptor_error_at_once(amount: str) -> None:
    """Issue 11: a catalog descriptor amount of 0 or 1e-999999999 made search and calc hang."""
    from jcalc.core.descriptor import Descriptor, DescriptorKind
    from jcalc.core.errors import DescriptorError

    damaged = Descriptor(DescriptorKind.PER_AMOUNT, Quantity(Decimal(amount), Unit.MG), "x mg")
    started = time.perf_counter()
    with pytest.raises(DescriptorError, match="descriptor amount"):
        units_for(Quantity(Decimal(450), Unit.MG), damaged)
    assert time.perf_counter() - started < 0.05


def test_a_unit_count_beyond_any_administration_is_refused_before_it_becomes_an_int() -> None:
    tiny = parse_descriptor("Injection, example, 0.001 mcg")
    with pytest.raises(InputError, match="more than any real administration"):
        units_for(Quantity(Decimal(10_000_000), Unit.MG), tiny)


def test_ndc_and_entity_messages_escape_control_characters() -> None:
    from jcalc.core.billing import parse_entity
    from jcalc.core.ndc import normalize_ndc

    for call, text in ((normalize_ndc, "5024\x1b[2J2-0053-06"), (parse_entity, "exempt\x07")):
        with pytest.raises(InputError) as caught:
            call(text)
        assert "\x1b" not in str(caught.value) and "\x07" not in str(caught.value)
