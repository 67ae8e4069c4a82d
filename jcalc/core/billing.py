"""Payer rules applied to a drug's claim lines: units per line, the repeat modifier, 340B.

These are settings, not forks: the defaults come from published Medicare contractor guidance
(cited on each constant) and a clinic or a single calculation may change them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from jcalc.core.errors import InputError
from jcalc.core.quantity import shown

# First Coast (FCSO), "Hemophilia clotting factor billing" (claim submission guidelines 0489833):
# no claim line may carry more than 9,999 units; Noridian JF's hemophilia clotting factor page
# bills 22,000 IU as 9,999 + 9,999 + 2,002.
DEFAULT_MAX_UNITS_PER_LINE = 9999
MIN_UNITS_PER_LINE = 1
# The same pages: modifier 76 (repeat procedure) on the second and subsequent lines.
DEFAULT_REPEAT_MODIFIER = "76"
REPEAT_MODIFIER_CHOICES = ("76", "77")

# 340B: JG ended 2024-12-31 in the HCPCS file; TB continues (and is required of every 340B
# covered entity from 2025-01-01).
TB = "TB"
JG = "JG"
JG_LAST_DAY = date(2024, 12, 31)


class Entity340B(Enum):
    """A 340B covered entity's type, which picked JG or TB before 2025."""

    EXEMPT = "exempt"  # rural sole community, children's or PPS-exempt cancer hospital: TB
    NON_EXEMPT = "non-exempt"  # every other covered entity: JG
    UNSPECIFIED = "unspecified"  # enough from 2025 on (TB for everyone)

    @property
    def meaning(self) -> str:
        """Plain words for the type."""
        return {
            "exempt": "rural sole community, children's or PPS-exempt cancer hospital",
            "non-exempt": "340B covered entity other than the exempt hospitals",
            "unspecified": "340B covered entity (type not set)",
        }[self.value]


def parse_entity(text: str) -> Entity340B:
    """``exempt``, ``non-exempt`` or ``unspecified``; InputError otherwise."""
    cleaned = text.strip().lower().replace("_", "-").replace(" ", "-")
    for entity in Entity340B:
        if cleaned == entity.value:
            return entity
    raise InputError(
        f"'{shown(text.strip())}' is not a 340B entity type: use exempt (TB before 2025), "
        "non-exempt (JG before 2025) or unspecified"
    )


def modifier_340b(entity: Entity340B, day: date) -> str:
    """TB or JG for a 340B-acquired drug given on ``day`` (TB for everyone from 2025)."""
    if day > JG_LAST_DAY:
        return TB
    if entity is Entity340B.EXEMPT:
        return TB
    if entity is Entity340B.NON_EXEMPT:
        return JG
    raise InputError(
        f"before 2025 a 340B drug carries JG or TB by entity type; the date of service "
        f"{day.isoformat()} needs the entity type (exempt or non-exempt)"
    )


@dataclass(frozen=True)
class BillingRules:
    """How a drug's units become lines, and the modifiers every line of the drug carries.

    ``modifier_validity`` maps a modifier to whether the HCPCS file lists it as valid on the date
    of service (None: not known); the service reads it from the catalog so the core stays pure.
    """

    max_units_per_line: int = DEFAULT_MAX_UNITS_PER_LINE
    repeat_modifier: str | None = DEFAULT_REPEAT_MODIFIER
    entity_340b: Entity340B | None = None  # None: the drug was not 340B-acquired
    modifier_validity: Mapping[str, bool | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_max_units_per_line(self.max_units_per_line)
        if self.repeat_modifier is not None and self.repeat_modifier not in (
            REPEAT_MODIFIER_CHOICES
        ):
            raise InputError(
                f"'{self.repeat_modifier[:10]}' is not a repeat modifier: use 76, 77 or none"
            )


def check_max_units_per_line(value: int) -> int:
    """``value`` when it is a sensible limit of units per line (1 to 9,999)."""
    if not MIN_UNITS_PER_LINE <= value <= DEFAULT_MAX_UNITS_PER_LINE:
        raise InputError(
            f"the units per line ({value:,}) must be between {MIN_UNITS_PER_LINE} and "
            f"{DEFAULT_MAX_UNITS_PER_LINE:,} (Medicare's limit per claim line)"
        )
    return value


def program_modifiers(rules: BillingRules, day: date) -> tuple[tuple[str, ...], list[str]]:
    """Modifiers for every line of the drug (the 340B one) and the sentences explaining them.

    Raises InputError when the 340B modifier is not valid on ``day`` per the HCPCS file.
    """
    if rules.entity_340b is None:
        return (), []
    modifier = modifier_340b(rules.entity_340b, day)
    valid = rules.modifier_validity.get(modifier)
    if valid is False:
        raise InputError(
            f"modifier {modifier} is not valid on {day.isoformat()} according to the HCPCS file; "
            + ("use TB from 2025-01-01" if modifier == JG else "check the catalog's HCPCS file")
        )
    why = (
        "TB for every 340B covered entity from 2025-01-01 (JG ended 2024-12-31)"
        if day > JG_LAST_DAY
        else f"{modifier} for a {rules.entity_340b.meaning} before 2025"
    )
    checked = (
        " (valid on the date of service per the HCPCS file)"
        if valid
        else " (the catalog could not confirm it is valid on the date of service)"
    )
    return (modifier,), [
        f"340B-acquired drug: {modifier} on every line of the drug, JW line included: "
        f"{why}{checked}."
    ]


def invalid_modifier_warnings(modifiers: set[str], rules: BillingRules, day: date) -> list[str]:
    """Warnings for modifiers on the lines that the HCPCS file says are not valid on ``day``."""
    return [
        f"modifier {modifier} is not valid on {day.isoformat()} according to the HCPCS file"
        for modifier in sorted(modifiers)
        if rules.modifier_validity.get(modifier) is False
    ]
