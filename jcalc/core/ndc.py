"""National Drug Codes: the forms billers type, and the claim formats that carry them."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

from jcalc.core.errors import InputError
from jcalc.core.quantity import format_decimal, shown


class NdcQualifier(Enum):
    """Unit of measure qualifiers for the NDC quantity on a claim."""

    UN = "UN"  # unit / each
    ML = "ML"  # millilitre
    GR = "GR"  # gram
    F2 = "F2"  # international unit
    ME = "ME"  # milligram

    @property
    def meaning(self) -> str:
        """Plain words for the qualifier."""
        return {"UN": "each", "ML": "mL", "GR": "g", "F2": "international units", "ME": "mg"}[
            self.value
        ]


class AmbiguousNdcError(InputError):
    """A 10-digit NDC typed without hyphens: it could pad three ways."""

    def __init__(self, text: str, candidates: list[str]) -> None:
        self.candidates = candidates
        readings = ", ".join(format_ndc(c) for c in candidates)
        super().__init__(
            f"the NDC '{text}' has 10 digits and no hyphens, so it could be {readings}; "
            "type it with hyphens as printed on the package"
        )


# Hyphenated shapes and the segment padded with a leading zero to reach 5-4-2.
_TARGET_SHAPE = (5, 4, 2)
_HYPHENATED_SHAPES = {(5, 4, 2), (4, 4, 2), (5, 3, 2), (5, 4, 1)}


def ten_digit_candidates(digits: str) -> list[str]:
    """The three 11-digit NDCs an unhyphenated 10-digit NDC may stand for."""
    return ["0" + digits, digits[:5] + "0" + digits[5:], digits[:9] + "0" + digits[9:]]


def normalize_ndc(text: str) -> str:
    """11-digit NDC from 5-4-2, 4-4-2, 5-3-2 or 5-4-1 hyphenated forms, or 11 plain digits.

    An unhyphenated 10-digit NDC raises :class:`AmbiguousNdcError` listing its three readings.
    """
    cleaned = re.sub(r"\s+", "", text.strip())
    if not cleaned:
        raise InputError("the NDC is empty")
    parts = cleaned.split("-")
    if len(parts) == 3 and all(p.isdigit() and p.isascii() for p in parts):
        shape = tuple(len(p) for p in parts)
        if shape not in _HYPHENATED_SHAPES:
            raise InputError(
                f"the NDC '{shown(text.strip())}' has segments of "
                f"{shape[0]}-{shape[1]}-{shape[2]} digits; an NDC is 5-4-2, 4-4-2, 5-3-2 or 5-4-1"
            )
        return "".join(p.zfill(n) for p, n in zip(parts, _TARGET_SHAPE, strict=True))
    digits = cleaned.replace("-", "")
    if not (digits.isdigit() and digits.isascii()):
        raise InputError(
            f"the NDC '{shown(text.strip())}' has characters other than digits and hyphens"
        )
    if len(digits) == 11 and len(parts) == 1:
        return digits
    if len(digits) == 10 and len(parts) == 1:
        raise AmbiguousNdcError(text.strip(), ten_digit_candidates(digits))
    raise InputError(
        f"the NDC '{shown(text.strip())}' has {len(digits)} digits; "
        "an NDC has 10 (with hyphens) or 11"
    )


def format_ndc(ndc11: str) -> str:
    """5-4-2 display form of an 11-digit NDC: 50242005306 → 50242-0053-06."""
    if len(ndc11) != 11 or not ndc11.isdigit():
        raise InputError(f"'{ndc11}' is not an 11-digit NDC")
    return f"{ndc11[:5]}-{ndc11[5:9]}-{ndc11[9:]}"


NDC_QUANTITY_PLACES = 3


def round_ndc_quantity(quantity: Decimal) -> Decimal:
    """NDC quantities carry at most three decimals (rounded half up)."""
    return quantity.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def format_ndc_quantity(quantity: Decimal) -> str:
    """ "45", "0.5", "12.125": no exponent, no trailing zeros, at most three decimals."""
    return format_decimal(round_ndc_quantity(quantity))


def shaded_line(ndc11: str, qualifier: NdcQualifier, quantity: Decimal) -> str:
    """CMS-1500 item 24 shaded area: ``N4`` + NDC + 3 spaces + qualifier + quantity."""
    format_ndc(ndc11)  # validates
    return f"N4{ndc11}   {qualifier.value}{format_ndc_quantity(quantity)}"


def lin_ctp_segments(ndc11: str, qualifier: NdcQualifier, quantity: Decimal) -> tuple[str, str]:
    """837P loop 2410 segments: ``LIN**N4*<ndc>`` and ``CTP****<quantity>*<qualifier>``."""
    return (
        f"LIN**N4*{ndc11}",
        f"CTP****{format_ndc_quantity(quantity)}*{qualifier.value}",
    )
