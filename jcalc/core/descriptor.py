"""Dosage descriptors: the amount one HCPCS billing unit stands for.

The descriptor is read from the HCPCS *long* description ("Injection, rituximab, 10 mg"), never the
short one, and cross-checked against the ASP file's free-text dosage ("10 MG").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from jcalc.core.quantity import (
    Quantity,
    Unit,
    normalize_text,
    parse_amount,
    unit_from_word,
)


class DescriptorKind(Enum):
    """How a billing unit relates to the dose."""

    PER_AMOUNT = "per-amount"  # "10 mg", "per 250 mg": one unit per that amount, rounded up
    UP_TO = "up-to"  # "up to 50 mg": the same arithmetic, said another way
    PER_VIAL = "per-vial"  # one unit per vial used
    PER_DOSE = "per-dose"  # one unit per dose, treatment, implant, item
    UNPARSED = "unparsed"  # the biller must enter the units


@dataclass(frozen=True)
class Descriptor:
    """One HCPCS billing unit: its kind, its amount (when it has one) and the text it came from."""

    kind: DescriptorKind
    amount: Quantity | None
    text: str
    note: str = ""

    @property
    def is_numeric(self) -> bool:
        """True when units can be computed from a dose (every kind but UNPARSED)."""
        return self.kind is not DescriptorKind.UNPARSED

    @property
    def unit(self) -> Unit | None:
        """The unit of the descriptor's amount, or None when unparsed."""
        return self.amount.unit if self.amount else None

    def describe(self) -> str:
        """Plain words: "10 mg", "up to 50 mg", "1 vial", "1 dose", "not readable"."""
        if self.amount is None:
            return "not readable"
        if self.kind is DescriptorKind.UP_TO:
            return f"up to {self.amount}"
        return str(self.amount)

    @classmethod
    def unparsed(cls, text: str, note: str = "") -> Descriptor:
        """A descriptor jcalc could not read."""
        return cls(DescriptorKind.UNPARSED, None, text, note)


_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_UNIT_ALTERNATIVES = (
    r"square\s+centimet(?:er|re)s?|sq\.?\s*cm|cm2|"
    r"micrograms?|mcg|milligrams?|mgs?|grams?|gms?|g|milliliters?|ml|cc|"
    r"usp\s+units?|international\s+units?|units?|i\.\s?u\.?|iu|"
    r"milliequivalents?|meq|millimoles?|mmol"
)
_AMOUNT_RE = re.compile(
    rf"(?:(?P<prefix>per|up\s+to)\s+)?(?P<num>{_NUM})?\s*(?P<mult>thousand|million)?\s*"
    rf"(?P<unit>{_UNIT_ALTERNATIVES})(?!\w)(?!-[a-z])",
    re.IGNORECASE,
)
_PER_FACTOR_IU_RE = re.compile(r"\bper\s+factor\s+[ivx]+\s+i\.?\s?u\b\.?", re.IGNORECASE)
_VIAL_RE = re.compile(r"\bper\s+(?:single[\s-](?:use|dose)\s+)?vial\b", re.IGNORECASE)
_DOSE_RE = re.compile(
    r"\bper\s+(?:(?:therapeutic|study|single|treatment)\s+)?"
    r"(?P<item>dose|treatment|implant|instillation|kit|patch|injection|infusion)\b"
    r"|,\s*(?P<each>each|implant)\s*$|^\s*1\s+(?:ea|each)\s*$|\b(?P<days>days\s+of\s+therapy)\b"
    r"|\b(?P<device>implant\s+system|intrauterine\s+\w+\s+contraceptive|suppository)\b",
    re.IGNORECASE,
)
# An amount that describes the package, not the billing unit: "0.9 mg, provided in 1.1 mg vial".
_PACKAGE_CONTEXT_RE = re.compile(r"(?:provided|supplied|packaged)\s+in\s+(?:a\s+)?$", re.I)
_TOTAL_RE = re.compile(rf"^\s*\(\s*(?P<total>(?:{_NUM})\s*(?:{_UNIT_ALTERNATIVES}))\s*\)")
_NOC_RE = re.compile(
    r"not\s+otherwise\s+(?:classified|specified)|unclassified|\bnoc\b|\bnos\b", re.I
)
_PAREN_RE = re.compile(r"\([^()]*\)")
_MULT = {"thousand": Decimal(1000), "million": Decimal(1_000_000)}


def _unit_of(word: str) -> Unit:
    """The unit of a descriptor word; every spelling the pattern admits is known."""
    unit = unit_from_word(word)
    if unit is None:  # pragma: no cover - _UNIT_ALTERNATIVES only admits known spellings
        raise ValueError(f"unknown descriptor unit {word!r}")
    return unit


def _amount_matches(text: str) -> list[re.Match[str]]:
    return [
        m
        for m in _AMOUNT_RE.finditer(text)
        if (m.group("num") or m.group("prefix"))
        and not _PACKAGE_CONTEXT_RE.search(text[max(0, m.start() - 30) : m.start()])
        and not text[: m.start()].rstrip().endswith("=")  # "(500 ml = 1 unit)": 500 ml is it
    ]


# Text between two strengths of one combination product: "/", "-", " and ", ", " + a name.
_COMBINATION_GAP_RE = re.compile(
    r"^\s*(?:[/-][^,;()]{0,40}?|\band\b[^,;()]{0,40}?,?|,?\s*[a-z ]{0,40}?\band\b[^,;()]{0,40}?,?)"
    r"\s*(?:up\s+to\s+)?$",
    re.I,
)


def _combination_chain(text: str, matches: list[re.Match[str]]) -> list[re.Match[str]]:
    """The strengths of a combination ending at the last match ("2.5 mg and ... 0.5 mg")."""
    chain = [matches[-1]]
    for previous in reversed(matches[:-1]):
        gap = text[previous.end() : chain[0].start()]
        if len(gap) > 60 or not _COMBINATION_GAP_RE.match(gap):
            break
        chain.insert(0, previous)
    return chain


def _from_match(match: re.Match[str], text: str) -> Descriptor:
    number = match.group("num")
    amount = parse_amount(number) if number else Decimal(1)
    if match.group("mult"):
        amount *= _MULT[match.group("mult").lower()]
    prefix = (match.group("prefix") or "").lower()
    kind = DescriptorKind.UP_TO if prefix.startswith("up") else DescriptorKind.PER_AMOUNT
    if amount == 0:
        return Descriptor.unparsed(text, "descriptor amount is zero")
    return Descriptor(kind, Quantity(amount, _unit_of(match.group("unit"))), text)


def _combination_total(text: str) -> Descriptor | None:
    """ "7.5 mg/2.5 mg (10 mg)": a combination whose total is given in parentheses bills on it."""
    for match in _amount_matches(text):
        rest = text[match.end() :]
        slash = re.match(rf"\s*/\s*(?:{_NUM})\s*(?:{_UNIT_ALTERNATIVES})", rest, re.I)
        if slash is None:
            continue
        total = _TOTAL_RE.match(rest[slash.end() :])
        if total is None:
            continue
        inner = _amount_matches(total.group("total"))
        if inner:
            found = _from_match(inner[0], text)
            note = f"combination product: one unit is the total strength {found.describe()}"
            return Descriptor(found.kind, found.amount, found.text, note)
    return None


def parse_descriptor(text: str) -> Descriptor:
    """Read a descriptor from a HCPCS long description or an ASP dosage string.

    The last dose phrase outside parentheses wins ("Injection, rituximab, 10 mg"); within a
    combination segment ("1 g/0.125 g") the first strength is taken and a note says so. When no
    phrase is outside parentheses, one inside them is used ("(500 ml=1 unit)").
    """
    original = text
    text = normalize_text(text)
    if not text:
        return Descriptor.unparsed(original, "empty descriptor")
    outside = _PAREN_RE.sub(" ", _PAREN_RE.sub(" ", text))
    total = _combination_total(text)
    if total is not None:
        return total

    for candidate in (outside, text):
        factor_iu = _PER_FACTOR_IU_RE.search(candidate)
        if factor_iu:
            return Descriptor(DescriptorKind.PER_AMOUNT, Quantity(Decimal(1), Unit.UNITS), original)
        matches = _amount_matches(candidate)
        if matches:
            chain = _combination_chain(candidate, matches)
            found = _from_match(chain[0], original)
            if len(chain) > 1 and found.is_numeric:
                strengths = candidate[chain[0].start() : chain[-1].end()]
                note = (
                    f"combination product ('{strengths}'): one unit is {found.describe()} of the "
                    "first component; enter the dose of that component"
                )
                return Descriptor(found.kind, found.amount, found.text, note)
            return found
        if candidate is outside and not _NOC_RE.search(candidate):
            if _VIAL_RE.search(candidate):
                return Descriptor(
                    DescriptorKind.PER_VIAL, Quantity(Decimal(1), Unit.VIAL), original
                )
            dose = _DOSE_RE.search(candidate)
            if dose:
                note = (
                    "tiered by days of therapy: one unit per injection"
                    if dose.group("days")
                    else ""
                )
                return Descriptor(
                    DescriptorKind.PER_DOSE, Quantity(Decimal(1), Unit.DOSE), original, note
                )
    return Descriptor.unparsed(original, "no dose amount, vial or dose in the description")


def descriptors_agree(first: Descriptor, second: Descriptor) -> bool:
    """True when two descriptors give the same billing arithmetic.

    "Up to 50 mg" agrees with "50 MG"; "1 g" with "1000 mg"; two unreadable ones never agree.
    """
    if first.amount is None or second.amount is None:
        return False
    if not first.amount.convertible_to(second.amount.unit):
        return False
    if first.amount.unit.dimension is second.amount.unit.dimension and (
        first.kind in (DescriptorKind.PER_VIAL, DescriptorKind.PER_DOSE)
        or second.kind in (DescriptorKind.PER_VIAL, DescriptorKind.PER_DOSE)
    ):
        return True  # "per vial" and "per dose" bill one unit per item either way
    return first.amount.to(second.amount.unit).amount == second.amount.amount


def descriptor_label(descriptor: Descriptor) -> str:
    """Short label used in lists: "10 mg", "up to 50 mg", "per vial", "?"."""
    if descriptor.amount is None:
        return "?"
    if descriptor.kind is DescriptorKind.PER_VIAL:
        return "per vial"
    if descriptor.kind is DescriptorKind.PER_DOSE:
        return "per dose"
    prefix = "up to " if descriptor.kind is DescriptorKind.UP_TO else ""
    return f"{prefix}{descriptor.amount}"
