"""The catalog-aware front of the engine: turns what a biller typed into a core calculation.

The command line and the window both call :func:`calculate_from_text`, so they can never disagree.
Both pass the clinic's data (``clinic=``): a code's saved charge per unit and an NDC's saved unit
qualifier apply whenever the entry does not set them itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Protocol

from jcalc.catalog.store import Catalog
from jcalc.core.calculate import Calculation, DoseRequest, calculate
from jcalc.core.containers import ContainerType
from jcalc.core.drug import DrugCode, NdcProduct, normalize_code
from jcalc.core.errors import InputError
from jcalc.core.ndc import AmbiguousNdcError, NdcQualifier, format_ndc, normalize_ndc
from jcalc.core.quantity import Quantity, parse_concentration, parse_quantity


class ClinicDefaults(Protocol):
    """What the calculation takes from the clinic's data (:class:`jcalc.userdata.ClinicStore`)."""

    def charge_per_unit(self, code: str) -> Decimal | None:
        """The clinic's saved charge per billing unit of ``code``, or None."""
        ...

    def ndc_qualifier(self, ndc: str) -> NdcQualifier | None:
        """The unit qualifier the clinic saved for an 11-digit NDC, or None."""
        ...


@dataclass(frozen=True)
class CalcInput:
    """One drug's entry as typed: text fields are parsed and validated here."""

    code: str
    dose: str | None
    date_of_service: date
    packages: tuple[str, ...] = ()
    ndc: str | None = None
    container: ContainerType = ContainerType.UNKNOWN
    units: int | None = None
    concentration: str | None = None
    qualifier: str | None = None
    charge_per_unit: Decimal | None = None
    drug_name: str = ""
    extra_warnings: tuple[str, ...] = field(default=())


def lookup_code(catalog: Catalog, text: str) -> DrugCode:
    """The catalog's record of a code; InputError when malformed or unknown."""
    code = normalize_code(text)
    drug = catalog.code(code)
    if drug is None:
        raise InputError(f"{code} is not in the catalog ({catalog.info().asp_quarter} files)")
    return drug


def resolve_product(catalog: Catalog, drug: DrugCode, text: str) -> tuple[NdcProduct, list[str]]:
    """The crosswalk product of ``drug`` for an NDC typed in any common form."""
    typed = "".join(text.split()).upper()
    for other in catalog.ndcs_for_code(drug.hcpcs):
        if other.extra.get("identifier") and other.ndc == typed:  # "GG100": not an NDC
            raise InputError(
                f"{typed} is the crosswalk's product identifier of {other.drug_name or 'a product'}"
                f" ({drug.hcpcs}), not an NDC: it cannot go on the claim as an NDC; leave the "
                "NDC out or give the NDC on the package"
            )
    try:
        ndc = normalize_ndc(text)
    except AmbiguousNdcError as error:
        known = [c for c in error.candidates if any(p.hcpcs == drug.hcpcs for p in catalog.ndc(c))]
        if len(known) != 1:
            raise
        ndc = known[0]
    rows = catalog.ndc(ndc)
    for row in rows:
        if row.hcpcs == drug.hcpcs:
            return row, []
    if rows:
        codes = ", ".join(sorted({r.hcpcs for r in rows}))
        raise InputError(
            f"NDC {format_ndc(ndc)} is not an NDC of {drug.hcpcs}; the ASP crosswalk maps it to "
            f"{codes}"
        )
    return NdcProduct(ndc=ndc, hcpcs=drug.hcpcs), [
        f"NDC {format_ndc(ndc)} is not in the ASP crosswalk: its content and package size are "
        "unknown, so check that it is this drug and enter the NDC quantity by hand"
    ]


def _containers(packages: tuple[str, ...]) -> tuple[Quantity, ...]:
    return tuple(parse_quantity(p, what="container content") for p in packages)


def calculate_from_text(
    catalog: Catalog, entry: CalcInput, *, clinic: ClinicDefaults | None = None
) -> Calculation:
    """Validate the typed entry against the catalog and run the core calculation.

    With ``clinic``, the code's saved charge per unit and the NDC's saved unit qualifier are used
    when the entry leaves them blank (what the entry sets always wins).
    """
    drug = lookup_code(catalog, entry.code)
    warnings: list[str] = list(entry.extra_warnings)
    dose = parse_quantity(entry.dose) if entry.dose and entry.dose.strip() else None
    if dose is None and entry.units is None:
        raise InputError("the dose is empty: type an amount and a unit, such as 450 mg")
    product = None
    if entry.ndc and entry.ndc.strip():
        product, product_warnings = resolve_product(catalog, drug, entry.ndc)
        warnings.extend(product_warnings)
    containers = _containers(entry.packages)
    container = entry.container
    if containers and container is ContainerType.MULTI_DOSE:
        raise InputError(
            "opened containers (--package) are single-dose containers; "
            "they cannot go with a multi-dose container"
        )
    if containers:
        container = ContainerType.SINGLE_DOSE
    qualifier = None
    if entry.qualifier:
        try:
            qualifier = NdcQualifier(entry.qualifier.strip().upper())
        except ValueError:
            raise InputError(
                f"'{entry.qualifier}' is not an NDC unit qualifier; use UN, ML, GR, F2 or ME"
            ) from None
    charge = entry.charge_per_unit
    notes: list[str] = []  # where the clinic's data changed the result, in words
    if clinic is not None:
        if charge is None:
            charge = clinic.charge_per_unit(drug.hcpcs)
            if charge is not None:
                notes.append(
                    f"Clinic charge: ${format(charge, 'f')} per unit, the charge saved for "
                    f"{drug.hcpcs}."
                )
        if qualifier is None and product is not None:
            qualifier = clinic.ndc_qualifier(product.ndc)
            if qualifier is not None:
                notes.append(
                    f"NDC unit qualifier {qualifier.value} ({qualifier.meaning}): the one saved "
                    f"for NDC {format_ndc(product.ndc)}."
                )
    request = DoseRequest(
        dose=dose,
        date_of_service=entry.date_of_service,
        container_type=container,
        containers=containers,
        product=product,
        concentration=parse_concentration(entry.concentration) if entry.concentration else None,
        units_override=entry.units,
        qualifier_override=qualifier,
        charge_per_unit=charge,
        drug_name=entry.drug_name,
    )
    result = calculate(drug, request)
    warnings.extend(_quarter_warnings(catalog, entry.date_of_service))
    if warnings:
        result = replace(result, warnings=tuple(warnings) + result.warnings)
    if notes:
        result = replace(result, explanation=result.explanation + tuple(notes))
    return result


def _quarter_warnings(catalog: Catalog, day: date) -> list[str]:
    info = catalog.info()
    start, end = info.asp_effective_from, info.asp_effective_to
    if end is not None and day > end:
        return [
            f"the date of service {day.isoformat()} is after the catalog's ASP quarter "
            f"({info.asp_quarter}, through {end.isoformat()}): codes and prices may have changed "
            "since; update the catalog"
        ]
    if start is not None and day < start:
        return [
            f"the date of service {day.isoformat()} is before the catalog's ASP quarter "
            f"({info.asp_quarter}, from {start.isoformat()}): the ASP estimate uses this quarter's "
            "prices"
        ]
    return []
