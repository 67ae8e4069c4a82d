"""Every real CMS file: each row is imported, skipped with a reason, or set aside by design.

The counts are taken here independently of the readers (CSV rows below the header, fixed-width
records of type 3 and 7), so a row the reader dropped silently would break the equality.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jcalc.catalog.sources.asp import read_asp
from jcalc.catalog.sources.crosswalk import read_crosswalk
from jcalc.catalog.sources.hcpcs import read_hcpcs
from jcalc.catalog.sources.mue import read_mue
from jcalc.catalog.sources.opening import is_record_line
from jcalc.catalog.sources.records import AspFile, CrosswalkFile, HcpcsFile, MueFile
from jcalc.catalog.sources.rows import SKIP_SHARE_LIMIT

Read = AspFile | CrosswalkFile | HcpcsFile | MueFile

# (folder, file, reader, rows read, imported, skipped, set aside) as measured on the real files;
# the threshold of rows.SKIP_SHARE_LIMIT was chosen from these.
REAL_FILES: list[tuple[str, str, Callable[[Path], Read], int, int, int, int]] = [
    ("cms-asp-2025q3", "asp_payment_limit_2025q3.csv", read_asp, 970, 970, 0, 0),
    ("cms-asp-2025q3", "asp_ndc_hcpcs_crosswalk_2025q3.csv", read_crosswalk, 7873, 7873, 0, 0),
    ("cms-asp-2026q1", "asp_payment_limit_2026q1.csv", read_asp, 877, 877, 0, 0),
    ("cms-asp-2026q1", "asp_ndc_hcpcs_crosswalk_2026q1.csv", read_crosswalk, 7125, 7125, 0, 0),
    ("cms-mue-practitioner-2026q2", "mue_practitioner_2026q2_level2.csv", read_mue,
     4523, 4523, 0, 0),
    ("cms-hcpcs-2026jan", "january-2026-alpha-numeric-hcpcs-file.zip", read_hcpcs,
     9006, 8623, 0, 383),
    ("cms-hcpcs-2026jan", "HCPC2026_JAN_ANWEB_01122026.csv", read_hcpcs, 9006, 8623, 0, 383),
    ("cms-hcpcs-2019", "2019-Alpha-Numeric-HCPCS-File.zip", read_hcpcs, 6800, 6440, 0, 360),
]  # fmt: skip


def _csv_data_rows(data: bytes) -> int:
    """Non-blank rows below the header row (the first row naming a code column)."""
    text = data.decode("utf-8-sig") if data.startswith(b"\xef\xbb\xbf") else None
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = next(
        i for i, row in enumerate(rows) if row and row[0].strip().upper().rstrip("_").endswith(
            ("CODE", "HCPCS", "HCPC")
        )
    )  # fmt: skip
    return sum(1 for row in rows[header + 1 :] if any(cell.strip() for cell in row))


def _fixed_width_records(data: bytes) -> int:
    """Records of type 3 (a code) and 7 (a modifier) of the HCPCS fixed-width text."""
    lines = data.decode("cp1252").splitlines()
    return sum(1 for line in lines if is_record_line(line) and line[10] in "37")


def rows_in(path: Path) -> int:
    """Data rows of a real file, counted without the readers."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            name = next(
                n for n in archive.namelist() if n.lower().endswith(".txt") and "ANWEB" in n
            )
            return _fixed_width_records(archive.read(name))
    return _csv_data_rows(path.read_bytes())


@pytest.mark.parametrize(
    ("folder", "name", "read", "read_rows", "imported", "skipped", "aside"),
    REAL_FILES,
    ids=[entry[1] for entry in REAL_FILES],
)
def test_every_row_of_a_real_file_is_accounted_for(
    cms_dir: Path,
    folder: str,
    name: str,
    read: Callable[[Path], Read],
    read_rows: int,
    imported: int,
    skipped: int,
    aside: int,
) -> None:
    path = cms_dir / folder / name
    report = read(path).report
    assert report.rows_read == rows_in(path) == read_rows
    assert report.rows_read == report.imported + len(report.skipped) + sum(
        report.set_aside.values()
    )
    assert (report.imported, len(report.skipped), sum(report.set_aside.values())) == (
        imported,
        skipped,
        aside,
    )
    assert len(report.skipped) <= SKIP_SHARE_LIMIT * report.rows_read


def test_the_july_2025_crosswalk_keeps_its_product_identifiers(cms_dir: Path) -> None:
    """SOURCE.txt: about 1,140 rows, mostly skin substitutes, carry no 5-4-2 NDC in NDC2."""
    crosswalk = read_crosswalk(cms_dir / "cms-asp-2025q3" / "asp_ndc_hcpcs_crosswalk_2025q3.csv")
    others = [r for r in crosswalk.records if not r.is_ndc]
    assert len(others) == 1140
    assert {r.code[0] for r in others} == {"Q", "J"}
    assert ("Q4111", "GG100") in {(r.code, r.ndc) for r in others}
    assert ("J7331", "888867413689") in {(r.code, r.ndc) for r in others}


_CROSSWALK_HEAD = 9  # title rows and header of the real crosswalks
_MUTATIONS = st.sampled_from(["", "21.3125?", "-1", "0", "9" * 30, "GG100", "x", "1e999", "12.5"])


@pytest.fixture(scope="module")
def crosswalk_rows(cms_dir: Path) -> list[list[str]]:
    data = (cms_dir / "cms-asp-2025q3" / "asp_ndc_hcpcs_crosswalk_2025q3.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode("cp1252"), newline="")))
    head = rows[:_CROSSWALK_HEAD]
    body = [row for row in rows[_CROSSWALK_HEAD:] if row and row[0].strip()]
    # real rows of every shape: drugs, vaccines (CPT), skin substitutes with identifiers
    return head + body[:20] + body[6400:6430] + body[-10:]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_mutated_real_crosswalk_rows_are_imported_or_reported(
    crosswalk_rows: list[list[str]], tmp_path: Path, data: st.DataObject
) -> None:
    """Property: count in = imported + skipped, and each skipped row names its own row number."""
    rows = [list(row) for row in crosswalk_rows]
    body = range(_CROSSWALK_HEAD, len(rows))
    changed = data.draw(st.lists(st.sampled_from(list(body)), max_size=6, unique=True))
    for index in changed:
        column = data.draw(st.sampled_from([0, 3, 6, 7, 8, 9]))
        rows[index][column] = data.draw(_MUTATIONS)
    path = tmp_path / "asp_ndc_hcpcs_crosswalk_2025q3.csv"
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("cp1252"))
    crosswalk = read_crosswalk(path)
    report = crosswalk.report
    data_rows = len(rows) - _CROSSWALK_HEAD
    assert report.rows_read == data_rows
    assert report.imported == len(crosswalk.records)
    assert report.imported + len(report.skipped) + sum(report.set_aside.values()) == data_rows
    assert {row.row - 1 for row in report.skipped} <= set(changed)
