"""Dose to claim lines: units, JW/JZ, NDC quantity, checks, and the arithmetic in words."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from jcalc.core.billing import BillingRules, invalid_modifier_warnings, program_modifiers
from jcalc.core.checks import check_code_date, mue_warnings, noc_note
from jcalc.core.claim import ClaimLine, LineRole, format_money, make_lines
from jcalc.core.containers import ContainerType, Wastage, compute_wastage, fewest_items
from jcalc.core.descriptor import Descriptor, DescriptorKind, descriptors_agree, parse_descriptor
from jcalc.core.drug import DrugCode, NdcProduct
from jcalc.core.errors import InputError
from jcalc.core.ndc import NdcQualifier, format_ndc, format_ndc_quantity, round_ndc_quantity
from jcalc.core.quantity import (
    Concentration,
    Dimension,
    Quantity,
    Unit,
    format_decimal,
    parse_concentration,
)
from jcalc.core.units import MAX_BILLING_UNITS, dose_in_descriptor_unit, units_for

JW = "JW"
JZ = "JZ"


@dataclass(frozen=True)
class DoseRequest:
    """Everything the biller states about one drug given to one patient on one day."""

    dose: Quantity | None
    date_of_service: date
    container_type: ContainerType = ContainerType.UNKNOWN
    containers: tuple[Quantity, ...] = ()  # labelled content of each opened single-dose container
    product: NdcProduct | None = None
    concentration: Concentration | None = None  # overrides the product's, e.g. typed by the biller
    units_override: int | None = None  # the biller's own units when the descriptor is unreadable
    qualifier_override: NdcQualifier | None = None
    charge_per_unit: Decimal | None = None
    drug_name: str = ""  # for the NOC note when neither the NDC nor the code names the drug
    rules: BillingRules = field(default_factory=BillingRules)  # units per line, 76, 340B
    dose_steps: tuple[str, ...] = ()  # how the dose was worked out (per kg, per m²)
    given_to_others: Quantity | None = None  # from the same opened containers, other patients


@dataclass(frozen=True)
class Calculation:
    """The result: claim lines, warnings and the arithmetic that led to them."""

    drug: DrugCode
    request: DoseRequest
    dose_in_descriptor_unit: Quantity | None
    administered_units: int
    wastage: Wastage | None
    lines: tuple[ClaimLine, ...]
    warnings: tuple[str, ...]
    explanation: tuple[str, ...]
    noc_note: str | None = None
    concentration: Concentration | None = field(default=None)

    @property
    def total_units(self) -> int:
        """Units over all lines of the drug (JW included)."""
        return sum(line.units for line in self.lines)

    @property
    def asp_total(self) -> Decimal | None:
        """Sum of the lines' ASP estimates, when every line has one."""
        values = [line.asp_estimate for line in self.lines]
        if not values or any(v is None for v in values):
            return None
        return sum((v for v in values if v is not None), Decimal(0))


_SEMISOLID_RE = re.compile(r"\b(?:gel|cream|ointment|paste)s?\b", re.IGNORECASE)


def _qualifier(product: NdcProduct, override: NdcQualifier | None, drug: DrugCode) -> NdcQualifier:
    """The claim's unit qualifier: the biller's or clinic's, else GR for a gel, cream or ointment
    (named in the product or the descriptor), ML for a liquid of known volume, UN otherwise."""
    if override is not None:
        return override
    if _SEMISOLID_RE.search(product.drug_name) or _SEMISOLID_RE.search(drug.long_description):
        return NdcQualifier.GR
    return NdcQualifier.ML if product.volume_known else NdcQualifier.UN


_QUALIFIER_UNITS = {NdcQualifier.ME: Unit.MG, NdcQualifier.GR: Unit.G, NdcQualifier.F2: Unit.UNITS}


def _ndc_quantity(
    amount: Quantity,
    qualifier: NdcQualifier,
    *,
    concentration: Concentration | None,
    item_content: Quantity | None,
    item_grams: Decimal | None = None,
) -> Decimal | None:
    """The NDC quantity for ``amount`` of drug (descriptor unit) in the qualifier's unit.

    ML: the volume (through the concentration); GR: the share of the items' grams (the package
    size of a gel tube) or the amount in g; ME, F2: the amount in mg or units; UN: the number of
    items, a fraction when an item is only partly used.
    """
    if qualifier is NdcQualifier.ML:
        if amount.unit.dimension is Dimension.VOLUME:
            return round_ndc_quantity(amount.to(Unit.ML).amount)
        if concentration is None:
            return None
        return round_ndc_quantity(concentration.volume_of(amount).amount)
    if qualifier is NdcQualifier.GR and item_content is not None and item_grams is not None:
        return round_ndc_quantity(
            amount.to(item_content.unit).amount / item_content.amount * item_grams
        )
    target = _QUALIFIER_UNITS.get(qualifier)
    if target is not None:
        if not amount.convertible_to(target):
            return None
        return round_ndc_quantity(amount.to(target).amount)
    if item_content is None or not amount.convertible_to(item_content.unit):
        return None
    return round_ndc_quantity(amount.to(item_content.unit).amount / item_content.amount)


def calculate(drug: DrugCode, request: DoseRequest) -> Calculation:
    """Turn one administered dose into claim lines.

    Raises :class:`InputError` (or a subclass) for anything the biller must correct; returns
    warnings for what the biller must know.
    """
    check_code_date(drug, request.date_of_service)
    descriptor = drug.descriptor
    product = request.product
    if product is not None and product.hcpcs != drug.hcpcs:
        raise InputError(
            f"NDC {format_ndc(product.ndc)} is not an NDC of {drug.hcpcs}; "
            f"the ASP crosswalk maps it to {product.hcpcs}"
        )
    warnings: list[str] = []
    explanation: list[str] = [_descriptor_sentence(drug, descriptor)]
    warnings.extend(_descriptor_warnings(drug, descriptor))

    item_content = product.item_content(descriptor) if product else None
    concentration = request.concentration or (
        product.concentration(descriptor) if product else None
    )
    derived = request.concentration is None and concentration is not None
    if product is not None:
        explanation.append(_product_sentence(product, item_content, concentration, derived))
        if derived and concentration is not None:
            warnings.extend(_strength_warnings(product, concentration))
    explanation.extend(request.dose_steps)

    dose_converted: Quantity | None = None
    if request.units_override is not None:
        administered = _units_override(request.units_override, descriptor)
        explanation.append(f"Units entered by the biller: {administered} units.")
    else:
        if request.dose is None:
            raise InputError("no dose was given")
        if not descriptor.is_numeric:
            raise InputError(
                f"{drug.hcpcs}'s descriptor '{descriptor.text}' cannot be read, so jcalc will not "
                "guess the units; enter the billing units yourself"
            )
        dose_converted = dose_in_descriptor_unit(
            request.dose, descriptor, concentration=concentration, item_content=item_content
        )
        administered = units_for(dose_converted, descriptor)
        explanation.extend(
            _units_sentences(request.dose, dose_converted, descriptor, administered, concentration)
        )

    others = _given_to_others(request, descriptor, concentration, item_content)
    wastage, container_warnings, container_sentences = _containers(
        request, descriptor, dose_converted, item_content, others
    )
    warnings.extend(container_warnings)
    explanation.extend(container_sentences)

    program, program_sentences = program_modifiers(request.rules, request.date_of_service)
    modifiers: tuple[str, ...] = ()
    if wastage is not None:
        modifiers = () if wastage.discarded_units > 0 else (JZ,)

    qualifier = _qualifier(product, request.qualifier_override, drug) if product else None
    if item_content is None and request.containers and len(set(request.containers)) == 1:
        item_content = request.containers[0]  # UN counts the opened containers
    admin_quantity = jw_quantity = None
    if product is not None and qualifier is not None and dose_converted is not None:
        grams = product.pkg_size if product.pkg_size and product.pkg_size > 0 else None
        admin_quantity = _ndc_quantity(
            dose_converted,
            qualifier,
            concentration=concentration,
            item_content=item_content,
            item_grams=grams,
        )
        if wastage is not None and wastage.discarded_units > 0:
            jw_quantity = _ndc_quantity(
                wastage.discarded,
                qualifier,
                concentration=concentration,
                item_content=item_content,
                item_grams=grams,
            )
        if admin_quantity is None:
            warnings.append(
                f"the NDC quantity in {qualifier.value} ({qualifier.meaning}) cannot be computed "
                "from the crosswalk data; enter it by hand"
            )
    if request.units_override is not None and product is not None:
        warnings.append("units were entered by hand: enter the NDC quantity by hand too")

    ndc = product.ndc if product else None
    lines = make_lines(
        hcpcs=drug.hcpcs,
        units=administered,
        role=LineRole.ADMINISTERED,
        modifiers=modifiers + program,
        ndc=ndc,
        qualifier=qualifier,
        ndc_quantity=admin_quantity,
        payment_limit=drug.payment_limit,
        charge_per_unit=request.charge_per_unit,
        limit=request.rules.max_units_per_line,
        repeat_modifier=request.rules.repeat_modifier,
    )
    if wastage is not None and wastage.discarded_units > 0:
        lines += make_lines(
            hcpcs=drug.hcpcs,
            units=wastage.discarded_units,
            role=LineRole.DISCARDED,
            modifiers=(JW, *program),
            ndc=ndc,
            qualifier=qualifier,
            ndc_quantity=jw_quantity,
            payment_limit=drug.payment_limit,
            charge_per_unit=request.charge_per_unit,
            limit=request.rules.max_units_per_line,
            repeat_modifier=request.rules.repeat_modifier,
        )
    explanation.extend(_repeat_sentences(lines, request.rules))
    explanation.extend(program_sentences)
    warnings.extend(
        invalid_modifier_warnings(
            {m for line in lines for m in line.modifiers} - set(program),
            request.rules,
            request.date_of_service,
        )
    )
    explanation.extend(_ndc_sentences(lines))
    explanation.extend(_price_sentences(drug, lines))

    warnings.extend(mue_warnings(drug.hcpcs, drug.mue, lines))
    if drug.mue is None:
        explanation.append(
            f"No MUE is published for {drug.hcpcs}; that does not mean the units are unlimited."
        )
    note = None
    if drug.is_noc:
        dose_text = str(request.dose) if request.dose else f"{administered} units"
        name = _noc_drug_name(drug, request)
        note = noc_note(name, dose_text, format_ndc(product.ndc) if product else None)
        missing = [] if product else ["the NDC"]
        if not name:
            missing.insert(0, "the drug name")
        warnings.append(
            f"{drug.hcpcs} is on CMS's list of not-otherwise-classified codes: put the drug name, "
            f"dose and NDC in item 19 / loop 2400 NTE ('{note}')"
            + (f"; still missing: {' and '.join(missing)}" if missing else "")
        )
    return Calculation(
        drug=drug,
        request=request,
        dose_in_descriptor_unit=dose_converted,
        administered_units=administered,
        wastage=wastage,
        lines=tuple(lines),
        warnings=tuple(warnings),
        explanation=tuple(explanation),
        noc_note=note,
        concentration=concentration,
    )


def _repeat_sentences(lines: list[ClaimLine], rules: BillingRules) -> list[str]:
    limit = rules.max_units_per_line
    if not any(line.units == limit for line in lines) or len(lines) < 2:
        return []
    repeat = (
        f"; the second and later lines carry modifier {rules.repeat_modifier} (repeat)"
        if rules.repeat_modifier
        else ""
    )
    return [
        f"A line carries at most {limit:,} units (the payer's limit per claim line), so the "
        f"line repeats{repeat}. MUE and ASP count every line."
    ]


def _given_to_others(
    request: DoseRequest,
    descriptor: Descriptor,
    concentration: Concentration | None,
    item_content: Quantity | None,
) -> Quantity | None:
    """The drug given to other patients from the same containers, in the descriptor's unit."""
    if request.given_to_others is None:
        return None
    if request.container_type is not ContainerType.SINGLE_DOSE and not request.containers:
        raise InputError(
            "drug given to other patients (--given-to-others) only applies to opened "
            "single-dose containers: mark the container as single-dose"
        )
    return dose_in_descriptor_unit(
        request.given_to_others, descriptor, concentration=concentration, item_content=item_content
    )


def _noc_drug_name(drug: DrugCode, request: DoseRequest) -> str:
    """The drug's name for a NOC note: typed, else the NDC's, else the code's own when specific."""
    if request.drug_name.strip():
        return request.drug_name.strip()
    if request.product is not None and request.product.drug_name.strip():
        return request.product.drug_name.strip()
    return drug.name if drug.descriptor.is_numeric else ""


def _units_override(units: int, descriptor: Descriptor) -> int:
    if units <= 0:
        raise InputError(f"the units entered ({units}) must be a whole number of at least 1")
    if units > MAX_BILLING_UNITS:
        raise InputError(f"{units:,} units is more than any real administration")
    return units


def _descriptor_sentence(drug: DrugCode, descriptor: Descriptor) -> str:
    if descriptor.kind is DescriptorKind.UNPARSED:
        return f"{drug.hcpcs} has no readable dosage descriptor ('{drug.long_description}')."
    kind = {
        DescriptorKind.PER_AMOUNT: f"1 unit per {descriptor.describe()}",
        DescriptorKind.UP_TO: f"1 unit per {descriptor.describe()}",
        DescriptorKind.PER_VIAL: "1 unit per vial",
        DescriptorKind.PER_DOSE: "1 unit per dose",
    }[descriptor.kind]
    return f"{drug.hcpcs} bills {kind} (long description: '{drug.long_description}')."


def _descriptor_warnings(drug: DrugCode, descriptor: Descriptor) -> list[str]:
    warnings: list[str] = []
    if descriptor.note and descriptor.is_numeric:
        warnings.append(f"descriptor: {descriptor.note}")
    if drug.asp_dosage and descriptor.is_numeric:
        asp = parse_descriptor(drug.asp_dosage)
        if asp.is_numeric and not descriptors_agree(descriptor, asp):
            warnings.append(
                f"the ASP file's dosage '{drug.asp_dosage}' differs from the long descriptor "
                f"({descriptor.describe()}); units follow the long descriptor"
            )
    return warnings


_NAME_STRENGTH_RE = re.compile(
    r"(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>mg|mcg|g|units?)\s*/\s*(?P<volume>\d+(?:\.\d+)?)?\s*ml"
    r"|(?P<percent>\d+(?:\.\d+)?)\s*%",
    re.IGNORECASE,
)


def _strength_warnings(product: NdcProduct, derived: Concentration) -> list[str]:
    """A warning when a strength in the product's name disagrees with the derived concentration."""
    match = _NAME_STRENGTH_RE.search(product.drug_name)
    if match is None:
        return []
    try:
        if match.group("percent"):
            named = parse_concentration(f"{match.group('percent')}%")
        else:
            volume = match.group("volume") or "1"
            named = parse_concentration(
                f"{match.group('amount')} {match.group('unit')}/{volume} mL"
            )
    except InputError:
        return []
    if not named.per_ml.convertible_to(derived.per_ml.unit):
        return []
    if named.per_ml.to(derived.per_ml.unit).amount == derived.per_ml.amount:
        return []
    return [
        f"the product name '{product.drug_name}' says {named}, but the concentration derived "
        f"from the crosswalk is {derived}; give --concentration (or save one for this NDC) if "
        "the label says otherwise"
    ]


def _product_sentence(
    product: NdcProduct,
    content: Quantity | None,
    concentration: Concentration | None,
    derived: bool = False,
) -> str:
    name = " ".join(p for p in (product.drug_name.strip(), f"({product.labeler})") if p.strip("()"))
    parts = [f"NDC {format_ndc(product.ndc)} {name}".rstrip()]
    if content is not None:
        parts.append(f"holds {content} per item")
    if concentration is not None and derived:
        parts.append(
            f"at {concentration} derived from the crosswalk (content ÷ PKG SIZE "
            f"{format_decimal(product.pkg_size or Decimal(0))} mL: an assumption, the label wins)"
        )
    elif concentration is not None:
        parts.append(f"at {concentration} (as given)")
    return ", ".join(parts) + "."


def _units_sentences(
    dose: Quantity,
    converted: Quantity,
    descriptor: Descriptor,
    units: int,
    concentration: Concentration | None,
) -> list[str]:
    sentences: list[str] = []
    if dose.unit is not converted.unit:
        via = (
            f" at {concentration}"
            if concentration and dose.unit.dimension is not converted.unit.dimension
            else ""
        )
        sentences.append(f"Dose {dose} = {converted}{via}.")
    assert descriptor.amount is not None
    ratio = converted.amount / descriptor.amount.to(converted.unit).amount
    exact = ratio == ratio.to_integral_value()
    shown = ratio_text(ratio)
    if exact:
        result = f"{units} units"
    elif ratio < 1:
        result = f"{shown}, less than one unit, bills as 1 unit"
    else:
        result = f"{shown}, rounded up to {units} units"
    sentences.append(f"{converted} ÷ {descriptor.amount} per unit = {result}.")
    return sentences


def ratio_text(ratio: Decimal) -> str:
    """A quotient for display: exact when short, else four decimals and an ellipsis."""
    exact = format_decimal(ratio)
    return exact if len(exact) <= 10 else format_decimal(ratio, places=4) + "…"


def _containers(
    request: DoseRequest,
    descriptor: Descriptor,
    dose: Quantity | None,
    item_content: Quantity | None,
    others: Quantity | None = None,
) -> tuple[Wastage | None, list[str], list[str]]:
    """Wastage of single-dose containers, with the warnings and sentences that go with it.

    ``others`` is drug from the same containers given to other patients: it is neither billed
    here nor discarded, so the waste (billed only on this claim) is what nobody received.
    """
    if request.container_type is ContainerType.MULTI_DOSE:
        return None, [], ["Multi-dose container: no JW or JZ modifier."]
    if request.container_type is ContainerType.UNKNOWN and not request.containers:
        return (
            None,
            [
                "container type unknown: JW/JZ could not be determined (single-dose "
                "containers need JW for discarded drug, or JZ when none is discarded)"
            ],
            [],
        )
    if dose is None or descriptor.amount is None:
        return (
            None,
            ["units were entered by hand, so discarded drug (JW) could not be computed"],
            [],
        )
    containers = request.containers
    sentences: list[str] = []
    if not containers:
        if item_content is None:
            return (
                None,
                [
                    "single-dose container, but its content is not known: JW/JZ could not be "
                    "determined; give the opened containers or pick an NDC"
                ],
                [],
            )
        needed = dose if others is None else Quantity(dose.amount + others.amount, dose.unit)
        count = fewest_items(needed, item_content)
        containers = (item_content,) * count
        sentences.append(
            f"Fewest containers of this NDC that hold the dose: {count} × {item_content}."
        )
    wastage = compute_wastage(dose, containers, descriptor, others=others)
    opened = " + ".join(str(c) for c in wastage.containers)
    sentences.append(f"Opened single-dose containers: {opened} = {wastage.total}.")
    shared = f" − {others} given to other patients" if others is not None else ""
    if others is not None:
        sentences.append(
            f"Shared containers: {others} went to other patients; the waste is billed once, on "
            "this claim only (JW: not administered to any patient)."
        )
    if wastage.discarded_units > 0:
        ratio = wastage.discarded.amount / descriptor.amount.to(wastage.discarded.unit).amount
        sentences.append(
            f"Discarded {wastage.total} − {dose}{shared} = {wastage.discarded}; "
            f"{wastage.discarded} ÷ {descriptor.amount} = {ratio_text(ratio)}"
            f" → {wastage.discarded_units} units on a separate line with JW (rounded down)."
        )
    else:
        leftover = (
            f" ({wastage.discarded} left, less than one unit)" if wastage.discarded.amount else ""
        )
        sentences.append(f"Nothing billable discarded{leftover}: the line carries JZ.")
    return wastage, [], sentences


def _ndc_sentences(lines: list[ClaimLine]) -> list[str]:
    sentences = []
    for line in lines:
        if line.ndc_quantity is not None and line.ndc_qualifier is not None:
            label = "JW line" if line.role is LineRole.DISCARDED else "Administered line"
            sentences.append(
                f"{label}: NDC quantity {line.ndc_qualifier.value}"
                f"{format_ndc_quantity(line.ndc_quantity)} ({line.ndc_qualifier.meaning}), "
                f"not the HCPCS units ({line.units})."
            )
    return sentences


def _price_sentences(drug: DrugCode, lines: list[ClaimLine]) -> list[str]:
    if drug.payment_limit is None:
        return ["No ASP payment limit is published for this code this quarter."]
    units = sum(line.units for line in lines)
    total = sum((line.asp_estimate or Decimal(0) for line in lines), Decimal(0))
    word = "unit" if units == 1 else "units"
    rounding = "each line rounded to the cent" if len(lines) > 1 else "rounded to the cent"
    if any(line.role is LineRole.DISCARDED for line in lines):
        rounding += "; JW units included"
    return [
        f"ASP estimate: payment limit ${format_decimal(drug.payment_limit)} per unit × "
        f"{units} {word} = {format_money(total)} ({rounding})."
    ]
