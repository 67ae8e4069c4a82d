"""Weight- and BSA-based orders: "5 mg/kg" × weight, "375 mg/m²" × body surface area.

Weight is rounded to 0.01 kg (from pounds), height to 0.1 cm (from inches), and a BSA computed
with the Mosteller formula, √(height cm × weight kg ÷ 3600), to 0.01 m² (the usual two decimals of
dosing tables). Each step is kept as a sentence for the explanation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import Enum

from jcalc.core.errors import InputError
from jcalc.core.quantity import (
    Dimension,
    Quantity,
    format_decimal,
    normalize_text,
    parse_amount,
    parse_quantity,
    shown,
)

LB_PER_KG = Decimal("2.20462262185")  # 1 lb = 0.45359237 kg exactly
CM_PER_INCH = Decimal("2.54")
KG_PLACES = Decimal("0.01")
CM_PLACES = Decimal("0.1")
BSA_PLACES = Decimal("0.01")
DOSE_PLACES = Decimal("0.0001")
# Plausible patients: a premature newborn to the heaviest recorded adult, shorter than 2.75 m.
WEIGHT_RANGE_KG = (Decimal("0.3"), Decimal(650))
HEIGHT_RANGE_CM = (Decimal(20), Decimal(275))
BSA_RANGE_M2 = (Decimal("0.05"), Decimal(5))


class Basis(Enum):
    """What an order's dose is per."""

    KG = "kg"
    M2 = "m²"


@dataclass(frozen=True)
class BodyDose:
    """A dose worked out from an order per kg or per m², with the steps in words."""

    order: Quantity  # the amount per kg or per m²
    basis: Basis
    dose: Quantity
    steps: tuple[str, ...]


_PER_BODY_RE = re.compile(r"^(?P<amount>.+?)\s*(?:/|per)\s*(?P<basis>kg|m2|sq\s*m)\s*$", re.I)
_NUMBER_UNIT_RE = re.compile(
    r"^(?P<num>[+-]?[\d.,]*\d(?:e[+-]?\d+)?)\s*(?P<unit>[a-z]*2?)$", re.IGNORECASE
)


def split_order(text: str) -> tuple[Quantity, Basis] | None:
    """``5 mg/kg`` → (5 mg, KG); ``375 mg/m2`` or ``mg/m²`` → (…, M2); None for a plain dose."""
    cleaned = normalize_text(text)
    match = _PER_BODY_RE.match(cleaned)
    if match is None:
        return None
    basis = Basis.KG if match.group("basis").lower() == "kg" else Basis.M2
    amount = parse_quantity(match.group("amount"), what=f"dose per {basis.value}")
    if amount.unit.dimension in (Dimension.VOLUME, Dimension.COUNT, Dimension.AREA):
        raise InputError(
            f"the order '{shown(text)}' must be an amount of drug per {basis.value}, "
            f"such as 5 mg/{basis.value}"
        )
    return amount, basis


def _number_and_unit(text: str, what: str) -> tuple[Decimal, str]:
    cleaned = normalize_text(text).lower()
    match = _NUMBER_UNIT_RE.match(cleaned)
    if match is None:
        raise InputError(f"the {what} '{shown(text)}' is not a number with an optional unit")
    try:
        value = parse_amount(match.group("num"))
    except InputError as error:
        raise InputError(f"the {what}: {error}") from None
    return value, match.group("unit")


def _in_range(value: Decimal, bounds: tuple[Decimal, Decimal], what: str, unit: str) -> Decimal:
    low, high = bounds
    if not low <= value <= high:
        raise InputError(
            f"a {what} of {format_decimal(value)} {unit} is not possible for a patient "
            f"(expected {format_decimal(low)} to {format_decimal(high)} {unit})"
        )
    return value


def parse_weight(text: str) -> tuple[Decimal, str]:
    """Weight in kg from ``70``, ``70 kg`` or ``154 lb`` (to 0.01 kg), with the step in words."""
    value, unit = _number_and_unit(text, "weight")
    if unit in ("", "kg", "kgs"):
        return _in_range(value, WEIGHT_RANGE_KG, "weight", "kg"), ""
    if unit in ("lb", "lbs", "pound", "pounds"):
        kg = (value / LB_PER_KG).quantize(KG_PLACES, rounding=ROUND_HALF_UP)
        _in_range(kg, WEIGHT_RANGE_KG, "weight", "kg")
        return kg, (
            f"Weight {format_decimal(value)} lb ÷ 2.20462 = {format_decimal(kg)} kg "
            "(rounded to 0.01 kg)."
        )
    raise InputError(f"the weight '{shown(text)}' must be in kg or lb")


def parse_height(text: str) -> tuple[Decimal, str]:
    """Height in cm from ``170``, ``170 cm``, ``1.70 m`` or ``67 in`` (to 0.1 cm)."""
    value, unit = _number_and_unit(text, "height")
    if unit in ("", "cm"):
        return _in_range(value, HEIGHT_RANGE_CM, "height", "cm"), ""
    if unit == "m":
        return _in_range(value * 100, HEIGHT_RANGE_CM, "height", "cm"), ""
    if unit in ("in", "inch", "inches"):
        cm = (value * CM_PER_INCH).quantize(CM_PLACES, rounding=ROUND_HALF_UP)
        _in_range(cm, HEIGHT_RANGE_CM, "height", "cm")
        return cm, f"Height {format_decimal(value)} in × 2.54 = {format_decimal(cm)} cm."
    raise InputError(f"the height '{shown(text)}' must be in cm, m or in")


def parse_bsa(text: str) -> Decimal:
    """A body surface area in m² (``1.87`` or ``1.87 m2``)."""
    value, unit = _number_and_unit(text.replace("²", "2"), "body surface area")
    if unit not in ("", "m", "m2"):
        raise InputError(f"the body surface area '{shown(text)}' must be in m²")
    return _in_range(value, BSA_RANGE_M2, "body surface area", "m²")


_HEIGHT_WEIGHT_RE = re.compile(
    r"^(?P<height>[\d.,]+\s*(?:cm|m|in))\s*[,;x×/ ]\s*(?P<weight>[\d.,]+\s*(?:kg|lbs?))$",
    re.IGNORECASE,
)


def bsa_from_text(text: str) -> tuple[Decimal, tuple[str, ...]]:
    """A BSA typed as ``1.87`` (m²) or as height and weight, ``170 cm 70 kg`` (Mosteller)."""
    match = _HEIGHT_WEIGHT_RE.match(normalize_text(text))
    if match is None:
        return parse_bsa(text), ()
    kg, weight_step = parse_weight(match.group("weight"))
    cm, height_step = parse_height(match.group("height"))
    bsa, step = mosteller_bsa(cm, kg)
    return bsa, tuple(s for s in (weight_step, height_step, step) if s)


def mosteller_bsa(height_cm: Decimal, weight_kg: Decimal) -> tuple[Decimal, str]:
    """BSA (m²) = √(height cm × weight kg ÷ 3600), rounded to 0.01 m², with the step in words."""
    with localcontext() as context:
        context.prec = 28
        exact = (height_cm * weight_kg / 3600).sqrt()
    bsa = exact.quantize(BSA_PLACES, rounding=ROUND_HALF_UP)
    _in_range(bsa, BSA_RANGE_M2, "body surface area", "m²")
    return bsa, (
        f"BSA by the Mosteller formula √(height cm × weight kg ÷ 3600) = "
        f"√({format_decimal(height_cm)} × {format_decimal(weight_kg)} ÷ 3600) = "
        f"{format_decimal(exact, places=4)} m², rounded to {format_decimal(bsa)} m²."
    )


def scaled_dose(order: Quantity, factor: Decimal) -> tuple[Quantity, bool]:
    """``order`` × ``factor`` to 0.0001 of its unit; True when that rounding changed it."""
    exact = order.amount * factor
    rounded = exact.quantize(DOSE_PLACES, rounding=ROUND_HALF_UP)
    return Quantity(
        rounded.normalize() if rounded == rounded.to_integral() else rounded, order.unit
    ), rounded != exact


def body_dose(
    text: str,
    *,
    weight: str | None = None,
    height: str | None = None,
    bsa: str | None = None,
) -> BodyDose | None:
    """The dose of an order per kg or per m²; None when ``text`` is a plain dose.

    Per kg needs ``weight``; per m² needs ``bsa`` or ``height`` and ``weight`` (Mosteller).
    """
    split = split_order(text)
    if split is None:
        return None
    order, basis = split
    steps: list[str] = []
    if basis is Basis.KG:
        if not weight:
            raise InputError(f"the order '{shown(text)}' is per kg: give the patient's weight")
        kg, step = parse_weight(weight)
        steps += [step] if step else []
        factor, label = kg, f"{format_decimal(kg)} kg"
    else:
        if bsa:
            factor = parse_bsa(bsa)
            steps.append(f"BSA {format_decimal(factor)} m² as given.")
        elif height and weight:
            kg, weight_step = parse_weight(weight)
            cm, height_step = parse_height(height)
            steps += [s for s in (weight_step, height_step) if s]
            factor, bsa_step = mosteller_bsa(cm, kg)
            steps.append(bsa_step)
        else:
            raise InputError(
                f"the order '{shown(text)}' is per m²: give the BSA, or the height and the weight"
            )
        label = f"{format_decimal(factor)} m²"
    dose, rounded = scaled_dose(order, factor)
    steps.append(
        f"Order {order}/{basis.value} × {label} = {dose}"
        + (" (rounded to 0.0001)" if rounded else "")
        + "."
    )
    checked = parse_quantity(f"{format_decimal(dose.amount)} {dose.unit.label}")
    return BodyDose(order=order, basis=basis, dose=checked, steps=tuple(steps))
