"""Small synthetic CMS files shaped like the real ones, written into a test's tmp_path."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

ASP_HEADER = [
    "HCPCS Code",
    "Short Description",
    "HCPCS Code Dosage",
    "Payment Limit",
    "Co-insurance Percentage",
    "Vaccine AWP%",
    "Vaccine Limit",
    "Blood AWP%",
    "Blood limit",
    "Clotting Factor",
    "Notes",
]
ASP_TITLE = [
    ["Payment Allowance Limits for Medicare Part B Drugs"],
    [],
    ["Effective January 1, 2026 through March 31, 2026"],
    [],
    ["Note 1: Payment allowance limits subject to the ASP methodology are based on 3Q25 ASP data."],
    ["Note 2: The absence or presence of a HCPCS code does not indicate coverage."],
    [],
    [],
]
ASP_ROWS = [
    ["90371", "Hep b ig im", "1 ML", "137.828", "20.000", "", "", "", "", "", ""],
    ["A9606", "Radium ra223 dichloride ther", "1 microCurie", "N/A", "20.000", "", "", "", "", "",
     "microCurie 100% AWP = $202.82\nmicroCurie 100% WAC = $169.02"],
    ["J9312", "Inj., rituximab, 10 mg", "10 MG", "74.765", "20.000", "", "", "", "", "", ""],
    ["J9325", "Inj talimogene laherparepvec", "1 million\xa0PFU", "73.939", "18.879", "", "", "",
     "", "", "Inflation-adjusted coinsurance"],
    ["J0558", "Inj pen g benzathine 100,000", "100,000 UNITS", "1,234.5", "20.000", "", "", "",
     "", "", ""],
]  # fmt: skip

CROSSWALK_HEADER = [
    "_2026_CODE",
    "Short Description",
    "LABELER NAME",
    "NDC2",
    "Drug Name",
    "HCPCS dosage",
    "PKG SIZE",
    "PKG QTY",
    "BILLUNITS",
    "BILLUNITSPKG",
]
CROSSWALK_TITLE = [
    ["January 2026 ASP NDC - HCPCS Crosswalk for Medicare Part B Drugs"],
    ["     Effective January 1, 2026 through March 31, 2026"],
    [],
    ["The ASP crosswalks are maintained by the Division of Data Analysis and Market Based."],
    [],
    [],
    [],
    [],
]
CROSSWALK_ROWS = [
    ["90371", "Hep b ig im", "Grifols USA, LLC", "13533-0636-01", "HyperHepB ", "1 ML", "1", "1",
     "1", "1"],
    ["J9312", "Inj., rituximab, 10 mg", "Genentech, Inc.", "50242-0053-06", "Rituxan", "10 MG",
     "50", "1", "50", "50"],
    ["J9312", "Inj., rituximab, 10 mg", "Genentech, Inc.", "50242-0051-21", "Rituxan", "10 MG",
     "10", "1", "10", "10"],
    ["J7050", "Normal saline solution infus", "Baxter", "0338-0049-04", "Sodium chloride", "250 CC",
     "1,000", "12", "4", "48"],
    ["J1100", "Dexamethasone sodium phos", "Fresenius", "63323-0165-01", "Dexamethasone", "1 MG",
     "1", "25", "0.5", "12.5"],
]  # fmt: skip

MUE_DERIVED_HEADER = ["HCPCS", "MUE_VALUE", "MAI", "MUE_RATIONALE"]
MUE_DERIVED_ROWS = [
    ["A0021", "0", "3", "CMS Policy"],
    ["J9312", "140", "3", "Prescribing Information"],
    ["J1100", "120", "3", "Clinical: Data"],
    ["Q5103", "150", "2", "CMS Policy"],
]
MUE_CMS_HEADER = [
    "HCPCS/\nCPT Code",
    "Practitioner Services MUE Values",
    "MUE Adjudication Indicator",
    "MUE Rationale",
]
MUE_CMS_TITLE = [
    [
        "CPT codes, descriptions and other data only are copyright 2025 American Medical "
        "Association.\nAll Rights Reserved. Applicable FARS/DFARS apply.",
        "",
        "",
        "",
    ],
]
MUE_CMS_ROWS = [
    ["0001U", "1", "2 Date of Service Edit: Policy", "Code Descriptor / CPT Instruction"],
    ["99213", "2", "3 Date of Service Edit: Clinical", "Clinical: Data"],
    ["D0120", "1", "2 Date of Service Edit: Policy", "CMS Policy"],
    ["J9312", "140", "3 Date of Service Edit: Clinical", "Prescribing Information"],
    ["J3490", "1", "1 Line Edit", "Nature of Service/Procedure"],
    ["A4217", "100", "2 Date of Service Edit: Policy", "Nature of Equipment"],
]


def csv_bytes(
    rows: Iterable[Sequence[str]],
    *,
    encoding: str = "cp1252",
    width: int = 0,
    newline: str = "\r\n",
) -> bytes:
    """CSV of rows, each padded with empty cells to ``width`` (CMS pads every line)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=newline)
    for row in rows:
        cells = list(row)
        writer.writerow(cells + [""] * (width - len(cells)))
    return buffer.getvalue().encode(encoding)


def asp_rows(
    rows: Sequence[Sequence[str]] = ASP_ROWS,
    *,
    header: Sequence[str] = ASP_HEADER,
    title: Sequence[Sequence[str]] = ASP_TITLE,
) -> list[list[str]]:
    """All rows of an ASP payment limit file."""
    return [list(r) for r in title] + [list(header)] + [list(r) for r in rows]


def write_asp(
    path: Path,
    rows: Sequence[Sequence[str]] = ASP_ROWS,
    *,
    header: Sequence[str] = ASP_HEADER,
    title: Sequence[Sequence[str]] = ASP_TITLE,
    encoding: str = "cp1252",
) -> Path:
    """An ASP payment limit CSV as CMS publishes it (cp1252, CRLF, a trailing empty column)."""
    all_rows = asp_rows(rows, header=header, title=title)
    path.write_bytes(csv_bytes(all_rows, encoding=encoding, width=len(header) + 1))
    return path


def write_crosswalk(
    path: Path,
    rows: Sequence[Sequence[str]] = CROSSWALK_ROWS,
    *,
    header: Sequence[str] = CROSSWALK_HEADER,
    title: Sequence[Sequence[str]] = CROSSWALK_TITLE,
    width: int = 252,
) -> Path:
    """An NDC-HCPCS crosswalk CSV as CMS publishes it (252 fields on every line)."""
    all_rows = [list(r) for r in title] + [list(header)] + [list(r) for r in rows]
    path.write_bytes(csv_bytes(all_rows, width=width))
    return path


def write_mue_derived(path: Path, rows: Sequence[Sequence[str]] = MUE_DERIVED_ROWS) -> Path:
    """The derived MUE CSV of the reference set (HCPCS, MUE_VALUE, MAI, MUE_RATIONALE)."""
    path.write_bytes(csv_bytes([MUE_DERIVED_HEADER, *rows], encoding="utf-8", newline="\n"))
    return path


def mue_cms_bytes(
    rows: Sequence[Sequence[str]] = MUE_CMS_ROWS, header: Sequence[str] = MUE_CMS_HEADER
) -> bytes:
    """The practitioner MUE CSV as CMS ships it in its zip (copyright notice first)."""
    return csv_bytes([*MUE_CMS_TITLE, header, *rows], encoding="utf-8")


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    """A zip holding the given members (deflated)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], title: str = "Sheet1") -> Path:
    """A one-sheet workbook of rows."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def fixed_record(
    code: str,
    recid: str = "3",
    *,
    seq: int = 100,
    long: str = "",
    short: str = "",
    xrefs: Sequence[str] = (),
    add: str = "",
    eff: str = "",
    term: str = "",
    action: str = "N",
) -> str:
    """One 320-character record of the HCPCS fixed-width file (positions of the 2026 layout)."""
    line = [" "] * 320

    def put(begin: int, end: int, text: str) -> None:
        assert len(text) <= end - begin + 1, text
        line[begin - 1 : begin - 1 + len(text)] = list(text)

    put(1, 5, code.rjust(5) if len(code) == 2 else code)
    put(6, 10, f"{seq:05d}")
    put(11, 11, recid)
    put(12, 91, long)
    if recid in "37":
        put(92, 119, short)
        for i, xref in enumerate(xrefs):
            put(205 + 5 * i, 209 + 5 * i, xref)
        put(269, 276, add)
        put(277, 284, eff)
        put(285, 292, term)
        put(293, 293, action)
    return "".join(line)


def fixed_code(code: str, long: str, *, wrap: int = 80, **fields: object) -> list[str]:
    """The records of one code, its long description wrapped into RECID 4 continuation lines."""
    parts: list[str] = []
    words = long.split(" ")
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if len(candidate) > wrap:
            parts.append(current)
            current = word
        else:
            current = candidate
    parts.append(current)
    lines = [fixed_record(code, "3", long=parts[0], **fields)]  # type: ignore[arg-type]
    for n, part in enumerate(parts[1:], start=2):
        lines.append(fixed_record(code, "4", seq=100 * n, long=part))
    return lines


FIXED_CODES: list[list[str]] = [
    [fixed_record("JW", "7", long="Drug amount discarded/not administered to any patient",
                  short="Discarded drug not administe", add="20020701", eff="20170101")],
    fixed_code("J3490", "Unclassified drugs", short="Drugs unclassified injection",
               add="19860101", eff="19970101"),
    fixed_code("J9312", "Injection, rituximab, 10 mg", short="Inj., rituximab, 10 mg",
               add="20190101", eff="20190101"),
    fixed_code("J9310", "Injection, rituximab, 100 mg", short="Rituximab injection",
               add="19980101", eff="20190101", term="20181231", action="D", xrefs=["J9312"]),
    fixed_code(
        "J7192",
        "Factor viii (antihemophilic factor, recombinant) per i.u., not otherwise specified, "
        "for use with a very long description that wraps over more than two records of the "
        "fixed-width file",
        short="Factor viii recomb nos", add="19940101", eff="20070101",
    ),
    fixed_code("A9699", "Radiopharmaceutical, therapeutic, not otherwise classified",
               short="Radiopharm rx agent noc", add="20030101", eff="20030101"),
]  # fmt: skip


def fixed_text(codes: Sequence[Sequence[str]] = FIXED_CODES, *, tail: str = "\r\n") -> str:
    """The fixed-width text of the given codes' records (CRLF line ends)."""
    return "\r\n".join(line for code in codes for line in code) + tail


HCPCS_CSV_HEADER = [
    "HCPC", "SEQNUM", "RECID", "LONG DESCRIPTION", "SHORT DESCRIPTION",
    "PRICE1", "PRICE2", "PRICE3", "PRICE4", "MULT_PI", "CIM1", "CIM2", "CIM3", "MCM1", "MCM2",
    "MCM3", "STATUTE", "LABCERT1", "LABCERT2", "LABCERT3", "LABCERT4", "LABCERT5", "LABCERT6",
    "LABCERT7", "LABCERT8", "XREF1", "XREF2", "XREF3", "XREF4", "XREF5", "COV", "ASC_GRP",
    "ASC_DT", "OPPS", "OPPS_PI", "OPPS_DT", "PROCNOTE", "BETOS", "TOS1", "TOS2", "TOS3", "TOS4",
    "TOS5", "ANEST_BU", "ADD DT", "ACT EFF DT", "TERM DT", "ACTION CD",
]  # fmt: skip


def hcpcs_csv_row(
    code: str,
    long: str,
    short: str = "",
    *,
    recid: str = "3",
    xrefs: Sequence[str] = (),
    add: str = "",
    eff: str = "",
    term: str = "",
    action: str = "N",
) -> list[str]:
    """One row of the 48-column CSV export of the HCPCS workbook."""
    row = [""] * len(HCPCS_CSV_HEADER)
    values = {
        "HCPC": code.rjust(5) if len(code) == 2 else code,
        "SEQNUM": "0010",
        "RECID": recid,
        "LONG DESCRIPTION": long,
        "SHORT DESCRIPTION": short,
        "ADD DT": add,
        "ACT EFF DT": eff,
        "TERM DT": term,
        "ACTION CD": action,
    }
    values.update({f"XREF{i}": x for i, x in enumerate(xrefs, 1)})
    for name, value in values.items():
        row[HCPCS_CSV_HEADER.index(name)] = value
    return row
