"""Opened containers as typed (``500 mg``, ``2x50242-0053-06``, ``auto``); the least-waste pick.

A container is named by its content or by an NDC (whose content the crosswalk gives). With
several NDCs the dose is split between them, one claim line per NDC, largest containers used
first so any waste sits in the last one opened.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Generic, TypeVar

from jcalc.core.errors import InputError
from jcalc.core.quantity import Quantity, normalize_text, parse_quantity, shown

AUTO = "auto"
MAX_COUNT = 200  # containers of one kind in one administration
MAX_CHOICES = 8  # distinct container sizes the least-waste search considers
SEARCH_BUDGET = 20_000  # combinations tried at most: hostile input cannot blow the search up

_COUNT_RE = re.compile(r"^(?P<count>\d{1,4})\s*[x×*]\s*(?P<rest>.+)$", re.IGNORECASE)
_NDC_RE = re.compile(r"^\d{4,5}-\d{3,4}-\d{1,2}$|^\d{11}$")

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class PackageSpec:
    """One ``--package`` value: ``count`` containers of a content or of an NDC."""

    count: int
    content: Quantity | None = None
    ndc_text: str | None = None


def parse_package(text: str) -> PackageSpec:
    """``500 mg``, ``3x100 mg``, ``50242-0051-21`` or ``2x50242-0053-06``."""
    cleaned = normalize_text(text)
    count = 1
    match = _COUNT_RE.match(cleaned)
    if match is not None:
        count = int(match.group("count"))
        cleaned = match.group("rest").strip()
        if not 1 <= count <= MAX_COUNT:
            raise InputError(
                f"the container count in '{shown(text)}' must be between 1 and {MAX_COUNT}"
            )
    if _NDC_RE.match(cleaned):
        return PackageSpec(count, ndc_text=cleaned)
    return PackageSpec(count, content=parse_quantity(cleaned, what="container content"))


def parse_packages(texts: Sequence[str]) -> tuple[tuple[PackageSpec, ...], bool]:
    """The specs of every ``--package`` value, and whether one of them is ``auto``."""
    auto = any(t.strip().lower() == AUTO for t in texts)
    if auto and len(texts) > 1:
        raise InputError("--package auto chooses the containers itself: give it alone")
    specs = tuple(parse_package(t) for t in texts if t.strip().lower() != AUTO)
    if sum(spec.count for spec in specs) > MAX_COUNT:
        raise InputError(f"more than {MAX_COUNT} opened containers: check the containers")
    return specs, auto


@dataclass(frozen=True)
class Choice(Generic[K]):
    """A container option of the least-waste search: its key (an NDC) and its content."""

    key: K
    content: Quantity


def least_waste(dose: Quantity, options: Sequence[Choice[K]]) -> list[tuple[K, int]]:
    """How many containers of each option to open: least content over the dose, then fewest.

    600 mg from 500 mg and 100 mg vials is one of each (no waste). Options of equal size keep the
    first. The search is bounded (the :data:`MAX_CHOICES` smallest sizes, :data:`SEARCH_BUDGET`
    steps); when the budget runs out the best combination found so far is used.
    """
    by_size: dict[Decimal, Choice[K]] = {}
    for option in options:
        size = option.content.to(dose.unit).amount
        if size > 0:
            by_size.setdefault(size, option)
    sizes = sorted(sorted(by_size)[:MAX_CHOICES], reverse=True)  # small sizes matter for waste
    if not sizes:
        raise InputError("no container of a known size can hold the dose")
    target = dose.amount
    if (target / sizes[-1]).to_integral_value(ROUND_CEILING) > MAX_COUNT:
        raise InputError(f"{dose} needs more than {MAX_COUNT} containers; check the dose")
    best: tuple[Decimal, int, tuple[int, ...]] | None = None
    steps = 0

    def search(index: int, remaining: Decimal, counts: tuple[int, ...], total: Decimal) -> None:
        nonlocal best, steps
        steps += 1
        if steps > SEARCH_BUDGET:
            return
        if best is not None and (total, sum(counts)) >= best[:2]:
            return
        if remaining <= 0:
            best = (total, sum(counts), counts)
            return
        if index == len(sizes):
            return
        size = sizes[index]
        most = int((remaining / size).to_integral_value(ROUND_CEILING))
        if index == len(sizes) - 1:
            search(index + 1, remaining - most * size, (*counts, most), total + most * size)
            return
        for count in range(most, -1, -1):
            search(index + 1, remaining - count * size, (*counts, count), total + count * size)

    search(0, target, (), Decimal(0))
    if best is None:  # pragma: no cover - the smallest size alone always covers the dose
        raise InputError(f"no combination of containers holds {dose}")
    counts = zip(sizes, best[2], strict=False)
    return [(by_size[size].key, count) for size, count in counts if count]


@dataclass(frozen=True)
class Portion(Generic[K]):
    """The part of the dose drawn from the containers of one kind (one NDC)."""

    key: K
    containers: tuple[Quantity, ...]
    given: Quantity  # drug of the dose drawn from these containers


def split_dose(dose: Quantity, groups: Sequence[tuple[K, Quantity, int]]) -> list[Portion[K]]:
    """Split ``dose`` over ``count`` containers of each ``content``, largest containers first.

    Every container but the last one drawn from is emptied, so the waste sits in one place;
    containers holding less than the dose in all are an error.
    """
    ordered = sorted(groups, key=lambda g: g[1].to(dose.unit).amount, reverse=True)
    remaining = dose.amount
    portions: list[Portion[K]] = []
    for key, content, count in ordered:
        size = content.to(dose.unit).amount
        drawn = min(remaining, size * count)
        remaining -= drawn
        portions.append(Portion(key, (content,) * count, Quantity(drawn, dose.unit)))
    if remaining > 0:
        total = sum((c.to(dose.unit).amount * n for _, c, n in groups), Decimal(0))
        raise InputError(
            f"the containers hold {Quantity(total, dose.unit)}, less than the dose of {dose}; "
            "add the other containers that were opened"
        )
    empty = [p for p in portions if p.given.amount == 0]
    if empty:
        raise InputError(
            f"the dose of {dose} does not need the container(s) of {empty[0].containers[0]}; "
            "list only the containers that were opened"
        )
    return portions
