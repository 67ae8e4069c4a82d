"""Drug search: codes, NDCs in every form, names, brands, labelers, aliases, typos, ranking, and
any text as a query (FTS5 syntax included). Runs on the small test catalog; the last tests use the
bundled catalog."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jcalc.catalog.search import (
    MAX_QUERY_CHARS,
    SearchEngine,
    SearchError,
    SearchResult,
    clean_query,
    engine_for,
    fts_match,
    fts_string,
    max_typo_distance,
    ndc_lookups,
    query_words,
    search,
)
from jcalc.core.errors import JcalcError
from jcalc.paths import bundled_catalog_path
from tests.catalog.test_search_index import make_catalog

DAY = date(2026, 2, 2)


@pytest.fixture(scope="module")
def conn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    path = make_catalog(tmp_path_factory.mktemp("search") / "catalog.sqlite")
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    yield connection
    connection.close()


def find(conn: sqlite3.Connection, query: str, **kwargs: object) -> list[SearchResult]:
    return search(conn, query, today=DAY, **kwargs)  # type: ignore[arg-type]


def codes(results: list[SearchResult]) -> list[str]:
    return [result.hcpcs for result in results]


# -- codes -------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["J9312", "j9312", "  J9312 ", "j 9312"])
def test_exact_code_in_any_case(conn: sqlite3.Connection, query: str) -> None:
    results = find(conn, query)
    assert results[0].hcpcs == "J9312"
    assert results[0].matched == "code"
    assert results[0].name == "rituximab"
    assert results[0].descriptor == "10 mg"
    assert results[0].status == "active"
    assert results[0].brand == "Rituxan"
    assert results[0].ndc is None


def test_code_prefix_lists_codes_in_order_active_first(conn: sqlite3.Connection) -> None:
    assert codes(find(conn, "j93")) == ["J9311", "J9312", "J9310"]
    assert codes(find(conn, "J931")) == ["J9311", "J9312", "J9310"]
    assert all(result.matched == "code" for result in find(conn, "j"))
    assert codes(find(conn, "q5")) == ["Q5115"]


def test_exact_terminated_code_comes_first_and_says_so(conn: sqlite3.Connection) -> None:
    results = find(conn, "J9310")
    assert results[0].hcpcs == "J9310"
    assert results[0].status == "terminated"
    assert results[0].descriptor == "100 mg"


def test_numeric_code_without_text_is_found_with_its_brand(conn: sqlite3.Connection) -> None:
    result = find(conn, "90371")[0]
    assert (result.hcpcs, result.name, result.matched) == ("90371", "HyperHepB", "code")


# -- NDCs --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "ndc", "code"),
    [
        ("50242-0053-06", "50242005306", "J9312"),  # 5-4-2
        ("50242005306", "50242005306", "J9312"),  # 11 digits
        ("N450242005306", "50242005306", "J9312"),  # as on the claim
        ("50242 0053 06", "50242005306", "J9312"),
        ("50242-053-06", "50242005306", "J9312"),  # 5-3-2
        ("50242-0053-6", "50242005306", "J9312"),  # 5-4-1
        ("0023-1145-01", "00023114501", "J0585"),  # 4-4-2
        ("0009-3074-03", "00009307403", "J1010"),  # 4-4-2
        ("63323-165-01", "63323016501", "J1100"),  # 5-3-2
        ("5024200536", "50242005306", "J9312"),  # 10 digits: resolved against the catalog
        ("0023114501", "00023114501", "J0585"),  # 10 digits, 4-4-2 padding
    ],
)
def test_ndc_in_every_form(conn: sqlite3.Connection, query: str, ndc: str, code: str) -> None:
    result = find(conn, query)[0]
    assert (result.hcpcs, result.ndc, result.matched) == (code, ndc, "ndc")
    assert result.score == max(r.score for r in find(conn, query))


def test_ndc_match_shows_that_products_name(conn: sqlite3.Connection) -> None:
    assert find(conn, "55513-0730-01")[0].brand == "Xgeva"
    assert find(conn, "55513-0710-01")[0].brand == "Prolia"


def test_ndc_prefixes(conn: sqlite3.Connection) -> None:
    results = find(conn, "50242")
    assert codes(results) == ["J9312", "J9311"]
    assert results[0].ndc == "50242005121"  # the first NDC of the code under the prefix
    assert codes(find(conn, "5024200")) == ["J9312"]
    assert codes(find(conn, "50242-01")) == ["J9311"]
    assert codes(find(conn, "00409")) == ["J2312", "J1885", "J2405"]  # by NDC


def test_unknown_ndc_finds_nothing(conn: sqlite3.Connection) -> None:
    assert find(conn, "12345-6789-01") == []
    assert find(conn, "99999999999") == []


@pytest.mark.parametrize(
    ("text", "exact", "prefixes"),
    [
        ("50242-0053-06", ["50242005306"], []),
        ("0002-1234-01", ["00002123401"], []),
        ("50242-053-06", ["50242005306"], []),
        ("50242-0053-6", ["50242005306"], ["5024200536"]),
        ("5024200536", ["05024200536", "50242000536", "50242005306"], ["5024200536"]),
        ("50242005306", ["50242005306"], []),
        ("N4 50242005306", ["50242005306"], []),
        ("50242", [], ["50242"]),
        ("50242-00", [], ["5024200"]),
        ("0002-12", [], ["0000212"]),
        ("12", [], []),
        ("123456789012", [], []),
        ("rituximab", [], []),
        ("J9312", [], []),
    ],
)
def test_ndc_lookups(text: str, exact: list[str], prefixes: list[str]) -> None:
    assert ndc_lookups(text) == (exact, prefixes)


# -- names, brands, labelers, aliases --------------------------------------------------------


def test_generic_name(conn: sqlite3.Connection) -> None:
    results = find(conn, "rituximab")
    assert codes(results) == ["J9312", "J9311", "Q5115", "J9310"]
    assert results[0].matched == "name"
    assert results[-1].status == "terminated"


@pytest.mark.parametrize("query", ["ritux", "RITUX", "Rit"])
def test_prefix_of_a_name(conn: sqlite3.Connection, query: str) -> None:
    assert find(conn, query)[0].hcpcs == "J9312"


def test_brand_name(conn: sqlite3.Connection) -> None:
    results = find(conn, "Rituxan")
    assert codes(results)[:2] == ["J9312", "J9311"]
    assert (results[0].matched, results[0].brand) == ("brand", "Rituxan")
    assert results[1].brand == "Rituxan Hycela"
    assert find(conn, "truxima")[0].hcpcs == "Q5115"
    assert find(conn, "Kenalog-40")[0].hcpcs == "J3301"
    assert find(conn, "kenalog 40")[0].hcpcs == "J3301"


def test_labeler(conn: sqlite3.Connection) -> None:
    results = find(conn, "Genentech")
    assert set(codes(results)) == {"J9312", "J9311"}
    assert {result.matched for result in results} == {"labeler"}
    assert set(codes(find(conn, "hospira"))) == {"J2405", "J2312", "J1885"}


@pytest.mark.parametrize(
    ("query", "code", "matched"),
    [
        ("Narcan", "J2312", "alias: Narcan"),
        ("narcan", "J2312", "alias: Narcan"),
        ("Zofran", "J2405", "alias: Zofran"),
        ("Toradol", "J1885", "alias: Toradol"),
        ("Decadron", "J1100", "alias: Decadron"),
        ("opioid overdose", "J2312", "alias: opioid overdose"),
        ("Opioid   Overdose!", "J2312", "alias: opioid overdose"),
        ("allergic reaction", "J1200", "alias: allergic reaction"),
        ("vitamin b12 deficiency", "J3420", "alias: vitamin b12 deficiency"),
        ("osteoporosis", "J0897", "alias: osteoporosis"),
        ("NS", "J7030", "alias: NS"),
        ("dex", "J1100", "alias: dex"),
    ],
)
def test_aliases(conn: sqlite3.Connection, query: str, code: str, matched: str) -> None:
    result = find(conn, query)[0]
    assert (result.hcpcs, result.matched) == (code, matched)


def test_b12_finds_cyanocobalamin(conn: sqlite3.Connection) -> None:
    assert find(conn, "B12")[0].hcpcs == "J3420"
    assert find(conn, "vitamin b-12")[0].hcpcs == "J3420"


# -- typos ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "code", "word"),
    [
        ("dexamethazone", "J1100", "dexamethasone"),
        ("ondansteron", "J2405", "ondansetron"),
        ("rituxamab", "J9312", "rituximab"),
        ("ketorlac", "J1885", "ketorolac"),
        ("naloxne", "J2312", "naloxone"),
        ("cefriaxone", "J0696", "ceftriaxone"),
        ("triamcinalone", "J3301", "triamcinolone"),
        ("rituxinab", "J9312", "rituximab"),
        ("dexamethasnoe", "J1100", "dexamethasone"),  # transposition
        ("Rituxn", "J9312", "rituxan"),  # a brand
        ("Zofarn", "J2405", "zofran"),  # an alias, letters swapped
    ],
)
def test_typos(conn: sqlite3.Connection, query: str, code: str, word: str) -> None:
    result = find(conn, query)[0]
    assert (result.hcpcs, result.matched) == (code, f"similar: {word}")


def test_two_letter_typo_in_a_long_word(conn: sqlite3.Connection) -> None:
    assert find(conn, "methylprednisolome acetato")[0].hcpcs == "J1010"
    assert find(conn, "dexamethazonne")[0].hcpcs == "J1100"


def test_a_prefix_is_closer_than_a_typo(conn: sqlite3.Connection) -> None:
    assert find(conn, "naloxon")[0].matched == "name"


def test_short_words_are_not_guessed(conn: sqlite3.Connection) -> None:
    assert find(conn, "xyz") == []
    assert max_typo_distance("dex") == 0
    assert max_typo_distance("narcn") == 1
    assert max_typo_distance("dexamethazone") == 2
    assert max_typo_distance("j9313") == 0


def test_exact_word_beats_typo_and_prefix(conn: sqlite3.Connection) -> None:
    # "dex" is an alias of J1100 (exact) and the start of dexamethasone (prefix)
    results = find(conn, "dex")
    assert results[0].hcpcs == "J1100"
    assert results[0].score > results[1].score


# -- ranking ---------------------------------------------------------------------------------


def test_active_codes_before_terminated_ones(conn: sqlite3.Connection) -> None:
    results = find(conn, "naloxone")
    assert codes(results) == ["J2312", "J2310"]
    assert [result.status for result in results] == ["active", "terminated"]
    results = find(conn, "methylprednisolone acetate 40 mg")
    assert (results[0].hcpcs, results[-1].hcpcs) == ("J1010", "J1030")  # J1030 has every word


def test_status_depends_on_the_day(conn: sqlite3.Connection) -> None:
    before = search(conn, "naloxone", today=date(2025, 3, 1))
    assert [(r.hcpcs, r.status) for r in before] == [
        ("J2310", "active"),
        ("J2312", "not yet effective"),
    ]
    on_last_day = search(conn, "J2310", today=date(2025, 6, 30))
    assert on_last_day[0].status == "active"
    assert search(conn, "J2310", today=date(2025, 7, 1))[0].status == "terminated"


def test_more_and_rarer_words_rank_higher(conn: sqlite3.Connection) -> None:
    results = find(conn, "dexamethasone sodium phosphate 1 mg")
    assert results[0].hcpcs == "J1100"
    assert find(conn, "rituximab hyaluronidase")[0].hcpcs == "J9311"
    assert find(conn, "Zofran 4mg")[0].hcpcs == "J2405"


def test_common_code_first_among_equal_name_matches(conn: sqlite3.Connection) -> None:
    # both contain "dexamethasone"; J1100 has aliases and more NDCs
    assert codes(find(conn, "dexamethasone")) == ["J1100", "J8540"]


def test_results_are_unique_sorted_and_limited(conn: sqlite3.Connection) -> None:
    for query in ("rituximab", "j", "injection", "00409", "Rituxan 50242"):
        results = find(conn, query, limit=3)
        assert len(results) <= 3
        assert len(set(codes(results))) == len(results)
        scores = [result.score for result in results]
        assert scores == sorted(scores, reverse=True)
    assert len(find(conn, "j", limit=100)) == 21


def test_descriptor_labels(conn: sqlite3.Connection) -> None:
    labels = {result.hcpcs: result.descriptor for result in find(conn, "j", limit=100)}
    assert labels["J9312"] == "10 mg"
    assert labels["J1200"] == "up to 50 mg"
    assert labels["J9015"] == "per vial"
    assert labels["J3490"] == "?"
    assert labels["J7030"] == "1000 mL"
    assert labels["J0585"] == "1 unit"


def test_to_json(conn: sqlite3.Connection) -> None:
    payload = find(conn, "50242-0053-06")[0].to_json()
    assert payload == payload | {
        "hcpcs": "J9312",
        "name": "rituximab",
        "descriptor": "10 mg",
        "status": "active",
        "matched": "ndc",
        "brand": "Rituxan",
        "ndc": "50242005306",
    }
    assert isinstance(payload["score"], int)


def test_limit_must_be_positive(conn: sqlite3.Connection) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        find(conn, "rituximab", limit=0)


# -- any text --------------------------------------------------------------------------------

GARBAGE = [
    "'; DROP TABLE codes; --",
    '"',
    '""',
    "*",
    "-",
    "NEAR",
    "NEAR(rituximab ondansetron, 2)",
    "AND",
    "OR",
    "NOT",
    "rituximab AND",
    "(",
    ")",
    "()",
    'rituximab" OR "x',
    "col:term",
    "^rituximab",
    "ritux*",
    "%",
    "_",
    "%' OR 1=1 --",
    "\\",
    "\x00",
    "\x00rituximab",
    "\x1b[31m",
    "\ud800",
    "🙂💊",
    "ÜNÏCØDÉ",
    "日本語",
    "٣٣٣٣",
    "rituximab\u200b",
    "a" * 10_000,
    "rituximab " * 1_000,
    "(" * 5_000,
    "\x01\x02" * 5_000,
    "5" * 10_000,
    "-" * 10_000,
]


@pytest.mark.parametrize("query", GARBAGE, ids=range(len(GARBAGE)))
def test_any_text_is_a_query(conn: sqlite3.Connection, query: str) -> None:
    results = find(conn, query)
    assert isinstance(results, list)
    assert all(isinstance(result, SearchResult) for result in results)


def test_query_syntax_is_just_text(conn: sqlite3.Connection) -> None:
    assert find(conn, "\x00rituximab")[0].hcpcs == "J9312"
    assert find(conn, "ritux*")[0].hcpcs == "J9312"
    assert find(conn, "-rituximab")[0].hcpcs == "J9312"
    assert find(conn, "rituximab " * 1_000)[0].hcpcs == "J9312"
    assert find(conn, "'; DROP TABLE codes; --") is not None
    assert find(conn, "J9312")[0].hcpcs == "J9312"  # the table is still there


class RecordingConnection(sqlite3.Connection):
    """A connection that keeps every FTS5 MATCH expression it is given."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expressions: list[str] = []

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        if " MATCH " in sql:
            self.expressions.extend(value for value in parameters if isinstance(value, str))
        return super().execute(sql, parameters)


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RecordingConnection]:
    path = make_catalog(tmp_path_factory.mktemp("recording") / "catalog.sqlite")
    connection = sqlite3.connect(path, factory=RecordingConnection)
    yield connection
    connection.close()


# At most a column filter, one FTS5 string (inner quotes doubled) and at most the prefix star.
_ESCAPED_MATCH = re.compile(
    r'(?:(?:code|name|brand|alias|description|labeler) : )?"((?:[^"]|"")*)"\*?'
)

FTS_SYNTAX = [
    "NEAR(rituximab ondansetron, 2)",
    "rituximab OR ondansetron",
    "rituximab AND ondansetron",
    "rituximab NOT ondansetron",
    'rituximab" OR "ondansetron',
    "-rituximab ondansetron*",
    "name:rituximab ondansetron",
    "{name description}: rituximab ondansetron",
    "^rituximab + ondansetron",
    "(rituximab) (ondansetron)",
]


@pytest.mark.parametrize("query", GARBAGE + FTS_SYNTAX, ids=range(len(GARBAGE + FTS_SYNTAX)))
def test_user_text_reaches_fts_only_as_escaped_words(
    recording: RecordingConnection, query: str
) -> None:
    recording.expressions.clear()
    search(recording, query, today=DAY)
    assert recording.expressions or query not in FTS_SYNTAX
    for expression in recording.expressions:
        matched = _ESCAPED_MATCH.fullmatch(expression)
        assert matched, expression
        assert matched.group(1).isalnum(), expression  # one folded word, no syntax


def test_fts_operators_are_searched_as_words(conn: sqlite3.Connection) -> None:
    for query in FTS_SYNTAX:
        found = codes(find(conn, query, limit=50))
        assert {"J9312", "J2405"} <= set(found), query  # both words, whatever the "operator"
    assert find(conn, "rituximab AND ondansetron")[0].hcpcs == "J9311"  # "and" is in its name
    assert codes(find(conn, "name:ondansetron")) == ["J2405"]
    assert codes(find(conn, '"Zof"ran"')) == ["J2405"]


def test_fts_string_and_match() -> None:
    assert fts_string("ritux") == '"ritux"'
    assert fts_string('a"b') == '"a""b"'
    assert fts_string('"') == '""""'
    assert fts_string("a\x00b") == '"ab"'
    assert fts_match("name", "near", prefix=True) == 'name : "near"*'
    assert fts_match("alias", "or", prefix=False) == 'alias : "or"'
    assert fts_match(None, "near", prefix=True) == '"near"*'  # any field
    with pytest.raises(ValueError, match="no such search field"):
        fts_match("name : x OR code", "y", prefix=False)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(st.characters(exclude_categories=["Cs"])),
        st.text(alphabet='"*^:()-+{} NEARORANDNOT\x00ab', max_size=30),
    ),
    st.sampled_from([None, "name"]),
    st.booleans(),
)
def test_any_text_is_inert_as_an_fts_string(
    conn: sqlite3.Connection, text: str, field: str | None, prefix: bool
) -> None:
    expression = fts_match(field, text, prefix=prefix)
    conn.execute("SELECT COUNT(*) FROM search_fts WHERE search_fts MATCH ?", (expression,))


@pytest.mark.parametrize("query", ["", " ", "\t\n", "\x00", "\u200b", "-", "()", "'"])
def test_empty_queries_find_nothing(conn: sqlite3.Connection, query: str) -> None:
    assert find(conn, query) == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(st.characters(exclude_categories=())),
        st.text(  # lone surrogates, which cannot be encoded for SQLite
            st.one_of(
                st.characters(),
                st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, categories=["Cs"]),
            )
        ),
        st.text(alphabet="J0123456789-*\"'() NEARORAND:^%_\\", max_size=40),
        st.from_regex(r"[A-Za-z]{0,12}( [A-Za-z*\"]{0,8}){0,3}", fullmatch=True),
    )
)
def test_arbitrary_text_never_raises(conn: sqlite3.Connection, query: str) -> None:
    results = search(conn, query, today=DAY, limit=5)
    assert len(results) <= 5
    assert len({result.hcpcs for result in results}) == len(results)


def test_clean_query_and_words() -> None:
    assert clean_query("  a\x00b\tc\u200bd  ") == "a b c d"
    assert len(clean_query("x" * 10_000)) == MAX_QUERY_CHARS
    assert query_words("Zofran 4mg, 10ML") == ["zofran", "4", "mg", "10", "ml"]
    assert query_words("b12 B12") == ["b12"]
    assert len(query_words(" ".join(f"w{i}" for i in range(50)))) == 8


# -- engine and errors ------------------------------------------------------------------------


def test_one_engine_per_connection(conn: sqlite3.Connection, tmp_path: Path) -> None:
    assert engine_for(conn) is engine_for(conn)
    other = sqlite3.connect(make_catalog(tmp_path / "other.sqlite"))
    try:
        assert engine_for(other) is not engine_for(conn)
        assert SearchEngine(other).search("Narcan", today=DAY)[0].hcpcs == "J2312"
    finally:
        other.close()


def test_catalog_without_search_index(tmp_path: Path) -> None:
    path = make_catalog(tmp_path / "plain.sqlite", index=False)
    with sqlite3.connect(path) as plain:
        with pytest.raises(SearchError, match="no search index"):
            search(plain, "rituximab")
        assert isinstance(SearchError("x"), JcalcError)
        assert search(plain, "   ") == []  # nothing to look up: no error
    plain.close()


def test_index_of_another_version_asks_for_a_rebuild(tmp_path: Path) -> None:
    path = make_catalog(tmp_path / "older.sqlite")
    with sqlite3.connect(path) as older:
        older.execute("UPDATE search_info SET value = '2' WHERE key = 'index_version'")
        older.execute("DROP TABLE search_fts")  # version 2 had no FTS5 table
        with pytest.raises(SearchError, match="version 2, this jcalc reads version 3"):
            search(older, "rituximab")
    older.close()


def test_closed_connection_is_a_search_error(tmp_path: Path) -> None:
    closed = sqlite3.connect(make_catalog(tmp_path / "closed.sqlite"))
    closed.close()
    with pytest.raises(SearchError):
        search(closed, "rituximab")


# -- the bundled catalog (the real CMS data), when it has been built ----------------------------

BUNDLED = bundled_catalog_path()
needs_bundled = pytest.mark.skipif(
    not BUNDLED.is_file(), reason=f"the bundled catalog {BUNDLED} has not been built"
)


@pytest.fixture(scope="module")
def real() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"{BUNDLED.as_uri()}?mode=ro", uri=True)
    yield connection
    connection.close()


@needs_bundled
@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("J9312", "J9312"),
        ("rituximab", "J9312"),
        ("Rituxan", "J9312"),
        ("rituxamab", "J9312"),
        ("50242-0053-06", "J9312"),
        ("50242005306", "J9312"),
        ("Narcan", "J2312"),
        ("opioid overdose", "J2312"),
        ("naloxone", "J2312"),
        ("Zofran", "J2405"),
        ("ondansteron", "J2405"),
        ("Toradol", "J1885"),
        ("Decadron", "J1100"),
        ("dexamethazone", "J1100"),
        ("dexamethasone", "J1100"),
        ("B12", "J3420"),
        ("Kenalog", "J3301"),
        ("Depo-Provera", "J1050"),
        ("birth control shot", "J1050"),
        ("Prolia", "J0897"),
        ("Botox", "J0585"),
        ("NS", "J7030"),
    ],
)
def test_bundled_catalog_finds_common_drugs(
    real: sqlite3.Connection, query: str, code: str
) -> None:
    assert search(real, query, today=DAY)[0].hcpcs == code


@needs_bundled
def test_bundled_catalog_is_fast(real: sqlite3.Connection) -> None:
    queries = ["J9312", "j93", "50242-0053-06", "rituximab", "Rituxan", "ritux", "dexamethazone",
               "Narcan", "opioid overdose", "in", "'; DROP TABLE --", "a" * 10_000]  # fmt: skip
    search(real, "warm up", today=DAY)
    timings = []
    for _ in range(5):
        for query in queries:
            started = time.perf_counter()
            search(real, query, today=DAY)
            timings.append(time.perf_counter() - started)
    timings.sort()
    assert timings[len(timings) // 2] < 0.005  # the median; the benchmark reports p99
