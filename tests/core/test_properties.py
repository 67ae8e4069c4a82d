"""Properties that must hold for any dose, descriptor and container."""

from decimal import Decimal

from hypothesis import assume, given
from hypothesis import strategies as st

from jcalc.core.containers import MAX_CONTAINERS, choose_containers, compute_wastage
from jcalc.core.descriptor import Descriptor, DescriptorKind
from jcalc.core.ndc import format_ndc, normalize_ndc
from jcalc.core.quantity import Quantity, Unit
from jcalc.core.units import MAX_BILLING_UNITS, units_for

amounts = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(5000), places=3)
descriptor_amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(1000), places=2)


def per(amount: Decimal) -> Descriptor:
    return Descriptor(DescriptorKind.PER_AMOUNT, Quantity(amount, Unit.MG), f"{amount} mg")


@given(dose=amounts, size=descriptor_amounts)
def test_units_cover_the_dose_and_no_more_than_one_extra(dose: Decimal, size: Decimal) -> None:
    assume(dose / size <= MAX_BILLING_UNITS)
    units = units_for(Quantity(dose, Unit.MG), per(size))
    assert units * size >= dose
    assert (units - 1) * size < dose
    assert units >= 1


@given(dose=amounts, size=descriptor_amounts)
def test_units_are_the_same_in_any_mass_unit(dose: Decimal, size: Decimal) -> None:
    assume(dose / size <= MAX_BILLING_UNITS)
    in_mg = units_for(Quantity(dose, Unit.MG), per(size))
    in_mcg = units_for(Quantity(dose * 1000, Unit.MCG), per(size))
    assert in_mg == in_mcg


@given(
    dose=amounts,
    size=descriptor_amounts,
    containers=st.lists(
        st.decimals(min_value=Decimal(1), max_value=Decimal(2000), places=1), min_size=1, max_size=6
    ),
)
def test_billed_units_never_exceed_containers_but_for_rounding(
    dose: Decimal, size: Decimal, containers: list[Decimal]
) -> None:
    total = sum(containers, Decimal(0))
    assume(total >= dose and total / size <= MAX_BILLING_UNITS)
    descriptor = per(size)
    administered = units_for(Quantity(dose, Unit.MG), descriptor)
    wastage = compute_wastage(
        Quantity(dose, Unit.MG), [Quantity(c, Unit.MG) for c in containers], descriptor
    )
    rounding = administered * size - dose
    assert (administered + wastage.discarded_units) * size <= total + rounding
    assert wastage.discarded_units * size <= total - dose
    assert (wastage.discarded_units + 1) * size > total - dose


@given(
    dose=st.decimals(min_value=Decimal(1), max_value=Decimal(3000), places=0),
    sizes=st.lists(
        st.sampled_from([Decimal(n) for n in (10, 50, 100, 400, 500)]), min_size=1, max_size=4
    ),
)
def test_chosen_containers_cover_the_dose_with_least_waste(
    dose: Decimal, sizes: list[Decimal]
) -> None:
    assume(dose / min(sizes) <= MAX_CONTAINERS)
    chosen = choose_containers(Quantity(dose, Unit.MG), [Quantity(s, Unit.MG) for s in sizes])
    total = sum((c.amount for c in chosen), Decimal(0))
    assert total >= dose
    # Least waste: no strictly smaller total that covers the dose exists among few containers.
    assert total - dose < min(sizes) or all(c.amount != min(sizes) for c in chosen)
    assert total - dose < max(sizes)


ndc_digits = st.text(alphabet="0123456789", min_size=11, max_size=11)


@given(ndc=ndc_digits)
def test_ndc_forms_round_trip(ndc: str) -> None:
    shown = format_ndc(ndc)
    assert normalize_ndc(shown) == ndc
    assert normalize_ndc(ndc) == ndc
    labeler, product, package = shown.split("-")
    if labeler.startswith("0"):
        assert normalize_ndc(f"{labeler[1:]}-{product}-{package}") == ndc
    if product.startswith("0"):
        assert normalize_ndc(f"{labeler}-{product[1:]}-{package}") == ndc
    if package.startswith("0"):
        assert normalize_ndc(f"{labeler}-{product}-{package[1:]}") == ndc


@given(dose=amounts, size=descriptor_amounts)
def test_implausible_unit_counts_are_refused_not_returned(dose: Decimal, size: Decimal) -> None:
    from jcalc.core.errors import InputError

    try:
        units = units_for(Quantity(dose, Unit.MG), per(size))
    except InputError:
        assert dose / size > MAX_BILLING_UNITS
    else:
        assert units <= MAX_BILLING_UNITS
