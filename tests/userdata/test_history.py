"""The printed-summary log: logging, filters, re-printing, patient field, CSV export."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import fields, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from jcalc.core.claim import ClaimLine, LineRole
from jcalc.core.drug import MueLimit
from jcalc.core.ndc import NdcQualifier
from jcalc.core.summary import AdministrationCode, ClaimSummary, SummaryEntry
from jcalc.userdata import open_user_data
from jcalc.userdata.clinic import ClinicStore
from jcalc.userdata.history import (
    HistoryError,
    HistoryFilter,
    SummaryLog,
    summary_from_json,
    summary_to_json,
)

DAY = date(2026, 4, 2)


def rituximab_summary(reference: str = "visit 12") -> ClaimSummary:
    lines = (
        ClaimLine(
            "J9312", 45, LineRole.ADMINISTERED, (), "50242005306", NdcQualifier.ML,
            Decimal("45"), Decimal("3364.43"), Decimal("450.00"),
        ),
        ClaimLine(
            "J9312", 5, LineRole.DISCARDED, ("JW",), "50242005306", NdcQualifier.ML,
            Decimal("5"), Decimal("373.83"), Decimal("50.00"),
        ),
    )  # fmt: skip
    entry = SummaryEntry(
        code="J9312",
        name="rituximab",
        descriptor="10 mg",
        dose="450 mg",
        date_of_service=DAY,
        container="single-dose (500 mg)",
        lines=lines,
        warnings=("check the MUE",),
        explanation=("450 mg ÷ 10 mg = 45 units",),
        mue=MueLimit(150, 3, "Prescribing Information"),
        ndc="50242005306",
    )
    return ClaimSummary(
        date_of_service=DAY,
        entries=(entry,),
        administration=(AdministrationCode("96413"), AdministrationCode("96415", 2)),
        clinic_name="Main Street Infusion",
        reference=reference,
        catalog_quarter="2026Q2",
        catalog_effective_from=date(2026, 4, 1),
        catalog_effective_to=date(2026, 6, 30),
        generated_on=datetime(2026, 4, 2, 10, 30),
    )


def naloxone_summary(reference: str) -> ClaimSummary:
    line = ClaimLine("J2312", 40, LineRole.ADMINISTERED, ("JZ",))
    entry = SummaryEntry("J2312", "naloxone", "0.01 mg", "0.4 mg", DAY, "single-dose", (line,))
    return ClaimSummary(DAY, entries=(entry,), reference=reference, catalog_quarter="2026Q2")


@pytest.fixture
def stores() -> Iterator[tuple[ClinicStore, SummaryLog]]:
    clinic, log = open_user_data()
    yield clinic, log
    clinic.close()


def test_summary_json_round_trip() -> None:
    summary = rituximab_summary()
    assert summary_from_json(summary_to_json(summary)) == summary


def test_summary_json_covers_every_field() -> None:
    """A field added to the summary must be logged too, or re-printing would lose it."""
    data = summary_to_json(rituximab_summary())
    # The patient name is the one exception: it lives in its own column only (erasable).
    assert {f.name for f in fields(ClaimSummary)} - {"patient_name"} == set(data) - {"format"}
    assert {f.name for f in fields(SummaryEntry)} == set(data["entries"][0])
    assert {f.name for f in fields(ClaimLine)} == set(data["entries"][0]["lines"][0])


def test_log_and_reprint(stores: tuple[ClinicStore, SummaryLog]) -> None:
    _clinic, log = stores
    summary = rituximab_summary()
    log_id = log.log(summary, when=datetime(2026, 4, 2, 10, 31, 5, 123))
    entry = log.get(log_id)
    assert entry.printed_at == datetime(2026, 4, 2, 10, 31, 5)
    assert entry.action == "printed" and entry.catalog_quarter == "2026Q2"
    assert entry.reference == "visit 12"
    assert entry.codes == ("J9312", "96413", "96415")
    assert entry.lines[1]["modifiers"] == ["JW"] and entry.lines[1]["charge"] == "50.00"
    assert entry.summary() == summary  # enough to print it again, exactly
    with pytest.raises(HistoryError, match="no logged summary number 99"):
        log.get(99)


def test_list_filters(stores: tuple[ClinicStore, SummaryLog]) -> None:
    _clinic, log = stores
    first = log.log(rituximab_summary("Smith follow-up"), when=datetime(2026, 4, 1, 9, 0))
    second = log.log(naloxone_summary("ER 100%_done"), when=datetime(2026, 4, 2, 9, 0))
    third = log.log(naloxone_summary("walk-in"), action="saved", when=datetime(2026, 4, 3, 18, 0))
    assert [e.id for e in log.list()] == [third, second, first]
    assert [e.id for e in log.list(text="smith")] == [first]
    assert [e.id for e in log.list(text="RITUX")] == [first]  # drug names are searched too
    assert [e.id for e in log.list(text="100%_")] == [second]  # LIKE wildcards are literal
    assert [e.id for e in log.list(text="%")] == [second]
    assert [e.id for e in log.list(code="j2312")] == [third, second]
    assert [e.id for e in log.list(code="96415")] == [first]
    assert [e.id for e in log.list(since=date(2026, 4, 2))] == [third, second]
    assert [e.id for e in log.list(until=date(2026, 4, 2))] == [second, first]
    window = HistoryFilter(since=date(2026, 4, 2), until=date(2026, 4, 2), code="J2312")
    assert [e.id for e in log.list(window)] == [second]
    assert [e.id for e in log.list(limit=1)] == [third]
    assert log.get(third).action == "saved"
    log.delete(third)
    assert [e.id for e in log.list(code="J2312")] == [second]


def test_patient_name_only_with_the_patient_field_on(
    stores: tuple[ClinicStore, SummaryLog],
) -> None:
    clinic, log = stores
    dropped = log.log(rituximab_summary(), patient_name="Jane Roe")
    assert log.get(dropped).patient_name is None
    assert log.list(text="roe") == []
    stored = log.database.query("SELECT COUNT(*) FROM summary_log WHERE search_text LIKE '%roe%'")
    assert stored == [(0,)]
    clinic.set_patient_field(True)
    kept = log.log(rituximab_summary(), patient_name="  Jane   Roe ")
    assert log.get(kept).patient_name == "Jane Roe"
    assert [e.id for e in log.list(text="roe")] == [kept]
    clinic.set_patient_field(False)
    assert log.erase_patient_names() == 1
    assert log.get(kept).patient_name is None
    assert log.list(text="roe") == []


def test_patient_name_of_the_summary_is_kept_only_in_its_column(
    stores: tuple[ClinicStore, SummaryLog],
) -> None:
    clinic, log = stores
    named = replace(rituximab_summary(), patient_name="Jane Roe")
    assert "patient_name" not in summary_to_json(named)
    dropped = log.log(named)  # the field is off: the summary's name is dropped
    assert log.get(dropped).patient_name is None
    assert log.get(dropped).summary().patient_name == ""
    clinic.set_patient_field(True)
    kept = log.log(named)
    assert log.get(kept).summary().patient_name == "Jane Roe"  # re-printed with the name
    rows = log.database.query("SELECT summary_json FROM summary_log")
    assert all("Jane" not in str(row[0]) for row in rows)


def test_bad_log_input(stores: tuple[ClinicStore, SummaryLog]) -> None:
    _clinic, log = stores
    with pytest.raises(HistoryError, match="reference is longer"):
        log.log(rituximab_summary("x" * 201))
    with pytest.raises(HistoryError, match="not one of"):
        log.log(rituximab_summary(), action="faxed")  # type: ignore[arg-type]
    assert log.list() == []


def test_csv_export(stores: tuple[ClinicStore, SummaryLog], tmp_path: Path) -> None:
    clinic, log = stores
    clinic.set_patient_field(True)
    log.log(
        rituximab_summary('=HYPERLINK("x"), "quoted", line\nbreak'),
        patient_name="O'Brien, Ann",
        when=datetime(2026, 4, 2, 10, 31),
    )
    log.log(naloxone_summary("second"), when=datetime(2026, 4, 3, 8, 0))
    out = tmp_path / "history.csv"
    assert log.export_csv(out) == 5  # 2 + 2 administration lines + 1
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with a BOM
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 5
    first = rows[0]
    assert first["reference"] == '\'=HYPERLINK("x"), "quoted", line break'
    assert first["patient_name"] == "O'Brien, Ann"
    assert (first["hcpcs"], first["units"], first["ndc"], first["ndc_quantity"]) == (
        "J9312", "45", "50242-0053-06", "ML45",
    )  # fmt: skip
    assert rows[1]["modifiers"] == "JW" and rows[1]["charge"] == "50.00"
    assert rows[3]["hcpcs"] == "96415" and rows[3]["units"] == "2"
    assert rows[4]["reference"] == "second" and rows[4]["modifiers"] == "JZ"
    assert log.export_csv(out, HistoryFilter(code="J2312")) == 1
