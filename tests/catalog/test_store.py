"""Opening a catalog read-only and reading codes, NDCs and provenance from it."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from contextlib import closing
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from jcalc.catalog import store
from jcalc.catalog.schema import SCHEMA_VERSION
from jcalc.catalog.store import Catalog, CatalogError, descriptor_from_columns, open_catalog
from jcalc.core.descriptor import DescriptorKind
from jcalc.core.errors import JcalcError
from jcalc.core.quantity import Unit
from tests.catalog.test_build import build_small


@pytest.fixture
def catalog_file(tmp_path: Path) -> Path:
    out = tmp_path / "catalog.sqlite"
    build_small(out)
    return out


@pytest.fixture
def catalog(catalog_file: Path) -> Catalog:
    return open_catalog(catalog_file)


def _altered_copy(source: Path, target: Path, *statements: str) -> Path:
    shutil.copyfile(source, target)
    with closing(sqlite3.connect(target)) as connection:
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    return target


# --- refusing what is not a usable catalog ---------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="not found"):
        open_catalog(tmp_path / "nope.sqlite")


def test_catalog_error_is_a_jcalc_error() -> None:
    assert issubclass(CatalogError, JcalcError)


def test_not_an_sqlite_file(tmp_path: Path) -> None:
    text = tmp_path / "catalog.sqlite"
    text.write_text("HCPCS Code,Short Description\nJ9312,Rituximab\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="not an SQLite database"):
        open_catalog(text)


def test_a_folder_is_not_a_catalog(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="not a file"):
        open_catalog(tmp_path)


def test_empty_sqlite_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()
    with pytest.raises(CatalogError, match="not a jcalc catalog"):
        open_catalog(empty)


def test_foreign_sqlite_database(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    with closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE patients (id INTEGER)")
    with pytest.raises(CatalogError, match="not a jcalc catalog"):
        open_catalog(other)


def test_newer_schema_version(catalog_file: Path, tmp_path: Path) -> None:
    newer = _altered_copy(catalog_file, tmp_path / "newer.sqlite", "PRAGMA user_version = 99")
    with pytest.raises(CatalogError, match="newer jcalc") as raised:
        open_catalog(newer)
    assert "99" in str(raised.value)


def test_older_schema_version(catalog_file: Path, tmp_path: Path) -> None:
    older = _altered_copy(catalog_file, tmp_path / "older.sqlite", "PRAGMA user_version = 0")
    with pytest.raises(CatalogError, match="rebuild"):
        open_catalog(older)


def test_missing_table(catalog_file: Path, tmp_path: Path) -> None:
    broken = _altered_copy(catalog_file, tmp_path / "broken.sqlite", "DROP TABLE ndcs")
    with pytest.raises(CatalogError, match="ndcs missing"):
        open_catalog(broken)


def test_missing_column(catalog_file: Path, tmp_path: Path) -> None:
    broken = _altered_copy(
        catalog_file, tmp_path / "broken.sqlite", "ALTER TABLE codes DROP COLUMN mue_mai"
    )
    with pytest.raises(CatalogError, match="mue_mai"):
        open_catalog(broken)


def test_default_is_the_bundled_catalog(
    catalog_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "bundled_catalog_path", lambda: catalog_file)
    with open_catalog() as opened:
        assert opened.path == catalog_file


def test_path_with_uri_characters(catalog_file: Path, tmp_path: Path) -> None:
    odd = tmp_path / "my catalog #1 ?50%"
    odd.mkdir()
    shutil.copyfile(catalog_file, odd / "catalog.sqlite")
    with open_catalog(odd / "catalog.sqlite") as opened:
        assert opened.code("J9312") is not None


# --- read-only -------------------------------------------------------------------------------


def test_connection_is_read_only(catalog: Catalog) -> None:
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        catalog.connection.execute("DELETE FROM codes")
    catalog.close()


def test_opening_does_not_modify_the_file(catalog_file: Path) -> None:
    before = catalog_file.read_bytes()
    with open_catalog(catalog_file) as opened:
        opened.code("J9312")
        opened.ndcs_for_code("J9312")
        opened.info()
    assert catalog_file.read_bytes() == before
    assert not [p for p in catalog_file.parent.iterdir() if p.name.endswith(("-journal", "-wal"))]


def test_context_manager_closes(catalog_file: Path) -> None:
    with open_catalog(catalog_file) as opened:
        connection = opened.connection
    with pytest.raises(sqlite3.ProgrammingError):
        connection.execute("SELECT 1")


def test_usable_from_another_thread(catalog: Catalog) -> None:
    found: list[object] = []
    worker = threading.Thread(target=lambda: found.append(catalog.code("J1100")))
    worker.start()
    worker.join()
    assert found and found[0] is not None
    catalog.close()


# --- codes -----------------------------------------------------------------------------------


def test_code_lookup_ignores_case_and_blanks(catalog: Catalog) -> None:
    drug = catalog.code("  j9312 ")
    assert drug is not None and drug.hcpcs == "J9312"
    assert catalog.code("J9312") is drug  # cached
    catalog.close()


def test_unknown_code_is_none(catalog: Catalog) -> None:
    assert catalog.code("J0001") is None
    assert catalog.code("") is None
    assert catalog.code("not a code") is None
    catalog.close()


def test_up_to_descriptor_round_trips(catalog: Catalog) -> None:
    drug = catalog.code("J2320")
    assert drug is not None
    assert drug.descriptor.kind is DescriptorKind.UP_TO
    assert drug.descriptor.amount is not None
    assert drug.descriptor.amount.amount == Decimal(50)
    assert drug.descriptor.text == "Injection, nandrolone decanoate, up to 50 mg"
    catalog.close()


def test_combination_note_round_trips(catalog: Catalog) -> None:
    drug = catalog.code("J0138")
    assert drug is not None
    assert drug.descriptor.note.startswith("combination product")
    catalog.close()


def test_unparsed_descriptor_round_trips(catalog: Catalog) -> None:
    drug = catalog.code("J3490")
    assert drug is not None
    assert drug.descriptor.kind is DescriptorKind.UNPARSED
    assert drug.descriptor.amount is None
    assert drug.descriptor.note
    assert drug.mue is None
    catalog.close()


def test_descriptor_from_unknown_columns_is_unparsed() -> None:
    assert descriptor_from_columns("per-galaxy", "1", "MG", "x", "").kind is (
        DescriptorKind.UNPARSED
    )
    assert descriptor_from_columns("per-amount", "1", "FURLONG", "x", "").amount is None
    per_vial = descriptor_from_columns("per-vial", "1", "VIAL", "per vial", "")
    assert per_vial.kind is DescriptorKind.PER_VIAL and per_vial.unit is Unit.VIAL


# --- NDCs ------------------------------------------------------------------------------------


def test_ndcs_for_code_sorted_by_labeler_drug_and_ndc(catalog: Catalog) -> None:
    products = catalog.ndcs_for_code("j9312")
    assert [(p.labeler, p.drug_name, p.ndc) for p in products] == [
        ("Amgen", "Riabni", "00069023801"),
        ("Genentech", "Rituxan", "50242005121"),
        ("Genentech", "Rituxan", "50242005306"),
    ]
    assert products[0].bill_units == Decimal(10)
    assert catalog.ndcs_for_code("J3490") == []
    catalog.close()


def test_ndc_lookup(catalog: Catalog) -> None:
    (product,) = catalog.ndc("50242005306")
    assert (product.hcpcs, product.drug_name) == ("J9312", "Rituxan")
    assert product.pkg_size == Decimal(10)
    assert catalog.ndc("50242-0053-06") == [product]
    assert catalog.ndc("99999999999") == []
    assert catalog.ndc("5024200530") == []  # ten digits: ambiguous, not looked up here
    assert catalog.ndc("abc") == []
    catalog.close()


# --- info ------------------------------------------------------------------------------------


def test_info(catalog: Catalog, catalog_file: Path) -> None:
    info = catalog.info()
    assert info.path == catalog_file
    assert info.schema_version == SCHEMA_VERSION
    assert info.built_at == datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    assert info.asp_quarter == "2026Q1"
    assert (info.asp_effective_from, info.asp_effective_to) == (date(2026, 1, 1), date(2026, 3, 31))
    assert info.crosswalk_effective_from == date(2026, 1, 1)
    assert (info.hcpcs_release, info.mue_quarter) == ("2026-01", "2026Q2")
    assert info.sources == {
        "hcpcs": "january-2026-alpha-numeric-hcpcs-file.zip",
        "asp": "asp_payment_limit_2026q1.csv",
        "crosswalk": "asp_ndc_hcpcs_crosswalk_2026q1.csv",
        "mue": "mue_practitioner_2026q2_level2.csv",
    }
    assert info.counts["codes"] == 11
    assert info.counts["j_codes"] == 8
    assert info.counts["active_j_codes"] == 7
    assert info.counts["ndcs"] == 5
    assert info.counts["mue_rows"] == 2
    assert info.counts["aliases"] == 2
    as_json = info.to_json()
    assert as_json["asp_effective_from"] == "2026-01-01"
    assert as_json["built_at"] == "2026-01-05T12:00:00+00:00"
    catalog.close()
