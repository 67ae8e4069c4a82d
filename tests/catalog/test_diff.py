"""The diff between the 2026 catalog and the hand-made next quarter: exactly what was changed."""

from __future__ import annotations

import json
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from jcalc.catalog.diff import CatalogDiff, diff_catalogs
from jcalc.catalog.store import open_catalog
from jcalc.core.containers import ContainerType
from jcalc.userdata.clinic import ClinicData, CodeSettings
from tests.catalog import next_quarter as nq
from tests.catalog.next_quarter import variant_catalog

CLINIC = ClinicData(
    codes={
        item.code: item
        for item in (
            CodeSettings("J9312", Decimal("9.50"), "50242005121", ContainerType.SINGLE_DOSE, True),
            CodeSettings("J9035", favourite=True),
            CodeSettings("J1100", charge_per_unit=Decimal("0.50")),
            CodeSettings("J1885", charge_per_unit=Decimal("1")),
            CodeSettings("90377", charge_per_unit=Decimal("40")),
            CodeSettings("J2312", default_ndc="99999999999"),  # never in the crosswalk
            CodeSettings("J0585", favourite=True),  # unchanged: not listed
            CodeSettings("Z9999", favourite=True),  # in neither catalog: not listed
        )
    }
)


@pytest.fixture(scope="module")
def diff(next_quarter_catalog: Path) -> CatalogDiff:
    with open_catalog(None) as old, open_catalog(next_quarter_catalog) as new:
        return diff_catalogs(old, new, clinic=CLINIC)


def test_codes_added(diff: CatalogDiff) -> None:
    assert [item.code for item in diff.added] == sorted(nq.ADDED)
    testumab = diff.added[0]
    assert testumab.description == "Injection, testumab, 5 mg"
    assert testumab.reading == "5 mg"
    assert testumab.payment_limit == Decimal("12.500")


def test_codes_terminated_and_removed(diff: CatalogDiff) -> None:
    by_code = {item.code: item for item in diff.terminated}
    assert set(by_code) == {*nq.ENDED, nq.REMOVED}
    assert by_code["J9035"].termination_date == date(2026, 3, 31)
    assert by_code["J9035"].replacements == ("J9601",)
    assert not by_code["J9035"].removed
    assert by_code["J9035"].describe() == "ends 2026-03-31 (see J9601)"
    assert by_code[nq.REMOVED].removed
    assert by_code[nq.REMOVED].describe() == "no longer in the catalog"


def test_descriptor_changes(diff: CatalogDiff) -> None:
    (change,) = diff.descriptors_changed
    code, old, new = nq.DESCRIPTOR
    assert (change.code, change.old_text, change.new_text) == (code, old, new)
    assert (change.old_reading, change.new_reading) == ("15 mg", "30 mg")
    assert change.reading_changed


def test_payment_limits_largest_change_first(diff: CatalogDiff) -> None:
    assert [item.code for item in diff.prices_changed] == list(nq.PRICE_ORDER)
    for item in diff.prices_changed:
        assert item.old == Decimal(nq.OLD_PRICES[item.code])
        assert item.new == Decimal(nq.REPRICED[item.code])
        assert item.delta == nq.price_delta(item.code)
        assert isinstance(item.delta, Decimal)
    first = diff.prices_changed[0]
    assert first.describe() == "$86.270 → $50.000 (-$36.270, -42.0%)"
    assert diff.prices_changed[-1].delta == Decimal("-0.005")


def test_mue_changes(diff: CatalogDiff) -> None:
    (change,) = diff.mue_changed
    assert change.code == "J9312"
    assert change.old is not None and change.new is not None
    assert (change.old.value, change.new.value) == (150, 120)


def test_ndc_counts(diff: CatalogDiff) -> None:
    assert diff.ndcs_added == len(nq.ADDED)
    assert diff.ndcs_removed == nq.REMOVED_NDCS


def test_clinic_codes_affected(diff: CatalogDiff) -> None:
    by_code = {item.code: item for item in diff.clinic_affected}
    assert set(by_code) == {"J9312", "J9035", "J1100", "J1885", "90377"}
    rituximab = by_code["J9312"]
    assert rituximab.favourite and rituximab.priced
    assert any(text.startswith("payment limit $74.765 → $80.000") for text in rituximab.changes)
    assert any(text.startswith("MUE 150 units") for text in rituximab.changes)
    assert by_code["J9035"].changes == ("ends 2026-03-31 (see J9601)",)
    assert by_code["90377"].changes == ("no longer in the catalog",)
    assert rituximab.changes[-1] == (
        "default NDC 50242-0051-21 is no longer in the crosswalk for this code"
    )


def test_json_is_complete_and_exact(diff: CatalogDiff) -> None:
    data = json.loads(json.dumps(diff.to_json()))
    assert data["counts"] == {
        "added": 2, "terminated": 3, "descriptors_changed": 1, "prices_changed": 4,
        "mue_changed": 1, "ndcs_added": 2, "ndcs_removed": 3, "clinic_affected": 5,
    }  # fmt: skip
    assert data["prices_changed"][0] == {
        "code": "J9173", "name": "durvalumab", "old": "86.270", "new": "50.000",
        "delta": "-36.270", "percent": "-42.0",
    }  # fmt: skip
    assert data["new"]["asp_quarter"] == "2026Q2" and data["old"]["asp_quarter"] == "2026Q1"
    assert data["terminated"][1]["termination_date"] == "2026-03-31"


def test_summary_text(diff: CatalogDiff) -> None:
    text = "\n".join(diff.summary_lines())
    assert "from 2026Q1 (HCPCS 2026-01, MUE 2026Q2) to 2026Q2 (HCPCS 2026-04, MUE 2026Q3)" in text
    assert "codes added: 2" in text and "payment limits changed: 4" in text
    assert "your clinic's codes affected: 5" in text
    assert "J9312 (favourite, priced)" in text
    short = diff.summary_lines(limit=1)
    assert "    … and 3 more" in short


def test_diff_of_the_real_catalog_is_fast(next_quarter_catalog: Path) -> None:
    started = time.perf_counter()
    with open_catalog(None) as old, open_catalog(next_quarter_catalog) as new:
        found = diff_catalogs(old, new, clinic=CLINIC)
    elapsed = time.perf_counter() - started
    assert found.seconds < 1.0 and elapsed < 2.0, elapsed


def test_same_catalog_has_no_changes() -> None:
    with open_catalog(None) as old, open_catalog(None) as new:
        found = diff_catalogs(old, new, clinic=CLINIC)
    assert found.is_empty and not found.clinic_affected
    assert "no changes" in found.summary_lines()


def test_a_price_change_without_the_cms_files(tmp_path: Path) -> None:
    variant = variant_catalog(tmp_path / "v.sqlite", price="80.5")
    with open_catalog(None) as old, open_catalog(variant) as new:
        found = diff_catalogs(old, new)
    (change,) = found.prices_changed
    assert (change.code, change.delta) == ("J9312", Decimal("5.735"))
    assert not found.added and not found.terminated and not found.clinic_affected


def test_ndc_changes_are_compared_on_disk(
    next_quarter_catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A catalog of a million NDCs is never loaded whole: SQLite compares the two files."""
    from jcalc.catalog import diff as diff_module

    def refuse(_catalog: object) -> set[tuple[str, str]]:
        raise AssertionError("NDC pairs loaded into memory")

    monkeypatch.setattr(diff_module, "_ndc_pairs", refuse)
    with open_catalog(None) as old, open_catalog(next_quarter_catalog) as new:
        found = diff_catalogs(old, new)
    assert (found.ndcs_added, found.ndcs_removed) == (len(nq.ADDED), nq.REMOVED_NDCS)
