"""Quantities with units: parsing what a biller types and exact conversion between units."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum

from jcalc.core.errors import InputError
from jcalc.core.safe_text import escape_control


class Dimension(Enum):
    """What a unit measures; only units of the same dimension convert into each other."""

    MASS = "mass"
    VOLUME = "volume"
    ACTIVITY = "activity"  # units and international units
    EQUIVALENT = "equivalent"  # milliequivalents
    SUBSTANCE = "substance"  # millimoles
    AREA = "area"  # square centimetres of a skin substitute or patch
    COUNT = "count"  # vials, doses, items


class Unit(Enum):
    """A unit of measure, with its dimension, its size in the dimension's base and its label."""

    MCG = ("mcg", Dimension.MASS, Decimal("0.001"))
    MG = ("mg", Dimension.MASS, Decimal(1))
    G = ("g", Dimension.MASS, Decimal(1000))
    ML = ("mL", Dimension.VOLUME, Decimal(1))
    L = ("L", Dimension.VOLUME, Decimal(1000))
    UNITS = ("units", Dimension.ACTIVITY, Decimal(1))
    MEQ = ("mEq", Dimension.EQUIVALENT, Decimal(1))
    MMOL = ("mmol", Dimension.SUBSTANCE, Decimal(1))
    CM2 = ("sq cm", Dimension.AREA, Decimal(1))
    VIAL = ("vial", Dimension.COUNT, Decimal(1))
    DOSE = ("dose", Dimension.COUNT, Decimal(1))

    def __init__(self, label: str, dimension: Dimension, factor: Decimal) -> None:
        self.label = label
        self.dimension = dimension
        self.factor = factor

    def plural_label(self, amount: Decimal) -> str:
        """The label to print after ``amount`` ("1 vial", "2 vials", "1 unit", "2 units")."""
        if self.dimension is Dimension.COUNT and amount != 1:
            return self.label + "s"
        if self is Unit.UNITS and amount == 1:
            return "unit"
        return self.label


# Spellings seen in CMS files and typed by billers, lower case, no dots or spaces.
_UNIT_WORDS: dict[str, Unit] = {
    "mcg": Unit.MCG,
    "µg": Unit.MCG,
    "μg": Unit.MCG,
    "ug": Unit.MCG,
    "microgram": Unit.MCG,
    "micrograms": Unit.MCG,
    "mg": Unit.MG,
    "mgs": Unit.MG,
    "milligram": Unit.MG,
    "milligrams": Unit.MG,
    "g": Unit.G,
    "gm": Unit.G,
    "gms": Unit.G,
    "gram": Unit.G,
    "grams": Unit.G,
    "gr": Unit.G,
    "ml": Unit.ML,
    "mls": Unit.ML,
    "cc": Unit.ML,
    "ccs": Unit.ML,
    "milliliter": Unit.ML,
    "milliliters": Unit.ML,
    "millilitre": Unit.ML,
    "millilitres": Unit.ML,
    "l": Unit.L,
    "liter": Unit.L,
    "liters": Unit.L,
    "litre": Unit.L,
    "litres": Unit.L,
    "u": Unit.UNITS,
    "unit": Unit.UNITS,
    "units": Unit.UNITS,
    "un": Unit.UNITS,
    "iu": Unit.UNITS,
    "uspunit": Unit.UNITS,
    "ius": Unit.UNITS,
    "usp": Unit.UNITS,
    "uspunits": Unit.UNITS,
    "internationalunit": Unit.UNITS,
    "internationalunits": Unit.UNITS,
    "meq": Unit.MEQ,
    "milliequivalent": Unit.MEQ,
    "milliequivalents": Unit.MEQ,
    "mmol": Unit.MMOL,
    "millimole": Unit.MMOL,
    "millimoles": Unit.MMOL,
    "sqcm": Unit.CM2,
    "sqcms": Unit.CM2,
    "cm2": Unit.CM2,
    "squarecentimeter": Unit.CM2,
    "squarecentimeters": Unit.CM2,
    "squarecentimetre": Unit.CM2,
    "squarecentimetres": Unit.CM2,
    "vial": Unit.VIAL,
    "vials": Unit.VIAL,
    "dose": Unit.DOSE,
    "doses": Unit.DOSE,
}

_MULTIPLIERS: dict[str, Decimal] = {"thousand": Decimal(1000), "million": Decimal(1_000_000)}

# Largest amount accepted anywhere: beyond it a typo is far likelier than a real dose.
MAX_AMOUNT = Decimal("1e9")
# Limits checked on the text, before any arithmetic, so hostile numbers cost nothing: an exponent
# of more than MAX_EXPONENT_DIGITS digits or more than MAX_SIGNIFICANT_DIGITS digits is refused.
MAX_EXPONENT_DIGITS = 3
MAX_SIGNIFICANT_DIGITS = 18
MAX_NUMBER_TEXT = 40
# Plausible amounts per dimension, in the dimension's base unit (mg, mL, units, mEq, mmol, cm²,
# items): outside them the amount is a typo or a unit mix-up, never a real administration.
PLAUSIBLE_RANGES: dict[Dimension, tuple[Decimal, Decimal]] = {
    Dimension.MASS: (Decimal("0.000001"), Decimal("1e7")),  # 1 ng .. 10 kg
    Dimension.VOLUME: (Decimal("0.0001"), Decimal("1e6")),  # 0.1 µL .. 1,000 L
    Dimension.ACTIVITY: (Decimal("0.0001"), MAX_AMOUNT),
    Dimension.EQUIVALENT: (Decimal("0.0001"), Decimal("1e6")),
    Dimension.SUBSTANCE: (Decimal("0.0001"), Decimal("1e6")),
    Dimension.AREA: (Decimal("0.01"), Decimal("1e5")),  # a skin substitute: under 10 m²
    Dimension.COUNT: (Decimal("0.01"), Decimal(1000)),
}
MAX_SHOWN_TEXT = 60
MAX_PLAIN_EXPONENT = 40  # format_decimal writes larger or smaller values in E notation


def shown(text: str) -> str:
    """User text safe to echo in one error line: control characters escaped, long text cut."""
    cut = text if len(text) <= MAX_SHOWN_TEXT else text[: MAX_SHOWN_TEXT - 1] + "…"
    return escape_control(cut)


def unit_from_word(word: str) -> Unit | None:
    """The unit a word names ("MG", "Units", "cc", "i.u."), or None."""
    key = normalize_text(word).lower().replace(".", "").replace(" ", "")
    return _UNIT_WORDS.get(key)


def normalize_text(text: str) -> str:
    """NFKC-normalise and fold no-break and other odd spaces into plain spaces."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", " ", text).strip()


_NUMBER_RE = re.compile(r"[+-]?(?P<mantissa>\d+(?:\.\d*)?|\.\d+)(?:[eE](?P<exp>[+-]?\d+))?")


def parse_amount(text: str) -> Decimal:
    """The decimal in text such as ``1,200,000`` or ``.5``; InputError otherwise.

    The text is checked before any arithmetic: at most 18 significant digits and an exponent of
    at most three digits, so ``1e-999999999`` is refused at once instead of being computed.
    """
    if len(text) > 4 * MAX_NUMBER_TEXT:
        raise InputError(f"'{shown(text)}' is too long to be a number")
    cleaned = normalize_text(text).replace(",", "").replace(" ", "")
    match = _NUMBER_RE.fullmatch(cleaned)
    if match is None or len(cleaned) > MAX_NUMBER_TEXT:
        raise InputError(f"'{shown(text)}' is not a number")
    exponent = match.group("exp")
    if exponent is not None and len(exponent.lstrip("+-").lstrip("0")) > MAX_EXPONENT_DIGITS:
        raise InputError(f"'{shown(text)}' has an exponent out of range for a dose or amount")
    digits = match.group("mantissa").replace(".", "").lstrip("0").rstrip("0")
    if len(digits) > MAX_SIGNIFICANT_DIGITS:
        raise InputError(
            f"'{shown(text)}' has more than {MAX_SIGNIFICANT_DIGITS} significant digits"
        )
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above already excludes it
        raise InputError(f"'{shown(text)}' is not a number") from exc
    if not value.is_finite():  # pragma: no cover - the pattern admits finite numbers only
        raise InputError(f"'{shown(text)}' is not a finite number")
    return value


def check_plausible(quantity: Quantity, what: str) -> Quantity:
    """``quantity`` when it lies in its dimension's plausible range; InputError naming it else."""
    low, high = PLAUSIBLE_RANGES[quantity.unit.dimension]
    base = quantity.amount * quantity.unit.factor
    if base < low:
        raise InputError(
            f"the {what} {quantity} is implausibly small (under "
            f"{format_decimal(low / quantity.unit.factor)} {quantity.unit.label}); "
            "check the number and its unit"
        )
    if base > high:
        raise InputError(
            f"the {what} {quantity} is implausibly large (over "
            f"{format_decimal(high / quantity.unit.factor)} {quantity.unit.label}); "
            "check the number and its unit"
        )
    return quantity


@dataclass(frozen=True)
class Quantity:
    """An exact amount with its unit."""

    amount: Decimal
    unit: Unit

    def to(self, unit: Unit) -> Quantity:
        """This quantity in ``unit``; InputError when the dimensions differ."""
        if unit is self.unit:
            return self
        if unit.dimension is not self.unit.dimension:
            raise InputError(
                f"{self} is a {self.unit.dimension.value} and cannot be converted to {unit.label}"
            )
        return Quantity(self.amount * self.unit.factor / unit.factor, unit)

    def convertible_to(self, unit: Unit) -> bool:
        """True when :meth:`to` would succeed."""
        return self.unit.dimension is unit.dimension

    def __str__(self) -> str:
        return f"{format_decimal(self.amount)} {self.unit.plural_label(self.amount)}"


@dataclass(frozen=True)
class Concentration:
    """Amount of drug per millilitre of a liquid product."""

    per_ml: Quantity

    def volume_of(self, amount: Quantity) -> Quantity:
        """The volume in mL that holds ``amount`` of drug."""
        return Quantity(amount.to(self.per_ml.unit).amount / self.per_ml.amount, Unit.ML)

    def amount_in(self, volume: Quantity) -> Quantity:
        """The drug in ``volume`` (any volume unit)."""
        return Quantity(volume.to(Unit.ML).amount * self.per_ml.amount, self.per_ml.unit)

    def __str__(self) -> str:
        exact = format_decimal(self.per_ml.amount)
        if len(exact) > 12:  # a derived figure such as 10000 ÷ 110: four decimals are enough
            exact = format_decimal(self.per_ml.amount, places=4) + "…"
        return f"{exact} {self.per_ml.unit.label}/mL"


_QUANTITY_RE = re.compile(
    r"^(?P<num>[+-]?[\d.,]*\d[\d.,]*(?:[eE][+-]?\d+)?|[+-]?\.\d+)\s*"
    r"(?P<mult>thousand|million)?\s*(?P<unit>[^\d\s].*)?$",
    re.IGNORECASE,
)


def parse_quantity(text: str, *, what: str = "dose") -> Quantity:
    """Parse ``450 mg``, ``450mg``, ``1,200,000 units``, ``7.5 mL``, ``16 sq cm``, ``2 vials``.

    The amount must be positive, finite and plausible for its dimension (:data:`PLAUSIBLE_RANGES`);
    the unit must be one jcalc knows. Every message quotes the text with control characters
    escaped.
    """
    if len(text) > 4 * MAX_NUMBER_TEXT:
        raise InputError(f"the {what} '{shown(text)}' is too long to be an amount and a unit")
    cleaned = normalize_text(text)
    if not cleaned:
        raise InputError(f"the {what} is empty: type an amount and a unit, such as 450 mg")
    match = _QUANTITY_RE.match(cleaned)
    if match is None:
        raise InputError(
            f"the {what} '{shown(text)}' is not an amount and a unit; type it like 450 mg or 7.5 mL"
        )
    unit_text = (match.group("unit") or "").strip()
    if not unit_text:
        raise InputError(
            f"the {what} '{shown(text)}' has no unit; add one, such as mg, mL or units"
        )
    unit = unit_from_word(unit_text)
    if unit is None:
        raise InputError(
            f"the {what} '{shown(text)}' has a unit jcalc does not know ('{shown(unit_text)}'); "
            "use mcg, mg, g, mL, units, mEq, mmol, sq cm, vials or doses"
        )
    number = match.group("num")
    if number.count(".") > 1 or (
        "," in number and not re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", number)
    ):
        raise InputError(f"the {what} '{shown(text)}' has a malformed number '{shown(number)}'")
    try:
        amount = parse_amount(number)
    except InputError as error:
        raise InputError(f"the {what}: {error}") from None
    if match.group("mult"):
        amount *= _MULTIPLIERS[match.group("mult").lower()]
    if amount.is_signed() and amount != 0:
        raise InputError(f"the {what} '{shown(text)}' is negative: it must be more than zero")
    if amount == 0:
        raise InputError(f"the {what} '{shown(text)}' is zero: it must be more than zero")
    if amount > MAX_AMOUNT:
        raise InputError(f"the {what} '{shown(text)}' is too large to be a real {what}")
    quantity = Quantity(amount.normalize() if amount == amount.to_integral() else amount, unit)
    return check_plausible(quantity, what)


def format_decimal(value: Decimal, *, places: int | None = None) -> str:
    """A decimal without exponent or needless trailing zeros: "450", "0.4", "1200000"."""
    if value.is_finite() and value and abs(value.adjusted()) > MAX_PLAIN_EXPONENT:
        return f"{value:.6E}"  # never gigabytes of zeros for an absurd value
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places))
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


# Plausible drug per mL, in the dimension's base unit: a pure solid is under 2 g/mL.
CONCENTRATION_RANGES: dict[Dimension, tuple[Decimal, Decimal]] = {
    Dimension.MASS: (Decimal("0.000001"), Decimal(2000)),
    Dimension.ACTIVITY: (Decimal("0.0001"), Decimal("1e7")),
    Dimension.EQUIVALENT: (Decimal("0.0001"), Decimal(100)),
    Dimension.SUBSTANCE: (Decimal("0.0001"), Decimal(100)),
}
_PERCENT_RE = re.compile(r"^(?P<num>[\d.,]+)\s*%\s*(?:\(?\s*w\s*/\s*v\s*\)?)?$", re.IGNORECASE)


def parse_concentration(text: str) -> Concentration:
    """Parse ``10 mg/mL``, ``0.4 mg / 1 mL``, ``40 mg/2 mL`` or ``10%`` (w/v) into an amount per mL.

    A percentage is weight per volume: 10 % is 10 g in 100 mL, 100 mg/mL. The result must be a
    plausible concentration (:data:`CONCENTRATION_RANGES`).
    """
    if len(text) > 4 * MAX_NUMBER_TEXT:
        raise InputError(f"the concentration '{shown(text)}' is too long")
    cleaned = normalize_text(text)
    percent = _PERCENT_RE.match(cleaned)
    if percent is not None:
        value = parse_amount(percent.group("num"))
        if value <= 0 or value > 100:
            raise InputError(
                f"the concentration '{shown(text)}' is not a percentage between 0 and 100"
            )
        return _plausible(Concentration(Quantity(value * 10, Unit.MG)), text)
    if cleaned.count("/") != 1:
        raise InputError(
            f"the concentration '{shown(text)}' is not an amount per volume; "
            "type it like 10 mg/mL or 10%"
        )
    top, bottom = (part.strip() for part in cleaned.split("/"))
    drug = parse_quantity(top, what="concentration")
    if drug.unit.dimension not in CONCENTRATION_RANGES:
        raise InputError(
            f"the concentration '{shown(text)}' must be drug per volume, such as 10 mg/mL"
        )
    volume_text = bottom if re.match(r"^[\d.,]", bottom) else f"1 {bottom}"
    volume = parse_quantity(volume_text, what="concentration")
    if volume.unit.dimension is not Dimension.VOLUME:
        raise InputError(f"the concentration '{shown(text)}' must be per mL (or per L)")
    return _plausible(
        Concentration(Quantity(drug.amount / volume.to(Unit.ML).amount, drug.unit)), text
    )


def _plausible(concentration: Concentration, text: str) -> Concentration:
    per_ml = concentration.per_ml
    low, high = CONCENTRATION_RANGES[per_ml.unit.dimension]
    base = per_ml.amount * per_ml.unit.factor
    if not low <= base <= high:
        raise InputError(
            f"the concentration '{shown(text)}' ({concentration}) is implausible for a drug "
            "product; check the number and its units"
        )
    return concentration
