"""Quantities with units: parsing what a biller types and exact conversion between units."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum

from jcalc.core.errors import InputError


class Dimension(Enum):
    """What a unit measures; only units of the same dimension convert into each other."""

    MASS = "mass"
    VOLUME = "volume"
    ACTIVITY = "activity"  # units and international units
    EQUIVALENT = "equivalent"  # milliequivalents
    SUBSTANCE = "substance"  # millimoles
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
    VIAL = ("vial", Dimension.COUNT, Decimal(1))
    DOSE = ("dose", Dimension.COUNT, Decimal(1))

    def __init__(self, label: str, dimension: Dimension, factor: Decimal) -> None:
        self.label = label
        self.dimension = dimension
        self.factor = factor

    def plural_label(self, amount: Decimal) -> str:
        """The label to print after ``amount`` ("1 vial", "2 vials")."""
        if self.dimension is Dimension.COUNT and amount != 1:
            return self.label + "s"
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
    "vial": Unit.VIAL,
    "vials": Unit.VIAL,
    "dose": Unit.DOSE,
    "doses": Unit.DOSE,
}

_MULTIPLIERS: dict[str, Decimal] = {"thousand": Decimal(1000), "million": Decimal(1_000_000)}

# Largest amount accepted anywhere: beyond it a typo is far likelier than a real dose.
MAX_AMOUNT = Decimal("1e9")


def unit_from_word(word: str) -> Unit | None:
    """The unit a word names ("MG", "Units", "cc", "i.u."), or None."""
    key = normalize_text(word).lower().replace(".", "").replace(" ", "")
    return _UNIT_WORDS.get(key)


def normalize_text(text: str) -> str:
    """NFKC-normalise and fold no-break and other odd spaces into plain spaces."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", " ", text).strip()


def parse_amount(text: str) -> Decimal:
    """The decimal in text such as ``1,200,000`` or ``.5``; InputError otherwise."""
    cleaned = normalize_text(text).replace(",", "").replace(" ", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", cleaned):
        raise InputError(f"'{text}' is not a number")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above already excludes it
        raise InputError(f"'{text}' is not a number") from exc
    if not value.is_finite():
        raise InputError(f"'{text}' is not a finite number")
    return value


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
        return f"{format_decimal(self.per_ml.amount)} {self.per_ml.unit.label}/mL"


_QUANTITY_RE = re.compile(
    r"^(?P<num>[+-]?[\d.,]*\d[\d.,]*(?:[eE][+-]?\d+)?|[+-]?\.\d+)\s*"
    r"(?P<mult>thousand|million)?\s*(?P<unit>[^\d\s].*)?$",
    re.IGNORECASE,
)


def parse_quantity(text: str, *, what: str = "dose") -> Quantity:
    """Parse ``450 mg``, ``450mg``, ``1,200,000 units``, ``7.5 mL``, ``2 vials``.

    The amount must be positive, finite and not absurdly large; the unit must be one jcalc knows.
    """
    cleaned = normalize_text(text)
    if not cleaned:
        raise InputError(f"the {what} is empty: type an amount and a unit, such as 450 mg")
    match = _QUANTITY_RE.match(cleaned)
    if match is None:
        raise InputError(
            f"the {what} '{text}' is not an amount and a unit; type it like 450 mg or 7.5 mL"
        )
    unit_text = (match.group("unit") or "").strip()
    if not unit_text:
        raise InputError(f"the {what} '{text}' has no unit; add one, such as mg, mL or units")
    unit = unit_from_word(unit_text)
    if unit is None:
        raise InputError(
            f"the {what} '{text}' has a unit jcalc does not know ('{unit_text}'); "
            "use mcg, mg, g, mL, units, mEq, mmol, vials or doses"
        )
    number = match.group("num")
    if number.count(".") > 1 or (
        "," in number and not re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", number)
    ):
        raise InputError(f"the {what} '{text}' has a malformed number '{number}'")
    amount = parse_amount(number)
    if match.group("mult"):
        amount *= _MULTIPLIERS[match.group("mult").lower()]
    if amount.is_signed() and amount != 0:
        raise InputError(f"the {what} '{text}' is negative")
    if amount == 0:
        raise InputError(f"the {what} '{text}' is zero")
    if amount > MAX_AMOUNT:
        raise InputError(f"the {what} '{text}' is too large to be a real {what}")
    return Quantity(amount.normalize() if amount == amount.to_integral() else amount, unit)


def format_decimal(value: Decimal, *, places: int | None = None) -> str:
    """A decimal without exponent or needless trailing zeros: "450", "0.4", "1200000"."""
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places))
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def parse_concentration(text: str) -> Concentration:
    """Parse ``10 mg/mL``, ``0.4 mg / 1 mL``, ``40 mg/2 mL`` into an amount per mL."""
    cleaned = normalize_text(text)
    if cleaned.count("/") != 1:
        raise InputError(
            f"the concentration '{text}' is not an amount per volume; type it like 10 mg/mL"
        )
    top, bottom = (part.strip() for part in cleaned.split("/"))
    drug = parse_quantity(top, what="concentration")
    if drug.unit.dimension in (Dimension.VOLUME, Dimension.COUNT):
        raise InputError(f"the concentration '{text}' must be drug per volume, such as 10 mg/mL")
    volume_text = bottom if re.match(r"^[\d.,]", bottom) else f"1 {bottom}"
    volume = parse_quantity(volume_text, what="concentration")
    if volume.unit.dimension is not Dimension.VOLUME:
        raise InputError(f"the concentration '{text}' must be per mL (or per L)")
    return Concentration(Quantity(drug.amount / volume.to(Unit.ML).amount, drug.unit))
