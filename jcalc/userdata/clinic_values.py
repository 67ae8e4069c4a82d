"""Checks and limits of the clinic's data: codes, charges, NDCs, notes, names, option keys."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Final

from jcalc.core.containers import ContainerType
from jcalc.core.errors import InputError
from jcalc.core.ndc import NdcQualifier, normalize_ndc
from jcalc.core.quantity import shown
from jcalc.core.summary import AdministrationCode, parse_administration_codes
from jcalc.userdata.database import UserDataError

CODE_RE: Final = re.compile(r"[A-Z][0-9]{4}|[0-9]{4}[0-9A-Z]")
MAX_CHARGE: Final = Decimal("1000000")
CHARGE_PLACES: Final = 4
MAX_NOTE_LENGTH: Final = 2000
MAX_NAME_LENGTH: Final = 200
MAX_ADMINISTRATION_ENTRIES: Final = 5000  # one per drug code, far more than any catalog holds
RECENT_KEPT: Final = 200  # recently used codes remembered

KEY_CLINIC_NAME: Final = "clinic_name"
KEY_PATIENT_FIELD: Final = "patient_field"
PRINT_PREFIX: Final = "print."
ADMIN_PREFIX: Final = "admin_codes."  # + a HCPCS code: its administration code numbers
OPTION_PAGE_SIZE: Final = "page_size"  # printing options the window and the CLI use
OPTION_GRAYSCALE: Final = "grayscale"
PAGE_SIZES: Final = ("Letter", "A4", "Legal")
_OPTION_KEY: Final = re.compile(r"[a-z][a-z0-9_.-]{0,63}")
CONTAINER_CHOICES: Final = (ContainerType.SINGLE_DOSE, ContainerType.MULTI_DOSE)


class ClinicDataError(UserDataError):
    """A value of the clinic's data is not valid; the message says which and why."""


def parse_code(text: str) -> str:
    """A HCPCS Level II code (J9312) or a five-character CPT number (96413), upper case."""
    code = str(text).strip().upper()
    if not CODE_RE.fullmatch(code):
        raise ClinicDataError(
            f"'{str(text).strip()}' is not a HCPCS code: a letter and four digits (J9312) or "
            "five digits (96413)"
        )
    return code


def parse_charge(value: Decimal | str | int | None) -> Decimal | None:
    """A charge per unit: not negative, at most 4 decimals; "$1,234.50" is accepted."""
    if value is None:
        return None
    if isinstance(value, float):
        raise ClinicDataError("give the charge as text or Decimal, not a float")
    text = str(value).strip().replace("$", "").replace(",", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ClinicDataError(f"'{value}' is not an amount of money") from None
    if not amount.is_finite():
        raise ClinicDataError(f"'{value}' is not an amount of money")
    if amount < 0:
        raise ClinicDataError(f"the charge {value} is negative")
    if amount > MAX_CHARGE:
        raise ClinicDataError(f"the charge {value} per unit is more than {MAX_CHARGE:,}")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -CHARGE_PLACES:
        raise ClinicDataError(f"the charge {value} has more than {CHARGE_PLACES} decimals")
    return amount


def parse_ndc(text: str | None) -> str | None:
    """An NDC as 11 digits (5-4-2, 4-4-2, 5-3-2, 5-4-1 or 11 digits); blank gives None."""
    if text is None or not str(text).strip():
        return None
    try:
        return normalize_ndc(str(text))
    except InputError as exc:
        raise ClinicDataError(str(exc)) from exc


def parse_qualifier(text: str | NdcQualifier) -> NdcQualifier:
    """An NDC unit qualifier: UN, ML, GR, F2 or ME."""
    if isinstance(text, NdcQualifier):
        return text
    try:
        return NdcQualifier(str(text).strip().upper())
    except ValueError:
        choices = ", ".join(q.value for q in NdcQualifier)
        raise ClinicDataError(
            f"'{str(text).strip()}' is not an NDC unit qualifier: use one of {choices}"
        ) from None


def parse_container(text: str | ContainerType | None) -> ContainerType | None:
    """single-dose or multi-dose (blank gives None: ask each time)."""
    if text is None or isinstance(text, ContainerType):
        if text is ContainerType.UNKNOWN:
            return None
        return text
    cleaned = str(text).strip().lower().replace(" ", "-").replace("_", "-")
    if not cleaned:
        return None
    for choice in CONTAINER_CHOICES:
        if cleaned in (choice.value, choice.value.split("-")[0]):
            return choice
    raise ClinicDataError(
        f"'{str(text).strip()}' is not a container type: use single-dose or multi-dose"
    )


def parse_note(text: str | None) -> str:
    """A free-text note (trimmed, at most 2000 characters)."""
    note = (text or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise ClinicDataError(f"the note is longer than {MAX_NOTE_LENGTH} characters")
    return note


def parse_clinic_name(text: str) -> str:
    """The clinic's name as printed (blanks collapsed, at most 200 characters)."""
    name = " ".join(str(text).split())
    if len(name) > MAX_NAME_LENGTH:
        raise ClinicDataError(f"the clinic name is longer than {MAX_NAME_LENGTH} characters")
    return name


def parse_option_key(key: str) -> str:
    """A printing option name: lower-case letters, digits, '_', '.', '-'."""
    cleaned = str(key).strip().lower()
    if not _OPTION_KEY.fullmatch(cleaned):
        raise ClinicDataError(
            f"'{key}' is not a printing option name (letters, digits, '_', '.', '-')"
        )
    return cleaned


def administration_text(codes: Sequence[AdministrationCode]) -> str:
    """Administration codes as stored: "96413, 96415 x2"."""
    return ", ".join(c.code + (f" x{c.units}" if c.units > 1 else "") for c in codes)


def validate_administration(raw: object) -> dict[str, str]:
    """Remembered administration codes per HCPCS code (an imported file's), checked and
    normalized; ClinicDataError names the first bad entry."""
    if not isinstance(raw, Mapping) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in raw.items()
    ):
        raise ClinicDataError("the administration codes are not texts by HCPCS code")
    if len(raw) > MAX_ADMINISTRATION_ENTRIES:
        raise ClinicDataError("too many remembered administration codes")
    out: dict[str, str] = {}
    for code, text in raw.items():
        try:
            codes = parse_administration_codes(text)
        except InputError as error:
            raise ClinicDataError(f"administration codes of {shown(code)}: {error}") from None
        if codes:
            out[parse_code(code)] = administration_text(codes)
    return out
