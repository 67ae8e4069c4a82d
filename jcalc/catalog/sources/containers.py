"""CMS files and zip containers: size checks, sniffing zip and Excel, bounded reads of members."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Final

from jcalc.catalog.sources.columns import HEADER_SEARCH_ROWS as HEADER_SEARCH_ROWS
from jcalc.catalog.sources.columns import KIND_NAMES as KIND_NAMES
from jcalc.catalog.sources.columns import KINDS as KINDS
from jcalc.catalog.sources.columns import Kind as Kind
from jcalc.catalog.sources.columns import normalize_header as normalize_header
from jcalc.catalog.sources.errors import SourceFileError
from jcalc.catalog.sources.streams import (
    MAX_INFLATED_BYTES,
    too_large,
)

HEAD_BYTES: Final = 128 * 1024  # how much of a file is read to sniff what it is
_ZIP_MAGIC: Final = (b"PK\x03\x04", b"PK\x05\x06")
_OLE2_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# ---------------------------------------------------------------- files and containers


def check_file(path: Path) -> None:
    """Raise unless ``path`` is an existing, non-empty regular file."""
    if not path.exists():
        raise SourceFileError(path, "the file does not exist")
    if path.is_dir():
        raise SourceFileError(path, "this is a folder, not a file")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceFileError(path, f"the file cannot be read ({exc.strerror})") from exc
    if size == 0:
        raise SourceFileError(path, "the file is empty")


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The file's bytes (or its first ``limit`` bytes); a file larger than any CMS file is
    refused before it is read."""
    try:
        if limit is None:
            size = path.stat().st_size
            if size > MAX_INFLATED_BYTES:
                raise too_large(path, size)
            return path.read_bytes()
        with path.open("rb") as handle:
            return handle.read(limit)
    except OSError as exc:
        raise SourceFileError(path, f"the file cannot be read ({exc.strerror})") from exc


def is_zip(head: bytes) -> bool:
    """Whether bytes start like a zip archive (which an .xlsx workbook also is)."""
    return head.startswith(_ZIP_MAGIC)


def is_old_excel(head: bytes) -> bool:
    """Whether bytes start like a legacy .xls (OLE2) workbook."""
    return head.startswith(_OLE2_MAGIC)


def open_zip(path: Path, data: bytes) -> zipfile.ZipFile:
    """The zip archive held in ``data`` (the bytes of ``path``)."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as exc:
        raise SourceFileError(
            path, "the zip archive is damaged or incomplete: download it again"
        ) from exc


def is_workbook(archive: zipfile.ZipFile) -> bool:
    """Whether a zip archive is an .xlsx workbook rather than a folder of files."""
    return "xl/workbook.xml" in archive.namelist()


def zip_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """Files of a zip archive, without folders and macOS resource-fork clutter."""
    members: list[zipfile.ZipInfo] = []
    for info in archive.infolist():
        name = PurePosixPath(info.filename)
        if info.is_dir() or "__MACOSX" in name.parts or name.name.startswith("._"):
            continue
        members.append(info)
    return members


def read_member(
    path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int | None = None
) -> bytes:
    """Bytes of one zip member (checked against its CRC when read whole).

    A member read whole must not inflate beyond MAX_INFLATED_BYTES: its declared size is checked
    first and the bytes are counted while inflating (a header may lie).
    """
    if limit is None and info.file_size > MAX_INFLATED_BYTES:
        raise too_large(path, info.file_size, info.filename)
    try:
        with archive.open(info) as handle:
            if limit is not None:
                return handle.read(limit)
            chunks: list[bytes] = []
            total = 0
            while chunk := handle.read(1024 * 1024):
                total += len(chunk)
                if total > MAX_INFLATED_BYTES:
                    raise too_large(path, total, info.filename, counted=True)
                chunks.append(chunk)
            return b"".join(chunks)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        RuntimeError,
        NotImplementedError,
        ValueError,
    ) as exc:
        raise SourceFileError(
            path, f"'{info.filename}' inside the zip is damaged ({exc}): download the zip again"
        ) from exc


def check_workbook_sizes(path: Path, archive: zipfile.ZipFile, member: str | None = None) -> None:
    """Refuse a workbook whose parts inflate beyond the limit (before openpyxl reads them)."""
    total = sum(info.file_size for info in archive.infolist())
    if total > MAX_INFLATED_BYTES:
        raise too_large(path, total, member)
