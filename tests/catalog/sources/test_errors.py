"""SourceFileError, and the malformed inputs every reader must turn into it."""

from __future__ import annotations

import contextlib
import pickle
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from jcalc.catalog.sources.asp import read_asp
from jcalc.catalog.sources.crosswalk import read_crosswalk
from jcalc.catalog.sources.errors import SourceFileError
from jcalc.catalog.sources.hcpcs import read_hcpcs
from jcalc.catalog.sources.mue import read_mue
from jcalc.core.errors import JcalcError
from tests.catalog.sources import synth

Reader = Callable[[Path], object]
READERS: dict[str, Reader] = {
    "hcpcs": read_hcpcs,
    "asp": read_asp,
    "crosswalk": read_crosswalk,
    "mue": read_mue,
}


def valid_file(kind: str, directory: Path) -> Path:
    """A small valid file of each kind."""
    if kind == "hcpcs":
        path = directory / "HCPC2026_JAN_ANWEB_01122026.txt"
        path.write_bytes(synth.fixed_text().encode("cp1252"))
        return path
    if kind == "asp":
        return synth.write_asp(directory / "asp_2026q1.csv")
    if kind == "crosswalk":
        return synth.write_crosswalk(directory / "crosswalk_2026q1.csv")
    return synth.write_mue_derived(directory / "mue_2026q2.csv")


def test_message_names_the_file_and_the_problem() -> None:
    error = SourceFileError(Path("/data/cms/asp.csv"), "the file is empty")
    assert str(error) == "asp.csv: the file is empty"
    assert error.path == Path("/data/cms/asp.csv")
    assert error.problem == "the file is empty"
    assert isinstance(error, JcalcError)


def test_accepts_a_string_path_and_pickles() -> None:
    error = SourceFileError("x/mue.csv", "row 3: bad")
    assert error.path == Path("x/mue.csv")
    clone = pickle.loads(pickle.dumps(error))
    assert str(clone) == "mue.csv: row 3: bad"
    assert clone.problem == "row 3: bad"


@pytest.mark.parametrize("kind", READERS)
def test_every_reader_reads_its_small_valid_file(kind: str, tmp_path: Path) -> None:
    READERS[kind](valid_file(kind, tmp_path))


@pytest.mark.parametrize("kind", READERS)
def test_nonexistent_path(kind: str, tmp_path: Path) -> None:
    with pytest.raises(SourceFileError, match=r"^missing\.csv: the file does not exist$"):
        READERS[kind](tmp_path / "missing.csv")


@pytest.mark.parametrize("kind", READERS)
def test_directory(kind: str, tmp_path: Path) -> None:
    folder = tmp_path / "cms"
    folder.mkdir()
    with pytest.raises(SourceFileError, match=r"^cms: this is a folder, not a file$"):
        READERS[kind](folder)


@pytest.mark.parametrize("kind", READERS)
def test_empty_file(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(SourceFileError, match=r"^empty\.csv: the file is empty$"):
        READERS[kind](path)


@pytest.mark.parametrize("kind", READERS)
def test_undecodable_bytes(kind: str, tmp_path: Path) -> None:
    path = valid_file(kind, tmp_path)
    data = path.read_bytes()
    cut = data.index(b"\n") + 1
    path.write_bytes(data[:cut] + b"\x81\x8d\x8f" + data[cut:])  # undefined in Windows-1252
    with pytest.raises(SourceFileError, match=r"byte 0x81 on line 2 is neither Windows-1252"):
        READERS[kind](path)


@pytest.mark.parametrize("kind", READERS)
def test_binary_file(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "picture.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(SourceFileError, match="binary file"):
        READERS[kind](path)


@pytest.mark.parametrize("kind", READERS)
def test_damaged_old_excel_workbook(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "file.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(SourceFileError, match=r"not a readable old-style Excel workbook"):
        READERS[kind](path)


@pytest.mark.parametrize("kind", READERS)
def test_text_that_is_no_cms_file(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("name,age\nann,3\n", encoding="utf-8")
    with pytest.raises(SourceFileError, match="no header row with the columns of"):
        READERS[kind](path)


@pytest.mark.parametrize("kind", READERS)
def test_truncated_zip(kind: str, tmp_path: Path) -> None:
    inner = valid_file(kind, tmp_path)
    path = synth.write_zip(tmp_path / "download.zip", {inner.name: inner.read_bytes()})
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceFileError, match="zip archive is damaged or incomplete"):
        READERS[kind](path)


@pytest.mark.parametrize("kind", READERS)
def test_zip_member_failing_its_crc(kind: str, tmp_path: Path) -> None:
    inner = valid_file(kind, tmp_path)
    path = tmp_path / "download.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(inner.name, inner.read_bytes())
    data = bytearray(path.read_bytes())
    spot = data.index(inner.read_bytes()[-40:]) + 10  # inside the stored member, last row
    data[spot] = ord("7") if data[spot] != ord("7") else ord("8")
    path.write_bytes(bytes(data))
    with pytest.raises(SourceFileError, match=r"inside the zip is damaged \(Bad CRC-32"):
        READERS[kind](path)


@pytest.mark.parametrize("kind", READERS)
def test_zip_without_a_matching_member(kind: str, tmp_path: Path) -> None:
    path = synth.write_zip(
        tmp_path / "download.zip", {"readme.pdf": b"%PDF-1.4", "notes.txt": b"hello\n"}
    )
    with pytest.raises(SourceFileError, match=r"the zip holds no file of the .* \(it holds"):
        READERS[kind](path)


@pytest.mark.parametrize("kind", READERS)
def test_empty_zip(kind: str, tmp_path: Path) -> None:
    path = synth.write_zip(tmp_path / "download.zip", {})
    with pytest.raises(SourceFileError, match=r"it holds nothing"):
        READERS[kind](path)


@pytest.mark.parametrize("kind", READERS)
def test_wrong_file_for_the_reader_is_named(kind: str, tmp_path: Path) -> None:
    for other in READERS:
        if other == kind:
            continue
        path = valid_file(other, tmp_path)
        with pytest.raises(SourceFileError, match=r"this (file|zip) is the .*, not the "):
            READERS[kind](path)


@pytest.mark.parametrize("kind", READERS)
def test_every_truncation_raises_only_source_file_error(kind: str, tmp_path: Path) -> None:
    """Cut the file at every length: it reads, or fails with SourceFileError, never otherwise."""
    path = valid_file(kind, tmp_path)
    data = path.read_bytes()
    step = max(1, len(data) // 400)
    for size in range(1, len(data), step):
        path.write_bytes(data[:size])
        with contextlib.suppress(SourceFileError):
            READERS[kind](path)


@pytest.mark.parametrize("kind", READERS)
def test_every_truncation_of_a_zip_raises_only_source_file_error(kind: str, tmp_path: Path) -> None:
    inner = valid_file(kind, tmp_path)
    path = synth.write_zip(tmp_path / "download.zip", {inner.name: inner.read_bytes()})
    data = path.read_bytes()
    for size in range(1, len(data), max(1, len(data) // 200)):
        path.write_bytes(data[:size])
        with pytest.raises(SourceFileError):
            READERS[kind](path)


@pytest.mark.parametrize("kind", READERS)
def test_corrupted_bytes_raise_only_source_file_error(kind: str, tmp_path: Path) -> None:
    """Overwrite single bytes with awkward values: success or SourceFileError, nothing else."""
    path = valid_file(kind, tmp_path)
    data = path.read_bytes()
    for index in range(0, len(data), max(1, len(data) // 150)):
        for value in (b'"', b",", b"\n", b"\x00", b"\x9d", b"X", b"9"):
            path.write_bytes(data[:index] + value + data[index + 1 :])
            with contextlib.suppress(SourceFileError):
                READERS[kind](path)
