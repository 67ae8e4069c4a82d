"""Records read back out of a catalog rebuild the very same catalog (for partial updates)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from jcalc.catalog.aliases import load_aliases
from jcalc.catalog.build import write_catalog
from jcalc.catalog.extract import extract_asp, extract_sources
from jcalc.catalog.store import CatalogError, open_catalog
from jcalc.paths import bundled_catalog_path
from tests.catalog.next_quarter import fingerprint


def test_rebuilding_from_extracted_records_gives_the_same_catalog(tmp_path: Path) -> None:
    with open_catalog(None) as catalog:
        sources = extract_sources(catalog)
    out = tmp_path / "again.sqlite"
    write_catalog(
        sources.hcpcs, sources.asp, sources.crosswalk, sources.mue,
        out=out, aliases=load_aliases(),
    )  # fmt: skip
    assert fingerprint(out) == fingerprint(bundled_catalog_path())


def test_extracted_provenance_and_rows() -> None:
    with open_catalog(None) as catalog:
        sources = extract_sources(catalog)
        counts = catalog.counts()
    hcpcs, asp, crosswalk, mue = sources.hcpcs, sources.asp, sources.crosswalk, sources.mue
    assert hcpcs.release == "2026-01"
    assert hcpcs.source_name == "january-2026-alpha-numeric-hcpcs-file.zip"
    assert (asp.effective_from, asp.effective_to) == (date(2026, 1, 1), date(2026, 3, 31))
    assert asp.quarter == "2026Q1"
    assert crosswalk.effective_from == date(2026, 1, 1)
    assert mue.quarter == "2026Q2"
    assert len([r for r in crosswalk.records if r.is_ndc]) == counts["ndcs"]
    assert [(r.code, r.ndc) for r in crosswalk.records if not r.is_ndc] == [
        ("J7331", "888867413689")
    ]  # kept apart as a product identifier, not an NDC
    assert crosswalk.report.rows_read == 7125  # the skip report of the file, kept in the catalog
    assert len(mue.records) == counts["mue_rows"]
    assert len(asp.records) == 877  # every row of the ASP file, CPT codes included
    by_code = {record.code: record for record in asp.records}
    assert by_code["A9606"].payment_limit is None  # "N/A" in the file
    assert str(by_code["J9312"].payment_limit) == "74.765"
    assert "90371" in by_code  # a CPT vaccine code keeps its price ...
    assert "90371" not in {record.code for record in hcpcs.records}  # ... and has no HCPCS text
    ended = {r.code: r for r in hcpcs.records}["J2505"]
    assert ended.termination_date == date(2021, 12, 31)
    assert "J3490" in hcpcs.noc_codes


def test_a_catalog_without_its_dates_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(bundled_catalog_path().read_bytes())
    with closing(sqlite3.connect(copy)) as connection, connection:
        connection.execute("DELETE FROM meta WHERE key = 'asp_effective_from'")
    with open_catalog(copy) as catalog, pytest.raises(CatalogError, match="asp effective from"):
        extract_asp(catalog)
