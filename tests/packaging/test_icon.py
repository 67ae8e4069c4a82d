"""resources/jcalc.ico and jcalc.png: the project's own icon, drawn by installer/make_icon.py."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ICO = ROOT / "resources" / "jcalc.ico"
PNG = ROOT / "resources" / "jcalc.png"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def ico_entries(data: bytes) -> list[tuple[int, bytes]]:
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    assert (reserved, kind) == (0, 1)
    entries = []
    for index in range(count):
        width, height, _colors, _r, planes, bits, size, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * index
        )
        assert width == height and planes == 1 and bits == 32
        entries.append((width or 256, data[offset : offset + size]))
    return entries


def check_icon_files(ico: Path, png: Path) -> None:
    entries = ico_entries(ico.read_bytes())
    assert [size for size, _ in entries] == [16, 24, 32, 48, 64, 128, 256]
    for size, blob in entries:
        if size <= 48:  # 32-bit BMP: header, then pixels and the AND mask
            header_size, width, height = struct.unpack_from("<Iii", blob, 0)
            mask = ((size + 31) // 32) * 4 * size
            assert (header_size, width, height) == (40, size, 2 * size)
            assert len(blob) == 40 + size * size * 4 + mask
        else:
            assert blob.startswith(PNG_MAGIC)
            assert struct.unpack(">II", blob[16:24]) == (size, size)
    data = png.read_bytes()
    assert data.startswith(PNG_MAGIC)
    assert struct.unpack(">II", data[16:24]) == (256, 256)


def test_committed_icon() -> None:
    check_icon_files(ICO, PNG)


def test_make_icon_draws_it(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "installer" / "make_icon.py"), "--out-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    check_icon_files(tmp_path / "jcalc.ico", tmp_path / "jcalc.png")


def test_qt_reads_every_size(qapp) -> None:
    from PySide6.QtGui import QImageReader

    reader = QImageReader(str(ICO))
    assert reader.imageCount() == 7
    sizes = []
    for index in range(reader.imageCount()):
        assert reader.jumpToImage(index)
        image = reader.read()
        assert not image.isNull()
        centre = image.pixelColor(image.width() // 2, image.height() // 2)
        assert centre.alpha() == 255  # opaque drawing, not an empty canvas
        sizes.append(image.width())
    assert sorted(sizes) == [16, 24, 32, 48, 64, 128, 256]
