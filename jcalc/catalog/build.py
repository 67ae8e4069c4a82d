"""Build the catalog SQLite file from the four CMS files.

The build reads every input first, writes a temporary file next to the output, checks it and
only then moves it into place: a failed build leaves an existing catalog untouched.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import sqlite_utils

from jcalc.catalog.aliases import Alias, load_aliases
from jcalc.catalog.dated import write_dated_tables
from jcalc.catalog.naming import display_name
from jcalc.catalog.schema import (
    ACTIVE_CONDITION,
    ALIASES_COLUMNS,
    ALIASES_PK,
    CODES_COLUMNS,
    CODES_NOT_NULL,
    CODES_PK,
    COUNT_QUERIES,
    J_CONDITION,
    META_COLUMNS,
    NDCS_COLUMNS,
    NDCS_INDEXES,
    NDCS_NOT_NULL,
    NDCS_PK,
    PRODUCTS_COLUMNS,
    PRODUCTS_PK,
    PRODUCTS_TABLE,
    SCHEMA_VERSION,
    SKIPPED_ROWS_COLUMNS,
    SKIPPED_ROWS_TABLE,
    SOURCE_ROWS_COLUMNS,
    SOURCE_ROWS_TABLE,
)
from jcalc.catalog.search_index import create_search_index
from jcalc.catalog.sources.asp import read_asp
from jcalc.catalog.sources.crosswalk import read_crosswalk
from jcalc.catalog.sources.hcpcs import read_hcpcs
from jcalc.catalog.sources.mue import read_mue
from jcalc.catalog.sources.records import (
    AspFile,
    AspRecord,
    CrosswalkFile,
    HcpcsFile,
    HcpcsRecord,
    MueFile,
    MueRecord,
)
from jcalc.catalog.sources.rows import SkipReport
from jcalc.catalog.sources.spool import sorted_records
from jcalc.catalog.store import CatalogError
from jcalc.core.descriptor import Descriptor, DescriptorKind, parse_descriptor
from jcalc.core.drug import LEVEL2_CODE_RE
from jcalc.safe_io import clean_leftovers, close_temp, new_temp_file

Progress = Callable[[str, float], None]
Row = dict[str, Any]


@dataclass(frozen=True)
class BuildSummary:
    """What a build wrote: row counts, how well the descriptors parsed, how long it took."""

    out: Path
    codes: int
    j_codes: int
    active_j_codes: int
    ndcs: int
    mue_rows: int  # catalog codes that carry an MUE
    aliases: int
    parsed: int  # active J codes whose descriptor is readable (kind != unparsed)
    per_amount: int  # active J codes billed per amount or "up to" an amount
    seconds: float  # wall-clock time of the build (a measurement, not a billing figure)
    warnings: tuple[str, ...] = ()  # stray aliases, thin source files
    skip_reports: tuple[SkipReport, ...] = ()  # per CMS file: rows read, imported, skipped
    alternate_products: int = 0  # crosswalk products whose identifier is not an NDC

    def skip_lines(self, examples: int = 3) -> list[str]:
        """Per CMS file, rows read/imported/skipped, each skip reason with first examples."""
        return [line for report in self.skip_reports for line in report.summary_lines(examples)]

    @property
    def unparsed(self) -> int:
        """Active J codes the biller must enter units for."""
        return self.active_j_codes - self.parsed

    @property
    def parse_rate(self) -> Decimal:
        """Share of active J codes with a readable descriptor, 0 to 1 (4 places)."""
        if not self.active_j_codes:
            return Decimal(0)
        return (Decimal(self.parsed) / Decimal(self.active_j_codes)).quantize(Decimal("0.0001"))


def _decimal_text(value: Decimal | None) -> str | None:
    """A Decimal as plain text at full precision ("137.830", never "1.3783E+2")."""
    return None if value is None else format(value, "f")


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _is_level2(code: str) -> bool:
    return LEVEL2_CODE_RE.fullmatch(code) is not None


def _is_j_code(code: str) -> bool:
    return _is_level2(code) and code.startswith("J")


_DRUG_WORDS: Final = re.compile(
    r"\b(?:injection|inj|biosimilar|contrast|radiopharmaceutical|vaccine|study dose|"
    r"viable t[ -]cells|autologous)\b",
    re.IGNORECASE,
)


def is_drug_like(record: HcpcsRecord) -> bool:
    """Whether a HCPCS code is a drug billed in units: every J code, A9500-A9699
    (radiopharmaceuticals and contrast), Q4100-Q4499 (skin substitutes, per sq cm), Q5101-Q5199
    (biosimilars), and other Q codes whose description doses a drug ("Injection, ferumoxytol,
    1 mg", "contrast material, per ml", CAR-T "viable t cells")."""
    code = record.code
    if not _is_level2(code):
        return False
    if code[0] == "J" or "A9500" <= code <= "A9699":
        return True
    if code[0] != "Q":
        return False
    if "Q4100" <= code <= "Q4499" or "Q5101" <= code <= "Q5199":
        return True
    if _DRUG_WORDS.search(record.long_description):
        return True
    kind = parse_descriptor(record.long_description).kind
    return kind in (DescriptorKind.PER_AMOUNT, DescriptorKind.UP_TO)


def _descriptor_columns(descriptor: Descriptor) -> Row:
    amount = descriptor.amount
    return {
        "descriptor_text": descriptor.text,
        "descriptor_kind": descriptor.kind.value,
        "descriptor_amount": _decimal_text(amount.amount) if amount else None,
        "descriptor_unit": amount.unit.name if amount else None,
        "descriptor_note": descriptor.note,
    }


def _mue_by_code(mue: MueFile) -> dict[str, MueRecord]:
    """One MUE per code; should a code repeat, the lowest (strictest) value is kept."""
    chosen: dict[str, MueRecord] = {}
    for record in sorted(mue.records, key=lambda r: (r.code, r.value, r.mai, r.rationale)):
        chosen.setdefault(record.code, record)
    return chosen


def code_rows(hcpcs: HcpcsFile, asp: AspFile, crosswalk: CrosswalkFile, mue: MueFile) -> list[Row]:
    """Rows of ``codes``: every drug-like Level II code (:func:`is_drug_like`), plus every code
    of the ASP file or the crosswalk."""
    hcpcs_by_code: dict[str, HcpcsRecord] = {record.code: record for record in hcpcs.records}
    asp_by_code: dict[str, AspRecord] = {record.code: record for record in asp.records}
    # per code, the dosage of its first row by (real NDC first, NDC): one pass, whatever the size
    best: dict[str, tuple[bool, str, str]] = {}
    crosswalk_codes: set[str] = set()
    for xrecord in crosswalk.records:
        crosswalk_codes.add(xrecord.code)
        dosage = xrecord.hcpcs_dosage.strip()
        key = (not xrecord.is_ndc, xrecord.ndc, dosage)
        if dosage and (xrecord.code not in best or key < best[xrecord.code]):
            best[xrecord.code] = key
    crosswalk_dosage = {code: key[2] for code, key in best.items()}
    mue_by_code = _mue_by_code(mue)
    noc = hcpcs.noc_codes

    selected = {code for code, record in hcpcs_by_code.items() if is_drug_like(record)}
    selected |= set(asp_by_code)
    selected |= crosswalk_codes

    rows: list[Row] = []
    for code in sorted(selected):
        record = hcpcs_by_code.get(code)
        price = asp_by_code.get(code)
        limit = mue_by_code.get(code)
        level2 = _is_level2(code)
        asp_dosage = price.dosage.strip() if price else crosswalk_dosage.get(code)
        long_description = record.long_description.strip() if record and level2 else ""
        short_description = ""
        if level2:
            if record:
                short_description = record.short_description.strip()
            elif price:
                short_description = price.short_description.strip()
        if long_description:
            descriptor = parse_descriptor(long_description)
            name = display_name(long_description)
        else:
            descriptor = parse_descriptor(asp_dosage or "")
            name = display_name(short_description) if short_description else ""
        row: Row = {
            "hcpcs": code,
            "level2": int(level2),
            "name": name,
            "long_description": long_description,
            "short_description": short_description,
            "add_date": _iso(record.add_date) if record else None,
            "effective_date": _iso(record.effective_date) if record else None,
            "termination_date": _iso(record.termination_date) if record else None,
            "action_code": (record.action_code or None) if record else None,
            "xrefs": " ".join(record.xrefs) if record else "",
            **_descriptor_columns(descriptor),
            "asp_dosage": asp_dosage,
            "asp_payment_limit": _decimal_text(price.payment_limit) if price else None,
            "asp_notes": price.notes.strip() if price else None,
            "mue_value": limit.value if limit else None,
            "mue_mai": limit.mai if limit else None,
            "mue_rationale": limit.rationale if limit else None,
            "is_noc": int(code in noc),
        }
        rows.append(row)
    return rows


def ndc_rows(crosswalk: CrosswalkFile, *, alternates: bool = False) -> Iterator[Row]:
    """Rows of ``ndcs``, one per (NDC, HCPCS) pair, sorted; a repeated pair keeps its first row.

    With ``alternates``, the rows of the products whose identifier is not an NDC instead (the
    ``alternate_products`` table: ``identifier`` in place of ``ndc``). A generator: a spooled
    crosswalk is sorted on disk and never held whole.
    """
    key = "identifier" if alternates else "ndc"
    last: tuple[str, str] | None = None
    for record in sorted_records(crosswalk.records, is_ndc=not alternates):
        if (record.code, record.ndc) == last:
            continue
        last = (record.code, record.ndc)
        yield {
            key: record.ndc,
            "hcpcs": record.code,
            "labeler": record.labeler.strip(),
            "drug_name": record.drug_name.strip(),
            "hcpcs_dosage": record.hcpcs_dosage.strip(),
            "pkg_size": _decimal_text(record.pkg_size),
            "pkg_qty": _decimal_text(record.pkg_qty),
            "bill_units": _decimal_text(record.bill_units),
            "bill_units_pkg": _decimal_text(record.bill_units_pkg),
        }


def kept_aliases(aliases: Iterable[Alias], codes: set[str]) -> list[Alias]:
    """The aliases that name a code of the catalog (others would lead nowhere)."""
    return [alias for alias in aliases if alias.hcpcs.strip().upper() in codes]


def _warnings(aliases: Sequence[Alias], kept: Sequence[Alias]) -> tuple[str, ...]:
    """Aliases the build left out, one sentence each."""
    kept_ids = {id(alias) for alias in kept}
    return tuple(
        f"alias '{alias.alias}' names {alias.hcpcs}, which is not in the catalog (left out)"
        for alias in aliases
        if id(alias) not in kept_ids
    )


def skip_reports(
    hcpcs: HcpcsFile, asp: AspFile, crosswalk: CrosswalkFile, mue: MueFile
) -> tuple[SkipReport, ...]:
    """The skip report of each of the four files (named after the file when a reader left it
    unnamed, as for hand-made records)."""
    found: list[SkipReport] = []
    for kind, source in (("hcpcs", hcpcs), ("asp", asp), ("crosswalk", crosswalk), ("mue", mue)):
        report = source.report
        if not report.kind:
            report = SkipReport(
                kind=kind, source_name=Path(source.source_name).name,
                rows_read=len(source.records), imported=len(source.records),
            )  # fmt: skip
        found.append(report)
    return tuple(found)


def skip_rows(reports: Sequence[SkipReport]) -> tuple[list[Row], list[Row]]:
    """Rows of ``source_rows`` and ``skipped_rows``."""
    sources = [
        {
            "kind": report.kind,
            "source": report.source_name,
            "rows_read": report.rows_read,
            "imported": report.imported,
            "skipped": len(report.skipped),
            "set_aside": json.dumps(report.set_aside, sort_keys=True),
        }
        for report in reports
    ]
    skipped = [
        {
            "kind": report.kind,
            "source": report.source_name,
            "row": row.row,
            "reason": row.reason,
            "detail": row.detail,
        }
        for report in reports
        for row in report.skipped
    ]
    return sources, skipped


def _coverage_warnings(codes: list[Row], asp: AspFile, mue: MueFile) -> tuple[str, ...]:
    """Warn when the ASP file or the MUE table covers few active J codes (a cut-short file?)."""
    start = asp.effective_from.isoformat()
    active = [
        row
        for row in codes
        if _is_j_code(row["hcpcs"])
        and (row["termination_date"] is None or row["termination_date"] >= start)
    ]
    if not active:
        return ()
    found: list[str] = []
    for source, column in ((asp.source_name, "asp_dosage"), (mue.source_name, "mue_value")):
        covered = sum(1 for row in active if row[column] is not None)
        if covered * 2 < len(active):
            found.append(
                f"{Path(source).name} covers only {covered} of the {len(active)} active J codes: "
                "is the file complete?"
            )
    return tuple(found)


def alias_rows(aliases: Iterable[Alias]) -> list[Row]:
    """Rows of ``aliases``, deduplicated and sorted."""
    unique = {
        (alias.alias.strip(), alias.kind.strip(), alias.hcpcs.strip().upper())
        for alias in aliases
        if alias.alias.strip()
    }
    return [
        {"alias": name, "kind": kind, "hcpcs": code}
        for name, kind, code in sorted(unique, key=lambda item: (item[0].lower(), *item))
    ]


def meta_rows(
    hcpcs: HcpcsFile,
    asp: AspFile,
    crosswalk: CrosswalkFile,
    mue: MueFile,
    *,
    alias_count: int,
    built_at: datetime,
) -> list[Row]:
    """Rows of ``meta``: provenance of the build (file names only, never paths)."""
    values = {
        "schema_version": str(SCHEMA_VERSION),
        "built_at": built_at.astimezone(UTC).isoformat(timespec="seconds"),
        "hcpcs_release": hcpcs.release,
        "hcpcs_source": Path(hcpcs.source_name).name,
        "asp_source": Path(asp.source_name).name,
        "asp_quarter": asp.quarter,
        "asp_effective_from": asp.effective_from.isoformat(),
        "asp_effective_to": asp.effective_to.isoformat(),
        "crosswalk_source": Path(crosswalk.source_name).name,
        "crosswalk_effective_from": crosswalk.effective_from.isoformat(),
        "crosswalk_effective_to": crosswalk.effective_to.isoformat(),
        "mue_source": Path(mue.source_name).name,
        "mue_quarter": mue.quarter,
        "alias_count": str(alias_count),
    }
    return [{"key": key, "value": value} for key, value in sorted(values.items())]


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _fsync(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_directory(path: Path) -> None:
    if os.name != "posix":  # pragma: no cover - Windows cannot open a directory
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_tables(
    db: sqlite_utils.Database,
    codes: list[Row],
    ndcs: Iterable[Row],
    aliases: list[Row],
    meta: list[Row],
    extra: dict[str, Iterable[Row]],
) -> None:
    db.table("meta").create(META_COLUMNS, pk="key", not_null={"value"})
    db.table("codes").create(CODES_COLUMNS, pk=CODES_PK, not_null=set(CODES_NOT_NULL))
    db.table("ndcs").create(NDCS_COLUMNS, pk=NDCS_PK, not_null=set(NDCS_NOT_NULL))
    db.table("aliases").create(ALIASES_COLUMNS, pk=ALIASES_PK)
    db.table("meta").insert_all(meta)
    db.table("codes").insert_all(codes, batch_size=500)
    db.table("ndcs").insert_all(ndcs, batch_size=1000)
    if aliases:
        db.table("aliases").insert_all(aliases)
    for columns in NDCS_INDEXES:
        db.table("ndcs").create_index(list(columns))
    db.table("aliases").create_index(["hcpcs"])
    db.table(PRODUCTS_TABLE).create(PRODUCTS_COLUMNS, pk=PRODUCTS_PK)
    db.table(PRODUCTS_TABLE).insert_all(extra[PRODUCTS_TABLE], batch_size=1000)
    db.table(PRODUCTS_TABLE).create_index(["hcpcs"])
    db.table(SOURCE_ROWS_TABLE).create(SOURCE_ROWS_COLUMNS, pk=("kind",))
    db.table(SOURCE_ROWS_TABLE).insert_all(extra[SOURCE_ROWS_TABLE])
    db.table(SKIPPED_ROWS_TABLE).create(SKIPPED_ROWS_COLUMNS)
    db.table(SKIPPED_ROWS_TABLE).insert_all(extra[SKIPPED_ROWS_TABLE], batch_size=1000)


def _check_integrity(connection: sqlite3.Connection, out: Path) -> None:
    result = [str(row[0]) for row in connection.execute("PRAGMA integrity_check").fetchall()]
    if result != ["ok"]:
        raise CatalogError(f"the new catalog for {out} failed its integrity check: {result[:3]}")


def write_catalog(
    hcpcs: HcpcsFile,
    asp: AspFile,
    crosswalk: CrosswalkFile,
    mue: MueFile,
    *,
    out: Path,
    aliases: Sequence[Alias] = (),
    progress: Progress | None = None,
    built_at: datetime | None = None,
    asp_history: Sequence[AspFile] = (),
) -> BuildSummary:
    """Write a catalog from already-read CMS records, atomically replacing ``out``.

    ``asp_history`` holds earlier ASP quarters kept for pricing by date of service.
    """
    started = time.perf_counter()
    report = progress or (lambda _stage, _fraction: None)
    out = Path(out)
    report("preparing rows", 0.5)
    codes = code_rows(hcpcs, asp, crosswalk, mue)
    if not any(_is_j_code(row["hcpcs"]) for row in codes):
        raise CatalogError(
            f"{Path(hcpcs.source_name).name}: no J codes found; is it the HCPCS Level II file?"
        )
    ndcs = ndc_rows(crosswalk)
    alternates = ndc_rows(crosswalk, alternates=True)
    reports = skip_reports(hcpcs, asp, crosswalk, mue)
    sources, skipped = skip_rows(reports)
    extra = {PRODUCTS_TABLE: alternates, SOURCE_ROWS_TABLE: sources, SKIPPED_ROWS_TABLE: skipped}
    usable_aliases = kept_aliases(aliases, {row["hcpcs"] for row in codes})
    warnings = _warnings(aliases, usable_aliases) + _coverage_warnings(codes, asp, mue)
    alias_list = alias_rows(usable_aliases)
    meta = meta_rows(
        hcpcs, asp, crosswalk, mue,
        alias_count=len(alias_list),
        built_at=built_at or datetime.now(UTC),
    )  # fmt: skip

    directory = out.parent
    if out.is_dir():
        raise IsADirectoryError(21, "is a directory", str(out))
    clean_leftovers(out)  # the temporary files of a killed build
    fd, temp = new_temp_file(out, keep_open=os.name != "nt")  # locked while it is built
    try:
        mode = out.stat().st_mode & 0o777 if out.exists() else 0o644
        report("writing tables", 0.6)
        db = sqlite_utils.Database(temp)
        try:
            db.execute("PRAGMA journal_mode = DELETE")
            db.execute("PRAGMA synchronous = OFF")
            with db.conn:
                _write_tables(db, codes, ndcs, alias_list, meta, extra)
                write_dated_tables(db, hcpcs.modifiers, asp, asp_history)
            report("building the search index", 0.8)
            create_search_index(db, usable_aliases)
            db.conn.commit()
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            counts = {
                name: int(db.execute(sql).fetchone()[0]) for name, sql in COUNT_QUERIES.items()
            }
            counts_extra = int(db.execute(f"SELECT COUNT(*) FROM {PRODUCTS_TABLE}").fetchone()[0])
            parsed, per_amount = _parse_counts(db)
            report("compacting", 0.9)
            db.conn.commit()
            db.execute("VACUUM")
            _check_integrity(db.conn, out)
        finally:
            db.close()
        _fsync(temp)
        temp.chmod(mode)
        temp.replace(out)
        _fsync_directory(directory.resolve())
    except sqlite3.Error as exc:
        _remove(temp)
        raise CatalogError(f"cannot write the catalog {out}: {exc}") from exc
    except BaseException:
        _remove(temp)
        raise
    finally:
        _remove(Path(f"{temp}-journal"))
        close_temp(fd)
    report("done", 1.0)
    return BuildSummary(
        out=out,
        codes=counts["codes"],
        j_codes=counts["j_codes"],
        active_j_codes=counts["active_j_codes"],
        ndcs=counts["ndcs"],
        mue_rows=counts["mue_rows"],
        aliases=counts["aliases"],
        parsed=parsed,
        per_amount=per_amount,
        seconds=time.perf_counter() - started,
        warnings=warnings,
        skip_reports=reports,
        alternate_products=counts_extra,
    )


def _parse_counts(db: sqlite_utils.Database) -> tuple[int, int]:
    """(readable, per-amount or up-to) descriptors among the active J codes."""
    row = db.execute(
        "SELECT SUM(descriptor_kind != ?), SUM(descriptor_kind IN (?, ?)) "
        f"FROM codes WHERE {J_CONDITION} AND {ACTIVE_CONDITION}",
        [
            DescriptorKind.UNPARSED.value,
            DescriptorKind.PER_AMOUNT.value,
            DescriptorKind.UP_TO.value,
        ],
    ).fetchone()
    return int(row[0] or 0), int(row[1] or 0)


def build_catalog(
    *,
    hcpcs: Path,
    asp: Path,
    crosswalk: Path,
    mue: Path,
    out: Path,
    aliases: Path | None = None,
    progress: Progress | None = None,
) -> BuildSummary:
    """Read the four CMS files (and the alias list) and write the catalog to ``out``.

    Raises SourceFileError for an unreadable input, CatalogError or OSError when the catalog
    cannot be written; in every case an existing file at ``out`` is left as it was.
    """
    started = time.perf_counter()
    report = progress or (lambda _stage, _fraction: None)
    report("reading the HCPCS file", 0.0)
    hcpcs_file = read_hcpcs(Path(hcpcs))
    report("reading the ASP file", 0.2)
    asp_file = read_asp(Path(asp))
    report("reading the crosswalk", 0.3)
    crosswalk_file = read_crosswalk(Path(crosswalk))
    report("reading the MUE table", 0.4)
    mue_file = read_mue(Path(mue))
    alias_list = load_aliases(aliases)
    summary = write_catalog(
        hcpcs_file, asp_file, crosswalk_file, mue_file,
        out=Path(out), aliases=alias_list, progress=report,
    )  # fmt: skip
    return replace(summary, seconds=time.perf_counter() - started)
