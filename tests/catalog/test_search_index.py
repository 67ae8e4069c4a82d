"""The search index: its FTS5 and lookup tables, determinism, and the small test catalog the search
tests share."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from jcalc.catalog.aliases import Alias
from jcalc.catalog.schema import (
    ALIASES_COLUMNS,
    ALIASES_PK,
    CODES_COLUMNS,
    DATED_TABLE_COLUMNS,
    META_COLUMNS,
    NDCS_COLUMNS,
    SCHEMA_VERSION,
)
from jcalc.catalog.search_index import (
    DOCS_TABLE,
    FIELDS,
    FTS_TABLE,
    INDEX_TABLES,
    INDEX_VERSION,
    LABELS_TABLE,
    PHRASES_TABLE,
    TRIGRAMS_TABLE,
    create_search_index,
    fold,
    phrase_keys,
    trigrams,
    typo_eligible,
    words,
)
from jcalc.core.descriptor import parse_descriptor

# (code, long description, short description, name, added (ADD DT), terminated (TERM DT))
CODES: list[tuple[str, str, str, str, str | None, str | None]] = [
    ("J9312", "Injection, rituximab, 10 mg", "Inj rituximab 10 mg", "rituximab",
     "2019-01-01", None),
    ("J9310", "Injection, rituximab, 100 mg", "Rituximab injection", "rituximab",
     "2002-01-01", "2018-12-31"),
    ("J9311", "Injection, rituximab 10 mg and hyaluronidase", "Inj rituximab hyaluronidase",
     "rituximab and hyaluronidase", "2019-01-01", None),
    ("Q5115", "Injection, rituximab-abbs, biosimilar, (truxima), 10 mg", "Inj truxima 10 mg",
     "rituximab-abbs, biosimilar (truxima)", "2019-07-01", None),
    ("J1100", "Injection, dexamethasone sodium phosphate, 1 mg", "Dexamethasone sodium phos",
     "dexamethasone sodium phosphate", "2000-01-01", None),
    ("J8540", "Dexamethasone, oral, 0.25 mg", "Dexamethasone oral", "dexamethasone, oral",
     "2000-01-01", None),
    ("J2405", "Injection, ondansetron hydrochloride, per 1 mg", "Ondansetron hcl injection",
     "ondansetron hydrochloride", "2000-01-01", None),
    ("J2310", "Injection, naloxone hydrochloride, per 1 mg", "Inj naloxone hydrochloride",
     "naloxone hydrochloride", "2000-01-01", "2025-06-30"),
    ("J2312", "Injection, naloxone hydrochloride, not otherwise specified, 0.01 mg",
     "Inj naloxone hcl, nos", "naloxone hydrochloride", "2025-07-01", None),
    ("J1885", "Injection, ketorolac tromethamine, per 15 mg", "Ketorolac tromethamine inj",
     "ketorolac tromethamine", "2000-01-01", None),
    ("J1200", "Injection, diphenhydramine hcl, up to 50 mg", "Diphenhydramine hcl injectio",
     "diphenhydramine hcl", "2000-01-01", None),
    ("J3420", "Injection, vitamin b-12 cyanocobalamin, up to 1000 mcg", "Vitb12 inj",
     "vitamin b-12 cyanocobalamin", "2000-01-01", None),
    ("J0696", "Injection, ceftriaxone sodium, per 250 mg", "Ceftriaxone sodium injection",
     "ceftriaxone sodium", "2000-01-01", None),
    ("J3301", "Injection, triamcinolone acetonide, not otherwise specified, 10 mg",
     "Triamcinolone acet inj nos", "triamcinolone acetonide", "2000-01-01", None),
    ("J1010", "Injection, methylprednisolone acetate, 1 mg", "Methylprednisolone acetate",
     "methylprednisolone acetate", "2024-04-01", None),
    ("J1030", "Injection, methylprednisolone acetate, 40 mg", "Methylprednisolone 40 mg inj",
     "methylprednisolone acetate", "2000-01-01", "2024-03-31"),
    ("J0585", "Injection, onabotulinumtoxina, 1 unit", "Injection,onabotulinumtoxina",
     "onabotulinumtoxina", "2000-01-01", None),
    ("J0897", "Injection, denosumab, 1 mg", "Denosumab injection", "denosumab", "2012-01-01",
     None),
    ("J1050", "Injection, medroxyprogesterone acetate, 1 mg", "Medroxyprogesterone acetate",
     "medroxyprogesterone acetate", "2013-01-01", None),
    ("J7030", "Infusion, normal saline solution , 1000 cc", "Normal saline solution infus",
     "normal saline solution", "2000-01-01", None),
    ("J9015", "Injection, aldesleukin, per single use vial", "Aldesleukin/single use vial",
     "aldesleukin", "2000-01-01", None),
    ("J3490", "Unclassified drugs", "Drugs unclassified injection", "unclassified drugs",
     "2000-01-01", None),
    ("90371", "", "", "", None, None),
]  # fmt: skip

# (ndc, code, labeler, drug name)
NDCS: list[tuple[str, str, str, str]] = [
    ("50242005306", "J9312", "Genentech, Inc.", "Rituxan"),
    ("50242005121", "J9312", "Genentech, Inc.", "Rituxan"),
    ("50242010801", "J9311", "Genentech, Inc.", "Rituxan Hycela"),
    ("63459010310", "Q5115", "Teva Pharmaceuticals USA, Inc.", "Truxima"),
    ("63323016501", "J1100", "Fresenius Kabi USA, LLC", "Dexamethasone Sodium Phosphate"),
    ("00641036725", "J1100", "Hikma Pharmaceuticals USA Inc.", "Dexamethasone Sodium Phosphate"),
    ("00054817525", "J8540", "Hikma Pharmaceuticals USA Inc.", "Dexamethasone"),
    ("00409475503", "J2405", "Hospira, Inc.", "Ondansetron HCl"),
    ("00409178203", "J2312", "Hospira, Inc.", "Naloxone HCl"),
    ("00409379501", "J1885", "Hospira, Inc.", "Ketorolac Tromethamine"),
    ("00023114501", "J0585", "Allergan, Inc.", "Botox"),
    ("55513071001", "J0897", "Amgen Inc", "Prolia"),
    ("55513073001", "J0897", "Amgen Inc", "Xgeva"),
    ("00009307403", "J1010", "Pharmacia & Upjohn Company LLC", "Depo-Medrol"),
    ("00003029305", "J3301", "E.R. Squibb & Sons, L.L.C.", "Kenalog-40"),
    ("13533063601", "90371", "Grifols USA, LLC", "HyperHepB"),
]

ALIASES: list[Alias] = [
    Alias("Narcan", "brand", "J2312"),
    Alias("opioid overdose", "use", "J2312"),
    Alias("Zofran", "brand", "J2405"),
    Alias("nausea", "use", "J2405"),
    Alias("Toradol", "brand", "J1885"),
    Alias("Decadron", "brand", "J1100"),
    Alias("dex", "abbreviation", "J1100"),
    Alias("Rituxan", "brand", "J9312"),
    Alias("B12", "abbreviation", "J3420"),
    Alias("vitamin b12 deficiency", "use", "J3420"),
    Alias("NS", "abbreviation", "J7030"),
    Alias("Depo-Medrol", "brand", "J1010"),
    Alias("Botox", "brand", "J0585"),
    Alias("Prolia", "brand", "J0897"),
    Alias("osteoporosis", "use", "J0897"),
    Alias("Benadryl", "brand", "J1200"),
    Alias("allergic reaction", "use", "J1200"),
    Alias("Nowhere", "brand", "J9998"),  # names a code the catalog lacks: left out
]


def code_row(
    code: str, long: str, short: str, name: str, eff: str | None, term: str | None
) -> dict[str, Any]:
    descriptor = parse_descriptor(long) if long else parse_descriptor("")
    row: dict[str, Any] = dict.fromkeys(CODES_COLUMNS)
    row.update(
        hcpcs=code,
        level2=0 if code.isdigit() else 1,
        name=name,
        long_description=long,
        short_description=short,
        add_date=eff,
        effective_date=eff,
        termination_date=term,
        xrefs="",
        descriptor_text=descriptor.text,
        descriptor_kind=descriptor.kind.value,
        descriptor_amount=str(descriptor.amount.amount) if descriptor.amount else None,
        descriptor_unit=descriptor.amount.unit.name if descriptor.amount else None,
        descriptor_note=descriptor.note,
        asp_payment_limit="1.234" if code in {"J9312", "J1100", "J2405"} else None,
        is_noc=1 if code == "J3490" else 0,
    )
    return row


def make_catalog(path: Path, *, aliases: list[Alias] | None = None, index: bool = True) -> Path:
    """A small catalog with the schema's tables (and the search index unless ``index=False``)."""
    db = sqlite_utils.Database(path)
    db.table("meta").insert_all(
        [{"key": "schema_version", "value": str(SCHEMA_VERSION)},
         {"key": "asp_effective_from", "value": "2026-01-01"}],
        pk="key", columns=META_COLUMNS,
    )  # fmt: skip
    db.table("codes").insert_all(
        [code_row(*row) for row in CODES], pk="hcpcs", columns=CODES_COLUMNS
    )
    ndc_rows = [
        {"ndc": ndc, "hcpcs": code, "labeler": labeler, "drug_name": drug, "hcpcs_dosage": "",
         "pkg_size": "1", "pkg_qty": "1", "bill_units": "1", "bill_units_pkg": "1"}
        for ndc, code, labeler, drug in NDCS
    ]  # fmt: skip
    db.table("ndcs").insert_all(ndc_rows, pk=("ndc", "hcpcs"), columns=NDCS_COLUMNS)
    db.table("aliases").create(ALIASES_COLUMNS, pk=ALIASES_PK)
    for table, columns in DATED_TABLE_COLUMNS.items():  # schema 2: empty, no history
        db.table(table).create(columns)
    if index:
        create_search_index(db, ALIASES if aliases is None else aliases)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    db.conn.commit()
    db.close()
    return path


@pytest.fixture
def catalog_file(tmp_path: Path) -> Path:
    return make_catalog(tmp_path / "catalog.sqlite")


# What FTS5 writes for search_fts: the index itself, compared byte for byte.
FTS_SHADOW_TABLES = tuple(f"{FTS_TABLE}_{part}" for part in ("data", "idx", "docsize", "config"))


def _rows(path: Path, table: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()


def _match(conn: sqlite3.Connection, expression: str) -> set[str]:
    """Codes whose search row matches an FTS5 expression."""
    rows = conn.execute(
        f"SELECT s.hcpcs FROM {FTS_TABLE} JOIN {DOCS_TABLE} AS s ON s.id = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH ?",
        (expression,),
    )
    return {str(row[0]) for row in rows}


def test_index_tables_and_version(catalog_file: Path) -> None:
    with closing(sqlite3.connect(catalog_file)) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        assert set(INDEX_TABLES) <= tables
        version = conn.execute("SELECT value FROM search_info WHERE key = 'index_version'")
        assert version.fetchone() == (str(INDEX_VERSION),)


def test_aliases_table_holds_the_usable_aliases_sorted(catalog_file: Path) -> None:
    rows = _rows(catalog_file, "aliases")
    assert ("Narcan", "brand", "J2312") in rows
    assert all(row[2] != "J9998" for row in rows)  # its code is not in the catalog
    assert len(rows) == len(ALIASES) - 1
    with closing(sqlite3.connect(catalog_file)) as conn:
        in_order = conn.execute("SELECT alias FROM aliases").fetchall()
    assert [row[0] for row in in_order] == sorted((row[0] for row in in_order), key=str.lower)


def test_same_input_gives_the_same_rows(tmp_path: Path) -> None:
    first = make_catalog(tmp_path / "a.sqlite")
    second = make_catalog(tmp_path / "b.sqlite", aliases=list(ALIASES))
    for table in (*INDEX_TABLES, *FTS_SHADOW_TABLES, "aliases"):
        assert _rows(first, table) == _rows(second, table), table


def test_rebuilding_replaces_the_index(catalog_file: Path) -> None:
    tables = (*INDEX_TABLES, *FTS_SHADOW_TABLES, "aliases")
    before = {table: _rows(catalog_file, table) for table in tables}
    db = sqlite_utils.Database(catalog_file)
    create_search_index(db, ALIASES)  # the aliases table is already filled, as the build does
    db.close()
    after = {table: _rows(catalog_file, table) for table in tables}
    assert after == before


def test_rebuilding_drops_the_tables_of_older_index_versions(catalog_file: Path) -> None:
    with closing(sqlite3.connect(catalog_file)) as conn, conn:
        conn.execute("CREATE TABLE search_terms (term TEXT)")
        conn.execute("CREATE TABLE search_codes (hcpcs TEXT)")
    db = sqlite_utils.Database(catalog_file)
    create_search_index(db, ALIASES)
    db.close()
    with closing(sqlite3.connect(catalog_file)) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert not {"search_terms", "search_codes"} & tables


def test_creates_the_aliases_table_when_missing(tmp_path: Path) -> None:
    path = make_catalog(tmp_path / "c.sqlite", index=False)
    db = sqlite_utils.Database(path)
    db["aliases"].drop()
    create_search_index(db, [Alias("Narcan", "brand", "J2312"), Alias("Narcan", "brand", "J2312")])
    db.close()
    assert _rows(path, "aliases") == [("Narcan", "brand", "J2312")]


def test_fts_table_is_fts5_with_folding_tokenizer_and_prefix_indexes(catalog_file: Path) -> None:
    with closing(sqlite3.connect(catalog_file)) as conn:
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (FTS_TABLE,)).fetchone()
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({FTS_TABLE})")]
    assert "USING FTS5" in sql[0].upper()
    assert "tokenize='unicode61 remove_diacritics 2'" in sql[0]
    assert "prefix='2 3 4'" in sql[0]
    assert columns == list(FIELDS)
    db = sqlite_utils.Database(catalog_file)
    try:  # sqlite-utils sees it as the FTS index of the search table
        assert db.table(DOCS_TABLE).detect_fts() == FTS_TABLE
        found = list(db.table(DOCS_TABLE).search("rituxan", columns=["hcpcs"]))
    finally:
        db.close()
    assert {row["hcpcs"] for row in found} == {"J9312", "J9311"}


def test_one_row_per_code_with_the_words_of_each_field(catalog_file: Path) -> None:
    with closing(sqlite3.connect(catalog_file)) as conn:
        rows = {
            row[0]: row[1:]
            for row in conn.execute(
                f"SELECT hcpcs, code, name, brand, alias, description, labeler FROM {DOCS_TABLE}"
            )
        }
    assert set(rows) == {row[0] for row in CODES}
    code, name, brand, alias, description, labeler = rows["J9312"]
    assert (code, name, brand, alias, labeler) == ("j9312", "rituximab", "rituxan", "rituxan",
                                                  "genentech")  # fmt: skip  # "inc" left out
    assert description.split() == ["injection", "rituximab", "10", "mg", "inj"]
    assert rows["J3420"][1] == "vitamin b 12 cyanocobalamin b12"  # "b-12" also joined


def test_fts_matches_words_and_prefixes_by_field(catalog_file: Path) -> None:
    with closing(sqlite3.connect(catalog_file)) as conn:
        assert _match(conn, 'code : "j9312"') == {"J9312"}
        assert _match(conn, 'name : "rituximab"') == {"J9312", "J9310", "J9311", "Q5115"}
        assert _match(conn, 'brand : "rituxan"') == {"J9312", "J9311"}
        assert _match(conn, 'alias : "narcan"') == {"J2312"}
        assert _match(conn, 'labeler : "genentech"') == {"J9312", "J9311"}
        assert _match(conn, 'labeler : "inc"') == set()  # company-form words are not indexed
        assert _match(conn, 'name : "b12"') == {"J3420"}
        assert _match(conn, 'name : "ritux"*') == {"J9312", "J9310", "J9311", "Q5115"}
        assert _match(conn, 'alias : "na"*') == {"J2312", "J2405"}  # Narcan, nausea
        assert _match(conn, '"zz"*') == set()


def test_labels_hold_brands_and_aliases_with_their_words(catalog_file: Path) -> None:
    with closing(sqlite3.connect(catalog_file)) as conn:
        labels = {
            (row[0], row[1], row[2]): row[3:]
            for row in conn.execute(f"SELECT hcpcs, field, label, pref, words FROM {LABELS_TABLE}")
        }
    assert labels[("J9311", "brand", "Rituxan Hycela")] == (0, "rituxan hycela")
    assert labels[("J2312", "alias", "opioid overdose")] == (0, "opioid overdose")
    assert labels[("J3420", "alias", "vitamin b12 deficiency")] == (0, "vitamin b12 deficiency")
    assert labels[("J1010", "brand", "Depo-Medrol")] == (0, "depo medrol depomedrol")
    assert {field for _, field, _ in labels} == {"brand", "alias"}
    assert all(code != "J9998" for code, _, _ in labels)


def test_alias_order_follows_the_alias_file(tmp_path: Path) -> None:
    path = make_catalog(
        tmp_path / "order.sqlite",
        aliases=[Alias("nausea", "use", "J2405"), Alias("nausea", "use", "J1100"),
                 Alias("Nausea", "use", "J2405")],
    )  # fmt: skip
    with closing(sqlite3.connect(path)) as conn:
        prefs = dict(
            conn.execute(f"SELECT hcpcs, pref FROM {LABELS_TABLE} WHERE field = 'alias'").fetchall()
        )
    assert prefs == {"J2405": 0, "J1100": 1}


def test_trigrams_cover_alphabetic_words_only(catalog_file: Path) -> None:
    with closing(sqlite3.connect(catalog_file)) as conn:
        terms = {row[0] for row in conn.execute(f"SELECT DISTINCT term FROM {TRIGRAMS_TABLE}")}
        grams = conn.execute(
            f"SELECT trigram, len FROM {TRIGRAMS_TABLE} WHERE term = 'dexamethasone'"
        ).fetchall()
    assert "dexamethasone" in terms
    assert all(typo_eligible(term) for term in terms)
    assert "j9312" not in terms and "mg" not in terms and "10" not in terms
    assert {gram for gram, _ in grams} == trigrams("dexamethasone")
    assert {length for _, length in grams} == {13}


def test_phrases_hold_brands_and_aliases_but_not_generic_drug_names(catalog_file: Path) -> None:
    with closing(sqlite3.connect(catalog_file)) as conn:
        phrases = {
            (row[0], row[1]) for row in conn.execute(f"SELECT phrase, hcpcs FROM {PHRASES_TABLE}")
        }
    assert ("rituxan", "J9312") in phrases
    assert ("opioid overdose", "J2312") in phrases
    assert ("opioidoverdose", "J2312") in phrases
    assert ("depo medrol", "J1010") in phrases and ("depomedrol", "J1010") in phrases
    assert ("kenalog 40", "J3301") in phrases
    assert ("dexamethasone sodium phosphate", "J1100") not in phrases
    assert ("dexamethasone", "J8540") not in phrases


def test_popularity_and_brand_per_code(catalog_file: Path) -> None:
    with closing(sqlite3.connect(catalog_file)) as conn:
        info = {
            row[0]: row[1:]
            for row in conn.execute(
                f"SELECT hcpcs, usual_brand, popularity, sort_len FROM {DOCS_TABLE}"
            )
        }
    assert info["J9312"] == ("Rituxan", 4 + 2, len("Injection, rituximab, 10 mg"))
    assert info["J9310"][:2] == ("", 0)
    assert info["J8540"][:2] == ("Dexamethasone", 1)
    assert info["J0897"][0] == "Prolia"  # tie between Prolia and Xgeva: alphabetical
    assert set(info) == {row[0] for row in CODES}


def test_ndc_lookups_are_indexed(catalog_file: Path) -> None:
    with closing(sqlite3.connect(catalog_file)) as conn:
        plan = conn.execute(
            "EXPLAIN QUERY PLAN SELECT hcpcs FROM ndcs WHERE ndc >= ? AND ndc < ?", ("5", "6")
        ).fetchall()
    assert any("INDEX" in str(step[-1]).upper() for step in plan)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Injection, rituximab, 10 mg", ["injection", "rituximab", "10", "mg"]),
        ("vitamin b-12", ["vitamin", "b", "12", "b12"]),
        ("Crohn's disease", ["crohn", "s", "disease", "crohns"]),
        ("ÉPINÉPHRINE ﬁne", ["epinephrine", "fine"]),
        ("'; DROP TABLE --", ["drop", "table"]),
        ("", []),
    ],
)
def test_words(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_fold_and_phrase_keys() -> None:
    assert fold("Ondansétron HCl") == "ondansetron hcl"
    assert phrase_keys("Depo-Medrol") == ["depo medrol", "depomedrol"]
    assert phrase_keys("Narcan") == ["narcan"]
    assert phrase_keys("--") == []
    assert trigrams("dex") == {" de", "dex", "ex "}
