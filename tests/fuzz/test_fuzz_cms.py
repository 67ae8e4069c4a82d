"""Fuzz the CMS readers with real rows of ../shared/data/cms, one cell (or the file's end) made
hostile: each reader returns its records or raises a JcalcError naming the file, quickly.

Impossible values that a reader skips and reports (an MUE of 23 digits, a negative price) have
their own tests in tests/catalog/sources; here they only must not crash or hang the reader.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jcalc.catalog.sources.asp import read_asp
from jcalc.catalog.sources.crosswalk import read_crosswalk
from jcalc.catalog.sources.hcpcs import read_hcpcs
from jcalc.catalog.sources.mue import read_mue
from tests.conftest import SHARED_CMS
from tests.fuzz.contract import fuzz_settings, timed_rejection
from tests.fuzz.strategies import HOSTILE

SOURCES: dict[str, tuple[str, Callable[[Path], Any]]] = {
    "asp": ("cms-asp-2026q1/asp_payment_limit_2026q1.csv", read_asp),
    "crosswalk": ("cms-asp-2026q1/asp_ndc_hcpcs_crosswalk_2026q1.csv", read_crosswalk),
    "mue": ("cms-mue-practitioner-2026q2/mue_practitioner_2026q2_level2.csv", read_mue),
    "hcpcs": ("cms-hcpcs-2026jan/HCPC2026_JAN_ANWEB_01122026.csv", read_hcpcs),
}
WANTED = ("J9312", "J1100", "J3490", "J0585", "J2312", "Q5115")
VALUES = [*HOSTILE, "", "0", "-1", "-5.00", "9" * 30, "99999999999999999999999", "1e999", "1e-30",
          "N/A", "abc", "1,000,000", "x" * 5000, "J9312", "J 9312", "10 MG", "0 MG", "-10 MG",
          "mg", "2026-13-45"]  # fmt: skip


def _sample_rows(path: Path) -> list[list[str]]:
    """The preamble, the header and some drug rows of a real CMS file (a few kB)."""
    text = path.read_bytes().decode("cp1252", errors="replace")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    head = rows[:12]
    drugs = [row for row in rows[12:] if row and row[0].strip() in WANTED][:12]
    return head + drugs


@pytest.fixture(scope="module")
def samples() -> dict[str, list[list[str]]]:
    if not SHARED_CMS.is_dir():
        pytest.skip(f"the CMS reference files are not at {SHARED_CMS}")
    return {name: _sample_rows(SHARED_CMS / relative) for name, (relative, _) in SOURCES.items()}


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, int, int, str, int | None]:
    """Source, row, column, new value, and (sometimes) a length to cut the file to."""
    source = draw(st.sampled_from(sorted(SOURCES)))
    row = draw(st.integers(0, 40))
    column = draw(st.integers(0, 12))
    value = draw(st.one_of(st.sampled_from(VALUES), st.text(max_size=12)))
    cut = draw(st.one_of(st.none(), st.integers(0, 4000)))
    return source, row, column, value, cut


@fuzz_settings(120)
@given(mutation=mutations())
def test_readers_survive_mutated_real_rows(
    samples: dict[str, list[list[str]]],
    tmp_path: Path,
    mutation: tuple[str, int, int, str, int | None],
) -> None:
    source, row, column, value, cut = mutation
    rows = [list(r) for r in samples[source]]
    target_row = rows[row % len(rows)]
    if target_row:
        target_row[column % len(target_row)] = value
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    data = buffer.getvalue().encode("utf-8", errors="surrogatepass")
    if cut is not None:
        data = data[:cut]
    relative, reader = SOURCES[source]
    path = tmp_path / Path(relative).name
    path.write_bytes(data)
    timed_rejection(
        f"CMS {source}", f"{source} row {row} col {column} = {value!r}", lambda: reader(path)
    )
