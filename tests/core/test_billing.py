"""Payer rules on a drug's lines: units per line with modifier 76, and 340B modifiers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from jcalc.core.billing import (
    DEFAULT_MAX_UNITS_PER_LINE,
    BillingRules,
    Entity340B,
    modifier_340b,
    parse_entity,
)
from jcalc.core.calculate import DoseRequest, calculate
from jcalc.core.containers import ContainerType
from jcalc.core.drug import MueLimit
from jcalc.core.errors import InputError
from jcalc.core.quantity import parse_quantity
from tests.core.factories import DOS, RITUXAN_500, RITUXIMAB, drug

NOVOEIGHT = drug(
    "J7182",
    "Injection, factor viii, (antihemophilic factor, recombinant), (novoeight), per iu",
    payment_limit="1.5",
    mue=MueLimit(30000, 3),
)


def request(dose: str, **kwargs: object) -> DoseRequest:
    return DoseRequest(dose=parse_quantity(dose), date_of_service=DOS, **kwargs)  # type: ignore[arg-type]


def test_noridian_clotting_factor_example_22000_iu_is_three_lines_with_76() -> None:
    """Noridian JF Part B, "Hemophilia Clotting Factor Billing"
    (med.noridianmedicare.com/web/jfb/topics/drugs-biologicals-injections/
    hemophilia-clotting-factor-billing): units per line up to 9,999; "Append modifier 76 to any
    second and subsequent lines". First Coast (medicare.fcso.com/Claim_submission_guidelines/
    0489833.asp): a claim line cannot exceed "9,999 units per claim line"; "modifier (76)
    (repeat procedure) must be appended to the second and subsequent lines".
    22,000 IU of J7182 → 9,999 / 9,999 (76) / 2,002 (76)."""
    result = calculate(NOVOEIGHT, request("22000 units", container_type=ContainerType.MULTI_DOSE))
    assert DEFAULT_MAX_UNITS_PER_LINE == 9999
    assert [(line.units, line.modifiers) for line in result.lines] == [
        (9999, ()),
        (9999, ("76",)),
        (2002, ("76",)),
    ]
    assert result.total_units == 22000
    assert result.asp_total == 33000  # ASP counts every line
    assert any("modifier 76" in sentence for sentence in result.explanation)


def test_mue_still_counts_every_repeated_line() -> None:
    """The repeat lines are one administration: MUE sums them (MAI 3 is per day)."""
    strict = replace(NOVOEIGHT, mue=MueLimit(20000, 3))
    result = calculate(strict, request("22000 units", container_type=ContainerType.MULTI_DOSE))
    assert any("MUE" in warning for warning in result.warnings)


def test_the_repeat_modifier_and_the_limit_are_settings() -> None:
    rules = BillingRules(max_units_per_line=4000, repeat_modifier=None)
    result = calculate(NOVOEIGHT, request("12000 units", rules=rules))
    assert [(line.units, line.modifiers) for line in result.lines] == [(4000, ())] * 3
    with pytest.raises(InputError, match="between 1 and 9,999"):
        BillingRules(max_units_per_line=10000)
    with pytest.raises(InputError, match="repeat modifier"):
        BillingRules(repeat_modifier="59")


@pytest.mark.parametrize(
    ("entity", "day", "modifier"),
    [
        (Entity340B.EXEMPT, date(2024, 6, 1), "TB"),
        (Entity340B.NON_EXEMPT, date(2024, 6, 1), "JG"),
        (Entity340B.NON_EXEMPT, date(2024, 12, 31), "JG"),
        (Entity340B.NON_EXEMPT, date(2025, 1, 1), "TB"),
        (Entity340B.UNSPECIFIED, date(2026, 2, 2), "TB"),
    ],
)
def test_340b_modifier_by_entity_type_and_date(
    entity: Entity340B, day: date, modifier: str
) -> None:
    """CMS CY 2018 OPPS final rule (CMS-1678-FC): JG for 340B-acquired drugs, TB for the exempt
    rural sole community, children's and PPS-exempt cancer hospitals ("reported for informational
    purposes"); the HCPCS file ends JG on 2024-12-31 and TB continues (DOMAIN.md §5)."""
    assert modifier_340b(entity, day) == modifier


def test_an_unknown_entity_type_before_2025_is_an_error() -> None:
    with pytest.raises(InputError, match="entity type"):
        modifier_340b(Entity340B.UNSPECIFIED, date(2024, 6, 1))
    with pytest.raises(InputError, match="not a 340B entity type"):
        parse_entity("hospital")


def test_340b_modifier_goes_on_every_line_of_the_drug_jw_included() -> None:
    """Visante, "340B Medicare modifiers" (visanteinc.com/pharmacy-newsletter/
    340b-medicare-modifiers): "The organization is required to bill each drug line with the
    appropriate modifier"; JG/TB are applied in addition to others, "Waste requires the
    application of a JW modifier"."""
    rules = BillingRules(entity_340b=Entity340B.NON_EXEMPT, modifier_validity={"TB": True})
    result = calculate(
        RITUXIMAB,
        request(
            "450 mg", product=RITUXAN_500, container_type=ContainerType.SINGLE_DOSE, rules=rules
        ),
    )
    assert [line.modifiers for line in result.lines] == [("TB",), ("JW", "TB")]
    assert any("valid on the date of service" in s for s in result.explanation)


def test_a_340b_modifier_the_hcpcs_file_ends_is_refused() -> None:
    rules = BillingRules(
        entity_340b=Entity340B.NON_EXEMPT, modifier_validity={"JG": False, "TB": True}
    )
    old = DoseRequest(dose=parse_quantity("450 mg"), date_of_service=date(2024, 6, 1), rules=rules)
    with pytest.raises(InputError, match="JG is not valid on 2024-06-01"):
        calculate(replace(RITUXIMAB, effective=None), old)


def test_unknown_validity_is_said_not_assumed() -> None:
    rules = BillingRules(entity_340b=Entity340B.EXEMPT)
    result = calculate(RITUXIMAB, request("450 mg", rules=rules))
    assert result.lines[0].modifiers == ("TB",)
    assert any("could not confirm" in s for s in result.explanation)


def test_a_modifier_the_hcpcs_file_ends_on_a_line_is_a_warning() -> None:
    rules = BillingRules(modifier_validity={"JZ": False})
    result = calculate(
        RITUXIMAB,
        request(
            "500 mg", product=RITUXAN_500, container_type=ContainerType.SINGLE_DOSE, rules=rules
        ),
    )
    assert any("modifier JZ is not valid" in w for w in result.warnings)
