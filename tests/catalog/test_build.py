"""Catalog build from hand-made CMS records: content, determinism, atomic replacement."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from jcalc.catalog import build as build_module
from jcalc.catalog.aliases import Alias
from jcalc.catalog.build import BuildSummary, Progress, build_catalog, write_catalog
from jcalc.catalog.schema import SCHEMA_VERSION
from jcalc.catalog.sources.errors import SourceFileError
from jcalc.catalog.sources.records import (
    AspFile,
    AspRecord,
    CrosswalkFile,
    CrosswalkRecord,
    HcpcsFile,
    HcpcsRecord,
    MueFile,
    MueRecord,
)
from jcalc.catalog.sources.rows import SkipReport
from jcalc.catalog.store import CatalogError, open_catalog
from jcalc.core.descriptor import DescriptorKind
from jcalc.core.quantity import Unit

Sources = tuple[HcpcsFile, AspFile, CrosswalkFile, MueFile]
BUILT_AT = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def _hcpcs(
    code: str,
    long: str,
    *,
    added: date | None = date(2019, 1, 1),
    terminated: date | None = None,
    xrefs: tuple[str, ...] = (),
) -> HcpcsRecord:
    return HcpcsRecord(code, long, long[:28], added, added, terminated, "N", xrefs)


def _xwalk(
    code: str, ndc: str, labeler: str, drug: str, dosage: str, size: str, units: str
) -> CrosswalkRecord:
    return CrosswalkRecord(
        code, "", labeler, ndc, drug, dosage, Decimal(size), Decimal(1), Decimal(units),
        Decimal(units),
    )  # fmt: skip


def make_sources() -> Sources:
    """A few real-looking codes covering every case the build distinguishes."""
    hcpcs = HcpcsFile(
        source_name="/somewhere/january-2026-alpha-numeric-hcpcs-file.zip",
        release="2026-01",
        records=[
            _hcpcs("J9312", "Injection, rituximab, 10 mg"),
            _hcpcs("J1100", "Injection, dexamethasone sodium phosphate, 1 mg"),
            _hcpcs("J3490", "Unclassified drugs", added=date(1986, 1, 1)),
            _hcpcs(
                "J9250", "Methotrexate sodium, 5 mg", terminated=date(2024, 3, 31), xrefs=("J9260",)
            ),
            _hcpcs("J0138", "Injection, acetaminophen 10 mg and ibuprofen 3 mg"),
            _hcpcs("J0287", "Injection, amphotericin b lipid complex, 10 mg"),
            _hcpcs("J2320", "Injection, nandrolone decanoate, up to 50 mg"),
            _hcpcs("J9999", "Not otherwise classified, antineoplastic drugs"),
            _hcpcs("Q5115", "Injection, rituximab-abbs, biosimilar, (truxima), 10 mg"),
            _hcpcs("C9399", "Unclassified drugs or biologicals"),  # not in ASP: left out
            _hcpcs("JW", "Drug amount discarded/not administered to any patient"),  # modifier
        ],
        noc_codes=frozenset({"J3490", "J9999", "C9399"}),
    )
    asp = AspFile(
        source_name="asp_payment_limit_2026q1.csv",
        effective_from=date(2026, 1, 1),
        effective_to=date(2026, 3, 31),
        records=[
            AspRecord("90371", "", "1 ML", Decimal("137.828"), ""),
            AspRecord("J0138", "Acetaminophen/ibuprofen", "10 MG", Decimal("0.10"), ""),
            AspRecord("J1100", "Dexamethasone sodium phos", "1 MG", Decimal("0.1230"), ""),
            AspRecord("J2320", "Nandrolone decanoate 50 mg", "50 MG", Decimal("12.5"), ""),
            AspRecord("J9312", "Inj., rituximab, 10 mg", "10 MG", Decimal("74.765"), ""),
            AspRecord("Q5115", "Inj truxima 10 mg", "5 MG", Decimal("30.120"), "biosimilar"),
            AspRecord("Q9991", "Buprenorph xr 100 mg or less", "100 MG", None, "N/A note"),
        ],
    )
    crosswalk = CrosswalkFile(
        source_name="asp_ndc_hcpcs_crosswalk_2026q1.csv",
        effective_from=date(2026, 1, 1),
        effective_to=date(2026, 3, 31),
        records=[
            _xwalk("J9312", "50242005306", "Genentech", "Rituxan", "10 MG", "10", "10"),
            _xwalk("J9312", "50242005121", "Genentech", "Rituxan", "10 MG", "50", "50"),
            _xwalk("J9312", "00069023801", "Amgen", "Riabni", "10 MG", "10", "10"),
            _xwalk("J0287", "57665010141", "Leadiant", "Abelcet", "10 MG", "20", "10"),
            _xwalk("90371", "13533063601", "Grifols USA, LLC", "HyperHepB", "1 ML", "1", "1"),
        ],
    )
    mue = MueFile(
        source_name="mue_practitioner_2026q2_level2.csv",
        quarter="2026Q2",
        records=[
            MueRecord("J9312", 150, 3, "Prescribing Information"),
            MueRecord("J1100", 160, 3, "Clinical: Data"),
            MueRecord("E0100", 1, 2, "Nature of Equipment"),  # not a drug code: ignored
        ],
    )
    return hcpcs, asp, crosswalk, mue


ALIASES = [
    Alias("Rituxan", "brand", "J9312"),
    Alias("Decadron", "brand", "J1100"),
    Alias("Nowhere", "brand", "J0001"),  # not in the catalog: dropped
]


def build_small(
    out: Path, sources: Sources | None = None, progress: Progress | None = None
) -> BuildSummary:
    """Write the hand-made catalog to ``out``."""
    hcpcs, asp, crosswalk, mue = sources or make_sources()
    return write_catalog(
        hcpcs, asp, crosswalk, mue, out=out, aliases=ALIASES, built_at=BUILT_AT, progress=progress
    )


def table_rows(path: Path, table: str) -> list[tuple[object, ...]]:
    """Every row of a table in a stable order."""
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()


@pytest.fixture
def catalog_file(tmp_path: Path) -> Path:
    """A built catalog alone in its own folder."""
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "catalog.sqlite"
    build_small(out)
    return out


def test_codes_kept_are_j_codes_and_asp_and_crosswalk_codes(catalog_file: Path) -> None:
    codes = [row[0] for row in table_rows(catalog_file, "codes")]
    assert codes == [
        "90371", "J0138", "J0287", "J1100", "J2320", "J3490", "J9250", "J9312", "J9999",
        "Q5115", "Q9991",
    ]  # fmt: skip


def test_summary_counts(tmp_path: Path) -> None:
    summary = build_small(tmp_path / "c.sqlite")
    assert (summary.codes, summary.j_codes, summary.active_j_codes) == (11, 8, 7)
    assert (summary.ndcs, summary.mue_rows, summary.aliases) == (5, 2, 2)
    assert summary.parsed == 5  # J3490 and J9999 have no descriptor
    assert summary.unparsed == 2
    assert summary.per_amount == 5
    assert summary.parse_rate == Decimal("0.7143")
    assert summary.seconds >= 0


def test_j9312_row(catalog_file: Path) -> None:
    with open_catalog(catalog_file) as catalog:
        drug = catalog.code("J9312")
    assert drug is not None
    assert drug.name == "rituximab"
    assert drug.long_description == "Injection, rituximab, 10 mg"
    assert drug.descriptor.kind is DescriptorKind.PER_AMOUNT
    assert drug.descriptor.amount is not None
    assert (drug.descriptor.amount.amount, drug.descriptor.unit) == (Decimal(10), Unit.MG)
    assert drug.payment_limit == Decimal("74.765")
    assert drug.asp_dosage == "10 MG"
    assert drug.mue is not None and (drug.mue.value, drug.mue.mai) == (150, 3)
    assert drug.mue.rationale == "Prescribing Information"
    assert drug.added == date(2019, 1, 1)
    assert not drug.is_noc


def test_decimals_keep_full_precision(catalog_file: Path) -> None:
    with closing(sqlite3.connect(catalog_file)) as connection:
        stored = connection.execute(
            "SELECT asp_payment_limit FROM codes WHERE hcpcs = 'J1100'"
        ).fetchone()[0]
    assert stored == "0.1230"
    with open_catalog(catalog_file) as catalog:
        drug = catalog.code("J1100")
    assert drug is not None and drug.payment_limit == Decimal("0.1230")


def test_terminated_code_keeps_dates_and_xrefs(catalog_file: Path) -> None:
    with open_catalog(catalog_file) as catalog:
        drug = catalog.code("J9250")
    assert drug is not None
    assert drug.terminated == date(2024, 3, 31)
    assert drug.xrefs == ("J9260",)
    assert drug.status_on(date(2026, 2, 1)) == "terminated"


def test_noc_codes_from_the_hcpcs_noc_list(catalog_file: Path) -> None:
    with open_catalog(catalog_file) as catalog:
        j3490, j9312 = catalog.code("J3490"), catalog.code("J9312")
    assert j3490 is not None and j3490.is_noc
    assert j3490.descriptor.kind is DescriptorKind.UNPARSED
    assert j9312 is not None and not j9312.is_noc


def test_numeric_cpt_code_keeps_no_text(catalog_file: Path) -> None:
    with open_catalog(catalog_file) as catalog:
        drug = catalog.code("90371")
    assert drug is not None
    assert (drug.long_description, drug.short_description, drug.name) == ("", "", "")
    assert drug.descriptor.amount is not None and drug.descriptor.unit is Unit.ML
    assert drug.payment_limit == Decimal("137.828")
    with closing(sqlite3.connect(catalog_file)) as connection:
        assert connection.execute("SELECT level2 FROM codes WHERE hcpcs='90371'").fetchone() == (0,)


def test_code_only_in_asp_takes_its_descriptor_from_the_asp_dosage(catalog_file: Path) -> None:
    with open_catalog(catalog_file) as catalog:
        drug = catalog.code("Q9991")
    assert drug is not None
    assert drug.long_description == ""
    assert drug.short_description == "Buprenorph xr 100 mg or less"
    assert drug.descriptor.text == "100 MG"
    assert drug.descriptor.amount is not None and drug.descriptor.amount.amount == 100
    assert drug.payment_limit is None
    assert drug.asp_notes == "N/A note"


def test_code_only_in_crosswalk_takes_the_crosswalk_dosage(catalog_file: Path) -> None:
    with open_catalog(catalog_file) as catalog:
        drug = catalog.code("J0287")
    assert drug is not None
    assert drug.asp_dosage == "10 MG"
    assert drug.payment_limit is None
    assert drug.descriptor.text == "Injection, amphotericin b lipid complex, 10 mg"


def test_every_crosswalk_row_becomes_an_ndc(catalog_file: Path) -> None:
    rows = table_rows(catalog_file, "ndcs")
    assert len(rows) == 5
    with open_catalog(catalog_file) as catalog:
        products = catalog.ndcs_for_code("J9312")
        (abelcet,) = catalog.ndc("57665-0101-41")
    assert [p.ndc for p in products] == ["00069023801", "50242005121", "50242005306"]
    assert abelcet.hcpcs == "J0287"
    assert abelcet.pkg_size == Decimal(20) and abelcet.bill_units == Decimal(10)


def test_meta_and_pragmas(catalog_file: Path) -> None:
    meta = {str(key): str(value) for key, value in table_rows(catalog_file, "meta")}
    assert meta["hcpcs_source"] == "january-2026-alpha-numeric-hcpcs-file.zip"
    assert all("/" not in meta[key] for key in meta if key.endswith("_source"))
    assert meta["asp_quarter"] == "2026Q1"
    assert (meta["asp_effective_from"], meta["asp_effective_to"]) == ("2026-01-01", "2026-03-31")
    assert meta["crosswalk_effective_to"] == "2026-03-31"
    assert (meta["hcpcs_release"], meta["mue_quarter"]) == ("2026-01", "2026Q2")
    assert meta["built_at"] == "2026-01-05T12:00:00+00:00"
    assert meta["schema_version"] == str(SCHEMA_VERSION)
    assert meta["alias_count"] == "2"
    with closing(sqlite3.connect(catalog_file)) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        indexed = {
            tuple(info[2] for info in connection.execute(f"PRAGMA index_info('{index[1]}')"))
            for index in connection.execute("PRAGMA index_list('ndcs')")
        }
    assert {("hcpcs",), ("ndc",)} <= indexed


def test_aliases_pointing_nowhere_are_dropped(catalog_file: Path) -> None:
    assert table_rows(catalog_file, "aliases") == [
        ("Decadron", "brand", "J1100"),
        ("Rituxan", "brand", "J9312"),
    ]


def test_what_is_left_out_is_reported(tmp_path: Path) -> None:
    hcpcs, asp, crosswalk, mue = make_sources()
    report = SkipReport("crosswalk", "xw.csv", rows_read=len(crosswalk.records) + 1)
    report.imported = len(crosswalk.records)
    report.skip(12, "number unreadable", "the BILLUNITS '21.3125?' of J9312 is not a number")
    crosswalk = replace(crosswalk, report=report)
    summary = build_small(tmp_path / "c.sqlite", (hcpcs, asp, crosswalk, mue))
    assert summary.warnings[0] == (
        "alias 'Nowhere' names J0001, which is not in the catalog (left out)"
    )
    assert summary.skip_lines()[2:4] == [
        f"xw.csv: {len(crosswalk.records) + 1} rows read, {len(crosswalk.records)} imported, "
        "1 skipped",
        "  skipped 1 (number unreadable): row 12: the BILLUNITS '21.3125?' of J9312 is not a "
        "number",
    ]
    with sqlite3.connect(tmp_path / "c.sqlite") as conn:
        rows = conn.execute("SELECT kind, source, row, reason FROM skipped_rows").fetchall()
    assert rows == [("crosswalk", "xw.csv", 12, "number unreadable")]


def test_a_thin_source_file_is_reported(tmp_path: Path) -> None:
    summary = build_small(tmp_path / "c.sqlite")
    # the ASP file prices 4 of the 7 active J codes; the MUE table limits only 2
    assert summary.warnings[-1] == (
        "mue_practitioner_2026q2_level2.csv covers only 2 of the 7 active J codes: "
        "is the file complete?"
    )
    assert not any("asp_payment_limit" in warning for warning in summary.warnings)


def test_build_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    hcpcs, asp, crosswalk, mue = make_sources()
    build_small(first)
    shuffled = (
        replace(hcpcs, records=list(reversed(hcpcs.records))),
        replace(asp, records=list(reversed(asp.records))),
        replace(crosswalk, records=list(reversed(crosswalk.records))),
        replace(mue, records=list(reversed(mue.records))),
    )
    build_small(second, shuffled)
    for table in ("codes", "ndcs", "aliases", "meta"):
        assert table_rows(first, table) == table_rows(second, table)
    with closing(sqlite3.connect(first)) as a, closing(sqlite3.connect(second)) as b:
        assert list(a.iterdump()) == list(b.iterdump())


def test_progress_is_reported_up_to_done(tmp_path: Path) -> None:
    seen: list[tuple[str, float]] = []
    build_small(
        tmp_path / "c.sqlite", progress=lambda stage, fraction: seen.append((stage, fraction))
    )
    fractions = [fraction for _stage, fraction in seen]
    assert fractions == sorted(fractions)
    assert seen[-1] == ("done", 1.0)


def test_no_j_codes_is_refused(tmp_path: Path) -> None:
    hcpcs, asp, crosswalk, mue = make_sources()
    no_j = replace(hcpcs, records=[r for r in hcpcs.records if not r.code.startswith("J")])
    asp = replace(asp, records=[r for r in asp.records if not r.code.startswith("J")])
    crosswalk = replace(crosswalk, records=[r for r in crosswalk.records if r.code[0] != "J"])
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(CatalogError, match="no J codes"):
        build_small(folder / "c.sqlite", (no_j, asp, crosswalk, mue))
    assert list(folder.iterdir()) == []


# --- a failed build leaves the existing catalog untouched ------------------------------------


def _leftovers(directory: Path, keep: Path) -> list[Path]:
    return [path for path in directory.iterdir() if path != keep]


def test_failure_while_writing_keeps_the_old_catalog(
    catalog_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = catalog_file.read_bytes()

    def broken_index(*_args: object) -> None:
        raise RuntimeError("search index exploded")

    monkeypatch.setattr(build_module, "create_search_index", broken_index)
    with pytest.raises(RuntimeError, match="exploded"):
        build_small(catalog_file)
    assert catalog_file.read_bytes() == before
    assert _leftovers(catalog_file.parent, catalog_file) == []


def test_failing_reader_keeps_the_old_catalog(
    catalog_file: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    before = catalog_file.read_bytes()
    hcpcs, _asp, crosswalk, mue = make_sources()
    monkeypatch.setattr(build_module, "read_hcpcs", lambda _path: hcpcs)
    monkeypatch.setattr(build_module, "read_crosswalk", lambda _path: crosswalk)
    monkeypatch.setattr(build_module, "read_mue", lambda _path: mue)

    def broken_asp(path: Path) -> AspFile:
        raise SourceFileError(path, "row 12: 'Payment Limit' is not a number")

    monkeypatch.setattr(build_module, "read_asp", broken_asp)
    with pytest.raises(SourceFileError, match="Payment Limit"):
        build_catalog(
            hcpcs=tmp_path / "h.zip", asp=tmp_path / "a.csv", crosswalk=tmp_path / "x.csv",
            mue=tmp_path / "m.csv", out=catalog_file,
        )  # fmt: skip
    assert catalog_file.read_bytes() == before
    assert _leftovers(catalog_file.parent, catalog_file) == []


def test_malformed_input_file_keeps_the_old_catalog(catalog_file: Path, tmp_path: Path) -> None:
    before = catalog_file.read_bytes()
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(SourceFileError):
        build_catalog(hcpcs=empty, asp=empty, crosswalk=empty, mue=empty, out=catalog_file)
    assert catalog_file.read_bytes() == before
    assert _leftovers(catalog_file.parent, catalog_file) == []


def test_missing_output_folder_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        build_small(tmp_path / "no-such-folder" / "c.sqlite")


def test_output_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        build_small(tmp_path)


def test_rebuild_replaces_the_catalog_and_keeps_its_mode(catalog_file: Path) -> None:
    catalog_file.chmod(0o640)
    hcpcs, asp, crosswalk, mue = make_sources()
    cheaper = replace(
        asp,
        records=[replace(r, payment_limit=Decimal("70.000")) if r.code == "J9312" else r
                 for r in asp.records],
    )  # fmt: skip
    build_small(catalog_file, (hcpcs, cheaper, crosswalk, mue))
    assert catalog_file.stat().st_mode & 0o777 == 0o640
    with open_catalog(catalog_file) as catalog:
        drug = catalog.code("J9312")
    assert drug is not None and drug.payment_limit == Decimal("70.000")
