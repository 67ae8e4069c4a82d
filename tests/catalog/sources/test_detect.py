"""detect_kind: which CMS file a file is."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from jcalc.catalog.sources.detect import detect_kind
from jcalc.catalog.sources.errors import SourceFileError
from tests.catalog.sources import synth


@pytest.mark.needs_shared
@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("hcpcs", "hcpcs"),
        ("hcpcs_csv", "hcpcs"),
        ("asp", "asp"),
        ("crosswalk", "crosswalk"),
        ("mue", "mue"),
    ],
)
def test_reference_files(key: str, kind: str, cms_files: dict[str, Path]) -> None:
    started = time.perf_counter()
    assert detect_kind(cms_files[key]) == kind
    assert time.perf_counter() - started < 0.2  # only the start of the file is read


@pytest.mark.needs_shared
def test_reference_source_notes_are_no_cms_file(cms_dir: Path) -> None:
    for note in cms_dir.glob("*/SOURCE.txt"):
        assert detect_kind(note) is None


def test_synthetic_files(tmp_path: Path) -> None:
    assert detect_kind(synth.write_asp(tmp_path / "a.csv")) == "asp"
    assert detect_kind(synth.write_crosswalk(tmp_path / "x.csv")) == "crosswalk"
    assert detect_kind(synth.write_mue_derived(tmp_path / "m.csv")) == "mue"
    text = tmp_path / "h.txt"
    text.write_text(synth.fixed_text(), encoding="cp1252")
    assert detect_kind(text) == "hcpcs"
    mue = tmp_path / "MCR_MUE_PractitionerServices.csv"
    mue.write_bytes(synth.mue_cms_bytes())
    assert detect_kind(mue) == "mue"


def test_names_do_not_matter_content_does(tmp_path: Path) -> None:
    crosswalk = synth.write_crosswalk(tmp_path / "asp_payment_limit_2026q1.csv")
    assert detect_kind(crosswalk) == "crosswalk"


def test_zips_and_workbooks(tmp_path: Path) -> None:
    inner = synth.write_crosswalk(tmp_path / "x.csv").read_bytes()
    zipped = synth.write_zip(tmp_path / "x.zip", {"readme.txt": b"hello\n", "Crosswalk.csv": inner})
    assert detect_kind(zipped) == "crosswalk"
    book = synth.write_xlsx(tmp_path / "asp.xlsx", synth.asp_rows())
    assert detect_kind(book) == "asp"
    zipped_book = synth.write_zip(tmp_path / "asp.zip", {"asp.xlsx": book.read_bytes()})
    assert detect_kind(zipped_book) == "asp"


def test_file_missing_a_column_still_counts_as_its_kind(tmp_path: Path) -> None:
    header = [h if h != "BILLUNITS" else "UNITS" for h in synth.CROSSWALK_HEADER]
    path = synth.write_crosswalk(tmp_path / "x.csv", header=header)
    assert detect_kind(path) == "crosswalk"  # so that reading it names the missing column


@pytest.mark.parametrize(
    "content",
    [
        b"name,age\nann,3\n",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
        b"PK\x03\x04 not really a zip",
        b"\x81\x8d\x8f\x90\x9d",
    ],
)
def test_unknown_or_damaged_files(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    assert detect_kind(path) is None


def test_zip_of_unrelated_files(tmp_path: Path) -> None:
    path = synth.write_zip(tmp_path / "z.zip", {"a.txt": b"hello\n", "b.pdf": b"%PDF"})
    assert detect_kind(path) is None


@pytest.mark.parametrize("make", ["missing", "folder", "empty"])
def test_paths_that_are_no_file_raise(make: str, tmp_path: Path) -> None:
    path = tmp_path / "target"
    if make == "folder":
        path.mkdir()
    elif make == "empty":
        path.write_bytes(b"")
    with pytest.raises(SourceFileError):
        detect_kind(path)
