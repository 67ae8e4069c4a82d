"""The clinic's billing settings: units per line, repeat modifier, 340B, concentrations per NDC.

Kept as ``billing.*`` keys of the ``settings`` table (no schema change), validated here, and
turned into the :class:`jcalc.calc_options.BillingDefaults` every calculation starts from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from jcalc.calc_options import NO_MODIFIER, BillingDefaults
from jcalc.core.billing import (
    DEFAULT_MAX_UNITS_PER_LINE,
    DEFAULT_REPEAT_MODIFIER,
    REPEAT_MODIFIER_CHOICES,
    Entity340B,
    check_max_units_per_line,
    parse_entity,
)
from jcalc.core.errors import InputError
from jcalc.core.ndc import normalize_ndc
from jcalc.core.quantity import parse_concentration, shown
from jcalc.userdata.database import UserDatabase, UserDataError

BILLING_PREFIX: Final = "billing."
KEY_MAX_UNITS: Final = "max_units_per_line"
KEY_REPEAT: Final = "repeat_modifier"
KEY_340B: Final = "340b"
KEY_ENTITY: Final = "340b_entity"
CONCENTRATION_PREFIX: Final = "ndc_concentration."
MAX_CONCENTRATIONS: Final = 5000


class BillingSettingError(UserDataError):
    """A billing setting is not valid; the message says which and why."""


def parse_max_units(text: str | int) -> str:
    """A limit of units per claim line as stored text (1 to 9,999)."""
    try:
        value = int(str(text).strip().replace(",", ""))
    except ValueError:
        raise BillingSettingError(
            f"'{shown(str(text))}' is not a whole number of units per line"
        ) from None
    try:
        check_max_units_per_line(value)
    except InputError as error:
        raise BillingSettingError(str(error)) from None
    return str(value)


def parse_repeat(text: str) -> str:
    """``76``, ``77`` or ``none``."""
    cleaned = str(text).strip().lower()
    if cleaned not in (*REPEAT_MODIFIER_CHOICES, NO_MODIFIER):
        raise BillingSettingError(
            f"'{shown(str(text))}' is not a repeat modifier: use 76, 77 or none"
        )
    return cleaned


def parse_on_off(text: str | bool) -> str:
    """``on``/``off`` (or a bool) as "1"/"0"."""
    if isinstance(text, bool):
        return "1" if text else "0"
    cleaned = str(text).strip().lower()
    if cleaned in ("on", "yes", "1", "true"):
        return "1"
    if cleaned in ("off", "no", "0", "false"):
        return "0"
    raise BillingSettingError(f"'{shown(str(text))}' is not on or off")


def parse_entity_text(text: str) -> str:
    """A 340B entity type as stored text."""
    try:
        return parse_entity(str(text)).value
    except InputError as error:
        raise BillingSettingError(str(error)) from None


def parse_concentration_text(text: str) -> str:
    """A concentration as typed ("100 mg/mL", "10%"), checked."""
    try:
        parse_concentration(str(text))
    except InputError as error:
        raise BillingSettingError(str(error)) from None
    return " ".join(str(text).split())


def concentration_key(ndc: str) -> str:
    """The settings key of an NDC's saved concentration."""
    try:
        return CONCENTRATION_PREFIX + normalize_ndc(ndc)
    except InputError as error:
        raise BillingSettingError(str(error)) from None


_VALIDATORS = {
    KEY_MAX_UNITS: parse_max_units,
    KEY_REPEAT: parse_repeat,
    KEY_340B: parse_on_off,
    KEY_ENTITY: parse_entity_text,
}


def check_key(key: str) -> str:
    """A billing setting's name (an NDC concentration's with its NDC as 11 digits)."""
    if key in _VALIDATORS:
        return key
    if key.startswith(CONCENTRATION_PREFIX):
        return concentration_key(key[len(CONCENTRATION_PREFIX) :])
    raise BillingSettingError(f"'{shown(key)}' is not a billing setting")


def validate(billing: Mapping[str, str]) -> dict[str, str]:
    """Every billing key and value checked (an imported file's, or a setter's)."""
    out: dict[str, str] = {}
    if len(billing) > MAX_CONCENTRATIONS + len(_VALIDATORS):
        raise BillingSettingError("too many billing settings")
    for key, value in billing.items():
        if key in _VALIDATORS:
            out[key] = _VALIDATORS[key](value)
        elif key.startswith(CONCENTRATION_PREFIX):
            out[concentration_key(key[len(CONCENTRATION_PREFIX) :])] = parse_concentration_text(
                value
            )
        else:
            raise BillingSettingError(f"'{shown(key)}' is not a billing setting")
    return out


def defaults_from(billing: Mapping[str, str]) -> BillingDefaults:
    """The defaults a calculation starts from; unreadable stored values fall back to the cited."""
    try:
        limit = int(parse_max_units(billing.get(KEY_MAX_UNITS, DEFAULT_MAX_UNITS_PER_LINE)))
    except BillingSettingError:
        limit = DEFAULT_MAX_UNITS_PER_LINE
    repeat: str | None = billing.get(KEY_REPEAT, DEFAULT_REPEAT_MODIFIER)
    if repeat not in REPEAT_MODIFIER_CHOICES:
        repeat = None if repeat == NO_MODIFIER else DEFAULT_REPEAT_MODIFIER
    try:
        entity = parse_entity(billing.get(KEY_ENTITY, Entity340B.UNSPECIFIED.value))
    except InputError:
        entity = Entity340B.UNSPECIFIED
    return BillingDefaults(
        max_units_per_line=limit,
        repeat_modifier=repeat,
        program_340b=billing.get(KEY_340B) == "1",
        entity_340b=entity,
    )


def read_concentration(database: UserDatabase, ndc: str) -> str | None:
    """The concentration saved for an NDC, or None."""
    key = BILLING_PREFIX + concentration_key(ndc)
    rows = database.query("SELECT value FROM settings WHERE key = ?", (key,))
    return str(rows[0][0]) if rows else None


def write(database: UserDatabase, key: str, value: str | None) -> None:
    """Store one billing setting, validated first (None removes it)."""
    name = check_key(key)
    if value is not None:
        ((name, value),) = validate({name: value}).items()
    with database.transaction() as connection:
        if value is None:
            connection.execute("DELETE FROM settings WHERE key = ?", (BILLING_PREFIX + name,))
        else:
            connection.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (BILLING_PREFIX + name, value),
            )
