"""Streaming reads of CMS text files, bounded in size: a file or zip member is never held whole.

A text file is read twice, each time as a stream: :func:`scan` checks its size, encoding and how
it ends; :func:`csv_stream` then yields its CSV rows one at a time. Both count the bytes they read
(the size a zip header declares may lie) and stop at :data:`MAX_INFLATED_BYTES`, far above the
largest real CMS file (the 2026 HCPCS text is 5.4 MB inflated; a crosswalk about 2.7 MB).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final

from jcalc.catalog.sources.errors import SourceFileError

MAX_INFLATED_BYTES: Final = 200 * 1024 * 1024
CHUNK: Final = 1024 * 1024
HEAD: Final = 128 * 1024
_CP1252_UNDEFINED: Final = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_ZIP_ERRORS: Final = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError)

Opener = Callable[[], AbstractContextManager[IO[bytes]]]


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def too_large(
    path: Path, size: int, member: str | None = None, *, counted: bool = False
) -> SourceFileError:
    """The error for a file (or zip member) larger than any CMS file; ``counted`` when the size
    was found while reading (the read stopped there) rather than declared."""
    what = f"'{member}' inside the zip inflates to" if member else "the file is"
    amount = f"more than {_mb(MAX_INFLATED_BYTES)}" if counted else _mb(size)
    return SourceFileError(
        path,
        f"{what} {amount}, more than any CMS file (the limit is {_mb(MAX_INFLATED_BYTES)}): "
        "this is not a CMS file, or it is damaged",
    )


class _Limited(io.RawIOBase):
    """A binary stream that raises once more than ``limit`` bytes came through."""

    def __init__(self, raw: IO[bytes], limit: int, on_excess: Callable[[int], Exception]) -> None:
        super().__init__()
        self._raw = raw
        self._limit = limit
        self._count = 0
        self._on_excess = on_excess

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        self._count += len(data)
        if self._count > self._limit:
            raise self._on_excess(self._count)
        buffer[: len(data)] = data
        return len(data)


def file_opener(path: Path) -> Opener:
    """Opens ``path`` for a bounded binary read."""

    @contextmanager
    def opened() -> Iterator[IO[bytes]]:
        try:
            handle = path.open("rb")
        except OSError as exc:
            raise SourceFileError(path, f"the file cannot be read ({exc.strerror})") from exc
        with handle:
            limited = _Limited(
                handle, MAX_INFLATED_BYTES, lambda n: too_large(path, n, counted=True)
            )
            yield io.BufferedReader(limited, CHUNK)

    return opened


def member_opener(path: Path, archive_bytes: bytes, info: zipfile.ZipInfo) -> Opener:
    """Opens one zip member for a bounded binary read (refused first when its declared size is
    over the limit)."""
    if info.file_size > MAX_INFLATED_BYTES:
        raise too_large(path, info.file_size, info.filename)

    @contextmanager
    def opened() -> Iterator[IO[bytes]]:
        def damaged(exc: BaseException) -> SourceFileError:
            return SourceFileError(
                path, f"'{info.filename}' inside the zip is damaged ({exc}): download the zip again"
            )

        try:
            archive = zipfile.ZipFile(io.BytesIO(archive_bytes))
            member = archive.open(info)
        except (*_ZIP_ERRORS, OSError, ValueError) as exc:
            raise damaged(exc) from exc
        with archive, member:
            limited = _Limited(
                member,
                MAX_INFLATED_BYTES,
                lambda n: too_large(path, n, info.filename, counted=True),
            )
            try:
                yield io.BufferedReader(limited, CHUNK)
            except _ZIP_ERRORS as exc:
                raise damaged(exc) from exc

    return opened


def read_all(opener: Opener) -> bytes:
    """Every byte of an opened stream (bounded by the opener's limit)."""
    with opener() as stream:
        return stream.read()


@dataclass(frozen=True)
class Scan:
    """What one streamed pass over a text file found."""

    encoding: str  # a Python codec name for io.TextIOWrapper
    ended_cleanly: bool  # the last byte is a line break
    size: int
    head: bytes  # the first bytes, for sniffing


def _where(member: str | None) -> str:
    return f"'{member}' inside the zip: " if member else ""


def scan(path: Path, opener: Opener, member: str | None = None) -> Scan:
    """Size, encoding (UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252) and ending
    of a text file, read as a stream. Raises SourceFileError for binary or undecodable bytes."""
    where = _where(member)
    head = b""
    tail = b""
    size = 0
    lines = 0
    bom: str | None = None
    decoder: codecs.IncrementalDecoder | None = None
    utf8_ok = True
    cp1252_problem: tuple[int, int] | None = None  # (byte, line)
    with opener() as stream:
        while chunk := stream.read(CHUNK):
            if not head:
                head = chunk[:HEAD]
                if chunk.startswith(codecs.BOM_UTF8):
                    bom = "utf-8-sig"
                elif chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                    bom = "utf-16"
                elif b"\x00" in head:
                    raise SourceFileError(
                        path, f"{where}this is a binary file, not a CSV or text file"
                    )
                decoder = codecs.getincrementaldecoder(bom or "utf-8")()
            try:
                if decoder is not None and (bom or utf8_ok):
                    decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                if bom:
                    line = lines + chunk.count(b"\n", 0, max(exc.start, 0)) + 1
                    raise SourceFileError(
                        path,
                        f"{where}line {line} is not valid text in the encoding its first bytes "
                        "announce",
                    ) from exc
                utf8_ok = False
            if cp1252_problem is None and (bad := _CP1252_UNDEFINED.search(chunk)):
                cp1252_problem = (
                    chunk[bad.start()],
                    lines + chunk.count(b"\n", 0, bad.start()) + 1,
                )
            lines += chunk.count(b"\n")
            size += len(chunk)
            tail = (tail + chunk)[-4:]
    if decoder is not None and utf8_ok and not bom:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok = False
    if bom:
        encoding = bom
    elif utf8_ok:
        encoding = "utf-8"
    elif cp1252_problem is None:
        encoding = "cp1252"
    else:
        byte, line = cp1252_problem
        raise SourceFileError(
            path,
            f"{where}byte 0x{byte:02X} on line {line} is neither Windows-1252 nor UTF-8 text: the "
            "file is damaged or saved in another encoding",
        )
    ended = tail.endswith((b"\n", b"\r", b"\n\x00", b"\r\x00"))
    return Scan(encoding, ended, size, head)


def read_text(opener: Opener, scanned: Scan) -> str:
    """The whole text (for the fixed-width HCPCS file, a few MB)."""
    return read_all(opener).decode(scanned.encoding)


def csv_stream(
    path: Path, opener: Opener, scanned: Scan, member: str | None = None
) -> Iterator[list[str]]:
    """Every CSV row, one at a time; broken quoting (a file cut inside a quoted field) raises."""
    where = f"'{member}' inside the zip, " if member else ""
    number = 0
    with opener() as stream:
        text = io.TextIOWrapper(stream, encoding=scanned.encoding, newline="")
        reader = csv.reader(text, strict=True)
        try:
            for row in reader:
                number += 1
                yield row
        except csv.Error as exc:
            if "end of data" in str(exc):
                problem = (
                    f"{where}row {number + 1} ends inside a quoted field: the file looks cut off"
                )
            else:
                problem = f"{where}row {number + 1} is not valid CSV ({exc})"
            raise SourceFileError(path, problem) from exc
