"""Crosswalk records kept on disk once there are many: memory stays flat whatever the file's size.

Real crosswalks hold about 8,000 rows and stay in a list. Past :data:`SPILL_ROWS` rows the records
move to a temporary SQLite file (deleted when the spool is closed or collected), and the build
reads them back sorted by SQLite, which sorts on disk.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
import weakref
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Final, overload

from jcalc.catalog.sources.records import CrosswalkRecord

SPILL_ROWS: Final = 50_000
_BATCH: Final = 5_000
_FIELDS: Final = (
    "code", "short_description", "labeler", "ndc", "drug_name", "hcpcs_dosage", "pkg_size",
    "pkg_qty", "bill_units", "bill_units_pkg", "is_ndc",
)  # fmt: skip
_SORT: Final = "code, ndc, labeler, drug_name, hcpcs_dosage"

Row = tuple[object, ...]


def _row(record: CrosswalkRecord) -> Row:
    def text(value: Decimal | None) -> str | None:
        return None if value is None else format(value, "f")

    return (
        record.code, record.short_description, record.labeler, record.ndc, record.drug_name,
        record.hcpcs_dosage, text(record.pkg_size), text(record.pkg_qty), text(record.bill_units),
        text(record.bill_units_pkg), int(record.is_ndc),
    )  # fmt: skip


def _record(row: Row) -> CrosswalkRecord:
    def number(value: object) -> Decimal | None:
        return None if value is None else Decimal(str(value))

    return CrosswalkRecord(
        code=str(row[0]), short_description=str(row[1]), labeler=str(row[2]), ndc=str(row[3]),
        drug_name=str(row[4]), hcpcs_dosage=str(row[5]), pkg_size=number(row[6]),
        pkg_qty=number(row[7]), bill_units=number(row[8]), bill_units_pkg=number(row[9]),
        is_ndc=bool(row[10]),
    )  # fmt: skip


def _drop(connection: sqlite3.Connection, path: str) -> None:
    connection.close()
    with contextlib.suppress(OSError):
        Path(path).unlink()


class RecordSpool(Sequence[CrosswalkRecord]):
    """An append-only sequence of crosswalk records: a list, spilled to disk past SPILL_ROWS."""

    def __init__(self, spill_rows: int = SPILL_ROWS) -> None:
        self._spill_rows = spill_rows
        self._memory: list[CrosswalkRecord] = []
        self._pending: list[Row] = []
        self._count = 0
        self._connection: sqlite3.Connection | None = None

    @property
    def spilled(self) -> bool:
        """True once the records live in the temporary file."""
        return self._connection is not None

    def append(self, record: CrosswalkRecord) -> None:
        """Add one record (in file order)."""
        self._count += 1
        if self._connection is None:
            self._memory.append(record)
            if len(self._memory) > self._spill_rows:
                self._spill()
            return
        self._pending.append(_row(record))
        if len(self._pending) >= _BATCH:
            self._flush()

    def _spill(self) -> None:
        fd, name = tempfile.mkstemp(prefix="jcalc-crosswalk-", suffix=".sqlite")
        os.close(fd)
        connection = sqlite3.connect(name, check_same_thread=False)
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("PRAGMA cache_size = -16000")  # 16 MB
        connection.execute(f"CREATE TABLE records (seq INTEGER PRIMARY KEY, {', '.join(_FIELDS)})")
        self._connection = connection
        weakref.finalize(self, _drop, connection, name)
        self._pending = [_row(record) for record in self._memory]
        self._memory = []
        self._flush()

    def _flush(self) -> None:
        if self._connection is not None and self._pending:
            marks = ", ".join("?" * len(_FIELDS))
            self._connection.executemany(
                f"INSERT INTO records ({', '.join(_FIELDS)}) VALUES ({marks})", self._pending
            )
            self._connection.commit()
            self._pending = []

    def _query(self, sql: str, parameters: Sequence[object] = ()) -> Iterator[CrosswalkRecord]:
        assert self._connection is not None
        self._flush()
        for row in self._connection.execute(sql, parameters):
            yield _record(tuple(row))

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[CrosswalkRecord]:
        if self._connection is None:
            return iter(self._memory)
        return self._query(f"SELECT {', '.join(_FIELDS)} FROM records ORDER BY seq")

    @overload
    def __getitem__(self, index: int) -> CrosswalkRecord: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[CrosswalkRecord]: ...
    def __getitem__(self, index: int | slice) -> CrosswalkRecord | Sequence[CrosswalkRecord]:
        if isinstance(index, slice):
            return list(self)[index]
        if self._connection is None:
            return self._memory[index]
        position = index + self._count if index < 0 else index
        if not 0 <= position < self._count:
            raise IndexError(index)
        sql = f"SELECT {', '.join(_FIELDS)} FROM records WHERE seq = ?"
        return next(self._query(sql, (position + 1,)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def sorted_records(self, *, is_ndc: bool) -> Iterator[CrosswalkRecord]:
        """The records with or without a real NDC, sorted by code, NDC, labeler, drug, dosage."""
        if self._connection is None:
            chosen = (r for r in self._memory if r.is_ndc == is_ndc)
            yield from sorted(chosen, key=sort_key)
            return
        yield from self._query(
            f"SELECT {', '.join(_FIELDS)} FROM records WHERE is_ndc = ? ORDER BY {_SORT}, seq",
            (int(is_ndc),),
        )


def sort_key(record: CrosswalkRecord) -> tuple[str, ...]:
    """The order of the ``ndcs`` rows (a repeated pair keeps its first row in this order)."""
    return (record.code, record.ndc, record.labeler, record.drug_name, record.hcpcs_dosage)


def sorted_records(
    records: Iterable[CrosswalkRecord], *, is_ndc: bool
) -> Iterator[CrosswalkRecord]:
    """:meth:`RecordSpool.sorted_records` for any sequence of records."""
    if isinstance(records, RecordSpool):
        return records.sorted_records(is_ndc=is_ndc)
    return iter(sorted((r for r in records if r.is_ndc == is_ndc), key=sort_key))
