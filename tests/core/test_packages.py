"""Containers named by content or NDC, the least-waste choice, and one line per NDC."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from jcalc.core.calculate import DoseRequest
from jcalc.core.containers import ContainerType
from jcalc.core.errors import InputError
from jcalc.core.multi import calculate_portions
from jcalc.core.packages import (
    Choice,
    PackageSpec,
    least_waste,
    parse_package,
    parse_packages,
    split_dose,
)
from jcalc.core.quantity import Quantity, Unit, parse_quantity
from tests.core.factories import DOS, RITUXAN_100, RITUXAN_500, RITUXIMAB


def mg(amount: int | str) -> Quantity:
    return Quantity(Decimal(amount), Unit.MG)


def test_package_syntax() -> None:
    assert parse_package("500 mg") == PackageSpec(1, content=mg(500))
    assert parse_package("3x100 mg") == PackageSpec(3, content=mg(100))
    assert parse_package("2x50242-0053-06") == PackageSpec(2, ndc_text="50242-0053-06")
    assert parse_packages(["auto"]) == ((), True)
    with pytest.raises(InputError, match="give it alone"):
        parse_packages(["auto", "500 mg"])
    with pytest.raises(InputError, match="between 1 and 200"):
        parse_package("0x500 mg")


def test_rituximab_600_mg_is_one_500_and_one_100_vial() -> None:
    """CGS Part B, "Billing and Coding: JW and JZ Modifier Guidelines" (cgsmedicare.com/partb/
    pubs/news/2023/06/cope140894.html): "Units billed should correspond with the smallest vial
    available for purchase from the manufacturer that could provide the appropriate dose for
    that patient to minimize wastage" — so 600 mg is 500 mg + 100 mg, not 2 × 500 mg."""
    picked = least_waste(mg(600), [Choice("500", mg(500)), Choice("100", mg(100))])
    assert picked == [("500", 1), ("100", 1)]


def test_ties_in_waste_go_to_fewest_containers() -> None:
    picked = least_waste(mg(300), [Choice("100", mg(100)), Choice("300", mg(300))])
    assert picked == [("300", 1)]
    assert least_waste(mg(450), [Choice("500", mg(500)), Choice("100", mg(100))]) == [("500", 1)]


def test_the_search_is_bounded_on_hostile_sizes() -> None:
    options = [Choice(str(n), mg(n)) for n in (997, 991, 983, 977, 971, 967, 953, 947, 941, 937)]
    started = time.perf_counter()
    picked = least_waste(mg(150_000), options)
    assert time.perf_counter() - started < 2
    assert sum(count for _, count in picked) <= 200
    with pytest.raises(InputError, match="more than 200 containers"):
        least_waste(mg(1_000_000), [Choice("1", mg(1))])


def test_split_dose_fills_the_largest_containers_first() -> None:
    portions = split_dose(mg(550), [("100", mg(100), 1), ("500", mg(500), 1)])
    assert [(p.key, p.given) for p in portions] == [("500", mg(500)), ("100", mg(50))]
    with pytest.raises(InputError, match="less than the dose"):
        split_dose(mg(700), [("500", mg(500), 1)])
    with pytest.raises(InputError, match="does not need"):
        split_dose(mg(400), [("500", mg(500), 1), ("100", mg(100), 1)])


def test_one_line_per_ndc_jw_only_where_waste_remains() -> None:
    """One claim line per NDC when two products were used (DOMAIN.md §4); JW per NDC with
    waste, JZ where none (CMS JW/JZ FAQ as quoted by CGS, above)."""
    request = DoseRequest(
        dose=parse_quantity("560 mg"),
        date_of_service=DOS,
        container_type=ContainerType.SINGLE_DOSE,
    )
    portions = split_dose(mg(560), [(RITUXAN_500, mg(500), 1), (RITUXAN_100, mg(100), 1)])
    result = calculate_portions(RITUXIMAB, request, portions, chosen="Chosen.")
    assert [(line.ndc, line.units, line.modifiers) for line in result.lines] == [
        ("50242005306", 50, ("JZ",)),
        ("50242005121", 6, ()),
        ("50242005121", 4, ("JW",)),
    ]
    assert [line.ndc_quantity_display for line in result.lines] == ["ML50", "ML6", "ML4"]
    assert result.total_units == 60
    assert "Chosen." in result.explanation
