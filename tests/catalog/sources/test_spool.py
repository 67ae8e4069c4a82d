"""RecordSpool: crosswalk records in a list, spilled to a temporary SQLite file past a size."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jcalc.catalog.sources import crosswalk as crosswalk_module
from jcalc.catalog.sources import spool as spool_module
from jcalc.catalog.sources.crosswalk import read_crosswalk
from jcalc.catalog.sources.records import CrosswalkRecord
from jcalc.catalog.sources.spool import RecordSpool, sort_key, sorted_records
from tests.catalog.sources import synth


def _record(code: str, ndc: str, *, is_ndc: bool = True, units: str = "1.50") -> CrosswalkRecord:
    return CrosswalkRecord(
        code, "", "Lab", ndc, "Drug", "10 MG", Decimal("1"), None, Decimal(units), None,
        is_ndc=is_ndc,
    )  # fmt: skip


RECORDS = [
    _record("J9312", "50242005306"),
    _record("J1100", "63323016501", units="0.5"),
    _record("Q4111", "GG100", is_ndc=False),
    _record("J1100", "00000000001"),
    _record("J9312", "50242005121"),
]


@pytest.mark.parametrize("spill_rows", [100, 2])
def test_spool_is_a_sequence_in_file_order(spill_rows: int) -> None:
    spool = RecordSpool(spill_rows=spill_rows)
    for record in RECORDS:
        spool.append(record)
    assert spool.spilled == (spill_rows < len(RECORDS))
    assert len(spool) == 5
    assert list(spool) == RECORDS  # decimals and flags come back exactly
    assert spool == RECORDS
    assert spool[2] == RECORDS[2]
    assert spool[-1] == RECORDS[-1]
    with pytest.raises(IndexError):
        spool[5]
    expected = sorted((r for r in RECORDS if r.is_ndc), key=sort_key)
    assert list(sorted_records(spool, is_ndc=True)) == expected
    assert list(sorted_records(RECORDS, is_ndc=False)) == [RECORDS[2]]


def test_the_temporary_file_goes_with_the_spool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spool_module.tempfile, "tempdir", str(tmp_path))
    spool = RecordSpool(spill_rows=1)
    for record in RECORDS:
        spool.append(record)
    assert len(list(tmp_path.glob("jcalc-crosswalk-*.sqlite"))) == 1
    del spool
    assert list(tmp_path.glob("jcalc-crosswalk-*.sqlite")) == []


def test_a_spilled_crosswalk_reads_and_builds_like_a_small_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = synth.write_crosswalk(tmp_path / "xw.csv")
    small = read_crosswalk(path)
    monkeypatch.setattr(crosswalk_module, "RecordSpool", lambda: RecordSpool(spill_rows=2))
    spilled = read_crosswalk(path)
    assert isinstance(spilled.records, RecordSpool) and spilled.records.spilled
    assert spilled.records == small.records
    from jcalc.catalog.build import ndc_rows

    assert list(ndc_rows(spilled)) == list(ndc_rows(small))
