"""Search data read from the catalog: per-code rank data once, brands/aliases/descriptors lazily."""

from __future__ import annotations

import sqlite3
import threading
from typing import Final

from jcalc.catalog.search_index import (
    DOCS_TABLE,
    INDEX_TABLES,
    INDEX_VERSION,
    INFO_TABLE,
    LABELS_TABLE,
)
from jcalc.catalog.search_results import CodeInfo, Label, SearchError
from jcalc.catalog.store import descriptor_from_columns
from jcalc.core.descriptor import Descriptor, descriptor_label

CODES_SQL: Final = (
    "SELECT s.id, c.hcpcs, c.name, c.short_description, c.add_date, c.termination_date, "
    "s.usual_brand, s.popularity, s.sort_len "
    f"FROM {DOCS_TABLE} AS s JOIN codes AS c ON c.hcpcs = s.hcpcs"
)
LABELS_SQL: Final = (
    f"SELECT field, label, pref, words FROM {LABELS_TABLE} WHERE hcpcs = ? ORDER BY field, label"
)
DESCRIPTOR_SQL: Final = (
    "SELECT descriptor_kind, descriptor_amount, descriptor_unit, descriptor_text, "
    "descriptor_note FROM codes WHERE hcpcs = ?"
)


class SearchData:
    """The base of :class:`~jcalc.catalog.search.SearchEngine`: what it reads from the catalog."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self._lock = threading.Lock()
        self._codes: dict[str, CodeInfo] = {}
        self._sorted_codes: list[str] = []
        self._doc_codes: dict[str, str] = {}  # FTS5 rowid (as text) → code
        self._labels: dict[str, tuple[Label, ...]] = {}
        self._descriptors: dict[str, str] = {}
        self._status: dict[str, int] = {}
        self._status_day = ""
        self._loaded = False

    @property
    def connection(self) -> sqlite3.Connection:
        """The catalog connection searched."""
        return self._connection

    # -- loading -------------------------------------------------------------------------------

    def _load(self) -> None:
        if self._loaded:
            return
        tables = {
            str(row[0])
            for row in self._connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            )
        }
        if INFO_TABLE in tables:  # an index of another version lacks some of today's tables
            row = self._connection.execute(
                f"SELECT value FROM {INFO_TABLE} WHERE key = 'index_version'"
            ).fetchone()
            if row is None or str(row[0]) != str(INDEX_VERSION):
                raise SearchError(
                    f"the catalog's search index is version {row[0] if row else '?'}, this "
                    f"jcalc reads version {INDEX_VERSION}: rebuild it with 'jcalc catalog build'"
                )
        missing = [name for name in INDEX_TABLES if name not in tables]
        if missing:
            raise SearchError(
                f"the catalog has no search index (table(s) {', '.join(missing)} missing): "
                "rebuild it with 'jcalc catalog build'"
            )
        codes: dict[str, CodeInfo] = {}
        doc_codes: dict[str, str] = {}
        for (
            doc,
            hcpcs,
            name,
            short,
            effective,
            terminated,
            brand,
            popularity,
            sort_len,
        ) in self._connection.execute(CODES_SQL):
            code = str(hcpcs)
            doc_codes[str(doc)] = code
            codes[code] = CodeInfo(
                hcpcs=code,
                name=plain_text(name) or plain_text(short) or plain_text(brand),
                effective=str(effective or "")[:10],
                terminated=str(terminated or "")[:10],
                brand=plain_text(brand),
                popularity=min(int(popularity or 0), 9),
                sort_key=f"{int(sort_len or 0):06d}",
            )
        self._codes = codes
        self._doc_codes = doc_codes
        self._sorted_codes = sorted(codes)
        self._loaded = True

    def _descriptor(self, code: str) -> str:
        label = self._descriptors.get(code)
        if label is None:
            row = self._connection.execute(DESCRIPTOR_SQL, (code,)).fetchone()
            label = descriptor_label(descriptor_from_row(row)) if row else "?"
            self._descriptors[code] = label
        return label

    def _code_labels(self, code: str) -> tuple[Label, ...]:
        """The brands and aliases of a code (read once per code)."""
        labels = self._labels.get(code)
        if labels is None:
            labels = tuple(
                (str(field_name), int(pref), str(label), tuple(str(words).split()))
                for field_name, label, pref, words in self._connection.execute(LABELS_SQL, (code,))
            )
            self._labels[code] = labels
        return labels

    def _best_label(self, code: str, field_name: str, term: str, prefix: bool) -> tuple[int, str]:
        """(alias order, label) of the code's best brand or alias holding ``term`` (or a word it
        starts); the lowest alias order, then the shortest label. (0, "") when none does."""
        best: tuple[int, int, str] | None = None
        for label_field, pref, label, words in self._code_labels(code):
            if label_field != field_name:
                continue
            if term in words or (prefix and any(word.startswith(term) for word in words)):
                candidate = (pref, len(label), label)
                if best is None or candidate < best:
                    best = candidate
        return (best[0], best[2]) if best else (0, "")


def plain_text(value: object) -> str:
    """Text with its blanks collapsed; "" for anything else."""
    return " ".join(value.split()) if isinstance(value, str) else ""


def descriptor_from_row(row: tuple[object, ...]) -> Descriptor:
    """A Descriptor from the ``descriptor_*`` columns of a code."""
    kind, amount, unit, text, note = (value if isinstance(value, str) else None for value in row)
    return descriptor_from_columns(kind or "", amount, unit, text or "", note or "")
