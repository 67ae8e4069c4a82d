"""Calculations as plain data (the ``--json`` contract) and as readable text."""

from __future__ import annotations

from typing import Any

from jcalc.core.calculate import Calculation
from jcalc.core.claim import ClaimLine, LineRole, format_money
from jcalc.core.ndc import format_ndc_quantity
from jcalc.core.quantity import format_decimal


def line_to_dict(line: ClaimLine) -> dict[str, Any]:
    """One claim line as JSON-ready data."""
    return {
        "hcpcs": line.hcpcs,
        "modifiers": list(line.modifiers),
        "units": line.units,
        "role": line.role.value,
        "ndc": line.ndc,
        "ndc_qualifier": line.ndc_qualifier.value if line.ndc_qualifier else None,
        "ndc_quantity": (
            format_ndc_quantity(line.ndc_quantity) if line.ndc_quantity is not None else None
        ),
        "shaded_line": line.shaded_line,
        "asp_estimate": f"{line.asp_estimate:.2f}" if line.asp_estimate is not None else None,
        "charge": f"{line.charge:.2f}" if line.charge is not None else None,
    }


def calculation_to_dict(calc: Calculation) -> dict[str, Any]:
    """The ``jcalc calc --json`` object."""
    descriptor = calc.drug.descriptor
    dose = calc.request.dose
    return {
        "code": calc.drug.hcpcs,
        "name": calc.drug.name,
        "long_description": calc.drug.long_description,
        "descriptor": {
            "text": descriptor.describe(),
            "kind": descriptor.kind.value,
            "amount": format_decimal(descriptor.amount.amount) if descriptor.amount else None,
            "unit": descriptor.amount.unit.label if descriptor.amount else None,
        },
        "dose": {
            "amount": format_decimal(dose.amount) if dose else None,
            "unit": dose.unit.label if dose else None,
        },
        "date_of_service": calc.request.date_of_service.isoformat(),
        "container": calc.request.container_type.value,
        "rules": {
            "max_units_per_line": calc.request.rules.max_units_per_line,
            "repeat_modifier": calc.request.rules.repeat_modifier,
            "entity_340b": (
                calc.request.rules.entity_340b.value if calc.request.rules.entity_340b else None
            ),
        },
        "dose_steps": list(calc.request.dose_steps),
        "given_to_others": str(calc.request.given_to_others)
        if calc.request.given_to_others
        else None,
        "units": calc.total_units,
        "lines": [line_to_dict(line) for line in calc.lines],
        "asp_total": f"{calc.asp_total:.2f}" if calc.asp_total is not None else None,
        "asp_quarter": calc.drug.price_quarter or None,
        "noc_note": calc.noc_note,
        "warnings": list(calc.warnings),
        "explanation": list(calc.explanation),
    }


def line_label(line: ClaimLine) -> str:
    """ "administered", "discarded (JW)" or "administration"."""
    return {
        LineRole.ADMINISTERED: "administered",
        LineRole.DISCARDED: "discarded",
        LineRole.ADMINISTRATION: "administration",
    }[line.role]


def calculation_to_text(calc: Calculation) -> str:
    """A short readable summary: the lines, the warnings and the arithmetic."""
    drug = calc.drug
    dose = calc.request.dose
    out = [
        f"{drug.hcpcs}  {drug.long_description}",
        f"Dose {dose if dose else '(units entered by hand)'} on "
        f"{calc.request.date_of_service.isoformat()}; descriptor {drug.descriptor.describe()}",
        "",
        "Claim lines:",
    ]
    header = (
        f"  {'HCPCS':<6} {'MOD':<8} {'UNITS':>9}  {'NDC':<13}  {'NDC QTY':<9}  {'ASP EST.':>11}"
    )
    out.append(header)
    for line in calc.lines:
        units = f"{line.units} unit{'s' if line.units != 1 else ''}"
        out.append(
            f"  {line.hcpcs:<6} {line.modifiers_display:<8} {units:>9}  "
            f"{line.ndc_display or '-':<13}  {line.ndc_quantity_display or '-':<9}  "
            f"{format_money(line.asp_estimate) if line.asp_estimate is not None else '-':>11}"
            + (f"  charge {format_money(line.charge)}" if line.charge is not None else "")
        )
    shaded = [line.shaded_line for line in calc.lines if line.shaded_line]
    if shaded:
        out.append("  CMS-1500 item 24 shaded area: " + " | ".join(shaded))
    if calc.noc_note:
        out += ["", f"Claim note (item 19 / 2400 NTE): {calc.noc_note}"]
    if calc.warnings:
        out += ["", "Warnings:"] + [f"  ! {w}" for w in calc.warnings]
    out += ["", "How it was worked out:"] + [f"  - {e}" for e in calc.explanation]
    return "\n".join(out)
