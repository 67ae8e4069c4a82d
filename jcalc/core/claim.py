"""Claim lines: what goes on the claim for one drug, with its NDC data and price estimate."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

from jcalc.core.billing import DEFAULT_MAX_UNITS_PER_LINE
from jcalc.core.ndc import NdcQualifier, format_ndc, format_ndc_quantity, shaded_line

# The default limit of units on one claim line (a setting: see jcalc.core.billing).
MAX_UNITS_PER_LINE = DEFAULT_MAX_UNITS_PER_LINE
CENT = Decimal("0.01")


class LineRole(Enum):
    """Why a line is on the claim."""

    ADMINISTERED = "administered"
    DISCARDED = "discarded"  # JW
    ADMINISTRATION = "administration"  # a CPT administration code number


@dataclass(frozen=True)
class ClaimLine:
    """One service line of the claim."""

    hcpcs: str
    units: int
    role: LineRole
    modifiers: tuple[str, ...] = ()
    ndc: str | None = None  # 11 digits
    ndc_qualifier: NdcQualifier | None = None
    ndc_quantity: Decimal | None = None
    asp_estimate: Decimal | None = None
    charge: Decimal | None = None  # the clinic's own charge, when it has set one

    @property
    def shaded_line(self) -> str | None:
        """CMS-1500 item 24 shaded text, when the line has an NDC and a quantity."""
        if self.ndc is None or self.ndc_qualifier is None or self.ndc_quantity is None:
            return None
        return shaded_line(self.ndc, self.ndc_qualifier, self.ndc_quantity)

    @property
    def ndc_display(self) -> str | None:
        """5-4-2 form of the NDC."""
        return format_ndc(self.ndc) if self.ndc else None

    @property
    def ndc_quantity_display(self) -> str | None:
        """ "ML45" style quantity with its qualifier."""
        if self.ndc_qualifier is None or self.ndc_quantity is None:
            return None
        return f"{self.ndc_qualifier.value}{format_ndc_quantity(self.ndc_quantity)}"

    @property
    def modifiers_display(self) -> str:
        """Modifiers joined for display ("JW"), or an empty string."""
        return " ".join(self.modifiers)


def money(value: Decimal) -> Decimal:
    """Round to cents, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(value: Decimal) -> str:
    """ "$1,234.56"."""
    return f"${money(value):,.2f}"


def split_units(units: int, limit: int = MAX_UNITS_PER_LINE) -> list[int]:
    """Unit counts of repeated lines when ``units`` exceeds what one line can carry."""
    if units <= limit:
        return [units]
    full, rest = divmod(units, limit)
    return [limit] * full + ([rest] if rest else [])


def make_lines(
    *,
    hcpcs: str,
    units: int,
    role: LineRole,
    modifiers: tuple[str, ...],
    ndc: str | None,
    qualifier: NdcQualifier | None,
    ndc_quantity: Decimal | None,
    payment_limit: Decimal | None,
    charge_per_unit: Decimal | None,
    limit: int = MAX_UNITS_PER_LINE,
    repeat_modifier: str | None = None,
) -> list[ClaimLine]:
    """Lines for ``units`` of one code, repeated when over the per-line ``limit``.

    The second and later lines carry ``repeat_modifier`` (76) when given. A repeated line takes
    its share of the NDC quantity in proportion to its units; the last line takes the remainder
    so the quantities add up exactly.
    """
    parts = split_units(units, limit)
    lines: list[ClaimLine] = []
    given = Decimal(0)
    for index, part in enumerate(parts):
        quantity: Decimal | None = None
        if ndc_quantity is not None:
            if index == len(parts) - 1:
                quantity = ndc_quantity - given
            else:
                quantity = (ndc_quantity * part / units).quantize(Decimal("0.001"))
                given += quantity
        lines.append(
            ClaimLine(
                hcpcs=hcpcs,
                units=part,
                role=role,
                modifiers=modifiers + ((repeat_modifier,) if index and repeat_modifier else ()),
                ndc=ndc,
                ndc_qualifier=qualifier if ndc else None,
                ndc_quantity=quantity if ndc else None,
                asp_estimate=money(payment_limit * part) if payment_limit is not None else None,
                charge=money(charge_per_unit * part) if charge_per_unit is not None else None,
            )
        )
    return lines
