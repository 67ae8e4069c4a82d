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

from jcalc.calc_options import (
    BillingChoice,
    BillingDefaults,
    auto_portions,
    billing_rules,
    ndc_portions,
    resolve_dose,
)
from jcalc.catalog.store import Catalog, QuarterPrice
from jcalc.core.calculate import Calculation, DoseRequest, calculate
from jcalc.core.checks import code_date_warnings
from jcalc.core.containers import ContainerType
from jcalc.core.drug import DrugCode, NdcProduct, normalize_code
from jcalc.core.errors import InputError
from jcalc.core.multi import calculate_portions
from jcalc.core.ndc import AmbiguousNdcError, NdcQualifier, format_ndc, normalize_ndc
from jcalc.core.packages import parse_packages
from jcalc.core.quantity import parse_concentration, parse_quantity, shown


class ClinicDefaults(Protocol):
    """What the calculation takes from the clinic's data (:class:`jcalc.userdata.ClinicStore`)."""

    def charge_per_unit(self, code: str) -> Decimal | None:
        """The clinic's saved charge per billing unit of ``code``, or None."""
        ...

    def ndc_qualifier(self, ndc: str) -> NdcQualifier | None:
        """The unit qualifier the clinic saved for an 11-digit NDC, or None."""
        ...

    def billing_defaults(self) -> BillingDefaults:
        """The clinic's units per line, repeat modifier and 340B settings."""
        ...

    def ndc_concentration(self, ndc: str) -> str | None:
        """The concentration the clinic saved for an 11-digit NDC, as typed, or None."""
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
    weight: str | None = None  # "70 kg", "154 lb": for a dose per kg (or, with height, per m²)
    height: str | None = None  # "170 cm", "67 in": with the weight, BSA by Mosteller
    bsa: str | None = None  # "1.87" m²: for a dose per m²
    given_to_others: str | None = None  # drug from the same containers given to other patients
    billing: BillingChoice = field(default_factory=BillingChoice)  # 340B, units per line, 76


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


def calculate_from_text(
    catalog: Catalog, entry: CalcInput, *, clinic: ClinicDefaults | None = None
) -> Calculation:
    """Validate the typed entry against the catalog and run the core calculation.

    With ``clinic``, the code's saved charge per unit and the NDC's saved unit qualifier are used
    when the entry leaves them blank (what the entry sets always wins).
    """
    drug = lookup_code(catalog, entry.code)
    warnings: list[str] = list(entry.extra_warnings)
    if any(not ch.isprintable() for ch in entry.drug_name):
        raise InputError(f"the drug name '{shown(entry.drug_name)}' has control characters")
    dose_steps: tuple[str, ...] = ()
    dose = None
    if entry.dose and entry.dose.strip():
        dose_text, dose_steps = resolve_dose(
            entry.dose, weight=entry.weight, height=entry.height, bsa=entry.bsa
        )
        dose = parse_quantity(dose_text)
    if dose is None and entry.units is None:
        raise InputError("the dose is empty: type an amount and a unit, such as 450 mg")
    product = None
    if entry.ndc and entry.ndc.strip():
        product, product_warnings = resolve_product(catalog, drug, entry.ndc)
        warnings.extend(product_warnings)
    specs, auto = parse_packages(entry.packages)
    by_ndc = any(spec.ndc_text for spec in specs)
    containers = tuple(
        spec.content for spec in specs for _ in range(spec.count) if spec.content is not None
    )
    container = entry.container
    if (specs or auto) and container is ContainerType.MULTI_DOSE:
        raise InputError(
            "opened containers (--package) are single-dose containers; "
            "they cannot go with a multi-dose container"
        )
    if specs or auto:
        container = ContainerType.SINGLE_DOSE
    qualifier = None
    if entry.qualifier:
        try:
            qualifier = NdcQualifier(entry.qualifier.strip().upper())
        except ValueError:
            raise InputError(
                f"'{shown(entry.qualifier)}' is not an NDC unit qualifier; use UN, ML, GR, F2 or ME"
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
    concentration = parse_concentration(entry.concentration) if entry.concentration else None
    if concentration is None and clinic is not None and product is not None:
        saved = clinic.ndc_concentration(product.ndc)
        if saved:
            concentration = parse_concentration(saved)
            notes.append(
                f"Concentration {concentration}: the one saved for NDC {format_ndc(product.ndc)} "
                "(it wins over one derived from the crosswalk's package size)."
            )
    defaults = clinic.billing_defaults() if clinic is not None else BillingDefaults()
    rules, rule_notes = billing_rules(catalog, entry.billing, defaults, entry.date_of_service)
    notes.extend(rule_notes)
    others = None
    if entry.given_to_others and entry.given_to_others.strip():
        others = parse_quantity(entry.given_to_others, what="amount given to other patients")
    request = DoseRequest(
        dose=dose,
        date_of_service=entry.date_of_service,
        container_type=container,
        containers=() if by_ndc else containers,
        product=product,
        concentration=concentration,
        units_override=entry.units,
        qualifier_override=qualifier,
        charge_per_unit=charge,
        drug_name=entry.drug_name,
        rules=rules,
        dose_steps=dose_steps,
        given_to_others=others,
    )
    price = catalog.price_on(drug.hcpcs, entry.date_of_service)
    if price is not None:
        drug = _priced(drug, price)
    if auto:
        portions, chosen = auto_portions(catalog, drug, request)
        result = calculate_portions(drug, request, portions, chosen=chosen)
    elif by_ndc:
        named = ndc_portions(catalog, drug, request, specs)
        assert named is not None
        result = calculate_portions(drug, request, named, chosen="Containers named by NDC.")
    else:
        result = calculate(drug, request)
    warnings.extend(code_date_warnings(drug, entry.date_of_service))
    if price is not None:
        warnings.extend(_quarter_warnings(catalog, price, entry.date_of_service))
        result = replace(result, explanation=_with_quarter(result.explanation, price))
    if warnings:
        result = replace(result, warnings=tuple(warnings) + result.warnings)
    if notes:
        result = replace(result, explanation=result.explanation + tuple(notes))
    return result


def _priced(drug: DrugCode, price: QuarterPrice) -> DrugCode:
    """``drug`` with the payment limit (and ASP dosage) of the quarter chosen for the day."""
    return replace(
        drug,
        payment_limit=price.payment_limit,
        asp_dosage=price.dosage or drug.asp_dosage,
        price_quarter=price.quarter.quarter,
    )


def _with_quarter(explanation: tuple[str, ...], price: QuarterPrice) -> tuple[str, ...]:
    """The explanation with the ASP quarter named right after the price sentence."""
    quarter = price.quarter
    why = (
        "the quarter of the date of service"
        if price.exact
        else "the nearest quarter the catalog holds (none contains the date of service)"
    )
    sentence = f"ASP quarter used: {quarter.describe()}, {why}."
    for index, text in enumerate(explanation):
        if text.startswith(("ASP estimate:", "No ASP payment limit")):
            return (*explanation[: index + 1], sentence, *explanation[index + 1 :])
    return (*explanation, sentence)


def _quarter_warnings(catalog: Catalog, price: QuarterPrice, day: date) -> list[str]:
    """A warning when no ASP quarter held contains the date of service."""
    if price.exact:
        return []
    quarter = price.quarter
    held = ", ".join(q.quarter for q in reversed(catalog.asp_quarters()))
    newest = catalog.asp_quarters()[0]
    if day > newest.effective_to:
        return [
            f"the date of service {day.isoformat()} is after the catalog's ASP quarter "
            f"({newest.quarter}, through {newest.effective_to.isoformat()}): the ASP estimate "
            f"uses {quarter.quarter}'s prices; codes and prices may have changed since; update "
            "the catalog"
        ]
    return [
        f"the catalog holds no ASP quarter containing the date of service {day.isoformat()} "
        f"(it holds {held}): the ASP estimate uses the nearest, {quarter.describe()}; add that "
        "quarter's ASP payment limit file (catalog update) to price it exactly"
    ]
