"""What the dose panel's fields say, read without Qt: the texts as typed, checked with the core's
parsers field by field, and the engine's input they make.

No figure is worked out here: a weight-based order ("5 mg/kg") is only checked for form, and
:func:`jcalc.service.calculate_from_text` scales it, as it does for ``jcalc calc --weight``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from jcalc.calc_options import BillingChoice
from jcalc.core.body import parse_bsa, parse_height, parse_weight, split_order
from jcalc.core.containers import ContainerType
from jcalc.core.errors import JcalcError
from jcalc.core.ndc import AmbiguousNdcError, normalize_ndc
from jcalc.core.packages import parse_packages
from jcalc.core.quantity import parse_concentration, parse_quantity
from jcalc.service import CalcInput

CONTAINER_CHOICES: tuple[tuple[str, ContainerType], ...] = (
    ("Unknown", ContainerType.UNKNOWN),
    ("Single-dose", ContainerType.SINGLE_DOSE),
    ("Multi-dose", ContainerType.MULTI_DOSE),
)

FIELDS = (
    "dose", "weight", "height", "bsa", "packages", "others", "ndc", "concentration", "units",
    "charge",
)  # fmt: skip
BODY_FIELDS = ("weight", "height", "bsa")  # the patient's, kept from one drug to the next
AUTO_QUALIFIER = "Auto"
MAX_COUNT_PREFIX = 200  # "3 x 100 mg": more opened containers than this is a typing slip

_COUNT_PREFIX_RE = re.compile(r"^(?P<count>\d+)\s*[x×*]\s*(?P<rest>.+)$", re.IGNORECASE)


def split_packages(text: str) -> tuple[str, ...]:
    """ "500 mg, 100 mg" or "3 x 100 mg" → one text per opened container."""
    out: list[str] = []
    for part in re.split(r"[,;+]", text):
        part = part.strip()
        if not part:
            continue
        match = _COUNT_PREFIX_RE.match(part)
        if match and int(match.group("count")) <= MAX_COUNT_PREFIX:
            out.extend([match.group("rest").strip()] * int(match.group("count")))
        else:
            out.append(part)
    return tuple(out)


def parse_charge(text: str) -> Decimal | None:
    """ "$12.50" or "1,200" as a positive Decimal; None when blank; ValueError otherwise."""
    cleaned = text.strip().replace("$", "").replace(",", "").strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"'{text.strip()}' is not an amount of money, such as 12.50") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"'{text.strip()}' is not an amount of money, such as 12.50")
    return value


def charge_text(value: Decimal | None) -> str:
    """A charge as typed in the charge field: "12.50" (blank for None)."""
    return "" if value is None else format(value, "f")


def charge_change(text: str, saved: Decimal | None) -> tuple[bool, bool]:
    """(changed, forget): the typed charge is valid and differs from the clinic's saved one;
    saving it would forget the saved charge (the field was emptied)."""
    try:
        typed = parse_charge(text)
    except ValueError:
        return False, False
    return typed != saved, typed is None and saved is not None


def is_body_order(text: str) -> bool:
    """True when ``text`` is an order per kg or per m² ("5 mg/kg", "375 mg/m2")."""
    try:
        return split_order(text) is not None
    except JcalcError:
        return True  # it has the form of an order; the dose field says what is wrong


@dataclass(frozen=True)
class EntryTexts:
    """Every field of the dose panel as typed (blank strings for empty fields)."""

    dose: str
    date_of_service: date
    container: ContainerType
    packages: str = ""
    given_to_others: str = ""  # drug from the same opened containers given to other patients
    ndc: str = ""
    qualifier: str | None = None
    concentration: str = ""
    units: str = ""  # only when the code's descriptor cannot be read
    charge: str = ""
    program_340b: bool = False
    weight: str = ""
    height: str = ""
    bsa: str = ""


@dataclass(frozen=True)
class EntryCheck:
    """What the panel's fields make: the engine's input, or the errors per field."""

    entry: CalcInput | None
    errors: dict[str, str]


def _check_body(texts: EntryTexts, errors: dict[str, str]) -> None:
    """Form of the weight, height and BSA fields (the service applies them to the order)."""
    checks = (
        ("weight", texts.weight, parse_weight),
        ("height", texts.height, parse_height),
        ("bsa", texts.bsa, parse_bsa),
    )
    for name, text, parse in checks:
        if text.strip():
            try:
                parse(text.strip())
            except JcalcError as error:
                errors[name] = str(error)


def check_entry(code: str, texts: EntryTexts) -> EntryCheck:
    """Read every field; the engine input for ``code``, or the errors by field."""
    errors: dict[str, str] = {}
    dose_text = texts.dose.strip()
    order = bool(dose_text) and is_body_order(dose_text)
    if dose_text:
        try:
            split_order(dose_text) if order else parse_quantity(dose_text)
        except JcalcError as error:
            errors["dose"] = str(error)
    if order:
        _check_body(texts, errors)
    packages = split_packages(texts.packages)
    try:
        parse_packages(packages)  # contents, NDCs or "auto", as `jcalc calc --package`
    except JcalcError as error:
        errors["packages"] = str(error)
    others = texts.given_to_others.strip()
    if others:
        try:
            parse_quantity(others, what="amount given to other patients")
        except JcalcError as error:
            errors["others"] = str(error)
    ndc_text = texts.ndc.strip()
    if ndc_text:
        try:
            normalize_ndc(ndc_text)
        except AmbiguousNdcError:
            pass  # the service resolves it against the catalog, or says why it cannot
        except JcalcError as error:
            errors["ndc"] = str(error)
    concentration = texts.concentration.strip()
    if concentration:
        try:
            parse_concentration(concentration)
        except JcalcError as error:
            errors["concentration"] = str(error)
    units: int | None = None
    units_text = texts.units.strip()
    if units_text:
        if units_text.isdigit() and int(units_text) >= 1:
            units = int(units_text)
        else:
            errors["units"] = f"'{units_text}' is not a whole number of units (1 or more)"
    charge: Decimal | None = None
    try:
        charge = parse_charge(texts.charge)
    except ValueError as error:
        errors["charge"] = str(error)
    if errors:
        return EntryCheck(None, errors)
    entry = CalcInput(
        code=code,
        dose=dose_text or None,
        date_of_service=texts.date_of_service,
        packages=packages,
        given_to_others=others or None,
        ndc=ndc_text or None,
        container=texts.container,
        units=units,
        concentration=concentration or None,
        qualifier=texts.qualifier,
        charge_per_unit=charge,
        billing=BillingChoice(program_340b=True if texts.program_340b else None),
        # Only with an order: a weight left in the field must not make a plain dose an error.
        weight=(texts.weight.strip() or None) if order else None,
        height=(texts.height.strip() or None) if order else None,
        bsa=(texts.bsa.strip() or None) if order else None,
    )
    return EntryCheck(entry, {})
