"""Drug search over a catalog: by code, NDC, generic name, brand, labeler and alias, typo-tolerant.

One function, :func:`search`, serves the command line, the window and the benchmark. Any text is a
valid query: it is cleaned (control characters dropped, at most :data:`MAX_QUERY_CHARS` kept) and
split into at most :data:`MAX_WORDS` folded words. The filtering happens in SQL, on the index of
:mod:`jcalc.catalog.search_index`, always with bound parameters:

* codes and NDCs: equality and range lookups on the B-tree indexes of ``codes`` and ``ndcs``;
* words (generic name, brand, alias, description, labeler, and a code as a word): FTS5 MATCH on
  ``search_fts``, one column-filtered expression per field for the word (``name : "ritux"``),
  in one statement with a count of the codes having a word it starts (``"ritux"*``); only when
  that count is larger, a second statement with one prefix expression per field
  (``name : "ritux"*``). A word (letters and digits only, once folded) only ever reaches MATCH
  as an FTS5 string (:func:`fts_string`: in double quotes, inner quotes doubled), optionally
  followed by the prefix ``*`` this module adds, so FTS5 syntax typed by the user (``NEAR``,
  ``AND``, ``OR``, ``-``, ``*``, ``"``, ``(``, ``:``, ``^``) is just text, and no query text can
  raise an error. The brand or alias a result shows as matched is read from ``search_labels``;
* typos: a word nothing matches is looked up in the trigram table, and the close words found are
  matched (exactly) through FTS5 in turn;
* a query that is a whole brand or alias: an equality lookup in ``search_phrases``.

Ranking (the ``score`` of a result; higher is better, ties go to the shorter description):
an exact code or NDC first, then code or NDC prefixes, then word matches; within each, codes
active on the day before codes not yet effective before terminated ones; among word matches,
more and rarer query words matched first, then a query that is a whole brand or alias, then the
closest match (exact word, then prefix, then a typo by edit distance), the field (code, name,
brand, alias, description, labeler: the first FTS5 column that matches), the order of an alias's
codes in the alias file, and how common the code is (named by an alias, sold under many NDCs).

Combining the words (coverage, weights, the order above) is done in Python over the codes the
lookups return. The first search on a connection reads the per-code rank data (about 1,300 short
rows) into memory; brands and aliases of a code are read when first needed (see
:class:`SearchEngine`). :func:`search` keeps one engine for each of the last few connections it
was given.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import sqlite3
import threading
from collections import OrderedDict
from datetime import date
from typing import Any, Final

from jcalc.catalog.search_data import SearchData, plain_text
from jcalc.catalog.search_index import (
    FIELD_ALIAS,
    FIELD_BRAND,
    FIELD_CODE,
    FIELD_LABELER,
    FIELD_RANK,
    FIELDS,
    FTS_TABLE,
    PHRASES_TABLE,
    TRIGRAMS_TABLE,
    trigrams,
)
from jcalc.catalog.search_query import (
    CODE_PREFIX_RE,
    CODE_RE,
    COMMON_WORD_CODES,
    MAX_NDC_PREFIX_CODES,
    MAX_QUERY_CHARS,
    MAX_TYPO_CANDIDATES,
    NDC_TEXT_RE,
    clean_query,
    fts_match,
    fts_string,
    max_typo_distance,
    ndc_lookups,
    osa_distance,
    query_words,
    upper_bound,
    word_weight,
)
from jcalc.catalog.search_results import (
    STATUS_ACTIVE,
    STATUS_NOT_YET,
    STATUS_TERMINATED,
    Hit,
    Posting,
    SearchError,
    SearchResult,
    result_for_code,
)

__all__ = [
    "MAX_QUERY_CHARS",
    "STATUS_ACTIVE",
    "SearchEngine",
    "SearchError",
    "SearchResult",
    "clean_query",
    "engine_for",
    "fts_match",
    "fts_string",
    "max_typo_distance",
    "ndc_lookups",
    "query_words",
    "result_for_code",
    "search",
]

_TIER_EXACT: Final = 3  # the query is a code or an NDC
_TIER_PREFIX: Final = 2  # the query starts a code or an NDC
_TIER_WORDS: Final = 1
_STATUS_POINTS: Final = {STATUS_ACTIVE: 2, STATUS_NOT_YET: 1, STATUS_TERMINATED: 0}
_PENALTY_PREFIX: Final = 1  # a typo at edit distance d costs 1 + d

# One column-filtered FTS5 MATCH, tagged so the caller knows which field (and which word, exact
# or prefix) it answers; a word lookup is several of them joined by UNION ALL. The rowids come
# back as one blank-separated string per MATCH: fetching a row per code costs more than the MATCH.
_MATCH_SQL: Final = (
    f"SELECT ?, (SELECT group_concat(rowid, ' ') FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?)"
)
_COUNT_SQL: Final = f"SELECT ?, (SELECT COUNT(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?)"
_MAX_MATCHES_PER_STATEMENT: Final = 200  # SQLite allows 500 terms in one compound SELECT
_PHRASE_SQL: Final = (
    f"SELECT hcpcs, field, label FROM {PHRASES_TABLE} WHERE phrase = ? ORDER BY hcpcs"
)
_TYPO_SQL_TEMPLATE: Final = (
    "SELECT term, COUNT(*) AS shared FROM {table} "
    "WHERE trigram IN ({marks}) AND len BETWEEN ? AND ? "
    "GROUP BY term HAVING shared >= ? ORDER BY shared DESC, term LIMIT ?"
)
_ALIAS_RANK: Final = FIELD_RANK[FIELD_ALIAS]
_NDC_PREFIX_SQL: Final = (
    "SELECT hcpcs, MIN(ndc), drug_name FROM ndcs WHERE ndc >= ? AND ndc < ? "
    f"GROUP BY hcpcs ORDER BY MIN(ndc), hcpcs LIMIT {MAX_NDC_PREFIX_CODES}"
)


class SearchEngine(SearchData):
    """Search over one catalog connection.

    The first search reads the per-code rank data (status dates, usual brand, popularity) into
    memory, a few milliseconds; the brands and aliases of a code are read the first time a match
    needs them. Every search then runs a few indexed SQL lookups: one or two statements of FTS5
    MATCHes per query word, the trigram table for typos, the phrase table, the code and NDC
    B-trees.
    Safe to call from several threads: calls are serialised on the engine.
    """

    def search(
        self, query: str, *, limit: int = 20, today: date | None = None
    ) -> list[SearchResult]:
        """Codes matching ``query``, best first, at most ``limit``; [] for an empty query."""
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit}")
        text = clean_query(query) if isinstance(query, str) else ""
        if not text:
            return []
        day = (today or date.today()).isoformat()
        with self._lock:
            try:
                self._load()
                return self._search(text, limit, day)
            except sqlite3.Error as exc:
                raise SearchError(f"the catalog could not be searched: {exc}") from exc

    # -- the search ----------------------------------------------------------------------------

    def _search(self, text: str, limit: int, day: str) -> list[SearchResult]:
        codes = self._codes
        hits: dict[str, Hit] = {}
        compact = text.replace(" ", "").upper()
        self._match_codes(compact, hits)
        exact_ndcs, ndc_prefixes = ndc_lookups(text)
        self._match_ndcs(exact_ndcs, ndc_prefixes, hits)
        if not NDC_TEXT_RE.fullmatch(text):
            self._match_words(query_words(text), hits)
        status = self._status_points(day)
        ranked = heapq.nsmallest(
            limit,
            (
                (-(hit[0] * 1_000_000_000 + status[code] * 100_000_000 + hit[1]), hit[2], code)
                for code, hit in hits.items()
            ),
        )
        results = []
        for negative_score, _, code in ranked:
            info = codes[code]
            _, _, _, matched, brand, ndc, posting = hits[code]
            if posting is not None:
                matched, brand = self._describe(code, posting)
            results.append(
                SearchResult(
                    hcpcs=code,
                    name=info.name,
                    descriptor=self._descriptor(code),
                    status=info.status_on(day),
                    matched=matched,
                    brand=brand if brand is not None else info.brand,
                    ndc=ndc,
                    score=-negative_score,
                )
            )
        return results

    def _status_points(self, day: str) -> dict[str, int]:
        """Per code: 2 active, 1 not yet effective, 0 terminated on ``day`` (kept for the day)."""
        if self._status_day != day:
            self._status = {
                code: _STATUS_POINTS[info.status_on(day)] for code, info in self._codes.items()
            }
            self._status_day = day
        return self._status

    def _match_codes(self, compact: str, hits: dict[str, Hit]) -> None:
        if CODE_RE.fullmatch(compact) and compact in self._codes:
            _offer(hits, compact, (_TIER_EXACT, 0, "", "code", None, None, None))
            return
        if CODE_PREFIX_RE.fullmatch(compact):
            start = bisect.bisect_left(self._sorted_codes, compact)
            for code in self._sorted_codes[start:]:
                if not code.startswith(compact):
                    break
                _offer(hits, code, (_TIER_PREFIX, 0, "", "code", None, None, None))

    def _match_ndcs(self, exact: list[str], prefixes: list[str], hits: dict[str, Hit]) -> None:
        if exact:
            marks = ", ".join("?" * len(exact))
            rows = self._connection.execute(
                f"SELECT hcpcs, ndc, drug_name FROM ndcs WHERE ndc IN ({marks}) "
                "ORDER BY ndc, hcpcs",
                exact,
            ).fetchall()
            for code, ndc, drug_name in rows:
                hit = (_TIER_EXACT, 1, str(ndc), "ndc", plain_text(drug_name), str(ndc), None)
                _offer(hits, str(code), hit)
        for prefix in prefixes:
            rows = self._connection.execute(
                _NDC_PREFIX_SQL, (prefix, upper_bound(prefix))
            ).fetchall()
            for code, ndc, drug_name in rows:
                hit = (_TIER_PREFIX, 0, str(ndc), "ndc", plain_text(drug_name), str(ndc), None)
                _offer(hits, str(code), hit)

    def _fts(
        self, matches: list[tuple[int, str]], count: str | None = None
    ) -> tuple[list[tuple[int, list[str]]], int]:
        """Run tagged MATCH expressions: (tag, codes found) of each that matched, by tag; and
        how many rows match ``count``, when given, in the same statement."""
        answers: list[tuple[int, list[str]]] = []
        total = 0
        codes_of = self._doc_codes.get
        for start in range(0, len(matches), _MAX_MATCHES_PER_STATEMENT):
            chunk = matches[start : start + _MAX_MATCHES_PER_STATEMENT]
            parts = list(itertools.repeat(_MATCH_SQL, len(chunk)))
            parameters = [value for pair in chunk for value in pair]
            if count is not None and start == 0:
                parts.append(_COUNT_SQL)
                parameters += [-1, count]
            for tag, docs in self._connection.execute(" UNION ALL ".join(parts), parameters):
                if tag == -1:
                    total = int(docs or 0)
                elif docs:
                    answers.append((int(tag), list(filter(None, map(codes_of, docs.split())))))
        answers.sort()
        return answers, total

    def _lookup_word(self, word: str, allow_prefix: bool) -> dict[str, Posting]:
        """Per code, the best match of one query word: exact or as a prefix, else a typo.

        Tags: field rank for an exact match, 10 + field rank for a prefix, so the smallest tag of
        a code is its closest match in its best field. ``allow_prefix`` is false for a short word
        that is not the last of the query.
        """
        exact = [(rank, fts_match(field, word, prefix=False)) for rank, field in enumerate(FIELDS)]
        # With the exact lookups, how many codes have a word starting with this one: when no
        # more than match it exactly, a prefix match could not be any code's best.
        count = fts_match(None, word, prefix=True) if allow_prefix else None
        answers, prefixed = self._fts(exact, count)
        if prefixed > len({code for _, codes in answers for code in codes}):
            prefixes = [
                (10 + rank, fts_match(field, word, prefix=True))
                for rank, field in enumerate(FIELDS)
            ]
            answers = sorted(answers + self._fts(prefixes)[0])
        if not answers:
            return self._lookup_typos(word)
        found: dict[str, Posting] = {}
        for tag, codes in reversed(answers):  # worst first: a better match replaces it
            penalty, rank = divmod(tag, 10)
            key = penalty * _PENALTY_PREFIX * 1000 + rank * 10
            if rank == _ALIAS_RANK:  # plus the alias order, per code
                for code in codes:
                    pref = min(self._best_label(code, FIELD_ALIAS, word, penalty > 0)[0], 9)
                    found[code] = (key + pref, FIELD_ALIAS, word, "", "")
            else:
                found.update(dict.fromkeys(codes, (key, FIELDS[rank], word, "", "")))
        return found

    def _lookup_typos(self, word: str) -> dict[str, Posting]:
        found: dict[str, Posting] = {}
        limit = max_typo_distance(word)
        if limit == 0:
            return found
        grams = sorted(trigrams(word))
        needed = max(1, len(grams) - 4 * limit)  # one edit changes at most 4 trigrams
        sql = _TYPO_SQL_TEMPLATE.format(table=TRIGRAMS_TABLE, marks=", ".join("?" * len(grams)))
        candidates = self._connection.execute(
            sql, (*grams, len(word) - limit, len(word) + limit, needed, MAX_TYPO_CANDIDATES)
        ).fetchall()
        # Close words in the trigram order; on equal closeness the first one found is kept.
        for term, _ in candidates:
            distance = osa_distance(word, str(term), limit)
            if distance is None:
                continue
            ranks: dict[str, int] = {}
            matches = [
                (rank, fts_match(field, str(term), prefix=False))
                for rank, field in enumerate(FIELDS)
                if field != FIELD_CODE
            ]
            for rank, codes in reversed(self._fts(matches)[0]):
                ranks.update(dict.fromkeys(codes, rank))
            for code, rank in ranks.items():
                pref = 0
                if rank == _ALIAS_RANK:
                    pref = min(self._best_label(code, FIELD_ALIAS, str(term), False)[0], 9)
                key = (1 + distance) * 1000 + rank * 10 + pref
                current = found.get(code)
                if current is None or key < current[0]:
                    found[code] = (key, FIELDS[rank], str(term), str(term), "")
        return found

    def _phrase_hits(self, words: list[str]) -> dict[str, Posting]:
        """Codes one of whose brands or aliases is the whole query."""
        hits: dict[str, Posting] = {}
        for key in dict.fromkeys((" ".join(words), "".join(words))):
            for code, field_name, label in self._connection.execute(_PHRASE_SQL, (key,)):
                if code in self._codes:
                    hits[str(code)] = (0, str(field_name), "", "", str(label))
        return hits

    def _match_words(self, words: list[str], hits: dict[str, Hit]) -> None:
        """Score every code matching the query words; more and rarer words matched score higher.

        Words are taken rarest first; a word matching more than :data:`COMMON_WORD_CODES` codes
        only adds to codes a rarer word found (it cannot lift them to half the best coverage).
        """
        last = len(words) - 1
        lookups = []
        for index, word in enumerate(words):
            allow_prefix = len(word) >= 3 or (len(word) == 2 and index == last)
            found = self._lookup_word(word, allow_prefix)
            if found:
                lookups.append((len(found), index, found, word.isdigit()))
        if not lookups:
            return
        lookups.sort(key=lambda item: (item[0], item[1]))
        phrase_hits = self._phrase_hits(words)
        # Per code: [coverage, closeness, best field key, weight of its primary word, posting].
        totals: dict[str, list[Any]] = {}
        for size, _, found, numeric in lookups:
            weight = 1 if numeric else word_weight(size)
            if totals and size > COMMON_WORD_CODES:
                pairs = [(code, found[code]) for code in totals if code in found]
            else:
                pairs = list(found.items())
            for code, posting in pairs:
                key = posting[0]
                total = totals.get(code)
                if total is None:
                    totals[code] = [weight, key // 1000, key % 1000, weight, posting]
                    continue
                total[0] += weight
                total[1] += key // 1000
                if key % 1000 < total[2]:
                    total[2] = key % 1000
                if weight > total[3]:
                    total[3], total[4] = weight, posting
        codes = self._codes
        best = max(total[0] for total in totals.values())
        for code, (covered, closeness, field_key, _, posting) in totals.items():
            if covered * 2 < best:
                continue
            info = codes[code]
            phrase = phrase_hits.get(code)
            points = (
                (covered if covered < 99 else 99) * 1_000_000
                + (100_000 if phrase else 0)
                + (99 - (closeness if closeness < 99 else 99)) * 1_000
                + (99 - field_key) * 10
                + info.popularity
            )
            current = hits.get(code)
            if current is None or (_TIER_WORDS, points) > (current[0], current[1]):
                hits[code] = (_TIER_WORDS, points, info.sort_key, "", None, None, phrase or posting)

    def _describe(self, code: str, posting: Posting) -> tuple[str, str | None]:
        """What matched, and the brand to show (None: the code's usual one)."""
        key, field_name, term, similar, label = posting
        if field_name in (FIELD_BRAND, FIELD_ALIAS) and not label:
            prefix = not similar and key // 1000 == _PENALTY_PREFIX
            label = self._best_label(code, field_name, term, prefix)[1]
        if similar:
            matched = f"similar: {similar}"
        elif field_name == FIELD_ALIAS:
            matched = f"alias: {label}"
        elif field_name in (FIELD_CODE, FIELD_BRAND, FIELD_LABELER):
            matched = field_name
        else:
            matched = "name"
        return matched, (label or None if field_name == FIELD_BRAND else None)


def _offer(hits: dict[str, Hit], code: str, hit: Hit) -> None:
    """Keep the better of two matches of a code."""
    current = hits.get(code)
    if current is None or (hit[0], hit[1]) > (current[0], current[1]):
        hits[code] = hit


_ENGINES: OrderedDict[int, SearchEngine] = OrderedDict()
_ENGINES_LOCK = threading.Lock()
_ENGINES_KEPT: Final = 4


def engine_for(connection: sqlite3.Connection) -> SearchEngine:
    """The cached engine of a connection (the few most recently used connections are kept)."""
    key = id(connection)
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None or engine.connection is not connection:
            engine = SearchEngine(connection)
            _ENGINES[key] = engine
            while len(_ENGINES) > _ENGINES_KEPT:
                _ENGINES.popitem(last=False)
        _ENGINES.move_to_end(key)
        return engine


def search(
    conn: sqlite3.Connection, query: str, *, limit: int = 20, today: date | None = None
) -> list[SearchResult]:
    """Search a catalog connection; see the module docstring for what matches and the order.

    Raises ValueError for a limit below 1 and SearchError when the catalog has no search index.
    """
    return engine_for(conn).search(query, limit=limit, today=today)
