"""Draw jcalc's icon with QPainter and write ``resources/jcalc.png`` and ``resources/jcalc.ico``.

The icon is the project's own drawing (no font, no downloaded art): a teal rounded square with a
white "J" drawn as a stroke and an amber drop. Each size is painted separately so the small ones
stay crisp. The ``.ico`` holds 16–48 px as 32-bit BMP entries and 64–256 px as PNG entries, the
layout Windows, PyInstaller and NSIS all read.

    python installer/make_icon.py [--out-dir resources]
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QGuiApplication,
    QImage,
    QImageWriter,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
)

ROOT = Path(__file__).resolve().parent.parent
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
BMP_MAX = 48  # larger entries are stored as PNG
PNG_SIZE = 256


def _app() -> QGuiApplication:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    existing = QGuiApplication.instance()
    if isinstance(existing, QGuiApplication):
        return existing
    return QGuiApplication([sys.argv[0]])


def draw(size: int) -> QImage:
    """The icon painted at ``size`` × ``size`` pixels (ARGB32)."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.scale(size / 256.0, size / 256.0)

    gradient = QLinearGradient(QPointF(0, 0), QPointF(0, 256))
    gradient.setColorAt(0.0, QColor("#26a69a"))
    gradient.setColorAt(1.0, QColor("#00695c"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(gradient))
    painter.drawRoundedRect(QRectF(8, 8, 240, 240), 48, 48)

    pen = QPen(QColor("#ffffff"), 38)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    letter = QPainterPath()
    letter.moveTo(96, 56)
    letter.lineTo(160, 56)  # top bar
    letter.moveTo(142, 56)
    letter.lineTo(142, 150)  # stem
    letter.arcTo(QRectF(62, 110, 80, 80), 0, -180)  # hook
    painter.drawPath(letter)

    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#ffc107"))
    drop = QPainterPath()
    drop.moveTo(200, 120)
    drop.cubicTo(214, 146, 226, 160, 226, 176)
    drop.arcTo(QRectF(174, 150, 52, 52), 0, -180)
    drop.cubicTo(174, 160, 186, 146, 200, 120)
    painter.drawPath(drop)
    painter.end()
    return image


def _png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"png"))
    if not writer.write(image):
        raise RuntimeError(f"PNG encoding failed: {writer.errorString()}")
    buffer.close()
    return bytes(data.data())


def _bmp_entry(image: QImage) -> bytes:
    """A 32-bit BMP icon entry: header, bottom-up BGRA pixels, then the 1-bit AND mask."""
    size = image.width()
    argb = image.convertToFormat(QImage.Format.Format_ARGB32)
    rows = []
    for y in range(size):
        line = bytearray()
        for x in range(size):
            pixel = argb.pixel(x, y)  # 0xAARRGGBB
            line += struct.pack("<I", pixel)  # little endian: B, G, R, A
        rows.append(bytes(line))
    pixels = b"".join(reversed(rows))
    mask_stride = ((size + 31) // 32) * 4
    mask_rows = []
    for y in range(size):
        bits = bytearray(mask_stride)
        for x in range(size):
            if argb.pixel(x, y) >> 24 == 0:
                bits[x // 8] |= 0x80 >> (x % 8)
        mask_rows.append(bytes(bits))
    mask = b"".join(reversed(mask_rows))
    header = struct.pack(
        "<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, len(pixels) + len(mask), 0, 0, 0, 0
    )
    return header + pixels + mask


def ico_bytes(sizes: tuple[int, ...] = ICO_SIZES) -> bytes:
    """A Windows .ico file with one entry per size."""
    entries = [(s, _bmp_entry(draw(s)) if s <= BMP_MAX else _png_bytes(draw(s))) for s in sizes]
    offset = 6 + 16 * len(entries)
    directory = struct.pack("<HHH", 0, 1, len(entries))
    blobs = b""
    for size, blob in entries:
        dim = 0 if size >= 256 else size
        directory += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
        blobs += blob
    return directory + blobs


def main(argv: list[str] | None = None) -> int:
    """Write jcalc.png and jcalc.ico; the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out-dir", type=Path, default=ROOT / "resources")
    args = parser.parse_args(argv)
    _app()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    png = args.out_dir / "jcalc.png"
    ico = args.out_dir / "jcalc.ico"
    png.write_bytes(_png_bytes(draw(PNG_SIZE)))
    ico.write_bytes(ico_bytes())
    print(f"wrote {png} ({png.stat().st_size} bytes) and {ico} ({ico.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
