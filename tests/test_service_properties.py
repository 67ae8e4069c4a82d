"""Hostile input through the whole calculation (service + core): only JcalcError, never a hang.

Issue 11's contract at the engine's edge: whatever the dose, concentration, containers, weight or
BSA text, the answer is lines or one JcalcError, quickly.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jcalc.catalog.store import Catalog, open_catalog
from jcalc.core.errors import JcalcError
from jcalc.paths import bundled_catalog_path
from jcalc.service import CalcInput, calculate_from_text


@pytest.fixture(scope="module")
def catalog() -> Iterator[Catalog]:
    if not bundled_catalog_path().exists():
        pytest.skip("resources/catalog.sqlite is not built")
    with open_catalog() as opened:
        yield opened


numbers = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.builds(
        lambda m, e: f"{m}e{e}", st.integers(-(10**9), 10**9), st.integers(-(10**12), 10**12)
    ),
    st.sampled_from(["0", "-5", "1e-999999999", "9" * 60, ".", "1,2,3"]),
)
units = st.sampled_from(
    ["mg", "g", "mcg", "mL", "units", "sq cm", "mg/kg", "mg/m2", "vials", "%", ""]
)
amounts = st.builds(lambda n, u: f"{n} {u}", numbers, units)
optional = st.one_of(st.none(), amounts, st.text(max_size=12))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    code=st.sampled_from(["J9312", "J7182", "J1459", "J7345", "J7336", "J0585"]),
    dose=amounts,
    concentration=optional,
    package=st.lists(st.one_of(amounts, st.just("auto"), st.just("2x50242-0053-06")), max_size=3),
    weight=optional,
    bsa=optional,
    others=optional,
)
def test_any_entry_gives_lines_or_one_jcalc_error_quickly(
    catalog: Catalog,
    code: str,
    dose: str,
    concentration: str | None,
    package: list[str],
    weight: str | None,
    bsa: str | None,
    others: str | None,
) -> None:
    entry = CalcInput(
        code=code,
        dose=dose,
        date_of_service=date(2026, 2, 2),
        packages=tuple(package),
        ndc="50242-0053-06" if code == "J9312" else None,
        concentration=concentration,
        weight=weight,
        bsa=bsa,
        given_to_others=others,
    )
    started = time.perf_counter()
    try:
        result = calculate_from_text(catalog, entry)
    except JcalcError as error:
        assert "\n" not in str(error)
    else:
        assert result.lines and all(line.units >= 1 for line in result.lines)
    assert time.perf_counter() - started < 2
