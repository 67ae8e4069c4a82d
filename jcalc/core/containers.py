"""Containers of drug: which to open for a dose, and what is left over for the JW line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from enum import Enum

from jcalc.core.descriptor import Descriptor
from jcalc.core.errors import InputError
from jcalc.core.quantity import Quantity, Unit
from jcalc.core.units import whole_units_in

# More containers than this for one administration is a typing error, not a real case.
MAX_CONTAINERS = 200


class ContainerType(Enum):
    """Whether the drug came from single-dose containers (JW/JZ apply) or not."""

    SINGLE_DOSE = "single-dose"
    MULTI_DOSE = "multi-dose"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Wastage:
    """The opened single-dose containers and the drug left in them after the dose."""

    containers: tuple[Quantity, ...]
    total: Quantity
    discarded: Quantity
    discarded_units: int


def _total(amounts: Sequence[Quantity], unit: Unit) -> Quantity:
    return Quantity(sum((a.to(unit).amount for a in amounts), Decimal(0)), unit)


def fewest_items(dose: Quantity, content: Quantity) -> int:
    """How many items of ``content`` each are needed to hold ``dose``."""
    count = int((dose.amount / content.to(dose.unit).amount).to_integral_value(ROUND_CEILING))
    if count > MAX_CONTAINERS:
        raise InputError(
            f"{dose} would need {count} containers of {content}; check the dose and its unit"
        )
    return max(count, 1)


def choose_containers(dose: Quantity, sizes: Sequence[Quantity]) -> list[Quantity]:
    """The smallest combination of container sizes that covers ``dose``.

    Least total content first (least waste), then fewest containers: 300 mg from 100 mg and
    400 mg vials is three 100 mg vials, not one 400 mg vial.
    """
    distinct = sorted({s.to(dose.unit).amount for s in sizes if s.amount > 0}, reverse=True)
    if not distinct:
        raise InputError("no container size is known for this product")
    best: tuple[Decimal, int, tuple[int, ...]] | None = None

    def search(index: int, remaining: Decimal, counts: tuple[int, ...], total: Decimal) -> None:
        nonlocal best
        if best is not None and (total, sum(counts)) >= best[:2]:
            return
        if remaining <= 0:
            best = (total, sum(counts), counts)
            return
        if index == len(distinct):
            return
        size = distinct[index]
        most = int((remaining / size).to_integral_value(ROUND_CEILING))
        if sum(counts) + most > MAX_CONTAINERS and index == len(distinct) - 1:
            return
        for count in range(most, -1, -1):
            search(index + 1, remaining - count * size, (*counts, count), total + count * size)

    search(0, dose.amount, (), Decimal(0))
    if best is None:
        raise InputError(f"{dose} needs more than {MAX_CONTAINERS} containers; check the dose")
    chosen: list[Quantity] = []
    for size, count in zip(distinct, best[2], strict=False):
        chosen.extend([Quantity(size, dose.unit)] * count)
    return chosen


def compute_wastage(
    dose: Quantity,
    containers: Sequence[Quantity],
    descriptor: Descriptor,
    *,
    others: Quantity | None = None,
) -> Wastage:
    """Drug left in the opened containers and the whole billing units it makes (rounded down).

    ``dose`` (and ``others``, drug from the same containers given to other patients) and the
    containers must convert into the descriptor's unit; containers that hold less than all the
    drug given are an error.
    """
    if descriptor.amount is None:
        raise InputError("the descriptor cannot be read, so discarded units cannot be computed")
    unit = descriptor.amount.unit
    if not containers:
        raise InputError("no opened container was given")
    if len(containers) > MAX_CONTAINERS:
        raise InputError(f"{len(containers)} containers is more than one administration opens")
    for container in containers:
        if container.amount <= 0:
            raise InputError(f"a container of {container} holds nothing")
        if not container.convertible_to(unit):
            raise InputError(
                f"a container of {container} cannot be compared with a dose in {unit.label}"
            )
    total = _total(containers, unit)
    given = dose.to(unit)
    if others is not None:
        given = Quantity(given.amount + others.to(unit).amount, unit)
    if total.amount < given.amount:
        raise InputError(
            f"the opened containers hold {total}, less than the "
            + (f"{given} given to this and other patients" if others else f"dose of {given}")
            + "; add the other containers that were opened"
        )
    discarded = Quantity(total.amount - given.amount, unit)
    return Wastage(
        containers=tuple(c.to(unit) for c in containers),
        total=total,
        discarded=discarded,
        discarded_units=whole_units_in(discarded, descriptor),
    )
