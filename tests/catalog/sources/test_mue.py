"""read_mue: the practitioner services MUE table."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from jcalc.catalog.sources.errors import SourceFileError
from jcalc.catalog.sources.mue import read_mue
from jcalc.catalog.sources.records import MueRecord
from tests.catalog.sources import synth


def test_reads_the_derived_csv(tmp_path: Path) -> None:
    mue = read_mue(synth.write_mue_derived(tmp_path / "mue_practitioner_2026q2_level2.csv"))
    assert mue.source_name == "mue_practitioner_2026q2_level2.csv"
    assert mue.quarter == "2026Q2"
    assert mue.records == [
        MueRecord("A0021", 0, 3, "CMS Policy"),
        MueRecord("J9312", 140, 3, "Prescribing Information"),
        MueRecord("J1100", 120, 3, "Clinical: Data"),
        MueRecord("Q5103", 150, 2, "CMS Policy"),
    ]


def test_reads_the_cms_zip(tmp_path: Path) -> None:
    path = synth.write_zip(
        tmp_path / "medicare-ncci-2026-q2-practitioner-services-mue-table.zip",
        {
            "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv": synth.mue_cms_bytes(),
            "Read me.pdf": b"%PDF-1.4",
        },
    )
    mue = read_mue(path)
    assert mue.source_name == "medicare-ncci-2026-q2-practitioner-services-mue-table.zip"
    assert mue.quarter == "2026Q2"
    # CPT (0001U, 99213) and CDT (D0120) rows are dropped
    assert mue.records == [
        MueRecord("J9312", 140, 3, "Prescribing Information"),
        MueRecord("J3490", 1, 1, "Nature of Service/Procedure"),
        MueRecord("A4217", 100, 2, "Nature of Equipment"),
    ]


def test_reads_the_cms_csv_and_xlsx(tmp_path: Path) -> None:
    csv_path = tmp_path / "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv"
    csv_path.write_bytes(synth.mue_cms_bytes())
    from_csv = read_mue(csv_path)
    assert from_csv.quarter == "2026Q3"
    assert [r.code for r in from_csv.records] == ["J9312", "J3490", "A4217"]
    book = synth.write_xlsx(
        tmp_path / "MCR_MUE_PractitionerServices_Eff_07-01-2026.xlsx",
        [
            *synth.MUE_CMS_TITLE,
            synth.MUE_CMS_HEADER,
            *[[r[0], int(r[1]), *r[2:]] for r in synth.MUE_CMS_ROWS],
        ],
    )
    assert read_mue(book).records == from_csv.records


def test_quarter_from_the_title_lines(tmp_path: Path) -> None:
    path = tmp_path / "practitioner.csv"
    path.write_bytes(
        synth.csv_bytes(
            [["Practitioner Services MUE Table effective April 1, 2026"], [],
             synth.MUE_CMS_HEADER, *synth.MUE_CMS_ROWS]
        )
    )  # fmt: skip
    assert read_mue(path).quarter == "2026Q2"


def test_unknown_quarter(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    path.write_bytes(synth.csv_bytes([synth.MUE_CMS_HEADER, *synth.MUE_CMS_ROWS]))
    assert read_mue(path).quarter == ""


@pytest.mark.parametrize(
    "name", ["mue_2026q2.csv", "mue-2026-Q2.csv", "MUE Q2 2026.csv", "MUE_Eff_04-01-2026.csv"]
)
def test_quarter_spellings(name: str, tmp_path: Path) -> None:
    assert read_mue(synth.write_mue_derived(tmp_path / name)).quarter == "2026Q2"


def test_renamed_and_reordered_columns(tmp_path: Path) -> None:
    path = tmp_path / "mue.csv"
    header = ["MUE Rationale", "Practitioner MUE Adjudication Indicator", "HCPCS Code", "MUE Value"]
    path.write_bytes(
        synth.csv_bytes([header, ["CMS Policy", "2 Date of Service Edit: Policy", "J9312", "4"]])
    )
    assert read_mue(path).records == [MueRecord("J9312", 4, 2, "CMS Policy")]


def test_rationale_is_optional(tmp_path: Path) -> None:
    path = tmp_path / "mue.csv"
    path.write_bytes(synth.csv_bytes([["HCPCS", "MUE_VALUE", "MAI"], ["J9312", "4", "3"]]))
    assert read_mue(path).records == [MueRecord("J9312", 4, 3, "")]


def test_missing_mai_column(tmp_path: Path) -> None:
    path = tmp_path / "mue.csv"
    path.write_bytes(
        synth.csv_bytes([["HCPCS", "MUE_VALUE", "MUE_RATIONALE"], ["J9312", "4", "x"]])
    )
    with pytest.raises(SourceFileError) as caught:
        read_mue(path)
    assert str(caught.value) == (
        "mue.csv: the header (row 1) has no 'MUE Adjudication Indicator' column of the "
        "practitioner MUE table"
    )


@pytest.mark.parametrize(
    ("value", "mai", "problem"),
    [
        ("4.5", "3", "the MUE value '4.5' of J9312 is not a whole number"),
        ("", "3", "the MUE value of J9312 is empty"),
        ("-1", "3", "the MUE value '-1' of J9312 is below 0"),
        ("99999999999999999999999", "3",
         "the MUE value '99999999999999999999999' of J9312 is above 1,000,000"),
        ("1e99999", "3", "the MUE value '1e99999' of J9312 is not a number"),
        ("4", "Line", "the MUE adjudication indicator 'Line' of J9312 is not 1, 2 or 3"),
        ("4", "4 Other", "the MUE adjudication indicator '4 Other' of J9312 is not 1, 2 or 3"),
    ],
)  # fmt: skip
def test_unusable_values_are_skipped_naming_the_row(
    value: str, mai: str, problem: str, tmp_path: Path
) -> None:
    rows = [*synth.MUE_DERIVED_ROWS[:2], ["J9312", value, mai, "x"]]
    mue = read_mue(synth.write_mue_derived(tmp_path / "mue.csv", rows))
    assert [r.code for r in mue.records] == ["A0021", "J9312"]  # the good J9312 row only
    assert [r.sentence() for r in mue.report.skipped] == [f"row 4: {problem}"]
    assert (mue.report.rows_read, mue.report.imported) == (3, 2)


def test_whole_number_written_with_decimals(tmp_path: Path) -> None:
    rows = [["J9312", "4.0", "3", "x"]]
    assert read_mue(synth.write_mue_derived(tmp_path / "m.csv", rows)).records[0].value == 4


def test_malformed_value_of_a_dropped_cpt_row_is_ignored(tmp_path: Path) -> None:
    rows = [["99213", "?", "?", "x"], ["J9312", "4", "3", "x"]]
    assert len(read_mue(synth.write_mue_derived(tmp_path / "m.csv", rows)).records) == 1


def test_only_cpt_rows(tmp_path: Path) -> None:
    rows = [["99213", "1", "3", "x"]]
    with pytest.raises(SourceFileError, match="the table holds no HCPCS Level II rows"):
        read_mue(synth.write_mue_derived(tmp_path / "m.csv", rows))


def test_dme_table_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dme.csv"
    header = [
        "HCPCS/CPT Code",
        "DME Supplier Services MUE Values",
        "MUE Adjudication Indicator",
        "MUE Rationale",
    ]
    path.write_bytes(
        synth.csv_bytes([header, ["E0100", "1", "3 Date of Service Edit: Clinical", "x"]])
    )
    with pytest.raises(SourceFileError) as caught:
        read_mue(path)
    assert str(caught.value) == (
        "dme.csv: this file is the DME supplier MUE table, not the practitioner services MUE table"
    )


def test_file_cut_mid_row(tmp_path: Path) -> None:
    path = synth.write_mue_derived(tmp_path / "m.csv")
    data = path.read_bytes()
    path.write_bytes(data[: data.rindex(b",2,")])
    with pytest.raises(SourceFileError, match="row 5: the row has 2 of the header's 4 columns"):
        read_mue(path)


def test_asp_given_to_read_mue(tmp_path: Path) -> None:
    with pytest.raises(
        SourceFileError, match="is the ASP payment limit file, not the practitioner MUE"
    ):
        read_mue(synth.write_asp(tmp_path / "asp.csv"))


@pytest.mark.needs_shared
def test_reference_file(cms_files: dict[str, Path]) -> None:
    started = time.perf_counter()
    mue = read_mue(cms_files["mue"])
    assert time.perf_counter() - started < 1.0
    assert mue.quarter == "2026Q2"
    assert len(mue.records) == 4523
    j_rows = [r for r in mue.records if r.code.startswith("J")]
    assert len(j_rows) == 979
    assert [sum(r.mai == m for r in j_rows) for m in (3, 2, 1)] == [911, 34, 34]
    codes = {r.code for r in mue.records}
    assert "J3490" not in codes
    assert mue.records[0] == MueRecord("A0021", 0, 3, "CMS Policy")
