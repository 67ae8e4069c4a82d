"""The search index of a catalog: an inverted word index, a trigram table for typos, rank data.

:func:`create_search_index` runs at the end of the catalog build. It writes plain SQLite tables
(WITHOUT ROWID B-trees, so a lookup is one index seek and a prefix is one range scan):

``search_terms(term, hcpcs, rank, field, label, pref)``
    One row per folded word of a code's text, with the best field the word is in: ``code``
    ("j9312"), ``name``, ``brand`` (crosswalk drug names), ``alias``, ``description`` (long and
    short) or ``labeler``, in that order (``rank`` 0-5). ``label`` is the text shown as what
    matched ("Rituxan", "Narcan"); ``pref`` orders the codes one alias names (0 = the first row of
    the alias file).
``search_trigrams(trigram, len, term)``
    The padded trigrams of every alphabetic word of four letters or more: the typo lookup counts
    the trigrams a query word shares with each word of a similar length.
``search_phrases(phrase, hcpcs, field, label)``
    Every alias, and every brand that is not just the generic name, as a whole: its words joined
    by one blank and also with none ("depo medrol", "depomedrol"). A query that is exactly a brand
    or an alias ranks that code above codes where the words only occur.
``search_codes(hcpcs, brand, popularity, sort_len)``
    Per code: the commonest crosswalk drug name, how common the code is (named by an alias, sold
    under many NDCs: see :func:`_popularity`) and the length of its long description.
``search_info(key, value)``
    ``index_version`` and row counts.

The same input gives the same rows. Words are folded (Unicode compatibility form, accents removed,
case folded) and split at anything that is not a letter or digit; hyphenated and apostrophe words
are also indexed joined ("b-12" → "b", "12", "b12").
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Final

import sqlite_utils

from jcalc.catalog.aliases import Alias
from jcalc.catalog.schema import ALIASES_COLUMNS, ALIASES_PK

INDEX_VERSION: Final = 2

TERMS_TABLE: Final = "search_terms"
TRIGRAMS_TABLE: Final = "search_trigrams"
PHRASES_TABLE: Final = "search_phrases"
CODES_TABLE: Final = "search_codes"
INFO_TABLE: Final = "search_info"
INDEX_TABLES: Final = (TERMS_TABLE, TRIGRAMS_TABLE, PHRASES_TABLE, CODES_TABLE, INFO_TABLE)

FIELD_CODE: Final = "code"
FIELD_NAME: Final = "name"
FIELD_BRAND: Final = "brand"
FIELD_ALIAS: Final = "alias"
FIELD_DESCRIPTION: Final = "description"
FIELD_LABELER: Final = "labeler"
# Lower is better: which field a match is reported from when a word is in several.
FIELD_RANK: Final[dict[str, int]] = {
    FIELD_CODE: 0,
    FIELD_NAME: 1,
    FIELD_BRAND: 2,
    FIELD_ALIAS: 3,
    FIELD_DESCRIPTION: 4,
    FIELD_LABELER: 5,
}

TYPO_MIN_LENGTH: Final = 4
# Company-form words of labeler names: in most rows, never what a biller looks for.
LABELER_NOISE: Final = frozenset(
    {"inc", "llc", "ltd", "corp", "corporation", "co", "company", "lp", "llp", "plc", "gmbh",
     "ag", "sa", "dba", "usa", "us", "the", "of", "and"}
)  # fmt: skip  # shorter words are matched exactly or as prefixes only

_WORD_RE: Final = re.compile(r"[^\W_]+")
_JOINED_RE: Final = re.compile(r"[^\W_]+(?:['’\-‐‑][^\W_]+)+")
_JOINERS_RE: Final = re.compile(r"['’\-‐‑]")


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


def _best_postings(
    postings: Iterable[tuple[str, str, str, str, int]],
) -> list[tuple[str, str, int, str, str, int]]:
    """One row per (word, code): the best field it is in, then the alias order, shortest label."""
    best: dict[tuple[str, str], tuple[int, int, int, str, str]] = {}
    for term, code, field, label, pref in postings:
        candidate = (FIELD_RANK[field], pref, len(label), label, field)
        key = (term, code)
        if key not in best or candidate < best[key]:
            best[key] = candidate
    return [
        (term, code, rank, field, label, pref)
        for (term, code), (rank, pref, _, label, field) in sorted(best.items())
    ]


def create_search_index(db: sqlite_utils.Database, aliases: Sequence[Alias]) -> None:
    """Fill ``aliases`` and (re)build the search tables from ``codes``, ``ndcs`` and ``aliases``.

    Aliases naming a code the catalog lacks are left out. Existing search tables are replaced.
    """
    conn: sqlite3.Connection = db.conn
    code_rows = conn.execute(
        "SELECT hcpcs, name, long_description, short_description, asp_payment_limit FROM codes"
    ).fetchall()
    codes = {str(row[0]).strip().upper(): row for row in code_rows if row[0]}
    ndc_rows = conn.execute("SELECT hcpcs, labeler, drug_name FROM ndcs").fetchall()

    postings: set[tuple[str, str, str, str, int]] = set()
    phrases: dict[tuple[str, str], tuple[int, str, str]] = {}

    def add_phrase(code: str, field: str, label: str) -> None:
        for key in phrase_keys(label):
            candidate = (FIELD_RANK[field], field, label)
            if (key, code) not in phrases or candidate < phrases[(key, code)]:
                phrases[(key, code)] = candidate

    def add(code: str, field: str, text: object, label: str, pref: int = 0) -> None:
        for term in words(text if isinstance(text, str) else ""):
            if field != FIELD_LABELER or term not in LABELER_NOISE:
                postings.add((term, code, field, label, pref))

    generic_words = {
        code: {term for text in row[1:4] for term in words(text if isinstance(text, str) else "")}
        for code, row in codes.items()
    }
    brands: dict[str, Counter[str]] = defaultdict(Counter)
    ndc_counts: Counter[str] = Counter()
    for raw_code, labeler, drug_name in ndc_rows:
        code = str(raw_code or "").strip().upper()
        if code not in codes:
            continue
        ndc_counts[code] += 1
        brand, company = _clean(drug_name), _clean(labeler)
        if brand:
            brands[code][brand] += 1
            add(code, FIELD_BRAND, brand, brand)
            if not set(words(brand)) <= generic_words[code]:  # "Rituxan", not "Dexamethasone"
                add_phrase(code, FIELD_BRAND, brand)
        if company:
            add(code, FIELD_LABELER, company, company)

    for code, (_, name, long_description, short_description, _price) in codes.items():
        postings.add((code.lower(), code, FIELD_CODE, code, 0))
        add(code, FIELD_NAME, name, _clean(name))
        add(code, FIELD_DESCRIPTION, long_description, "")
        add(code, FIELD_DESCRIPTION, short_description, "")

    alias_rows = _alias_rows(aliases, set(codes))
    preferences = _alias_preferences(aliases)
    for row in alias_rows:
        pref = preferences.get((fold(row["alias"]), row["hcpcs"]), 0)
        add(row["hcpcs"], FIELD_ALIAS, row["alias"], row["alias"], pref)
        add_phrase(row["hcpcs"], FIELD_ALIAS, row["alias"])
    aliased = {row["hcpcs"] for row in alias_rows}

    vocabulary = sorted({term for term, _, field, _, _ in postings if field != FIELD_CODE})
    trigram_rows = sorted(
        (gram, len(term), term)
        for term in vocabulary
        if typo_eligible(term)
        for gram in trigrams(term)
    )
    code_info = []
    for code in sorted(codes):
        _, _, long_description, short_description, price = codes[code]
        popularity = _popularity(code in aliased, ndc_counts[code], bool(price))
        description = _clean(long_description) or _clean(short_description)
        brand = _most_common(brands[code]) if brands.get(code) else ""
        code_info.append((code, brand, popularity, len(description)))

    with conn:
        _fill_aliases(db, alias_rows)
        for table in INDEX_TABLES:
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn.execute(
            f"CREATE TABLE {TERMS_TABLE} (term TEXT NOT NULL, hcpcs TEXT NOT NULL, "
            "rank INTEGER NOT NULL, field TEXT NOT NULL, label TEXT NOT NULL, "
            "pref INTEGER NOT NULL, PRIMARY KEY (term, hcpcs)) WITHOUT ROWID"
        )
        conn.execute(
            f"CREATE TABLE {TRIGRAMS_TABLE} (trigram TEXT NOT NULL, len INTEGER NOT NULL, "
            "term TEXT NOT NULL, PRIMARY KEY (trigram, len, term)) WITHOUT ROWID"
        )
        conn.execute(
            f"CREATE TABLE {PHRASES_TABLE} (phrase TEXT NOT NULL, hcpcs TEXT NOT NULL, "
            "field TEXT NOT NULL, label TEXT NOT NULL, PRIMARY KEY (phrase, hcpcs)) WITHOUT ROWID"
        )
        conn.execute(
            f"CREATE TABLE {CODES_TABLE} (hcpcs TEXT PRIMARY KEY, brand TEXT NOT NULL, "
            "popularity INTEGER NOT NULL, sort_len INTEGER NOT NULL) WITHOUT ROWID"
        )
        conn.execute(f"CREATE TABLE {INFO_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        conn.executemany(
            f"INSERT INTO {TERMS_TABLE} VALUES (?, ?, ?, ?, ?, ?)", _best_postings(postings)
        )
        conn.executemany(f"INSERT INTO {TRIGRAMS_TABLE} VALUES (?, ?, ?)", trigram_rows)
        conn.executemany(
            f"INSERT INTO {PHRASES_TABLE} VALUES (?, ?, ?, ?)",
            [
                (key, code, field, label)
                for (key, code), (_, field, label) in sorted(phrases.items())
            ],
        )
        conn.executemany(f"INSERT INTO {CODES_TABLE} VALUES (?, ?, ?, ?)", code_info)
        info = {
            "index_version": str(INDEX_VERSION),
            "terms": str(len({(posting[0], posting[1]) for posting in postings})),
            "vocabulary": str(len(vocabulary)),
            "trigrams": str(len(trigram_rows)),
            "phrases": str(len(phrases)),
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
