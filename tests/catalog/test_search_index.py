"""The search index: its tables, determinism, and the small test catalog the search tests share."""

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
    META_COLUMNS,
    NDCS_COLUMNS,
    SCHEMA_VERSION,
)
from jcalc.catalog.search_index import (
    CODES_TABLE,
    INDEX_TABLES,
    INDEX_VERSION,
    PHRASES_TABLE,
    TERMS_TABLE,
    TRIGRAMS_TABLE,
    create_search_index,
    fold,
    phrase_keys,
    trigrams,
    typo_eligible,
    words,
)
from jcalc.core.descriptor import parse_descriptor

# (code, long description, short description, name, effective, terminated)
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


def code_row(code: str, long: str, short: str, name: str, eff: str | None, term: str | None):
    descriptor = parse_descriptor(long) if long else parse_descriptor("")
    row: dict[str, Any] = dict.fromkeys(CODES_COLUMNS)
    row.update(
        hcpcs=code,
        level2=0 if code.isdigit() else 1,
        name=name,
        long_description=long,
        short_description=short,
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
    db["meta"].insert_all(
        [{"key": "schema_version", "value": str(SCHEMA_VERSION)},
         {"key": "asp_effective_from", "value": "2026-01-01"}],
        pk="key", columns=META_COLUMNS,
    )  # fmt: skip
    db["codes"].insert_all([code_row(*row) for row in CODES], pk="hcpcs", columns=CODES_COLUMNS)
    ndc_rows = [
        {"ndc": ndc, "hcpcs": code, "labeler": labeler, "drug_name": drug, "hcpcs_dosage": "",
         "pkg_size": "1", "pkg_qty": "1", "bill_units": "1", "bill_units_pkg": "1"}
        for ndc, code, labeler, drug in NDCS
    ]  # fmt: skip
    db["ndcs"].insert_all(ndc_rows, pk=("ndc", "hcpcs"), columns=NDCS_COLUMNS)
    db["aliases"].create(ALIASES_COLUMNS, pk=ALIASES_PK)
    if index:
        create_search_index(db, ALIASES if aliases is None else aliases)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    db.conn.commit()
    db.close()
    return path


@pytest.fixture
def catalog_file(tmp_path: Path) -> Path:
    return make_catalog(tmp_path / "catalog.sqlite")


def _rows(path: Path, table: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()


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
    for table in (*INDEX_TABLES, "aliases"):
        assert _rows(first, table) == _rows(second, table), table


def test_rebuilding_replaces_the_index(catalog_file: Path) -> None:
    before = {table: _rows(catalog_file, table) for table in (*INDEX_TABLES, "aliases")}
    db = sqlite_utils.Database(catalog_file)
    create_search_index(db, ALIASES)  # the aliases table is already filled, as the build does
    db.close()
    after = {table: _rows(catalog_file, table) for table in (*INDEX_TABLES, "aliases")}
    assert after == before


def test_creates_the_aliases_table_when_missing(tmp_path: Path) -> None:
    path = make_catalog(tmp_path / "c.sqlite", index=False)
    db = sqlite_utils.Database(path)
    db["aliases"].drop()
    create_search_index(db, [Alias("Narcan", "brand", "J2312"), Alias("Narcan", "brand", "J2312")])
    db.close()
    assert _rows(path, "aliases") == [("Narcan", "brand", "J2312")]


def test_terms_carry_field_label_and_joined_words(catalog_file: Path) -> None:
    with closing(sqlite3.connect(catalog_file)) as conn:

        def lookup(term: str) -> set[tuple[str, str, str]]:
            return set(
                conn.execute(
                    f"SELECT hcpcs, field, label FROM {TERMS_TABLE} WHERE term = ?", (term,)
                ).fetchall()
            )

        assert ("J9312", "code", "J9312") in lookup("j9312")
        assert ("J9312", "name", "rituximab") in lookup("rituximab")
        assert ("J9312", "brand", "Rituxan") in lookup("rituxan")  # brand beats the alias
        assert ("J2312", "alias", "Narcan") in lookup("narcan")
        assert ("J9312", "labeler", "Genentech, Inc.") in lookup("genentech")
        assert {row[0] for row in lookup("b12")} == {"J3420"}  # "b-12" joined, and the alias
        assert lookup("inc") == set()  # company-form words of labelers are not indexed
        # one row per (word, code): the best field
        rows = conn.execute(
            f"SELECT COUNT(*), COUNT(DISTINCT term || ' ' || hcpcs) FROM {TERMS_TABLE}"
        ).fetchone()
        assert rows[0] == rows[1]


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
            for row in conn.execute(f"SELECT hcpcs, brand, popularity, sort_len FROM {CODES_TABLE}")
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
