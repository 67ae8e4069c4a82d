"""read_asp: the quarterly ASP payment limit file."""

from __future__ import annotations

import time
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from jcalc.catalog.sources.asp import read_asp
from jcalc.catalog.sources.errors import SourceFileError
from tests.catalog.sources import synth


def by_code(path: Path) -> dict[str, object]:
    return {r.code: r for r in read_asp(path).records}


def test_reads_the_cms_layout(tmp_path: Path) -> None:
    asp = read_asp(synth.write_asp(tmp_path / "asp_payment_limit_2026q1.csv"))
    assert asp.source_name == "asp_payment_limit_2026q1.csv"
    assert (asp.effective_from, asp.effective_to) == (date(2026, 1, 1), date(2026, 3, 31))
    assert asp.quarter == "2026Q1"
    assert [r.code for r in asp.records] == ["90371", "A9606", "J9312", "J9325", "J0558"]
    rituximab = asp.records[2]
    assert rituximab.short_description == "Inj., rituximab, 10 mg"
    assert rituximab.dosage == "10 MG"
    assert rituximab.payment_limit == Decimal("74.765")
    assert rituximab.notes == ""


def test_values(tmp_path: Path) -> None:
    records = {r.code: r for r in read_asp(synth.write_asp(tmp_path / "a.csv")).records}
    assert str(records["90371"].payment_limit) == "137.828"  # full precision, exact
    assert records["A9606"].payment_limit is None  # "N/A"
    assert records["A9606"].notes == "microCurie 100% AWP = $202.82\nmicroCurie 100% WAC = $169.02"
    assert records["J9325"].dosage == "1 million PFU"  # the no-break space made a plain one
    assert records["J0558"].dosage == "100,000 UNITS"
    assert records["J0558"].payment_limit == Decimal("1234.5")  # thousands comma


def test_numeric_codes_keep_no_description(tmp_path: Path) -> None:
    records = {r.code: r for r in read_asp(synth.write_asp(tmp_path / "a.csv")).records}
    assert records["90371"].short_description == ""
    assert records["90371"].dosage == "1 ML"
    assert records["90371"].payment_limit == Decimal("137.828")


def test_blank_payment_limit_is_none(tmp_path: Path) -> None:
    rows = [["J9999", "Antineoplastic drugs", "", "", "20.000", "", "", "", "", "", ""]]
    record = read_asp(synth.write_asp(tmp_path / "a.csv", rows)).records[0]
    assert record.payment_limit is None
    assert record.dosage == ""


def test_header_found_by_content_not_by_count(tmp_path: Path) -> None:
    title = [["Payment Allowance Limits"], ["Effective April 1, 2026 through June 30, 2026"]]
    asp = read_asp(synth.write_asp(tmp_path / "a.csv", title=title))
    assert len(asp.records) == 5
    assert asp.quarter == "2026Q2"
    title = [*synth.ASP_TITLE, ["Note 3: another note"], [], []]
    assert len(read_asp(synth.write_asp(tmp_path / "b.csv", title=title)).records) == 5


def test_renamed_and_reordered_columns(tmp_path: Path) -> None:
    header = ["HCPCS_CODE", "Payment Limit ($)", "hcpcs dosage", "SHORT DESC", "note"]
    rows = [["j9312", "74.765", "10 mg", "Inj., rituximab, 10 mg", "x"]]
    record = read_asp(synth.write_asp(tmp_path / "a.csv", rows, header=header)).records[0]
    assert record.code == "J9312"
    assert record.payment_limit == Decimal("74.765")
    assert record.dosage == "10 mg"
    assert record.short_description == "Inj., rituximab, 10 mg"
    assert record.notes == "x"


def test_optional_columns_may_be_absent(tmp_path: Path) -> None:
    header = ["HCPCS Code", "HCPCS Code Dosage", "Payment Limit"]
    record = read_asp(synth.write_asp(tmp_path / "a.csv", [["J9312", "10 MG", "1"]], header=header))
    assert record.records[0].short_description == ""
    assert record.records[0].notes == ""


def test_missing_required_column(tmp_path: Path) -> None:
    header = [h if h != "HCPCS Code Dosage" else "Strength" for h in synth.ASP_HEADER]
    path = synth.write_asp(tmp_path / "a.csv", header=header)
    with pytest.raises(SourceFileError) as caught:
        read_asp(path)
    assert str(caught.value) == (
        "a.csv: the header (row 9) has no 'HCPCS Code Dosage' column of the ASP payment limit file"
    )


def test_missing_code_column(tmp_path: Path) -> None:
    header = ["Item", *synth.ASP_HEADER[1:]]
    with pytest.raises(SourceFileError, match=r"has no 'HCPCS Code' column of the ASP payment"):
        read_asp(synth.write_asp(tmp_path / "a.csv", header=header))


def test_malformed_payment_limit_is_skipped_and_reported(tmp_path: Path) -> None:
    rows = [*synth.ASP_ROWS]
    rows[2] = ["J9312", "Inj., rituximab, 10 mg", "10 MG", "74.7.65", "20.000"]
    asp = read_asp(synth.write_asp(tmp_path / "a.csv", rows))
    assert [r.code for r in asp.records] == ["90371", "A9606", "J9325", "J0558"]
    # title 8 rows + header = 9; the third data row is row 12 of the spreadsheet
    (skipped,) = asp.report.skipped
    assert skipped.sentence() == "row 12: the Payment Limit '74.7.65' of J9312 is not a number"
    assert asp.report.counts == {"number unreadable": 1}
    assert (asp.report.rows_read, asp.report.imported) == (5, 4)


@pytest.mark.parametrize(
    ("limit", "problem"),
    [
        ("-5.00", "the Payment Limit '-5.00' of J9312 is below 0"),
        ("9" * 30, "of J9312 is above 100,000,000"),
        ("1." + "1" * 29, "of J9312 has too many decimal places"),
        ("21.3125?", "the Payment Limit '21.3125?' of J9312 is not a number"),
        ("1e999999999", "the Payment Limit '1e999999999' of J9312 is not a number"),
    ],
)
def test_impossible_payment_limits_are_skipped(tmp_path: Path, limit: str, problem: str) -> None:
    rows = [*synth.ASP_ROWS]
    rows[2] = ["J9312", "Inj., rituximab, 10 mg", "10 MG", limit, "20.000"]
    asp = read_asp(synth.write_asp(tmp_path / "a.csv", rows))
    assert "J9312" not in {r.code for r in asp.records}
    (skipped,) = asp.report.skipped
    assert problem in skipped.detail
    assert skipped.row == 12


def test_a_file_of_unusable_rows_is_refused(tmp_path: Path) -> None:
    rows = [["J93", "Inj", "10 MG", "1"]]
    with pytest.raises(SourceFileError, match=r"none of its 1 data rows .*row 10: 'J93' is not"):
        read_asp(synth.write_asp(tmp_path / "a.csv", rows))


def test_a_file_of_mostly_unusable_rows_is_refused(tmp_path: Path) -> None:
    good = [["J9312", "Inj", "10 MG", "74.765"]] * 20
    bad = [["J9312", "Inj", "10 MG", "n/a?"]] * 11
    assert len(read_asp(synth.write_asp(tmp_path / "a.csv", good + bad[:10])).records) == 20
    with pytest.raises(SourceFileError, match=r"11 of its 31 data rows cannot be used"):
        read_asp(synth.write_asp(tmp_path / "b.csv", good + bad))


def test_footnote_rows_are_ignored(tmp_path: Path) -> None:
    rows = [*synth.ASP_ROWS, [], ["* Payment limits are rounded to three places."]]
    assert len(read_asp(synth.write_asp(tmp_path / "a.csv", rows)).records) == 5


def test_next_year_file(tmp_path: Path) -> None:
    title = [
        ["Payment Allowance Limits"],
        ['  "Effective October 1, 2027 through December 31, 2027"'],
    ]
    asp = read_asp(synth.write_asp(tmp_path / "a.csv", title=title))
    assert (asp.effective_from, asp.effective_to) == (date(2027, 10, 1), date(2027, 12, 31))
    assert asp.quarter == "2027Q4"


def test_effective_dates_from_the_file_name_when_no_title(tmp_path: Path) -> None:
    asp = read_asp(synth.write_asp(tmp_path / "asp_payment_limit_2026q3.csv", title=[]))
    assert (asp.effective_from, asp.effective_to) == (date(2026, 7, 1), date(2026, 9, 30))


def test_unknown_effective_dates(tmp_path: Path) -> None:
    with pytest.raises(SourceFileError, match="dates the file applies to are unknown"):
        read_asp(synth.write_asp(tmp_path / "prices.csv", title=[]))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_utf8_files(encoding: str, tmp_path: Path) -> None:
    rows = [["J9999", "Café drug", "1 µg", "1"]]
    record = read_asp(synth.write_asp(tmp_path / "a.csv", rows, encoding=encoding)).records[0]
    assert record.code == "J9999"
    assert record.short_description == "Café drug"
    assert record.dosage == "1 µg"


def test_windows_1252_text(tmp_path: Path) -> None:
    rows = [["J9999", "Drug – “quoted”", "1 µg", "1"]]
    record = read_asp(synth.write_asp(tmp_path / "a.csv", rows)).records[0]
    assert record.short_description == "Drug – “quoted”"
    assert record.dosage == "1 µg"


def test_file_cut_mid_row(tmp_path: Path) -> None:
    path = synth.write_asp(tmp_path / "a.csv")
    data = path.read_bytes()
    path.write_bytes(data[: data.rindex(b"20.000") + 3])
    with pytest.raises(SourceFileError) as caught:
        read_asp(path)
    assert str(caught.value) == (
        "a.csv: row 14: the row has 5 of the header's 12 columns and the file ends without a "
        "line break: the file looks truncated"
    )


def test_file_cut_inside_a_quoted_field(tmp_path: Path) -> None:
    path = synth.write_asp(tmp_path / "a.csv")
    data = path.read_bytes()
    path.write_bytes(data[: data.index(b"microCurie 100% WAC")])
    with pytest.raises(SourceFileError, match=r"row 11 ends inside a quoted field: .* cut off"):
        read_asp(path)


def test_header_without_data(tmp_path: Path) -> None:
    with pytest.raises(SourceFileError, match="has a header but no data rows"):
        read_asp(synth.write_asp(tmp_path / "a.csv", []))


def test_crosswalk_given_to_read_asp(tmp_path: Path) -> None:
    path = synth.write_crosswalk(tmp_path / "xw.csv")
    with pytest.raises(SourceFileError) as caught:
        read_asp(path)
    assert str(caught.value) == (
        "xw.csv: this file is the ASP NDC-HCPCS crosswalk, not the ASP payment limit file"
    )


def test_zip_holding_the_csv(tmp_path: Path) -> None:
    inner = synth.write_asp(tmp_path / "inner.csv").read_bytes()
    path = synth.write_zip(
        tmp_path / "january-2026-asp-pricing-file.zip",
        {
            "Disclaimer.pdf": b"%PDF-1.4",
            "ndc crosswalk.csv": synth.csv_bytes(
                [*synth.CROSSWALK_TITLE, synth.CROSSWALK_HEADER, *synth.CROSSWALK_ROWS]
            ),
            "Section 508 version of January 2026 Payment Limit File.csv": inner,
        },
    )
    asp = read_asp(path)
    assert asp.source_name == "january-2026-asp-pricing-file.zip"
    assert len(asp.records) == 5


def test_zip_holding_only_the_crosswalk(tmp_path: Path) -> None:
    inner = synth.write_crosswalk(tmp_path / "xw.csv").read_bytes()
    path = synth.write_zip(tmp_path / "xw.zip", {"xw.csv": inner})
    with pytest.raises(SourceFileError) as caught:
        read_asp(path)
    assert str(caught.value) == (
        "xw.zip: this zip holds the ASP NDC-HCPCS crosswalk, not the ASP payment limit file"
    )


def test_zip_member_error_names_the_member(tmp_path: Path) -> None:
    rows = [["J9312", "Inj", "10 MG", "abc"]]
    inner = synth.write_asp(tmp_path / "inner.csv", rows).read_bytes()
    path = synth.write_zip(tmp_path / "asp.zip", {"folder/limits.csv": inner})
    with pytest.raises(SourceFileError) as caught:
        read_asp(path)
    assert str(caught.value) == (
        "asp.zip: 'folder/limits.csv' inside the zip: none of its 1 data rows can be used "
        "(first: row 10: the Payment Limit 'abc' of J9312 is not a number)"
    )


def test_xlsx_workbook(tmp_path: Path) -> None:
    rows: list[list[object]] = [list(r) for r in synth.asp_rows()]
    rows[9 + 2][3] = 74.765  # a number cell, as Excel stores it
    path = synth.write_xlsx(tmp_path / "asp.xlsx", rows)
    asp = read_asp(path)
    assert len(asp.records) == 5
    assert asp.records[2].payment_limit == Decimal("74.765")
    assert asp.quarter == "2026Q1"


@pytest.mark.needs_shared
def test_reference_file(cms_files: dict[str, Path]) -> None:
    started = time.perf_counter()
    asp = read_asp(cms_files["asp"])
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0
    assert len(asp.records) == 877
    assert sum(r.code.startswith("J") for r in asp.records) == 760
    assert sum(r.code[0].isdigit() for r in asp.records) == 33
    assert all(r.short_description == "" for r in asp.records if r.code[0].isdigit())
    assert (asp.effective_from, asp.effective_to) == (date(2026, 1, 1), date(2026, 3, 31))
    records = {r.code: r for r in asp.records}
    assert records["90371"].payment_limit == Decimal("137.828")
    assert str(records["90371"].payment_limit) == "137.828"
    assert [r.code for r in asp.records if r.payment_limit is None] == ["A9606"]
    assert "AWP" in records["A9606"].notes
    assert records["J9312"].dosage == "10 MG"
    assert records["J9325"].dosage == "1 million PFU"
    assert len({r.dosage for r in asp.records}) == 143
    assert len({r.dosage for r in asp.records if r.code.startswith("J")}) == 122


@pytest.mark.needs_shared
def test_reference_file_in_a_zip(cms_files: dict[str, Path], tmp_path: Path) -> None:
    path = tmp_path / "asp.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(cms_files["asp"], "Payment Limit File.csv")
    assert read_asp(path).records == read_asp(cms_files["asp"]).records
