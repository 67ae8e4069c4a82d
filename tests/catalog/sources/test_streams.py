"""Bounded reads: files and zip members larger than any CMS file are refused, never read whole."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest

from jcalc.catalog.sources import containers, opening, streams
from jcalc.catalog.sources.crosswalk import read_crosswalk
from jcalc.catalog.sources.detect import detect_kind
from jcalc.catalog.sources.errors import SourceFileError
from jcalc.catalog.sources.hcpcs import read_hcpcs
from tests.catalog.sources import synth

LIMIT = 1024 * 1024


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> int:
    """A 1 MB limit in place of 200 MB, so that a test's files can exceed it cheaply."""
    monkeypatch.setattr(streams, "MAX_INFLATED_BYTES", LIMIT)
    monkeypatch.setattr(containers, "MAX_INFLATED_BYTES", LIMIT)
    return LIMIT


def _padded_crosswalk(size: int) -> bytes:
    """A crosswalk followed by ``size`` blanks (which compress to almost nothing)."""
    data = synth.csv_bytes([*synth.CROSSWALK_TITLE, synth.CROSSWALK_HEADER, *synth.CROSSWALK_ROWS])
    return data + b" " * size + b"\r\n"


def test_the_limit_is_far_above_any_real_cms_file(cms_dir: Path) -> None:
    largest = 0
    for path in cms_dir.rglob("*"):
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                largest = max(largest, *(info.file_size for info in archive.infolist()))
        elif path.is_file():
            largest = max(largest, path.stat().st_size)
    assert largest * 20 < streams.MAX_INFLATED_BYTES == 200 * 1024 * 1024


def test_a_member_declaring_more_than_the_limit_is_refused_before_it_is_read(
    small_limit: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = synth.write_zip(tmp_path / "xw.zip", {"xw.csv": _padded_crosswalk(3 * small_limit)})
    assert path.stat().st_size < small_limit // 10  # a small zip that inflates far beyond it
    with pytest.raises(SourceFileError, match=r"'xw.csv' inside the zip inflates to 3 MB, more"):
        read_crosswalk(path)


def test_a_member_whose_header_understates_its_size_is_refused(
    small_limit: int, tmp_path: Path
) -> None:
    path = synth.write_zip(tmp_path / "xw.zip", {"xw.csv": _padded_crosswalk(3 * small_limit)})
    data = bytearray(path.read_bytes())
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, 2000)  # uncompressed size: 2,000 bytes, a lie
    struct.pack_into("<I", data, central + 24, 2000)
    path.write_bytes(bytes(data))
    with pytest.raises(SourceFileError, match=r"'xw.csv' inside the zip (is damaged|inflates)"):
        read_crosswalk(path)


def test_a_plain_file_over_the_limit_is_refused(small_limit: int, tmp_path: Path) -> None:
    path = tmp_path / "xw.csv"
    path.write_bytes(_padded_crosswalk(2 * small_limit))
    with pytest.raises(SourceFileError, match=r"the file is (2 MB|more than 1 MB), more than any"):
        read_crosswalk(path)


def test_a_workbook_member_over_the_limit_is_refused(small_limit: int, tmp_path: Path) -> None:
    rows = [synth.HCPCS_CSV_HEADER, synth.hcpcs_csv_row("J9312", "Inj", "Inj")]
    book = synth.write_xlsx(tmp_path / "h.xlsx", rows)
    with zipfile.ZipFile(book, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (2 * small_limit))
    path = synth.write_zip(tmp_path / "hcpcs.zip", {"HCPC2026_JAN_ANWEB.xlsx": book.read_bytes()})
    with pytest.raises(SourceFileError, match="inflates to"):
        read_hcpcs(path)


def test_the_bounds_do_not_change_what_a_real_file_reads(cms_files: dict[str, Path]) -> None:
    assert detect_kind(cms_files["hcpcs"]) == "hcpcs"
    assert len(read_crosswalk(cms_files["crosswalk"]).records) == 7125


def test_rows_are_streamed_not_held(tmp_path: Path) -> None:
    rows = [synth.CROSSWALK_ROWS[1]] * 500
    source = opening.open_source(synth.write_crosswalk(tmp_path / "xw.csv", rows), "crosswalk")
    assert source.stream is not None
    assert len(source.rows) <= opening.HEADER_SEARCH_ROWS + 1  # only the head is held
    assert sum(1 for _ in source.data_rows()) == 500
