"""NDC quantities (GR, UN from counted containers, derived concentrations), areas, shared vials."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jcalc.core.calculate import DoseRequest, calculate
from jcalc.core.containers import ContainerType
from jcalc.core.descriptor import DescriptorKind, parse_descriptor
from jcalc.core.drug import NdcProduct
from jcalc.core.errors import InputError
from jcalc.core.ndc import NdcQualifier
from jcalc.core.quantity import Quantity, Unit, parse_concentration, parse_quantity
from tests.core.factories import BOTOX, DOS, RITUXIMAB, drug, product

AMELUZ_CODE = drug("J7345", "Aminolevulinic acid hcl for topical administration, 10% gel, 10 mg")
AMELUZ = product("70621010110", "J7345", pkg_size="2", bill_units="200", name="Ameluz Gel")
PRIVIGEN_CODE = drug(
    "J1459",
    "Injection, immune globulin (privigen), intravenous, non-lyophilized (e.g., liquid), 500 mg",
)
PRIVIGEN_100ML = product("44206043710", "J1459", pkg_size="110", bill_units="20", name="Privigen")
QUTENZA_CODE = drug("J7336", "Capsaicin 8% patch, per square centimeter")
QUTENZA = product("72512092801", "J7336", pkg_size="1", bill_units="280", name="Qutenza")


def request(dose: str, **kwargs: object) -> DoseRequest:
    return DoseRequest(dose=parse_quantity(dose), date_of_service=DOS, **kwargs)  # type: ignore[arg-type]


def test_a_gel_is_billed_in_grams() -> None:
    """NCI Thesaurus C155841 "NDC GR (Gram)": a billing qualifier "often used when describing
    ointments, creams, inhalers or bulk powder in a jar" (DOMAIN.md §5a: GR for gels, creams,
    ointments). Ameluz 70621-0101-10, one 2 g tube, J7345 (10 mg) → 200 units, GR2."""
    result = calculate(
        AMELUZ_CODE,
        request("2 g", product=AMELUZ, container_type=ContainerType.SINGLE_DOSE),
    )
    line = result.lines[0]
    assert (line.units, line.ndc_qualifier, line.ndc_quantity_display) == (
        200,
        NdcQualifier.GR,
        "GR2",
    )


def test_two_opened_vials_of_an_unlisted_ndc_are_un2() -> None:
    """UN counts items (DOMAIN.md §4/§5a): the opened containers stand in for the unknown
    content of an NDC the crosswalk does not list."""
    unlisted = NdcProduct(ndc="12345678901", hcpcs="J9312")
    result = calculate(
        RITUXIMAB,
        request("1000 mg", product=unlisted, containers=(parse_quantity("500 mg"),) * 2),
    )
    assert [line.ndc_quantity_display for line in result.lines] == ["UN2"]


def test_a_derived_concentration_is_named_as_an_assumption() -> None:
    """Privigen 44206-0437-10 is 10 g in 100 mL but PKG SIZE says 110: the derived 90.9 mg/mL
    is an assumption (DOMAIN.md §5a) and a typed concentration wins: 100 g → ML1000."""
    derived = calculate(PRIVIGEN_CODE, request("100 g", product=PRIVIGEN_100ML))
    assert derived.lines[0].ndc_quantity_display == "ML1100"
    assert any("derived from the crosswalk" in s for s in derived.explanation)
    given = calculate(
        PRIVIGEN_CODE,
        request("100 g", product=PRIVIGEN_100ML, concentration=parse_concentration("10%")),
    )
    assert given.lines[0].ndc_quantity_display == "ML1000"
    assert any("(as given)" in s for s in given.explanation)


def test_a_strength_in_the_product_name_that_disagrees_is_a_warning() -> None:
    named = product("44206043710", "J1459", pkg_size="110", bill_units="20", name="IG 10%")
    result = calculate(PRIVIGEN_CODE, request("100 g", product=named))
    assert any("says 100 mg/mL" in w for w in result.warnings)
    agreeing = product("44206043710", "J1459", pkg_size="100", bill_units="20", name="IG 10%")
    assert not any(
        "says" in w for w in calculate(PRIVIGEN_CODE, request("1 g", product=agreeing)).warnings
    )


def test_per_square_centimeter_descriptors_and_sheet_size_waste() -> None:
    """J7336 "per square centimeter" (and the Q41xx skin substitutes) bill units = area in cm²
    (DOMAIN.md §5a). A 280 cm² Qutenza patch with 200 cm² applied: 200 units + JW 80 — First
    Coast's JW/JZ page (medicare.fcso.com/Claim_submission_guidelines/0503966.asp): wound care
    and tissue products that are single-dose drugs "are subject to billing using the JW and JZ
    modifier"."""
    descriptor = parse_descriptor("Capsaicin 8% patch, per square centimeter")
    assert descriptor.kind is DescriptorKind.PER_AMOUNT
    assert descriptor.amount == Quantity(Decimal(1), Unit.CM2)
    result = calculate(
        QUTENZA_CODE,
        request("200 sq cm", product=QUTENZA, container_type=ContainerType.SINGLE_DOSE),
    )
    assert [(line.units, line.modifiers) for line in result.lines] == [(200, ()), (80, ("JW",))]


def test_a_shared_vial_bills_its_waste_once_on_this_claim() -> None:
    """The JW long descriptor is "drug amount discarded/not administered to any patient"
    (Retinal Physician, "Coding Q&A: Medicare reimbursement for discarded drugs", Sept 2023,
    quoting the HCPCS file; Botox vials "might be shared between patients"). 40 units given here,
    40 to another patient from one 100-unit vial: 40 + JW 20, not JW 60."""
    result = calculate(
        BOTOX,
        request(
            "40 units",
            containers=(parse_quantity("100 units"),),
            given_to_others=parse_quantity("40 units"),
        ),
    )
    assert [(line.units, line.modifiers) for line in result.lines] == [(40, ()), (20, ("JW",))]
    assert any("other patients" in s for s in result.explanation)


def test_shared_vials_that_cannot_hold_everyone_are_an_error() -> None:
    with pytest.raises(InputError, match="given to this and other patients"):
        calculate(
            BOTOX,
            request(
                "40 units",
                containers=(parse_quantity("100 units"),),
                given_to_others=parse_quantity("70 units"),
            ),
        )
    with pytest.raises(InputError, match="single-dose"):
        calculate(BOTOX, request("40 units", given_to_others=parse_quantity("40 units")))
