"""The dated tables: modifiers with their dates, ASP quarters and prices by date of service.

Modifier dates: the HCPCS record layout (HCPC2026_recordlayout.txt) gives modifiers (RECID 7/8,
code in positions 4-5) the same ADD DT / TERM DT fields as codes; in the January 2026 file JG has
TERM DT 20241231 and TB none (DOMAIN.md §5).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from jcalc.catalog.dated import asp_quarters, price_rows
from jcalc.catalog.diff import diff_catalogs
from jcalc.catalog.extract import extract_asp_history, extract_sources
from jcalc.catalog.sources.hcpcs import read_hcpcs
from jcalc.catalog.sources.records import AspFile, AspRecord
from jcalc.catalog.store import CatalogError, open_catalog
from jcalc.paths import bundled_catalog_path


def test_modifiers_of_the_real_file_keep_their_dates() -> None:
    with open_catalog(None) as catalog:
        assert catalog.info().counts["modifiers"] == 383
        jg, tb = catalog.modifier("JG"), catalog.modifier("tb ")
        assert jg is not None and tb is not None
        assert (jg.added, jg.terminated) == (date(2018, 1, 1), date(2024, 12, 31))
        assert (tb.added, tb.terminated) == (date(2018, 1, 1), None)
        assert "340b" in tb.description.lower()
        assert catalog.modifier_valid_on("JG", date(2024, 12, 31)) is True
        assert catalog.modifier_valid_on("JG", date(2025, 1, 1)) is False
        assert catalog.modifier_valid_on("TB", date(2026, 2, 1)) is True
        assert catalog.modifier_valid_on("JZ", date(2022, 12, 31)) is False  # added 2023-01-01
        assert catalog.modifier_valid_on("JW", date(2026, 2, 1)) is True
        assert catalog.modifier_valid_on("Z9", date(2026, 2, 1)) is None
        assert catalog.modifier("J9312") is None


def test_fixed_width_and_csv_give_the_same_modifiers(cms_files: dict[str, Path]) -> None:
    from_zip = read_hcpcs(cms_files["hcpcs"]).modifiers
    from_csv = read_hcpcs(cms_files["hcpcs_csv"]).modifiers
    assert len(from_zip) == 383
    assert from_zip == from_csv


def _old_version_copy(tmp_path: Path) -> Path:
    """The bundled catalog as a schema-1 catalog: no modifiers, one ASP quarter."""
    copy = tmp_path / "v1.sqlite"
    copy.write_bytes(bundled_catalog_path().read_bytes())
    with closing(sqlite3.connect(copy)) as connection:
        for table in ("modifiers", "asp_quarters", "asp_prices"):
            connection.execute(f"DROP TABLE {table}")
        connection.execute("PRAGMA user_version = 1")
        connection.commit()
    return copy


def test_a_schema_1_catalog_is_still_read(tmp_path: Path) -> None:
    with open_catalog(_old_version_copy(tmp_path)) as catalog:
        assert not catalog.has_dated_tables
        assert catalog.modifier_valid_on("TB", date(2026, 2, 1)) is None
        assert [q.quarter for q in catalog.asp_quarters()] == ["2026Q1"]
        price = catalog.price_on("J9312", date(2026, 2, 2))
        assert price is not None and price.exact and price.payment_limit == Decimal("74.765")
        [history] = extract_asp_history(catalog)
        assert history.quarter == "2026Q1" and len(history.records) == 877
        assert extract_sources(catalog).hcpcs.modifiers == ()


def test_newer_or_incomplete_catalogs_are_refused(tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite"
    newer.write_bytes(bundled_catalog_path().read_bytes())
    with closing(sqlite3.connect(newer)) as connection:
        connection.execute("PRAGMA user_version = 99")
    with pytest.raises(CatalogError, match="built by a newer jcalc"):
        open_catalog(newer)
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(bundled_catalog_path().read_bytes())
    with closing(sqlite3.connect(broken)) as connection:
        connection.execute("DROP TABLE asp_prices")
    with pytest.raises(CatalogError, match=r"table\(s\) asp_prices missing"):
        open_catalog(broken)


def _asp(quarter_start: date, end: date, limit: str, name: str) -> AspFile:
    record = AspRecord("J9312", "Inj rituximab", "10 MG", Decimal(limit), "")
    return AspFile(name, quarter_start, end, [record])


def test_quarters_kept_newest_first_and_a_repeated_quarter_replaced() -> None:
    q3 = _asp(date(2025, 7, 1), date(2025, 9, 30), "75.931", "old-q3.csv")
    q3_again = _asp(date(2025, 7, 1), date(2025, 9, 30), "75.000", "new-q3.csv")
    q1 = _asp(date(2026, 1, 1), date(2026, 3, 31), "74.765", "q1.csv")
    files = asp_quarters(q1, [q3, q3_again])
    assert [(f.quarter, f.source_name) for f in files] == [
        ("2026Q1", "q1.csv"),
        ("2025Q3", "new-q3.csv"),
    ]
    assert [(r["quarter"], r["payment_limit"]) for r in price_rows(files)] == [
        ("2025Q3", "75.000"),
        ("2026Q1", "74.765"),
    ]
    assert asp_quarters(q1, [q1])[0] is q1  # the quarter in use wins over its own copy


def test_nearest_quarter_when_none_contains_the_day() -> None:
    with open_catalog(None) as catalog:
        chosen = catalog.asp_quarter_for(date(2025, 5, 1))
        assert chosen is not None
        quarter, exact = chosen
        assert (quarter.quarter, exact) == ("2026Q1", False)
        assert catalog.asp_quarter_for(date(2026, 3, 31)) == (quarter, True)
        price = catalog.price_on("J9312", date(2025, 5, 1))
        assert price is not None and not price.exact
        unlisted = catalog.price_on("J2310", date(2026, 2, 2))  # ended 2025: not in 2026Q1
        assert unlisted is not None and unlisted.payment_limit is None and unlisted.dosage is None
        assert catalog.summary_quarter(date(2026, 2, 2)) == {
            "catalog_quarter": "2026Q1",
            "catalog_effective_from": date(2026, 1, 1),
            "catalog_effective_to": date(2026, 3, 31),
        }


def test_diff_names_the_quarters_added(tmp_path: Path) -> None:
    with open_catalog(_old_version_copy(tmp_path)) as old, open_catalog(None) as new:
        same = diff_catalogs(old, new)
    assert same.quarters_added == () and same.is_empty
    more = tmp_path / "more.sqlite"
    more.write_bytes(bundled_catalog_path().read_bytes())
    with closing(sqlite3.connect(more)) as connection:
        connection.execute(
            "INSERT INTO asp_quarters VALUES ('2025Q3', '2025-07-01', '2025-09-30', 'x.csv', 1)"
        )
        connection.commit()
    with open_catalog(None) as old, open_catalog(more) as new:
        diff = diff_catalogs(old, new)
    assert diff.quarters_added == ("2025Q3",) and not diff.is_empty
    assert "ASP quarters added to the price history: 2025Q3" in diff.summary_lines()
    assert diff.to_json()["asp_quarters_added"] == ["2025Q3"]
