"""The search index of a catalog: an SQLite FTS5 index of every code's words, by field.

:func:`create_search_index` runs at the end of the catalog build. It writes, with sqlite-utils:

``search(id, hcpcs, code, name, brand, alias, description, labeler, usual_brand, popularity,
sort_len)``
    One row per code (``id`` in code order). The six field columns hold the folded words of that
    field, blank-separated: ``code`` ("j9312"), ``name``, ``brand`` (every crosswalk drug name),
    ``alias``, ``description`` (long and short) and ``labeler`` (company-form words such as "inc"
    left out). ``usual_brand`` is the commonest crosswalk drug name, ``popularity`` how common the
    code is (named by an alias, sold under many NDCs: see :func:`_popularity`), ``sort_len`` the
    length of its long description.
``search_fts``
    The FTS5 index of the six field columns (``content=[search]``, so sqlite-utils'
    ``Table.detect_fts``, ``rebuild_fts`` and ``search`` work on it), tokenizer
    ``unicode61 remove_diacritics 2`` and ``prefix='2 3 4'``, so that a word or a prefix of two
    letters or more is one index lookup. Columns are in field order (:data:`FIELDS`): a search
    runs one column-filtered MATCH per field (``name : "ritux"*``) and the best field a query word
    is in is the first column that matches it.
``search_labels(hcpcs, field, label, pref, words)``
    Every brand and alias of a code as a whole, with its folded words: what a result shows as
    matched ("alias: Narcan", the brand "Rituxan Hycela"); ``pref`` orders the codes one alias
    names (0 = the first row of the alias file).
``search_trigrams(trigram, len, term)``
    The padded trigrams of every alphabetic word of four letters or more: the typo lookup counts
    the trigrams a query word shares with each word of a similar length.
``search_phrases(phrase, hcpcs, field, label)``
    Every alias, and every brand that is not just the generic name, as a whole: its words joined
    by one blank and also with none ("depo medrol", "depomedrol"). A query that is exactly a brand
    or an alias ranks that code above codes where the words only occur.
``search_info(key, value)``
    ``index_version`` and row counts.

The last four are WITHOUT ROWID B-trees: a lookup is one index seek. The same input gives the
same rows (and the same FTS5 shadow tables: the index is rebuilt from ``search`` and optimized
into one segment). Words are folded here, not by the tokenizer (Unicode compatibility form,
accents removed, case folded), and split at anything that is not a letter or digit; hyphenated
and apostrophe words are also indexed joined ("b-12" → "b", "12", "b12"). Queries are folded the
same way, so the tokenizer only ever sees folded words.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final

from jcalc.catalog.aliases import Alias
from jcalc.catalog.schema import ALIASES_COLUMNS, ALIASES_PK

if TYPE_CHECKING:  # sqlite-utils is only needed to build, not to search
    import sqlite_utils

INDEX_VERSION: Final = 3

DOCS_TABLE: Final = "search"
FTS_TABLE: Final = "search_fts"
LABELS_TABLE: Final = "search_labels"
TRIGRAMS_TABLE: Final = "search_trigrams"
PHRASES_TABLE: Final = "search_phrases"
INFO_TABLE: Final = "search_info"
INDEX_TABLES: Final = (
    DOCS_TABLE,
    FTS_TABLE,
    LABELS_TABLE,
    TRIGRAMS_TABLE,
    PHRASES_TABLE,
    INFO_TABLE,
)
# Tables of earlier index versions, dropped when the index is rebuilt.
_OLD_TABLES: Final = ("search_terms", "search_codes")

FTS_TOKENIZE: Final = "unicode61 remove_diacritics 2"
FTS_PREFIX: Final = "2 3 4"

FIELD_CODE: Final = "code"
FIELD_NAME: Final = "name"
FIELD_BRAND: Final = "brand"
FIELD_ALIAS: Final = "alias"
FIELD_DESCRIPTION: Final = "description"
FIELD_LABELER: Final = "labeler"
# The FTS5 columns, best first: which field a match is reported from when a word is in several.
FIELDS: Final = (
    FIELD_CODE,
    FIELD_NAME,
    FIELD_BRAND,
    FIELD_ALIAS,
    FIELD_DESCRIPTION,
    FIELD_LABELER,
)
FIELD_RANK: Final[dict[str, int]] = {field: rank for rank, field in enumerate(FIELDS)}

TYPO_MIN_LENGTH: Final = 4
# Company-form words of labeler names: in most rows, never what a biller looks for.
LABELER_NOISE: Final = frozenset(
    {"inc", "llc", "ltd", "corp", "corporation", "co", "company", "lp", "llp", "plc", "gmbh",
     "ag", "sa", "dba", "usa", "us", "the", "of", "and"}
)  # fmt: skip  # shorter words are matched exactly or as prefixes only

_WORD_RE: Final = re.compile(r"[^\W_]+")
_JOINED_RE: Final = re.compile(r"[^\W_]+(?:['’\-‐‑][^\W_]+)+")
_JOINERS_RE: Final = re.compile(r"['’\-‐‑]")

_DOCS_COLUMNS: Final[dict[str, type]] = {
    "id": int,
    "hcpcs": str,
    **dict.fromkeys(FIELDS, str),
    "usual_brand": str,
    "popularity": int,
    "sort_len": int,
}


def fold(text: str) -> str:
    """Compatibility-decomposed, accent-free, case-folded text ("Ü" → "u", "ﬁ" → "fi")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def words(text: str) -> list[str]:
    """The folded words of ``text``, first as split, then the joined forms of hyphenated words."""
    folded = fold(text)
    found = _WORD_RE.findall(folded)
    found.extend(_JOINERS_RE.sub("", match) for match in _JOINED_RE.findall(folded))
    return list(dict.fromkeys(found))


def phrase_keys(text: str) -> list[str]:
    """Keys of a whole name: its plain words joined by one blank, and joined with none."""
    plain = _WORD_RE.findall(fold(text))
    return list(dict.fromkeys(key for key in (" ".join(plain), "".join(plain)) if key))


def trigrams(term: str) -> set[str]:
    """Distinct trigrams of a word padded with one blank each side ("dex" → " de", "dex", "ex ")."""
    padded = f" {term} "
    return {padded[index : index + 3] for index in range(len(padded) - 2)}


def typo_eligible(term: str) -> bool:
    """True for words the typo lookup may suggest: letters only, at least four of them."""
    return len(term) >= TYPO_MIN_LENGTH and term.isalpha()


def _clean(text: object) -> str:
    return " ".join(text.split()) if isinstance(text, str) else ""


def _text_words(text: object) -> list[str]:
    return words(text) if isinstance(text, str) else []


def _alias_rows(aliases: Iterable[Alias], codes: set[str]) -> list[dict[str, str]]:
    unique = {
        (_clean(alias.alias), alias.kind.strip(), alias.hcpcs.strip().upper())
        for alias in aliases
        if _clean(alias.alias) and alias.hcpcs.strip().upper() in codes
    }
    return [
        {"alias": name, "kind": kind, "hcpcs": code}
        for name, kind, code in sorted(unique, key=lambda item: (item[0].lower(), *item))
    ]


def _fill_aliases(db: sqlite_utils.Database, rows: list[dict[str, str]]) -> None:
    table = db.table("aliases")
    if not table.exists():
        table.create(ALIASES_COLUMNS, pk=ALIASES_PK)
    db.execute("DELETE FROM aliases")
    if rows:
        table.insert_all(rows, replace=True)


def _alias_preferences(aliases: Sequence[Alias]) -> dict[tuple[str, str], int]:
    """Position of each code among the codes an alias names, in the order given (file order)."""
    order: dict[tuple[str, str], int] = {}
    per_alias: Counter[str] = Counter()
    for alias in aliases:
        text = fold(_clean(alias.alias))
        key = (text, alias.hcpcs.strip().upper())
        if text and key not in order:
            order[key] = per_alias[text]
            per_alias[text] += 1
    return order


def _popularity(aliased: bool, ndc_count: int, priced: bool) -> int:
    """0-7: 4 for a code an alias names, plus 3 for 10 NDCs or more, 2 for 2-9, 1 for one NDC
    or an ASP price."""
    if ndc_count >= 10:
        sold = 3
    elif ndc_count >= 2:
        sold = 2
    else:
        sold = 1 if ndc_count or priced else 0
    return (4 if aliased else 0) + sold


def _most_common(names: Counter[str]) -> str:
    return min(names.items(), key=lambda item: (-item[1], item[0].casefold(), item[0]))[0]


class _Fields:
    """The words of one code, per field, in the order first seen."""

    def __init__(self) -> None:
        self.words: dict[str, dict[str, None]] = {field: {} for field in FIELDS}

    def add(self, field: str, text: object) -> None:
        for term in _text_words(text):
            if field != FIELD_LABELER or term not in LABELER_NOISE:
                self.words[field][term] = None

    def column(self, field: str) -> str:
        return " ".join(self.words[field])


def create_search_index(db: sqlite_utils.Database, aliases: Sequence[Alias]) -> None:
    """Fill ``aliases`` and (re)build the search tables from ``codes``, ``ndcs`` and ``aliases``.

    Aliases naming a code the catalog lacks are left out. Existing search tables are replaced.
    """
    conn: sqlite3.Connection = db.conn
    code_rows = conn.execute(
        "SELECT hcpcs, name, long_description, short_description, asp_payment_limit FROM codes"
    ).fetchall()
    codes = {str(row[0]).strip().upper(): row for row in code_rows if row[0]}
    # Grouped in SQLite (a catalog may hold very many NDCs); products whose identifier is not
    # an NDC are found by brand and labeler too, but do not count as NDCs.
    ndc_sql = "SELECT hcpcs, labeler, drug_name, COUNT(*) FROM ndcs GROUP BY 1, 2, 3"
    if conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alternate_products'"
    ).fetchone():
        ndc_sql += (
            " UNION ALL SELECT hcpcs, labeler, drug_name, 0 FROM alternate_products "
            "GROUP BY 1, 2, 3"
        )
    ndc_rows = conn.execute(ndc_sql).fetchall()

    fields: dict[str, _Fields] = {code: _Fields() for code in codes}
    phrases: dict[tuple[str, str], tuple[int, str, str]] = {}
    labels: dict[tuple[str, str, str], int] = {}  # (code, field, label) → alias order

    def add_phrase(code: str, field: str, label: str) -> None:
        for key in phrase_keys(label):
            candidate = (FIELD_RANK[field], field, label)
            if (key, code) not in phrases or candidate < phrases[(key, code)]:
                phrases[(key, code)] = candidate

    def add_label(code: str, field: str, label: str, pref: int = 0) -> None:
        key = (code, field, label)
        labels[key] = min(pref, labels.get(key, pref))

    generic_words = {
        code: {term for text in row[1:4] for term in _text_words(text)}
        for code, row in codes.items()
    }
    brands: dict[str, Counter[str]] = defaultdict(Counter)
    companies: dict[str, set[str]] = defaultdict(set)
    ndc_counts: Counter[str] = Counter()
    for raw_code, labeler, drug_name, real_ndc in ndc_rows:
        code = str(raw_code or "").strip().upper()
        if code not in codes:
            continue
        ndc_counts[code] += int(real_ndc)
        brand, company = _clean(drug_name), _clean(labeler)
        if brand:
            brands[code][brand] += max(int(real_ndc), 1)
        if company:
            companies[code].add(company)

    alias_rows = _alias_rows(aliases, set(codes))
    preferences = _alias_preferences(aliases)
    aliased = {row["hcpcs"] for row in alias_rows}

    for code, (_, name, long_description, short_description, _price) in sorted(codes.items()):
        found = fields[code]
        found.add(FIELD_CODE, code)
        found.add(FIELD_NAME, name)
        found.add(FIELD_DESCRIPTION, long_description)
        found.add(FIELD_DESCRIPTION, short_description)
        for brand in sorted(brands.get(code, ())):
            found.add(FIELD_BRAND, brand)
            add_label(code, FIELD_BRAND, brand)
            if not set(words(brand)) <= generic_words[code]:  # "Rituxan", not "Dexamethasone"
                add_phrase(code, FIELD_BRAND, brand)
        for company in sorted(companies.get(code, ())):
            found.add(FIELD_LABELER, company)
    for row in alias_rows:
        code, alias = row["hcpcs"], row["alias"]
        fields[code].add(FIELD_ALIAS, alias)
        add_label(code, FIELD_ALIAS, alias, preferences.get((fold(alias), code), 0))
        add_phrase(code, FIELD_ALIAS, alias)

    vocabulary = sorted(
        {
            term
            for found in fields.values()
            for field in FIELDS
            if field != FIELD_CODE
            for term in found.words[field]
        }
    )
    trigram_rows = sorted(
        (gram, len(term), term)
        for term in vocabulary
        if typo_eligible(term)
        for gram in trigrams(term)
    )
    docs = []
    for number, code in enumerate(sorted(codes), start=1):
        _, _, long_description, short_description, price = codes[code]
        description = _clean(long_description) or _clean(short_description)
        docs.append(
            {
                "id": number,
                "hcpcs": code,
                **{field: fields[code].column(field) for field in FIELDS},
                "usual_brand": _most_common(brands[code]) if brands.get(code) else "",
                "popularity": _popularity(code in aliased, ndc_counts[code], bool(price)),
                "sort_len": len(description),
            }
        )
    label_rows = sorted(
        (code, field, label, pref, " ".join(words(label)))
        for (code, field, label), pref in labels.items()
    )

    with conn:
        _fill_aliases(db, alias_rows)
        for table in (FTS_TABLE, *INDEX_TABLES, *_OLD_TABLES):  # the FTS table before its content
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        content = db.table(DOCS_TABLE)
        content.create(_DOCS_COLUMNS, pk="id", not_null=set(_DOCS_COLUMNS))
        content.insert_all(docs)
        # sqlite-utils' Table.enable_fts has no prefix= option: the same statement, with it.
        conn.execute(
            f"CREATE VIRTUAL TABLE [{FTS_TABLE}] USING FTS5 ({', '.join(FIELDS)}, "
            f"tokenize='{FTS_TOKENIZE}', prefix='{FTS_PREFIX}', content=[{DOCS_TABLE}])"
        )
        content.rebuild_fts()
        content.optimize()
        conn.execute(
            f"CREATE TABLE {LABELS_TABLE} (hcpcs TEXT NOT NULL, field TEXT NOT NULL, "
            "label TEXT NOT NULL, pref INTEGER NOT NULL, words TEXT NOT NULL, "
            "PRIMARY KEY (hcpcs, field, label)) WITHOUT ROWID"
        )
        conn.execute(
            f"CREATE TABLE {TRIGRAMS_TABLE} (trigram TEXT NOT NULL, len INTEGER NOT NULL, "
            "term TEXT NOT NULL, PRIMARY KEY (trigram, len, term)) WITHOUT ROWID"
        )
        conn.execute(
            f"CREATE TABLE {PHRASES_TABLE} (phrase TEXT NOT NULL, hcpcs TEXT NOT NULL, "
            "field TEXT NOT NULL, label TEXT NOT NULL, PRIMARY KEY (phrase, hcpcs)) WITHOUT ROWID"
        )
        conn.execute(f"CREATE TABLE {INFO_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        conn.executemany(f"INSERT INTO {LABELS_TABLE} VALUES (?, ?, ?, ?, ?)", label_rows)
        conn.executemany(f"INSERT INTO {TRIGRAMS_TABLE} VALUES (?, ?, ?)", trigram_rows)
        conn.executemany(
            f"INSERT INTO {PHRASES_TABLE} VALUES (?, ?, ?, ?)",
            [
                (key, code, field, label)
                for (key, code), (_, field, label) in sorted(phrases.items())
            ],
        )
        info = {
            "index_version": str(INDEX_VERSION),
            "codes": str(len(docs)),
            "vocabulary": str(len(vocabulary)),
            "trigrams": str(len(trigram_rows)),
            "phrases": str(len(phrases)),
            "labels": str(len(label_rows)),
            "aliases": str(len(alias_rows)),
        }
        conn.executemany(f"INSERT INTO {INFO_TABLE} VALUES (?, ?)", sorted(info.items()))
        if not _has_index_on(conn, "ndcs", "ndc"):
            conn.execute("CREATE INDEX IF NOT EXISTS idx_ndcs_ndc ON ndcs (ndc)")


def _has_index_on(conn: sqlite3.Connection, table: str, column: str) -> bool:
    """True when some index of ``table`` starts with ``column`` (the primary key counts)."""
    for index in conn.execute(f"PRAGMA index_list({table})").fetchall():
        name = str(index[1]).replace('"', '""')
        first = conn.execute(f'PRAGMA index_info("{name}")').fetchone()
        if first is not None and first[2] == column:
            return True
    return False
