from decimal import Decimal

import pytest

from jcalc.core.errors import InputError
from jcalc.core.ndc import (
    AmbiguousNdcError,
    NdcQualifier,
    format_ndc,
    format_ndc_quantity,
    lin_ctp_segments,
    normalize_ndc,
    shaded_line,
)


@pytest.mark.parametrize(
    ("text", "ndc11"),
    [
        ("50242-0053-06", "50242005306"),
        ("50242005306", "50242005306"),
        ("0002-1234-01", "00002123401"),
        ("50242-053-06", "50242005306"),
        ("50242-0053-6", "50242005306"),
        (" 50242-0053-06 ", "50242005306"),
    ],
)
def test_normalize_ndc(text: str, ndc11: str) -> None:
    assert normalize_ndc(text) == ndc11


def test_unhyphenated_ten_digits_is_ambiguous_never_padded_blindly() -> None:
    with pytest.raises(AmbiguousNdcError) as raised:
        normalize_ndc("5024205306")
    assert raised.value.candidates == ["05024205306", "50242005306", "50242053006"]


@pytest.mark.parametrize("text", ["", "abc", "50242-0053", "123", "502420053061", "5024-053-06"])
def test_bad_ndc_is_an_error(text: str) -> None:
    with pytest.raises(InputError):
        normalize_ndc(text)


def test_claim_formats() -> None:
    assert format_ndc("50242005306") == "50242-0053-06"
    assert shaded_line("50242005306", NdcQualifier.ML, Decimal(50)) == "N450242005306   ML50"
    assert format_ndc_quantity(Decimal("0.12345")) == "0.123"
    assert lin_ctp_segments("50242005306", NdcQualifier.ML, Decimal("45.000")) == (
        "LIN**N4*50242005306",
        "CTP****45*ML",
    )
