"""One drug from containers of several NDCs: one set of claim lines per NDC.

Each NDC's part of the dose is calculated on its own (its units, its JW or JZ, its NDC quantity);
the MUE check and the ASP total then count every line of the drug together.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_CEILING, Decimal

from jcalc.core.calculate import Calculation, DoseRequest, calculate
from jcalc.core.checks import mue_warnings
from jcalc.core.containers import ContainerType, Wastage
from jcalc.core.drug import DrugCode, NdcProduct
from jcalc.core.errors import InputError
from jcalc.core.ndc import format_ndc
from jcalc.core.packages import Portion
from jcalc.core.quantity import Quantity

_NO_MUE_PREFIX = "No MUE is published"
_ONCE_PREFIXES = ("340B-acquired", "A line carries at most")  # said once for all NDCs


def calculate_portions(
    drug: DrugCode,
    request: DoseRequest,
    portions: list[Portion[NdcProduct]],
    *,
    chosen: str = "",
) -> Calculation:
    """Claim lines for a dose drawn from the containers of several NDCs.

    ``request`` describes the whole dose; each portion names its product, its opened containers
    and the part of the dose drawn from them. ``chosen`` is a sentence saying how the containers
    were picked. The administered units of all NDCs together never exceed the units of the dose.
    """
    if request.dose is None:
        raise InputError("give the dose to split it between several NDCs")
    if request.given_to_others is not None:
        raise InputError(
            "drug given to other patients (--given-to-others) needs the containers of one NDC"
        )
    quiet = replace(drug, mue=None)
    parts: list[Calculation] = []
    for portion in portions:
        part_request = replace(
            request,
            dose=portion.given,
            product=portion.key,
            containers=portion.containers,
            container_type=ContainerType.SINGLE_DOSE,
            dose_steps=(),
        )
        parts.append(calculate(quiet, part_request))
    whole = parts[0]
    descriptor = drug.descriptor
    if descriptor.amount is None:
        raise InputError("the descriptor cannot be read, so the dose cannot be split by NDC")
    unit = descriptor.amount.unit
    converted = Quantity(sum((p.given.to(unit).amount for p in portions), Decimal(0)), unit)
    due = int(
        (converted.amount / descriptor.amount.to(converted.unit).amount).to_integral_value(
            ROUND_CEILING
        )
    )
    administered = sum(part.administered_units for part in parts)
    warnings: list[str] = []
    if administered > due:
        warnings.append(
            f"rounding each NDC's part up gives {administered} administered units, more than the "
            f"{due} of the whole dose; bill {due} and adjust one NDC's line"
        )
    lines = tuple(line for part in parts for line in part.lines)
    warnings.extend(mue_warnings(drug.hcpcs, drug.mue, list(lines)))
    for part in parts:
        warnings.extend(w for w in part.warnings if w not in warnings)
    explanation: list[str] = [whole.explanation[0], *request.dose_steps]
    if chosen:
        explanation.append(chosen)
    for portion, part in zip(portions, parts, strict=True):
        explanation.append(
            f"NDC {format_ndc(portion.key.ndc)}: {part.request.dose} of the dose "
            f"from {len(portion.containers)} × {portion.containers[0]}."
        )
        explanation.extend(
            e
            for e in part.explanation[1:]
            if not e.startswith(_NO_MUE_PREFIX)
            and not (e.startswith(_ONCE_PREFIXES) and e in explanation)
        )
    if drug.mue is None:
        explanation.append(
            f"{_NO_MUE_PREFIX} for {drug.hcpcs}; that does not mean the units are unlimited."
        )
    discarded = sum((p.wastage.discarded.amount for p in parts if p.wastage), converted.amount * 0)
    total = sum((p.wastage.total.amount for p in parts if p.wastage), converted.amount * 0)
    wastage = Wastage(
        containers=tuple(c for p in parts if p.wastage for c in p.wastage.containers),
        total=Quantity(total, converted.unit),
        discarded=Quantity(discarded, converted.unit),
        discarded_units=sum(p.wastage.discarded_units for p in parts if p.wastage),
    )
    return Calculation(
        drug=drug,
        request=request,
        dose_in_descriptor_unit=converted,
        administered_units=administered,
        wastage=wastage,
        lines=lines,
        warnings=tuple(warnings),
        explanation=tuple(explanation),
        noc_note=whole.noc_note,
        concentration=request.concentration,
    )
