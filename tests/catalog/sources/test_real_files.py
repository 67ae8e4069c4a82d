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
from jcalc.catalog.sources.errors import SourceFileError
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


_MUTATIONS = st.sampled_from(
    ["", "21.3125?", "-1", "0", "9" * 30, "GG100", "x", "1e999", "12.5", "J93", "4 Other"]
)
# kind → (folder, file, rows above the data, columns that may be mutated, encoding)
_MUTABLE: dict[str, tuple[str, str, int, list[int], str]] = {
    "crosswalk": ("cms-asp-2025q3", "asp_ndc_hcpcs_crosswalk_2025q3.csv", 9, [0, 3, 6, 7, 8, 9],
                  "cp1252"),
    "asp": ("cms-asp-2025q3", "asp_payment_limit_2025q3.csv", 9, [0, 2, 3], "cp1252"),
    "mue": ("cms-mue-practitioner-2026q2", "mue_practitioner_2026q2_level2.csv", 1, [0, 1, 2],
            "utf-8"),
}  # fmt: skip
_READERS: dict[str, Callable[[Path], Read]] = {
    "crosswalk": read_crosswalk,
    "asp": read_asp,
    "mue": read_mue,
}


@pytest.fixture(scope="module")
def real_rows(cms_dir: Path) -> dict[str, list[list[str]]]:
    """Real rows of every shape per kind: the head, and rows from the start, middle and end."""
    found: dict[str, list[list[str]]] = {}
    for kind, (folder, name, head, _columns, encoding) in _MUTABLE.items():
        text = (cms_dir / folder / name).read_bytes().decode(encoding)
        rows = list(csv.reader(io.StringIO(text, newline="")))
        body = [row for row in rows[head:] if row and row[0].strip()]
        middle = len(body) * 5 // 6  # the crosswalk's skin substitutes with identifiers
        found[kind] = rows[:head] + body[:20] + body[middle : middle + 10] + body[-10:]
    return found


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
@pytest.mark.parametrize("kind", list(_MUTABLE))
def test_mutated_real_rows_are_imported_or_reported(
    real_rows: dict[str, list[list[str]]], kind: str, tmp_path: Path, data: st.DataObject
) -> None:
    """Property: count in = imported + skipped, and each skipped row names its own row number."""
    _folder, name, head, columns, encoding = _MUTABLE[kind]
    rows = [list(row) for row in real_rows[kind]]
    changed = data.draw(st.lists(st.sampled_from(range(head, len(rows))), max_size=6, unique=True))
    for index in changed:
        rows[index][data.draw(st.sampled_from(columns))] = data.draw(_MUTATIONS)
    path = tmp_path / name
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    read = _READERS[kind](path)
    report = read.report
    data_rows = len(rows) - head
    assert report.rows_read == data_rows
    assert report.imported == len(read.records)
    assert report.imported + len(report.skipped) + sum(report.set_aside.values()) == data_rows
    assert {row.row - 1 for row in report.skipped} <= set(changed)


# The other files of the real HCPCS zips, as a biller who unzipped one might pick them.
OTHER_HCPCS_MEMBERS = [
    ("cms-hcpcs-2026jan/january-2026-alpha-numeric-hcpcs-file.zip", "NOC codes_JAN2026.xlsx",
     "list of NOC codes"),
    ("cms-hcpcs-2026jan/january-2026-alpha-numeric-hcpcs-file.zip",
     "HCPC2026_JAN_ANWEB_Transaction Report_12292025.xlsx", "has no"),
    ("cms-hcpcs-2026jan/january-2026-alpha-numeric-hcpcs-file.zip",
     "HCPC2026_JAN_ANWEB_Corrections_01122026.xlsx", "no header row"),
    ("cms-hcpcs-2019/2019-Alpha-Numeric-HCPCS-File.zip", "HCPC2019_Trans_Alpha.xlsx",
     "no header row"),
]  # fmt: skip


@pytest.mark.parametrize(("zip_name", "member", "message"), OTHER_HCPCS_MEMBERS)
def test_other_files_of_the_hcpcs_zip_are_not_read_as_the_level_ii_file(
    cms_dir: Path, tmp_path: Path, zip_name: str, member: str, message: str
) -> None:
    """CMS's NOC list (HCPCS, LONG DESCRIPTION, ADD DATE, TERM DATE) once read as the whole
    HCPCS file: an update with it removed 920 codes from the catalog in use."""
    with zipfile.ZipFile(cms_dir / zip_name) as archive:
        path = tmp_path / member
        path.write_bytes(archive.read(member))
    with pytest.raises(SourceFileError, match=message):
        read_hcpcs(path)
