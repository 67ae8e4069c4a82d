"""Old-style Excel (.xls) workbooks, read through xlrd, as a file or inside a zip."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from jcalc.catalog.sources.asp import read_asp
from jcalc.catalog.sources.detect import detect_kind
from jcalc.catalog.update import kinds_in_file
from tests.catalog.sources import synth

XLS = Path(__file__).with_name("data") / "asp_payment_limit_2026q1.xls"  # made by make_xls.py


def test_an_xls_file_reads_like_its_csv(tmp_path: Path) -> None:
    from_xls = read_asp(XLS)
    from_csv = read_asp(synth.write_asp(tmp_path / "asp_payment_limit_2026q1.csv"))
    assert from_xls.records == from_csv.records
    assert from_xls.records[2].payment_limit == Decimal("74.765")  # a number cell
    assert from_xls.quarter == "2026Q1"
    assert from_xls.report.rows_read == from_xls.report.imported == 5


def test_an_xls_member_of_a_zip(tmp_path: Path) -> None:
    path = synth.write_zip(
        tmp_path / "asp.zip", {"Jan 2026 ASP Pricing File.xls": XLS.read_bytes()}
    )
    assert detect_kind(path) == "asp"
    assert kinds_in_file(path) == ["asp"]
    assert len(read_asp(path).records) == 5


def test_an_xls_file_is_detected_for_updates() -> None:
    assert detect_kind(XLS) == "asp"
    assert kinds_in_file(XLS) == ["asp"]
