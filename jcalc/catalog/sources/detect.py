"""Telling which CMS file a file is, cheaply, from its first bytes (or a zip's member list)."""

from __future__ import annotations

from pathlib import Path

from jcalc.catalog.sources.errors import SourceFileError
from jcalc.catalog.sources.opening import (
    HEAD_BYTES,
    KIND_NAMES,
    Kind,
    check_file,
    is_old_excel,
    is_workbook,
    is_zip,
    open_zip,
    read_bytes,
    sniff_bytes,
    sniff_member,
    sniff_workbook,
    table_members,
)

__all__ = ["KIND_NAMES", "Kind", "detect_kind"]


def detect_kind(path: Path) -> Kind | None:
    """Which of the four CMS files ``path`` is: "hcpcs", "asp", "crosswalk", "mue", or None.

    Reads only the start of a text file (or of each text member of a zip). A file whose header
    names most of a kind's columns counts as that kind, so that reading it reports the missing
    column. Raises :class:`SourceFileError` only when the path is missing, a folder, empty or
    unreadable; a damaged or unknown file gives None.
    """
    path = Path(path)
    check_file(path)
    head = read_bytes(path, HEAD_BYTES)
    try:
        if is_old_excel(head):
            guess = sniff_workbook(path, read_bytes(path), None)
            return guess.kind if guess is not None else None
        if not is_zip(head):
            guess = sniff_bytes(head, len(head) < HEAD_BYTES)
            return guess.kind if guess is not None else None
        data = read_bytes(path)
        with open_zip(path, data) as archive:
            if is_workbook(archive):
                guess = sniff_workbook(path, data, None)
                return guess.kind if guess is not None else None
            partial: Kind | None = None
            for info in table_members(archive):
                guess = sniff_member(path, archive, info)
                if guess is not None and guess.complete:
                    return guess.kind
                if guess is not None and partial is None:
                    partial = guess.kind
            return partial
    except SourceFileError:
        return None
