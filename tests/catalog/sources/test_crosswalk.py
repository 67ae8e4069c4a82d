"""read_crosswalk: the quarterly ASP NDC-HCPCS crosswalk."""

from __future__ import annotations

import time
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from jcalc.catalog.sources.crosswalk import UnmappableNdcError, ndc11, read_crosswalk
from jcalc.catalog.sources.errors import SourceFileError
from tests.catalog.sources import synth


def test_reads_the_cms_layout(tmp_path: Path) -> None:
    crosswalk = read_crosswalk(synth.write_crosswalk(tmp_path / "xw_2026q1.csv"))
    assert crosswalk.source_name == "xw_2026q1.csv"
    assert (crosswalk.effective_from, crosswalk.effective_to) == (
        date(2026, 1, 1),
        date(2026, 3, 31),
    )
    assert crosswalk.report.skipped == []
    assert (crosswalk.report.rows_read, crosswalk.report.imported) == (5, 5)
    rituxan = crosswalk.records[1]
    assert rituxan.code == "J9312"
    assert rituxan.short_description == "Inj., rituximab, 10 mg"
    assert rituxan.labeler == "Genentech, Inc."
    assert rituxan.ndc == "50242005306"
    assert rituxan.drug_name == "Rituxan"
    assert rituxan.hcpcs_dosage == "10 MG"
    assert (rituxan.pkg_size, rituxan.pkg_qty) == (Decimal(50), Decimal(1))
    assert (rituxan.bill_units, rituxan.bill_units_pkg) == (Decimal(50), Decimal(50))


def test_values(tmp_path: Path) -> None:
    records = read_crosswalk(synth.write_crosswalk(tmp_path / "xw.csv")).records
    saline = records[3]
    assert saline.ndc == "00338004904"  # 4-4-2 padded to 5-4-2
    assert saline.pkg_size == Decimal(1000)  # "1,000"
    assert saline.pkg_qty == Decimal(12)
    dexamethasone = records[4]
    assert dexamethasone.bill_units == Decimal("0.5")
    assert dexamethasone.bill_units_pkg == Decimal("12.5")


def test_numeric_codes_keep_no_description(tmp_path: Path) -> None:
    record = read_crosswalk(synth.write_crosswalk(tmp_path / "xw.csv")).records[0]
    assert record.code == "90371"
    assert record.short_description == ""
    assert record.ndc == "13533063601"
    assert record.drug_name == "HyperHepB"  # trailing space gone
    assert record.labeler == "Grifols USA, LLC"


def test_next_year_code_column_and_renamed_columns(tmp_path: Path) -> None:
    header = [
        "_2027_CODE",
        "Short Description",
        "Labeler Name",
        "NDC",
        "Drug Name",
        "HCPCS Code Dosage",
        "Package Size",
        "Package Quantity",
        "Billable Units",
        "Billable Units Per Package",
    ]
    rows = [
        ["J9312", "Inj", "Genentech", "50242-0053-06", "Rituxan", "10 MG", "50", "2", "50", "100"]
    ]
    record = read_crosswalk(
        synth.write_crosswalk(tmp_path / "xw.csv", rows, header=header)
    ).records[0]
    assert record.code == "J9312"
    assert record.ndc == "50242005306"
    assert record.pkg_size == Decimal(50)
    assert record.pkg_qty == Decimal(2)
    assert record.bill_units == Decimal(50)
    assert record.bill_units_pkg == Decimal(100)


def test_few_padding_columns_and_no_padding(tmp_path: Path) -> None:
    for width in (10, 11, 300):
        crosswalk = read_crosswalk(synth.write_crosswalk(tmp_path / f"{width}.csv", width=width))
        assert len(crosswalk.records) == 5


def test_missing_required_column(tmp_path: Path) -> None:
    header = [h if h != "BILLUNITS" else "UNITS" for h in synth.CROSSWALK_HEADER]
    with pytest.raises(SourceFileError) as caught:
        read_crosswalk(synth.write_crosswalk(tmp_path / "xw.csv", header=header))
    assert str(caught.value) == (
        "xw.csv: the header (row 9) has no 'BILLUNITS' column of the ASP NDC-HCPCS crosswalk"
    )


def test_missing_two_columns(tmp_path: Path) -> None:
    header = ["_2026_CODE", "NDC2", "Drug Name", "BILLUNITS"]
    rows = [["J9312", "50242-0053-06", "Rituxan", "50"]]
    with pytest.raises(SourceFileError, match="has no 'HCPCS dosage' and 'PKG SIZE' columns"):
        read_crosswalk(synth.write_crosswalk(tmp_path / "xw.csv", rows, header=header))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13533-0636-01", "13533063601"),
        ("0338-0049-04", "00338004904"),
        ("50242-053-06", "50242005306"),
        ("50242-0053-6", "50242005306"),
        (" 50242005306 ", "50242005306"),
    ],
)
def test_ndc11(text: str, expected: str) -> None:
    assert ndc11(text) == expected


@pytest.mark.parametrize("text", ["", "N/A", "5024-20053-06", "50242-0053", "ABCDE-1234-56"])
def test_ndc11_malformed(text: str) -> None:
    with pytest.raises(ValueError, match=r".*") as caught:
        ndc11(text)
    assert not isinstance(caught.value, UnmappableNdcError)


@pytest.mark.parametrize("text", ["888867413689", "5024200530", "502420053"])
def test_ndc11_unmappable_digits(text: str) -> None:
    with pytest.raises(UnmappableNdcError):
        ndc11(text)


def test_identifiers_that_are_not_ndcs_are_kept_as_products(tmp_path: Path) -> None:
    """Skin substitutes' crosswalk rows carry identifiers such as GG100 (July 2025 crosswalk)."""
    rows = [*synth.CROSSWALK_ROWS]
    rows[2] = [*rows[2][:3], "50242-0053", *rows[2][4:]]
    rows += [
        ["J7331", "Synojoynt", "Arthrex", "888867413689", "SynoJoynt", "1 MG", "2", "3", "20",
         "60"],
        ["Q4111", "Gammagraft", "Promethean", "GG100", "GammaGraft", "1 SQ CM", "1", "1", "1",
         "1"],
        ["Q4115", "Alloskin", "Allosource", "51120-61052", "AlloSkin", "1 SQ CM", "4", "1", "4",
         "4"],
    ]  # fmt: skip
    crosswalk = read_crosswalk(synth.write_crosswalk(tmp_path / "xw.csv", rows))
    assert crosswalk.report.skipped == []
    others = {r.code: r.ndc for r in crosswalk.records if not r.is_ndc}
    assert others == {
        "J9312": "50242-0053",
        "J7331": "888867413689",
        "Q4111": "GG100",
        "Q4115": "51120-61052",
    }
    assert all(len(r.ndc) == 11 for r in crosswalk.records if r.is_ndc)


def test_a_column_of_non_ndcs_is_an_error(tmp_path: Path) -> None:
    rows = [["J9312", "Inj", "G", f"{n:012d}", "R", "10 MG", "1", "1", "1", "1"] for n in range(20)]
    with pytest.raises(SourceFileError, match="20 of its 20 rows have no NDC in the NDC2 column"):
        read_crosswalk(synth.write_crosswalk(tmp_path / "xw.csv", rows))


def test_malformed_number_is_skipped_naming_the_row_and_column(tmp_path: Path) -> None:
    rows = [*synth.CROSSWALK_ROWS]
    rows[1] = [*rows[1][:8], "21.3125?", rows[1][9]]
    crosswalk = read_crosswalk(synth.write_crosswalk(tmp_path / "xw.csv", rows))
    (skipped,) = crosswalk.report.skipped
    assert skipped.sentence() == "row 11: the BILLUNITS '21.3125?' of J9312 is not a number"
    assert len(crosswalk.records) == 4


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        (6, "0", "the PKG SIZE '0' of J9312 is not above 0"),
        (6, "-1", "the PKG SIZE '-1' of J9312 is not above 0"),
        (7, "0", "the PKG QTY '0' of J9312 is not above 0"),
        (8, "1" * 30, "of J9312 is above 10,000,000"),
        (3, "", "the NDC2 cell of J9312 is empty"),
        (3, "N/A", "the NDC2 cell of J9312 is empty ('N/A')"),
        (3, "--", "the NDC2 cell of J9312 is empty ('--')"),
    ],
)
def test_impossible_values_are_skipped(
    tmp_path: Path, column: int, value: str, problem: str
) -> None:
    rows = [*synth.CROSSWALK_ROWS]
    rows[1] = [*rows[1][:column], value, *rows[1][column + 1 :]]
    crosswalk = read_crosswalk(synth.write_crosswalk(tmp_path / "xw.csv", rows))
    (skipped,) = crosswalk.report.skipped
    assert problem in skipped.detail
    assert (crosswalk.report.rows_read, crosswalk.report.imported) == (5, 4)


def test_blank_numbers_are_none(tmp_path: Path) -> None:
    rows = [["J9312", "Inj", "G", "50242-0053-06", "R", "10 MG", "50", "", "N/A", ""]]
    record = read_crosswalk(synth.write_crosswalk(tmp_path / "xw.csv", rows)).records[0]
    assert (record.pkg_qty, record.bill_units, record.bill_units_pkg) == (None, None, None)


def test_row_short_of_required_cells(tmp_path: Path) -> None:
    path = tmp_path / "xw.csv"
    short = ["J9312", "Inj", "G", "50242-0053-06"]
    lines = [*synth.CROSSWALK_TITLE, synth.CROSSWALK_HEADER, short, *synth.CROSSWALK_ROWS]
    path.write_bytes(synth.csv_bytes(lines))
    crosswalk = read_crosswalk(path)
    assert [r.sentence() for r in crosswalk.report.skipped] == [
        "row 10: the row has only 4 columns; the header has 10"
    ]
    assert crosswalk.report.counts == {"too few columns": 1}


def test_file_cut_mid_row(tmp_path: Path) -> None:
    path = synth.write_crosswalk(tmp_path / "xw.csv")
    data = path.read_bytes()
    path.write_bytes(data[: data.rindex(b"63323-0165-01")])
    with pytest.raises(SourceFileError, match=r"row 14: .* the file looks truncated"):
        read_crosswalk(path)


def test_file_cut_in_the_padding(tmp_path: Path) -> None:
    path = synth.write_crosswalk(tmp_path / "xw.csv")
    data = path.read_bytes()
    path.write_bytes(data[:-100])
    with pytest.raises(SourceFileError, match=r"row 14: the row has 154 of the header's 252"):
        read_crosswalk(path)


def test_asp_file_given_to_read_crosswalk(tmp_path: Path) -> None:
    with pytest.raises(SourceFileError) as caught:
        read_crosswalk(synth.write_asp(tmp_path / "asp.csv"))
    assert str(caught.value) == (
        "asp.csv: this file is the ASP payment limit file, not the ASP NDC-HCPCS crosswalk"
    )


def test_zip_holding_csv_and_xlsx(tmp_path: Path) -> None:
    inner = synth.write_crosswalk(tmp_path / "xw.csv").read_bytes()
    book = synth.write_xlsx(
        tmp_path / "xw.xlsx",
        [*synth.CROSSWALK_TITLE, synth.CROSSWALK_HEADER, *synth.CROSSWALK_ROWS],
    )
    path = synth.write_zip(
        tmp_path / "january-2026-asp-ndc-hcpcs-crosswalk.zip",
        {"January 2026 ASP NDC-HCPCS Crosswalk.xlsx": book.read_bytes(), "Section 508.csv": inner},
    )
    assert read_crosswalk(path).records == read_crosswalk(tmp_path / "xw.csv").records
    only_book = synth.write_zip(tmp_path / "book.zip", {"crosswalk.xlsx": book.read_bytes()})
    assert read_crosswalk(only_book).records == read_crosswalk(tmp_path / "xw.csv").records


@pytest.mark.needs_shared
def test_reference_file(cms_files: dict[str, Path]) -> None:
    started = time.perf_counter()
    crosswalk = read_crosswalk(cms_files["crosswalk"])
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0
    # 7,125 data rows: one (J7331, "888867413689", 12 digits) is a product identifier, not an NDC.
    assert len(crosswalk.records) == 7125
    assert crosswalk.report.skipped == []
    (other,) = [r for r in crosswalk.records if not r.is_ndc]
    assert (other.code, other.ndc) == ("J7331", "888867413689")
    j_rows = [r for r in crosswalk.records if r.code.startswith("J")]
    assert len(j_rows) == 6589
    assert len({r.code for r in crosswalk.records}) == 843
    assert sum(r.code[0].isdigit() for r in crosswalk.records) == 27
    assert all(r.short_description == "" for r in crosswalk.records if r.code[0].isdigit())
    assert all(len(r.ndc) == 11 and r.ndc.isdigit() for r in crosswalk.records if r.is_ndc)
    assert all(r.bill_units is not None for r in crosswalk.records)
    assert (crosswalk.effective_from, crosswalk.effective_to) == (
        date(2026, 1, 1),
        date(2026, 3, 31),
    )
    rituxan = [r for r in crosswalk.records if r.ndc == "50242005306"]
    assert len(rituxan) == 1
    assert rituxan[0].code == "J9312"
    assert rituxan[0].drug_name == "Rituxan"
    assert rituxan[0].pkg_size == Decimal(50)
    assert rituxan[0].bill_units == Decimal(50)
    assert crosswalk.records[0].ndc == "13533063601"


@pytest.mark.needs_shared
def test_reference_file_in_a_zip(cms_files: dict[str, Path], tmp_path: Path) -> None:
    path = tmp_path / "crosswalk.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(cms_files["crosswalk"], "Crosswalk 121725.csv")
    assert read_crosswalk(path).records == read_crosswalk(cms_files["crosswalk"]).records
