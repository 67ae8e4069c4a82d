"""The calculation options beyond the dose: payer rules, 340B, weight/BSA, containers by NDC.

:func:`jcalc.service.calculate_from_text` calls these so the command line and the window resolve
them the same way: what the entry sets wins, then the clinic's saved settings, then the cited
defaults of :mod:`jcalc.core.billing`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from jcalc.catalog.store import Catalog
from jcalc.core.billing import (
    DEFAULT_MAX_UNITS_PER_LINE,
    DEFAULT_REPEAT_MODIFIER,
    BillingRules,
    Entity340B,
    check_max_units_per_line,
)
from jcalc.core.body import body_dose
from jcalc.core.calculate import DoseRequest
from jcalc.core.drug import DrugCode, NdcProduct
from jcalc.core.errors import InputError
from jcalc.core.ndc import format_ndc, normalize_ndc
from jcalc.core.packages import Choice, PackageSpec, Portion, least_waste, split_dose
from jcalc.core.quantity import Quantity
from jcalc.core.units import dose_in_descriptor_unit

# Level II modifiers whose dates the HCPCS file gives (76 and 77 are CPT modifiers: not in it).
CHECKED_MODIFIERS = ("JW", "JZ", "JG", "TB")
NO_MODIFIER = "none"


@dataclass(frozen=True)
class BillingDefaults:
    """The clinic's saved billing settings (or the cited defaults when it set none)."""

    max_units_per_line: int = DEFAULT_MAX_UNITS_PER_LINE
    repeat_modifier: str | None = DEFAULT_REPEAT_MODIFIER
    program_340b: bool = False  # drugs are 340B-acquired unless said otherwise per entry
    entity_340b: Entity340B = Entity340B.UNSPECIFIED


class BillingSource(Protocol):
    """Where saved billing settings come from (:class:`jcalc.userdata.ClinicStore`)."""

    def billing_defaults(self) -> BillingDefaults:
        """The clinic's billing settings."""
        ...

    def ndc_concentration(self, ndc: str) -> str | None:
        """The concentration the clinic saved for an 11-digit NDC, as typed, or None."""
        ...


@dataclass(frozen=True)
class BillingChoice:
    """What one entry says about the payer rules (None: use the clinic's or the default)."""

    program_340b: bool | None = None
    entity_340b: Entity340B | None = None
    max_units_per_line: int | None = None
    repeat_modifier: str | None = None  # "76", "77" or "none"


def billing_rules(
    catalog: Catalog, choice: BillingChoice, defaults: BillingDefaults, day: date
) -> tuple[BillingRules, list[str]]:
    """The rules for one calculation, and sentences naming where a non-default one came from."""
    notes: list[str] = []
    limit = choice.max_units_per_line
    if limit is None:
        limit = defaults.max_units_per_line
        if limit != DEFAULT_MAX_UNITS_PER_LINE:
            notes.append(f"Units per line: at most {limit:,}, the clinic's setting.")
    check_max_units_per_line(limit)
    repeat = defaults.repeat_modifier if choice.repeat_modifier is None else choice.repeat_modifier
    if repeat is not None and repeat.lower() == NO_MODIFIER:
        repeat = None
    in_340b = defaults.program_340b if choice.program_340b is None else choice.program_340b
    entity = None
    if in_340b:
        entity = choice.entity_340b or defaults.entity_340b
    validity = {code: catalog.modifier_valid_on(code, day) for code in CHECKED_MODIFIERS}
    rules = BillingRules(
        max_units_per_line=limit,
        repeat_modifier=repeat,
        entity_340b=entity,
        modifier_validity=validity,
    )
    return rules, notes


def resolve_dose(
    text: str, *, weight: str | None, height: str | None, bsa: str | None
) -> tuple[str, tuple[str, ...]]:
    """The dose text to parse and the steps that led to it (an order per kg or m² is scaled)."""
    worked = body_dose(text, weight=weight, height=height, bsa=bsa)
    if worked is None:
        if weight or height or bsa:
            raise InputError(
                "a weight, height or BSA was given but the dose is not per kg or per m²; "
                "type the order like 5 mg/kg or 375 mg/m2"
            )
        return text, ()
    return f"{worked.dose.amount} {worked.dose.unit.label}", worked.steps


def _product_of(catalog: Catalog, drug: DrugCode, text: str) -> NdcProduct:
    ndc = normalize_ndc(text)
    for row in catalog.ndc(ndc):
        if row.hcpcs == drug.hcpcs:
            return row
    raise InputError(
        f"NDC {format_ndc(ndc)} is not an NDC of {drug.hcpcs} in the ASP crosswalk, so its "
        "content is unknown; give the container's content instead (e.g. 500 mg)"
    )


def _content(drug: DrugCode, product: NdcProduct) -> Quantity:
    content = product.item_content(drug.descriptor)
    if content is None:
        raise InputError(
            f"the content of one item of NDC {format_ndc(product.ndc)} is not known; "
            "give the container's content instead (e.g. 500 mg)"
        )
    return content


def _dose_for_split(drug: DrugCode, request: DoseRequest) -> Quantity:
    if request.dose is None:
        raise InputError("containers of several NDCs need the dose, not units entered by hand")
    concentration = request.concentration
    if concentration is None and request.product is not None:
        concentration = request.product.concentration(drug.descriptor)
    return dose_in_descriptor_unit(request.dose, drug.descriptor, concentration=concentration)


def auto_portions(
    catalog: Catalog, drug: DrugCode, request: DoseRequest
) -> tuple[list[Portion[NdcProduct]], str]:
    """Least-waste containers among the same labeler's products of the code.

    The labeler is the one of the entry's NDC (its first five digits); every product of the code
    with a known content per item is a candidate (the crosswalk does not say which are
    single-dose: the biller states that the containers are).
    """
    if request.product is None:
        raise InputError(
            "--package auto needs --ndc: the containers are chosen among that labeler's "
            "products of the code"
        )
    labeler = request.product.ndc[:5]
    options = [
        Choice(product, content)
        for product in catalog.ndcs_for_code(drug.hcpcs)
        if not product.extra.get("identifier")  # a skin substitute's "GG100" is not an NDC
        and product.ndc[:5] == labeler
        and (content := product.item_content(drug.descriptor)) is not None
    ]
    if not options:
        raise InputError(
            f"no product of labeler {labeler} for {drug.hcpcs} has a known content per item"
        )
    dose = _dose_for_split(drug, request)
    picked = least_waste(dose, options)
    groups = [(product, _content(drug, product), count) for product, count in picked]
    portions = split_dose(dose, groups)
    sizes = ", ".join(
        f"{format_ndc(c.key.ndc)} ({c.content})"
        for c in sorted(options, key=lambda c: c.content.amount, reverse=True)
    )
    picked_text = " + ".join(f"{n} × {_content(drug, p)}" for p, n in picked)
    sentence = (
        f"Containers chosen for least discarded drug (then fewest containers) among labeler "
        f"{labeler}'s products of {drug.hcpcs}: {sizes} → {picked_text}."
    )
    return portions, sentence


def ndc_portions(
    catalog: Catalog, drug: DrugCode, request: DoseRequest, specs: tuple[PackageSpec, ...]
) -> list[Portion[NdcProduct]] | None:
    """Portions for containers named by NDC; None when no container names an NDC."""
    if not any(spec.ndc_text for spec in specs):
        return None
    if any(spec.ndc_text is None for spec in specs):
        raise InputError(
            "name every container by its NDC, or none: a content and an NDC cannot be mixed"
        )
    counts: dict[str, tuple[NdcProduct, int]] = {}
    for spec in specs:
        assert spec.ndc_text is not None
        product = _product_of(catalog, drug, spec.ndc_text)
        previous = counts.get(product.ndc, (product, 0))[1]
        counts[product.ndc] = (product, previous + spec.count)
    groups = [(product, _content(drug, product), n) for product, n in counts.values()]
    return split_dose(_dose_for_split(drug, request), groups)
