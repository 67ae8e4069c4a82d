"""``jcalc calc --pdf``: a PDF that cannot be written is exit 2 with the reason, never 0 bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from jcalc import printing
from jcalc.cli import main

# A QApplication first (pytest-qt): otherwise --pdf would create a bare QGuiApplication that
# the window tests after this module could not replace.
pytestmark = pytest.mark.usefixtures("qapp")

ARGS = ["calc", "J9312", "450 mg", "--date", "2026-02-02", "--no-clinic-data"]


def test_the_pdf_is_written_whole(capsys, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "visit.pdf"
    assert main([*ARGS, "--pdf", str(target)]) == 0
    data = target.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert sorted(path.name for path in target.parent.iterdir()) == ["visit.pdf"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="POSIX devices")
def test_a_full_disk_is_exit_2_with_the_reason(capsys) -> None:
    assert main([*ARGS, "--pdf", "/dev/full"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "error: cannot write /dev/full: No space left on device\n"


def test_an_empty_render_is_caught_and_the_old_file_kept(
    capsys, tmp_path: Path, monkeypatch
) -> None:
    target = tmp_path / "visit.pdf"
    target.write_bytes(b"%PDF-1.4 the old one")
    monkeypatch.setattr(printing, "render_to_device", lambda _summary, _device: 1)
    assert main([*ARGS, "--pdf", str(target)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {target}: the PDF could not be produced")
    assert target.read_bytes() == b"%PDF-1.4 the old one"


def test_a_folder_or_missing_folder_is_exit_2(capsys, tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    assert main([*ARGS, "--pdf", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert main([*ARGS, "--pdf", str(tmp_path / "no" / "x.pdf")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot write") and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []
