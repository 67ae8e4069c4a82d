"""Fuzz the dose, amount, concentration, NDC and descriptor parsers: they return or raise a
JcalcError (one plain message), quickly; nothing else escapes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jcalc.core.descriptor import parse_descriptor
from jcalc.core.ndc import normalize_ndc
from jcalc.core.quantity import format_decimal, parse_amount, parse_concentration, parse_quantity
from tests.fuzz.contract import fuzz_settings, timed_rejection
from tests.fuzz.strategies import amount, concentration, hostile_text, number


@fuzz_settings(200)
@given(text=amount)
def test_dose_parser(text: str) -> None:
    def parse() -> None:
        quantity = parse_quantity(text)
        assert quantity.amount > 0
        assert len(format_decimal(quantity.amount)) < 200  # printable in a line

    timed_rejection("dose parser", repr(text), parse)


@fuzz_settings(150)
@given(text=st.one_of(number, hostile_text))
def test_amount_parser(text: str) -> None:
    timed_rejection("amount parser", repr(text), lambda: parse_amount(text).is_finite())


@fuzz_settings(150)
@given(text=concentration)
def test_concentration_parser(text: str) -> None:
    timed_rejection("concentration parser", repr(text), lambda: parse_concentration(text))


@fuzz_settings(100)
@given(text=st.one_of(st.text(alphabet="0123456789- *", max_size=16), hostile_text))
def test_ndc_parser(text: str) -> None:
    timed_rejection("NDC parser", repr(text), lambda: normalize_ndc(text))


@fuzz_settings(100)
@given(text=st.one_of(amount, hostile_text).map(lambda t: f"Injection, drug, {t}"))
def test_descriptor_parser(text: str) -> None:
    timed_rejection("descriptor parser", repr(text), lambda: parse_descriptor(text))
