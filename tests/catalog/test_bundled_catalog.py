"""The committed ``resources/catalog.sqlite`` is what the build makes from the CMS files today.

The catalog is rebuilt from ../shared/data/cms and compared table by table with the committed one
(every row, ``meta.built_at`` aside), so a stale catalog fails here: after changing the parser, the
naming, the aliases or the search index, rebuild it with

    jcalc catalog build --hcpcs .../january-2026-alpha-numeric-hcpcs-file.zip \\
        --asp .../asp_payment_limit_2026q1.csv --crosswalk .../asp_ndc_hcpcs_crosswalk_2026q1.csv \\
        --mue .../mue_practitioner_2026q2_level2.csv --out resources/catalog.sqlite
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from jcalc.catalog.build import build_catalog
from jcalc.catalog.report import build_report
from jcalc.catalog.store import Catalog, open_catalog
from jcalc.core.descriptor import DescriptorKind
from jcalc.core.quantity import Unit
from jcalc.paths import bundled_catalog_path

BUNDLED = bundled_catalog_path()


@pytest.fixture(scope="module")
def rebuilt(cms_files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rebuilt") / "catalog.sqlite"
    build_catalog(
        hcpcs=cms_files["hcpcs"],
        asp=cms_files["asp"],
        crosswalk=cms_files["crosswalk"],
        mue=cms_files["mue"],
        out=out,
    )
    return out


@pytest.fixture(scope="module")
def bundled() -> Iterator[Catalog]:
    with open_catalog() as catalog:
        yield catalog


def _tables(connection: sqlite3.Connection) -> list[str]:
    return [
        str(row[0])
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]


def _rows(connection: sqlite3.Connection, table: str) -> list[tuple[object, ...]]:
    columns = [str(row[1]) for row in connection.execute(f'PRAGMA table_info("{table}")')]
    where = " WHERE key != 'built_at'" if table == "meta" else ""
    order = ", ".join(f'"{column}"' for column in columns)
    return connection.execute(f'SELECT * FROM "{table}"{where} ORDER BY {order}').fetchall()


@pytest.mark.needs_shared
def test_committed_catalog_matches_a_fresh_build(rebuilt: Path) -> None:
    with (
        closing(sqlite3.connect(rebuilt)) as fresh,
        closing(sqlite3.connect(f"{BUNDLED.as_uri()}?mode=ro", uri=True)) as committed,
    ):
        tables = _tables(fresh)
        assert _tables(committed) == tables
        assert {"codes", "ndcs", "aliases", "meta"} <= set(tables)
        for table in tables:
            fresh_rows, committed_rows = _rows(fresh, table), _rows(committed, table)
            assert len(committed_rows) == len(fresh_rows), f"{table}: stale, rebuild the catalog"
            stale = [
                pair for pair in zip(fresh_rows, committed_rows, strict=True) if pair[0] != pair[1]
            ]
            assert not stale, f"{table}: {len(stale)} rows differ, first {stale[0]}"
        pragma = "PRAGMA user_version"
        assert committed.execute(pragma).fetchone() == fresh.execute(pragma).fetchone()


def test_sources_are_names_not_paths(bundled: Catalog) -> None:
    info = bundled.info()
    assert info.sources == {
        "hcpcs": "january-2026-alpha-numeric-hcpcs-file.zip",
        "asp": "asp_payment_limit_2026q1.csv",
        "crosswalk": "asp_ndc_hcpcs_crosswalk_2026q1.csv",
        "mue": "mue_practitioner_2026q2_level2.csv",
    }
    assert (info.asp_effective_from, info.asp_effective_to) == (date(2026, 1, 1), date(2026, 3, 31))
    assert info.asp_quarter == "2026Q1"
    assert info.mue_quarter == "2026Q2"
    assert info.hcpcs_release == "2026-01"
    assert info.built_at is not None


def test_j9312(bundled: Catalog) -> None:
    drug = bundled.code("J9312")
    assert drug is not None
    assert drug.name == "rituximab"
    assert drug.descriptor.kind is DescriptorKind.PER_AMOUNT
    assert drug.descriptor.amount is not None
    assert (drug.descriptor.amount.amount, drug.descriptor.unit) == (Decimal(10), Unit.MG)
    assert drug.payment_limit is not None and drug.payment_limit > 0
    assert drug.asp_dosage == "10 MG"
    assert drug.mue is not None and drug.mue.value > 0
    assert drug.status_on(date(2026, 2, 1)) == "active"


def test_ndc_50242005306_is_rituximab(bundled: Catalog) -> None:
    products = bundled.ndc("50242005306")
    assert [product.hcpcs for product in products] == ["J9312"]
    assert products[0].bill_units is not None and products[0].bill_units > 0
    assert "50242005306" in {product.ndc for product in bundled.ndcs_for_code("J9312")}


def test_j3490_is_noc(bundled: Catalog) -> None:
    drug = bundled.code("J3490")
    assert drug is not None and drug.is_noc
    assert drug.descriptor.kind is DescriptorKind.UNPARSED


def test_terminated_j_code_keeps_its_termination_date(bundled: Catalog) -> None:
    drug = bundled.code("J9250")  # methotrexate sodium, 5 mg: ended 2024-03-31
    assert drug is not None
    assert drug.terminated == date(2024, 3, 31)
    assert drug.status_on(date(2026, 1, 15)) == "terminated"
    terminated = bundled.connection.execute(
        "SELECT COUNT(*) FROM codes WHERE hcpcs GLOB 'J*' AND termination_date IS NOT NULL"
    ).fetchone()[0]
    assert terminated == 133


def test_counts(bundled: Catalog) -> None:
    counts = bundled.info().counts
    assert counts["j_codes"] == 1209
    assert counts["active_j_codes"] == 1076
    assert counts["ndcs"] >= 7000
    assert counts["mue_rows"] >= 900


def test_cpt_codes_keep_no_text(bundled: Catalog) -> None:
    rows = bundled.connection.execute(
        "SELECT long_description, short_description, name FROM codes WHERE level2 = 0"
    ).fetchall()
    assert rows and all(row == ("", "", "") for row in rows)


def test_parse_rate_target(bundled: Catalog) -> None:
    report = build_report(bundled)
    assert report.meets_target, f"{report.parse_rate:.2%}: {report.unparsed}"


def test_code_lookup_is_well_under_a_millisecond() -> None:
    with open_catalog() as catalog:  # a fresh catalog: nothing cached
        codes = [str(row[0]) for row in catalog.connection.execute("SELECT hcpcs FROM codes")]
        timings = []
        for code in codes:
            started = time.perf_counter()
            catalog.code(code)
            timings.append(time.perf_counter() - started)
    assert statistics.median(timings) < 0.0005
    assert statistics.mean(timings) < 0.001
