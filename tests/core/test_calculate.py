from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from jcalc.core.billing import BillingRules
from jcalc.core.calculate import DoseRequest, calculate
from jcalc.core.claim import LineRole
from jcalc.core.containers import ContainerType
from jcalc.core.drug import MueLimit
from jcalc.core.errors import CodeNotValidError, DescriptorError, InputError
from jcalc.core.quantity import Quantity, Unit, parse_concentration, parse_quantity
from tests.core.factories import (
    BOTOX,
    DEXAMETHASONE,
    DOS,
    KETOROLAC,
    NALOXONE,
    RITUXAN_100,
    RITUXAN_500,
    RITUXIMAB,
    UNCLASSIFIED,
    drug,
)


def request(dose: str, **kwargs: object) -> DoseRequest:
    return DoseRequest(dose=parse_quantity(dose), date_of_service=DOS, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "dose", "units"),
    [
        (DEXAMETHASONE, "30 mg", 30),
        (RITUXIMAB, "450 mg", 45),
        (RITUXIMAB, "700 mg", 70),
        (RITUXIMAB, "701.25 mg", 71),
        (KETOROLAC, "10 mg", 1),
        (NALOXONE, "0.4 mg", 40),
        (NALOXONE, "0.14 mg", 14),
        (BOTOX, "75 units", 75),
        (RITUXIMAB, "1 g", 100),
        (NALOXONE, "400 mcg", 40),
    ],
)
def test_units_match_domain_examples(code, dose: str, units: int) -> None:
    result = calculate(code, request(dose))
    assert result.administered_units == units
    assert [line.units for line in result.lines] == [units]


def test_rituximab_from_500_mg_vial_bills_jw_for_the_rest() -> None:
    result = calculate(
        RITUXIMAB, request("450 mg", container_type=ContainerType.SINGLE_DOSE, product=RITUXAN_500)
    )
    administered, discarded = result.lines
    assert (administered.units, administered.modifiers) == (45, ())
    assert (discarded.units, discarded.modifiers, discarded.role) == (
        5,
        ("JW",),
        LineRole.DISCARDED,
    )
    assert administered.shaded_line == "N450242005306   ML45"
    assert discarded.shaded_line == "N450242005306   ML5"
    assert administered.asp_estimate == Decimal("4280.54")
    assert discarded.asp_estimate == Decimal("475.62")
    assert any("rounded down" in e for e in result.explanation)


def test_nothing_discarded_gives_jz_and_no_jw_line() -> None:
    code = drug("J9999", "Injection, example, 100 mg")
    result = calculate(
        code,
        request(
            "70 mg",
            containers=(Quantity(Decimal(100), Unit.MG),),
            container_type=ContainerType.SINGLE_DOSE,
        ),
    )
    assert [(line.units, line.modifiers) for line in result.lines] == [(1, ("JZ",))]


def test_full_vial_used_gives_jz() -> None:
    result = calculate(
        RITUXIMAB, request("500 mg", container_type=ContainerType.SINGLE_DOSE, product=RITUXAN_500)
    )
    assert [(line.units, line.modifiers) for line in result.lines] == [(50, ("JZ",))]


def test_multi_dose_gets_no_modifier() -> None:
    result = calculate(DEXAMETHASONE, request("4 mg", container_type=ContainerType.MULTI_DOSE))
    assert [line.modifiers for line in result.lines] == [()]
    assert not any("JW/JZ" in w for w in result.warnings)


def test_unknown_container_warns_that_jw_jz_is_undetermined() -> None:
    result = calculate(DEXAMETHASONE, request("4 mg"))
    assert result.lines[0].modifiers == ()
    assert any("JW/JZ could not be determined" in w for w in result.warnings)


def test_single_dose_with_ndc_opens_fewest_items() -> None:
    result = calculate(
        RITUXIMAB, request("250 mg", container_type=ContainerType.SINGLE_DOSE, product=RITUXAN_100)
    )
    assert result.wastage is not None
    assert len(result.wastage.containers) == 3
    assert [(line.units, line.modifiers) for line in result.lines] == [(25, ()), (5, ("JW",))]


def test_dose_in_ml_converts_through_the_ndc_concentration() -> None:
    result = calculate(RITUXIMAB, request("45 mL", product=RITUXAN_500))
    assert result.administered_units == 45
    assert result.lines[0].shaded_line == "N450242005306   ML45"


def test_volume_without_concentration_is_an_error() -> None:
    with pytest.raises(InputError, match="concentration"):
        calculate(RITUXIMAB, request("45 mL"))


def test_concentration_typed_by_the_biller_is_used() -> None:
    result = calculate(RITUXIMAB, request("4.5 mL", concentration=parse_concentration("100 mg/mL")))
    assert result.administered_units == 45


def test_units_for_a_mass_code_is_an_error() -> None:
    with pytest.raises(InputError, match="do not convert"):
        calculate(RITUXIMAB, request("75 units"))


def test_containers_smaller_than_the_dose_are_an_error() -> None:
    with pytest.raises(InputError, match="less than the dose"):
        calculate(
            RITUXIMAB,
            request(
                "450 mg",
                containers=(Quantity(Decimal(400), Unit.MG),),
                container_type=ContainerType.SINGLE_DOSE,
            ),
        )


def test_ndc_of_another_code_is_an_error() -> None:
    with pytest.raises(InputError, match="not an NDC of J1100"):
        calculate(DEXAMETHASONE, request("4 mg", product=RITUXAN_500))


def test_terminated_code_names_its_dates_and_replacement() -> None:
    old = drug(
        "J9310", "Injection, rituximab, 100 mg", terminated=date(2018, 12, 31), xrefs=("J9312",)
    )
    with pytest.raises(CodeNotValidError, match=r"terminated on 2018-12-31.*J9312"):
        calculate(old, request("450 mg"))


def test_code_not_yet_added_is_an_error() -> None:
    """HCPCS record layout (HCPC2026_recordlayout.txt, fields 27-29): a code is billable from its
    ADD DT through its TERM DT; ACT EFF DT only dates its latest action (DOMAIN.md §5)."""
    new = drug("J9400", "Injection, example, 1 mg", added=date(2027, 1, 1))
    with pytest.raises(CodeNotValidError, match="added on 2027-01-01"):
        calculate(new, request("4 mg"))


def test_mue_counts_jw_lines_too() -> None:
    limited = replace(RITUXIMAB, mue=MueLimit(48, 3))
    result = calculate(
        limited, request("450 mg", container_type=ContainerType.SINGLE_DOSE, product=RITUXAN_500)
    )
    assert any("MUE exceeded: 50 units" in w for w in result.warnings)


def test_mue_mai_1_applies_per_line() -> None:
    limited = replace(RITUXIMAB, mue=MueLimit(46, 1))
    result = calculate(
        limited, request("450 mg", container_type=ContainerType.SINGLE_DOSE, product=RITUXAN_500)
    )
    assert not any("MUE" in w for w in result.warnings)


def test_noc_code_needs_units_and_a_note() -> None:
    with pytest.raises(InputError, match="cannot be read"):
        calculate(UNCLASSIFIED, request("10 mg"))
    result = calculate(
        UNCLASSIFIED,
        DoseRequest(dose=parse_quantity("10 mg"), date_of_service=DOS, units_override=1),
    )
    assert result.lines[0].units == 1
    assert result.noc_note is not None
    assert any("not-otherwise-classified codes" in w for w in result.warnings)


def test_a_payer_limit_of_999_units_repeats_the_line_with_76() -> None:
    """A payer's limit per line is a setting: 1,500 units under a 999 limit make 999 + 501 (76)."""
    heparin = drug("J1644", "Injection, heparin sodium, per 1000 units")
    saline = drug("J7999", "Example, 0.1 mg")
    limited = replace(request("150 mg"), rules=BillingRules(max_units_per_line=999))
    result = calculate(saline, limited)
    assert [line.units for line in result.lines] == [999, 501]
    assert [line.modifiers for line in result.lines] == [(), ("76",)]
    assert calculate(saline, request("150 mg")).lines[0].units == 1500  # default 9,999
    assert calculate(heparin, request("5000 units")).administered_units == 5


def test_absurd_dose_is_rejected() -> None:
    with pytest.raises(InputError, match="more than any real administration"):
        calculate(NALOXONE, request("50 g"))


def test_unparsed_descriptor_raises_descriptor_error_from_units() -> None:
    from jcalc.core.units import units_for

    with pytest.raises(DescriptorError):
        units_for(parse_quantity("1 mg"), UNCLASSIFIED.descriptor)
