"""Billing units: the dose in the descriptor's unit, divided by the descriptor, rounded up."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from jcalc.core.descriptor import Descriptor, DescriptorKind
from jcalc.core.errors import DescriptorError, InputError
from jcalc.core.quantity import Concentration, Dimension, Quantity, check_plausible

# A calculation giving more units than this is a typo far more often than a real administration.
MAX_BILLING_UNITS = 100_000


def _require_amount(descriptor: Descriptor) -> Quantity:
    if descriptor.amount is None or descriptor.kind is DescriptorKind.UNPARSED:
        raise DescriptorError(
            f"the descriptor '{descriptor.text}' cannot be read, so units cannot be computed; "
            "enter the billing units yourself"
        )
    try:
        check_plausible(descriptor.amount, "descriptor amount")
    except InputError as error:  # a damaged catalog value ("0", "1e-999999999")
        raise DescriptorError(f"{error} (descriptor '{descriptor.text[:80]}')") from None
    return descriptor.amount


def dose_in_descriptor_unit(
    dose: Quantity,
    descriptor: Descriptor,
    *,
    concentration: Concentration | None = None,
    item_content: Quantity | None = None,
) -> Quantity:
    """The dose expressed in the unit of the descriptor.

    Mass, volume and activity convert within their own dimension only. A volume becomes a mass (or
    the reverse) only through a known concentration; a count of vials becomes an amount only
    through a known content per vial.
    """
    target = _require_amount(descriptor).unit
    if dose.convertible_to(target):
        return dose.to(target)
    if dose.unit.dimension is Dimension.VOLUME:
        if concentration is None:
            raise InputError(
                f"the dose {dose} is a volume, but the concentration of the product is not known; "
                f"enter the dose in {target.label}, or pick an NDC or give a concentration"
            )
        if not concentration.per_ml.convertible_to(target):
            raise InputError(
                f"the product's concentration {concentration} cannot give {target.label}"
            )
        return concentration.amount_in(dose).to(target)
    if target.dimension is Dimension.VOLUME:
        if concentration is None or not dose.convertible_to(concentration.per_ml.unit):
            raise InputError(
                f"this code bills by volume ({descriptor.describe()}); enter the dose in mL, "
                "or pick an NDC whose concentration is known"
            )
        return concentration.volume_of(dose)
    if dose.unit.dimension is Dimension.COUNT:
        if item_content is None or not item_content.convertible_to(target):
            raise InputError(
                f"the dose {dose} counts containers, but the content of one is not known; "
                f"enter the dose in {target.label} or pick an NDC"
            )
        return Quantity(dose.amount * item_content.to(target).amount, target)
    if target.dimension is Dimension.COUNT:
        raise InputError(
            f"this code bills {descriptor.describe()} at a time; enter the dose as a number of "
            f"{target.plural_label(Decimal(2))}, such as 1 {target.label}"
        )
    raise InputError(
        f"the dose {dose} is in {dose.unit.dimension.value} ({dose.unit.label}) but this code "
        f"bills {descriptor.describe()} ({target.dimension.value}); these do not convert"
    )


# A dose under this fraction of one billing unit is a typo or a unit mix-up ("1e-30 mg").
MIN_UNIT_FRACTION = Decimal("0.000001")


def units_for(amount: Quantity, descriptor: Descriptor) -> int:
    """Whole billing units for ``amount``: amount ÷ descriptor, rounded UP (a part unit is 1).

    A dose under a millionth of the descriptor is refused as implausible rather than billed as
    one unit.
    """
    per_unit = _require_amount(descriptor)
    ratio = amount.to(per_unit.unit).amount / per_unit.amount
    if ratio < MIN_UNIT_FRACTION:
        raise InputError(
            f"the dose {amount} is implausible: less than a millionth of one billing unit "
            f"({descriptor.describe()}); check the number and its unit"
        )
    _check_plausible(ratio, amount)
    units = int(ratio.to_integral_value(rounding=ROUND_CEILING))
    return max(units, 1)


def whole_units_in(amount: Quantity, descriptor: Descriptor) -> int:
    """Whole billing units fully contained in ``amount``, rounded DOWN (used for discarded drug)."""
    per_unit = _require_amount(descriptor)
    if amount.amount <= 0:
        return 0
    ratio = amount.to(per_unit.unit).amount / per_unit.amount
    _check_plausible(ratio, amount)
    return int(ratio.to_integral_value(rounding=ROUND_FLOOR))


def _check_plausible(ratio: Decimal, amount: Quantity) -> None:
    """Refuse a unit count no administration reaches, before it becomes a (huge) int."""
    if ratio > MAX_BILLING_UNITS:
        whole = int(ratio.to_integral_value(rounding=ROUND_CEILING)) if ratio.adjusted() < 12 else 0
        shown = f"{whole:,}" if whole else "more than a trillion"
        raise InputError(
            f"{amount} would be {shown} billing units, more than any real administration; "
            "check the dose and its unit"
        )
