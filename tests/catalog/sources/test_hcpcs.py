"""read_hcpcs: the HCPCS Level II file (zip, fixed-width text, CSV export, workbook)."""

from __future__ import annotations

import csv
import dataclasses
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest

from jcalc.catalog.sources.errors import SourceFileError
from jcalc.catalog.sources.hcpcs import is_noc_description, read_hcpcs, release_of
from jcalc.catalog.sources.records import HcpcsFile, HcpcsRecord
from tests.catalog.sources import synth

TXT_NAME = "HCPC2026_JAN_ANWEB_01122026.txt"
LAYOUT = """
       NAME                   LENGTH   BEG  END                                         CONTENTS
  5.   HCPCS Sequence Number
                                 5      6     10    NUM
  6.   HCPCS Record Identification Code
                                 1     11     11    CHAR
  7.   HCPCS Long Description
                                80     12     91    CHAR
  8.   HCPCS Short Description
                                28     92    119    CHAR
  15.  HCPCS Cross Reference Code
                                 5    205    209    CHAR
  27.  HCPCS Code Added Date
                                 8    269    276    NUM
  28.  HCPCS Action Effective Date
                                 8    277    284    NUM
  29.  HCPCS Termination Date
                                 8    285    292    NUM
  30.  HCPCS Action Code
                                 1    293    293    CHAR
  31.  FILLER                                       CHAR
                                27    294    320
""".replace("\n", "\r\n")

EXPECTED = [
    HcpcsRecord(
        "J3490",
        "Unclassified drugs",
        "Drugs unclassified injection",
        date(1986, 1, 1),
        date(1997, 1, 1),
        None,
        "N",
    ),
    HcpcsRecord(
        "J9312",
        "Injection, rituximab, 10 mg",
        "Inj., rituximab, 10 mg",
        date(2019, 1, 1),
        date(2019, 1, 1),
        None,
        "N",
    ),
    HcpcsRecord(
        "J9310",
        "Injection, rituximab, 100 mg",
        "Rituximab injection",
        date(1998, 1, 1),
        date(2019, 1, 1),
        date(2018, 12, 31),
        "D",
        ("J9312",),
    ),
    HcpcsRecord(
        "J7192",
        "Factor viii (antihemophilic factor, recombinant) per i.u., not otherwise specified, "
        "for use with a very long description that wraps over more than two records of the "
        "fixed-width file",
        "Factor viii recomb nos",
        date(1994, 1, 1),
        date(2007, 1, 1),
        None,
        "N",
    ),
    HcpcsRecord(
        "A9699",
        "Radiopharmaceutical, therapeutic, not otherwise classified",
        "Radiopharm rx agent noc",
        date(2003, 1, 1),
        date(2003, 1, 1),
        None,
        "N",
    ),
]


def write_txt(path: Path, text: str | None = None) -> Path:
    path.write_bytes((synth.fixed_text() if text is None else text).encode("cp1252"))
    return path


def noc_workbook(tmp_path: Path, codes: list[str]) -> bytes:
    rows: list[list[object]] = [
        [None, "NOC CODES - HCPCS 2026", None, None],
        [],
        ["HCPCS", "LONG DESCRIPTION", "ADD DATE", "TERM DATE"],
        [],
    ]
    rows.extend([code, "description", 20000101, None] for code in codes)
    return synth.write_xlsx(tmp_path / "noc.xlsx", rows).read_bytes()


def write_cms_zip(tmp_path: Path, *, layout: str = LAYOUT, noc: list[str] | None = None) -> Path:
    members = {
        TXT_NAME: synth.fixed_text().encode("cp1252"),
        "HCPC2026_recordlayout.txt": layout.encode("cp1252"),
        "proc_notes_JAN2026.txt": b"   PROCESSING NOTES\r\n 0001--THIS NOTE DELETED.\r\n",
    }
    if noc is not None:
        members["NOC codes_JAN2026.xlsx"] = noc_workbook(tmp_path, noc)
    return synth.write_zip(tmp_path / "january-2026-alpha-numeric-hcpcs-file.zip", members)


def test_fixed_width_text(tmp_path: Path) -> None:
    hcpcs = read_hcpcs(write_txt(tmp_path / TXT_NAME))
    assert hcpcs.source_name == TXT_NAME
    assert hcpcs.release == "2026-01"
    assert hcpcs.records == EXPECTED  # modifier JW skipped, wrapped description joined


def test_noc_codes_from_descriptions_without_the_zip_list(tmp_path: Path) -> None:
    hcpcs = read_hcpcs(write_txt(tmp_path / TXT_NAME))
    assert hcpcs.noc_codes == frozenset({"J3490", "A9699"})  # J7192's text goes on after "nos"


def test_zip_with_layout_and_noc_list(tmp_path: Path) -> None:
    hcpcs = read_hcpcs(write_cms_zip(tmp_path, noc=["J3490", "J7192", "A9699", "J3301"]))
    assert hcpcs.source_name == "january-2026-alpha-numeric-hcpcs-file.zip"
    assert hcpcs.release == "2026-01"
    assert hcpcs.records == EXPECTED
    assert hcpcs.noc_codes == frozenset({"J3490", "J7192", "A9699", "J3301"})


def test_zip_without_noc_list_falls_back_to_descriptions(tmp_path: Path) -> None:
    hcpcs = read_hcpcs(write_cms_zip(tmp_path))
    assert hcpcs.noc_codes == frozenset({"J3490", "A9699"})


def test_zip_whose_layout_moved_a_field(tmp_path: Path) -> None:
    layout = LAYOUT.replace("8    285    292", "8    290    297")
    with pytest.raises(SourceFileError) as caught:
        read_hcpcs(write_cms_zip(tmp_path, layout=layout))
    assert str(caught.value) == (
        "january-2026-alpha-numeric-hcpcs-file.zip: the record layout 'HCPC2026_recordlayout.txt' "
        "puts 'HCPCS Termination Date' at positions 290-297, not 285-292: this version of jcalc "
        "cannot read this HCPCS release"
    )


def test_layout_text_without_entries_is_not_checked(tmp_path: Path) -> None:
    assert read_hcpcs(write_cms_zip(tmp_path, layout="nothing here\r\n")).records == EXPECTED


def test_lines_longer_than_320_and_blank_padding_lines(tmp_path: Path) -> None:
    lines = [line for code in synth.FIXED_CODES for line in code]
    lines[2] += " " * 226
    text = "\r\n".join(lines) + "\r\n" + " " * 296 + "\r\n"
    assert read_hcpcs(write_txt(tmp_path / "h.txt", text)).records == EXPECTED


def test_unix_line_ends_and_no_final_line_break(tmp_path: Path) -> None:
    text = "\n".join(line for code in synth.FIXED_CODES for line in code)
    assert read_hcpcs(write_txt(tmp_path / "h.txt", text)).records == EXPECTED


def test_last_record_cut_short(tmp_path: Path) -> None:
    text = synth.fixed_text(tail="")[:-30]
    with pytest.raises(SourceFileError) as caught:
        read_hcpcs(write_txt(tmp_path / "h.txt", text))
    assert str(caught.value) == (
        "h.txt: line 8: the last record is 290 characters long, not 320: the file looks truncated"
    )


def _read_lines(tmp_path: Path, lines: list[str]) -> HcpcsFile:
    return read_hcpcs(write_txt(tmp_path / "h.txt", "\r\n".join(lines) + "\r\n"))


def _skips(hcpcs: HcpcsFile) -> list[str]:
    return [row.sentence() for row in hcpcs.report.skipped]


def test_first_record_of_a_code_cut_short_is_skipped(tmp_path: Path) -> None:
    lines = [line for code in synth.FIXED_CODES for line in code]
    lines[2] = lines[2][:200]
    hcpcs = _read_lines(tmp_path, lines)
    assert _skips(hcpcs) == ["row 3: the record of J9312 is 200 characters long, not 320"]
    assert "J9312" not in {r.code for r in hcpcs.records}


def test_unknown_record_type_is_skipped(tmp_path: Path) -> None:
    lines = [line for code in synth.FIXED_CODES for line in code]
    lines[3] = lines[3][:10] + "5" + lines[3][11:]
    hcpcs = _read_lines(tmp_path, lines)
    assert _skips(hcpcs) == ["row 4: the record type is '5', not 3, 4, 7 or 8"]
    assert hcpcs.report.counts == {"damaged record": 1}


def test_continuation_of_another_code_is_skipped(tmp_path: Path) -> None:
    lines = [line for code in synth.FIXED_CODES for line in code]
    lines.insert(3, synth.fixed_record("J9311", "4", seq=200, long="stray text"))
    hcpcs = _read_lines(tmp_path, lines)
    assert _skips(hcpcs) == [
        "row 4: this continues the description of 'J9311', but no record of that code comes "
        "before it"
    ]


def test_malformed_date_skips_the_code_naming_the_line(tmp_path: Path) -> None:
    lines = [line for code in synth.FIXED_CODES for line in code]
    lines[2] = lines[2][:268] + "2019O101" + lines[2][276:]
    hcpcs = _read_lines(tmp_path, lines)
    assert _skips(hcpcs) == ["row 3: the ADD DT '2019O101' of J9312 is not a YYYYMMDD date"]
    assert hcpcs.report.counts == {"date unreadable": 1}


def test_impossible_date_is_skipped(tmp_path: Path) -> None:
    lines = [line for code in synth.FIXED_CODES for line in code]
    lines[2] = lines[2][:284] + "20261340" + lines[2][292:]
    assert _skips(_read_lines(tmp_path, lines)) == [
        "row 3: the TERM DT '20261340' of J9312 is not a YYYYMMDD date"
    ]


def test_disclaimer_block_above_the_records_is_passed_over(tmp_path: Path) -> None:
    """The 2019 annual file starts with a "***Disclaimers" block above its records."""
    lines = [line for code in synth.FIXED_CODES for line in code]
    head = ["***Disclaimers\t\t\t", "\t\t", "*Inclusion or exclusion of a procedure, supply, "
            "product, or service does not imply any coverage.\t\t", "", ""]  # fmt: skip
    hcpcs = read_hcpcs(write_txt(tmp_path / "HCPC2019_CONTR_ANWEB.txt",
                                 "\r\n".join(head + lines) + "\r\n"))  # fmt: skip
    plain = _read_lines(tmp_path, lines)
    assert hcpcs.records == plain.records
    assert hcpcs.report.skipped == []


def csv_export(rows: list[list[str]] | None = None) -> bytes:
    if rows is None:
        rows = [
            synth.hcpcs_csv_row("JW", "Drug amount discarded", "Discarded drug", recid="7"),
            synth.hcpcs_csv_row("J3490", "Unclassified drugs", "Drugs unclassified injection",
                                add="19860101", eff="19970101"),
            synth.hcpcs_csv_row("J9312", "Injection, rituximab, 10 mg", "Inj., rituximab, 10 mg",
                                add="20190101", eff="20190101"),
            synth.hcpcs_csv_row("J9310", "Injection, rituximab, 100 mg", "Rituximab injection",
                                add="19980101", eff="20190101", term="20181231", action="D",
                                xrefs=["J9312"]),
            synth.hcpcs_csv_row("J7192", EXPECTED[3].long_description, "Factor viii recomb nos",
                                add="19940101", eff="20070101"),
            synth.hcpcs_csv_row("A9699", EXPECTED[4].long_description, "Radiopharm rx agent noc",
                                add="20030101", eff="20030101"),
        ]  # fmt: skip
    return synth.csv_bytes([synth.HCPCS_CSV_HEADER, *rows], encoding="utf-8", newline="\n")


def test_csv_export(tmp_path: Path) -> None:
    path = tmp_path / "HCPC2026_APR_ANWEB_v2.csv"
    path.write_bytes(csv_export())
    hcpcs = read_hcpcs(path)
    assert hcpcs.release == "2026-04"
    assert hcpcs.records == EXPECTED
    assert hcpcs.noc_codes == frozenset({"J3490", "A9699"})


def test_csv_export_with_a_malformed_row(tmp_path: Path) -> None:
    rows = [synth.hcpcs_csv_row("J93", "Injection", "Inj")]
    path = tmp_path / "h.csv"
    path.write_bytes(csv_export(rows))
    with pytest.raises(SourceFileError, match=r"^h\.csv: .*row 2: 'J93' is not a five-character"):
        read_hcpcs(path)
    good = synth.hcpcs_csv_row("J9310", "Injection", "Inj")
    bad = synth.hcpcs_csv_row("J9312", "Injection", "Inj", term="2026")
    path.write_bytes(csv_export([good, bad]))
    hcpcs = read_hcpcs(path)
    assert [r.code for r in hcpcs.records] == ["J9310"]
    assert _skips(hcpcs) == ["row 3: the TERM DT '2026' of J9312 is not a YYYYMMDD date"]


def test_csv_export_missing_a_column(tmp_path: Path) -> None:
    header = [h if h != "TERM DT" else "END" for h in synth.HCPCS_CSV_HEADER]
    path = tmp_path / "h.csv"
    path.write_bytes(synth.csv_bytes([header, synth.hcpcs_csv_row("J9312", "Inj", "Inj")]))
    with pytest.raises(SourceFileError, match="has no 'TERM DT' column of the HCPCS Level II file"):
        read_hcpcs(path)


def export_rows() -> list[list[str]]:
    return list(csv.reader(csv_export().decode().splitlines(keepends=True)))


def test_workbook(tmp_path: Path) -> None:
    path = synth.write_xlsx(tmp_path / "HCPC2026_JAN_ANWEB_01122026.xlsx", export_rows())
    hcpcs = read_hcpcs(path)
    assert hcpcs.records == EXPECTED
    assert hcpcs.release == "2026-01"


def test_zip_holding_only_the_workbook(tmp_path: Path) -> None:
    book = synth.write_xlsx(tmp_path / "HCPC2026_JAN_ANWEB_01122026.xlsx", export_rows())
    path = synth.write_zip(
        tmp_path / "hcpcs.zip",
        {"NOC codes_JAN2026.xlsx": noc_workbook(tmp_path, ["J3490"]), book.name: book.read_bytes()},
    )
    hcpcs = read_hcpcs(path)
    assert hcpcs.records == EXPECTED
    assert hcpcs.noc_codes == frozenset({"J3490"})
    assert hcpcs.release == "2026-01"


def test_asp_file_given_to_read_hcpcs(tmp_path: Path) -> None:
    with pytest.raises(SourceFileError) as caught:
        read_hcpcs(synth.write_asp(tmp_path / "asp.csv"))
    assert str(caught.value) == (
        "asp.csv: this file is the ASP payment limit file, not the HCPCS Level II file"
    )


@pytest.mark.parametrize(
    "description",
    [
        "Unclassified drugs",  # J3490
        "Unclassified biologics",  # J3590
        "Not otherwise classified, antineoplastic drugs",  # J9999
        "Hemophilia clotting factor, not otherwise classified",  # J7199
        "Prescription drug, oral, non chemotherapeutic, nos",  # J8499
        "Prescription drug, oral, chemotherapeutic, nos",  # J8999
        "Compounded drug, not otherwise classified",  # J7999
        "Radiopharmaceutical, therapeutic, not otherwise classified",  # A9699
        "Noc drugs, inhalation solution administered through dme",  # J7699
        "Influenza virus vaccine, not otherwise specified",  # Q2039
        "Hospice or home health care provided in place not otherwise specified (nos)",  # Q5009
    ],
)
def test_noc_descriptions(description: str) -> None:
    assert is_noc_description(description)


@pytest.mark.parametrize(
    "description",
    [
        "Injection, triamcinolone acetonide, not otherwise specified, 10 mg",  # J3301
        # J1599: CMS lists it as NOC, but its text carries a dose like J3301's
        "Injection, immune globulin, intravenous, non-lyophilized (e.g., liquid), not otherwise "
        "specified, 500 mg",
        "Injection, rituximab, 10 mg",
        "Injection, gadolinium-based contrast agent, not otherwise specified (nos), per ml",
        "Cosmetic procedures, nose",
    ],
)
def test_not_noc_descriptions(description: str) -> None:
    assert not is_noc_description(description)


@pytest.fixture(scope="module")
def reference_zip(cms_files: dict[str, Path]) -> tuple[HcpcsFile, float]:
    started = time.perf_counter()
    hcpcs = read_hcpcs(cms_files["hcpcs"])
    return hcpcs, time.perf_counter() - started


@pytest.fixture(scope="module")
def reference_csv(cms_files: dict[str, Path]) -> tuple[HcpcsFile, float]:
    started = time.perf_counter()
    hcpcs = read_hcpcs(cms_files["hcpcs_csv"])
    return hcpcs, time.perf_counter() - started


@pytest.mark.needs_shared
@pytest.mark.parametrize("fixture", ["reference_zip", "reference_csv"])
def test_reference_counts(fixture: str, request: pytest.FixtureRequest) -> None:
    hcpcs, elapsed = request.getfixturevalue(fixture)
    assert elapsed < 2.0
    assert hcpcs.release == "2026-01"
    assert len(hcpcs.records) == 8623
    assert len({r.code for r in hcpcs.records}) == 8623
    j_codes = [r for r in hcpcs.records if r.code.startswith("J")]
    assert len(j_codes) == 1209
    assert sum(r.termination_date is None for r in j_codes) == 1076
    q_codes = [r for r in hcpcs.records if r.code.startswith("Q")]
    assert (len(q_codes), sum(r.termination_date is None for r in q_codes)) == (610, 555)
    records = {r.code: r for r in hcpcs.records}
    assert records["J9312"].long_description == "Injection, rituximab, 10 mg"
    assert records["J9312"].short_description == "Inj., rituximab, 10 mg"
    assert records["J9312"].add_date == date(2019, 1, 1)
    assert records["J3490"].long_description == "Unclassified drugs"
    assert all("  " not in r.long_description for r in hcpcs.records)


@pytest.mark.needs_shared
def test_reference_zip_noc_list(reference_zip: tuple[HcpcsFile, float]) -> None:
    hcpcs, _ = reference_zip
    for code in ("J3490", "J3590", "J9999", "J1599", "J7199", "J8499", "J8999", "J7999", "A9699"):
        assert code in hcpcs.noc_codes
    # CMS's own NOC list also names dosed "not otherwise specified" codes such as J3301
    assert "J3301" in hcpcs.noc_codes
    assert len(hcpcs.noc_codes) == 166


@pytest.mark.needs_shared
def test_reference_csv_noc_fallback(reference_csv: tuple[HcpcsFile, float]) -> None:
    hcpcs, _ = reference_csv
    for code in ("J3490", "J3590", "J9999", "J7199", "J8499", "J8999", "J7999", "A9699"):
        assert code in hcpcs.noc_codes
    assert "J3301" not in hcpcs.noc_codes
    assert "J9312" not in hcpcs.noc_codes


@pytest.mark.needs_shared
def test_reference_zip_and_csv_agree_on_j_codes(
    reference_zip: tuple[HcpcsFile, float], reference_csv: tuple[HcpcsFile, float]
) -> None:
    """Same J records both ways; CMS's workbook (and so the CSV) leaves ACT EFF DT blank where the
    fixed-width text has it for 117 codes, J8560 the only J code among them."""
    from_zip = {r.code: r for r in reference_zip[0].records}
    from_csv = {r.code: r for r in reference_csv[0].records}
    assert from_zip.keys() == from_csv.keys()
    blank_in_csv = {
        code
        for code, record in from_zip.items()
        if record != from_csv[code]
        and dataclasses.replace(record, effective_date=None) == from_csv[code]
    }
    assert len(blank_in_csv) == 117
    assert {code for code in blank_in_csv if code.startswith("J")} == {"J8560"}
    assert all(from_zip[code] == from_csv[code] for code in from_zip if code not in blank_in_csv)
    j_zip = [r for r in reference_zip[0].records if r.code.startswith("J") and r.code != "J8560"]
    j_csv = [r for r in reference_csv[0].records if r.code.startswith("J") and r.code != "J8560"]
    assert j_zip == j_csv


@pytest.mark.needs_shared
def test_reference_extracted_txt_and_xlsx(
    cms_files: dict[str, Path], tmp_path: Path, reference_zip: tuple[HcpcsFile, float]
) -> None:
    with zipfile.ZipFile(cms_files["hcpcs"]) as archive:
        archive.extract(TXT_NAME, tmp_path)
        archive.extract("HCPC2026_JAN_ANWEB_01122026.xlsx", tmp_path)
    from_txt = read_hcpcs(tmp_path / TXT_NAME)
    assert from_txt.records == reference_zip[0].records
    assert from_txt.release == "2026-01"
    from_xlsx = read_hcpcs(tmp_path / "HCPC2026_JAN_ANWEB_01122026.xlsx")
    assert [r for r in from_xlsx.records if r.code.startswith("J") and r.code != "J8560"] == [
        r for r in from_txt.records if r.code.startswith("J") and r.code != "J8560"
    ]


def _dated(code: str, added: date, effective: date) -> HcpcsRecord:
    return HcpcsRecord(code, "Injection", "Inj", added, effective, None, "N")


def test_release_from_a_month_in_the_name() -> None:
    assert release_of(("HCPC2026_APR_ANWEB_03102026.txt",), []) == "2026-04"
    assert release_of(("x.txt", "october-2025-alpha-numeric-hcpcs-file.zip"), []) == "2025-10"


def test_release_of_an_annual_file_from_its_year_and_content() -> None:
    records = [
        _dated("J9312", date(2019, 1, 1), date(2019, 1, 1)),
        _dated("J9310", date(1998, 1, 1), date(2018, 7, 1)),
        _dated("J9999", date(2020, 4, 1), date(2020, 4, 1)),  # beyond the named year: ignored
    ]
    assert release_of(("HCPC2019_CONTR_ANWEB.txt",), records) == "2019-01"
    later = [*records, _dated("J9311", date(2019, 4, 1), date(2019, 4, 1))]
    assert release_of(("2019-Alpha-Numeric-HCPCS-File.zip",), later) == "2019-04"
    assert release_of(("hcpcs.txt",), later) == "2020-04"  # no name: the latest date
    assert release_of(("HCPC2021_ANWEB.txt",), records) == "2021-01"  # nothing dated that year
    assert release_of(("hcpcs.txt",), []) == ""


def test_the_2019_annual_file_has_a_release(cms_dir: Path, tmp_path: Path) -> None:
    zipped = read_hcpcs(cms_dir / "cms-hcpcs-2019" / "2019-Alpha-Numeric-HCPCS-File.zip")
    assert zipped.release == "2019-01"
    assert zipped.report.skipped == []
    with zipfile.ZipFile(cms_dir / "cms-hcpcs-2019" / "2019-Alpha-Numeric-HCPCS-File.zip") as z:
        text = z.read("HCPC2019_CONTR_ANWEB.txt")
    assert text.startswith(b"***Disclaimers")
    path = tmp_path / "HCPC2019_CONTR_ANWEB.txt"
    path.write_bytes(text)
    plain = read_hcpcs(path)  # the text alone, disclaimer block first: no longer "no header row"
    assert plain.release == "2019-01"
    assert plain.records == zipped.records
