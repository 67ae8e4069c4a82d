"""Build the catalog SQLite file from the four CMS files.

The build reads every input first, writes a temporary file next to the output, checks it and
only then moves it into place: a failed build leaves an existing catalog untouched.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlite_utils

from jcalc.catalog.aliases import Alias, load_aliases
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
    SCHEMA_VERSION,
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
    CrosswalkRecord,
    HcpcsFile,
    HcpcsRecord,
    MueFile,
    MueRecord,
)
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
    warnings: tuple[str, ...] = ()  # rows left out: unreadable crosswalk rows, stray aliases

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
    """Rows of ``codes``: every J code, plus every code of the ASP file or the crosswalk."""
    hcpcs_by_code: dict[str, HcpcsRecord] = {record.code: record for record in hcpcs.records}
    asp_by_code: dict[str, AspRecord] = {record.code: record for record in asp.records}
    crosswalk_dosage: dict[str, str] = {}
    for xrecord in sorted(crosswalk.records, key=lambda r: (r.code, r.ndc)):
        if xrecord.hcpcs_dosage.strip():
            crosswalk_dosage.setdefault(xrecord.code, xrecord.hcpcs_dosage.strip())
    mue_by_code = _mue_by_code(mue)
    noc = hcpcs.noc_codes

    selected = {code for code in hcpcs_by_code if _is_j_code(code)}
    selected |= set(asp_by_code)
    selected |= {record.code for record in crosswalk.records}

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


def ndc_rows(crosswalk: CrosswalkFile) -> list[Row]:
    """Rows of ``ndcs``, one per (NDC, HCPCS) pair, sorted; a repeated pair keeps its first row."""
    rows: dict[tuple[str, str], Row] = {}

    def sort_key(record: CrosswalkRecord) -> tuple[str, ...]:
        return (record.code, record.ndc, record.labeler, record.drug_name, record.hcpcs_dosage)

    for record in sorted(crosswalk.records, key=sort_key):
        rows.setdefault(
            (record.code, record.ndc),
            {
                "ndc": record.ndc,
                "hcpcs": record.code,
                "labeler": record.labeler.strip(),
                "drug_name": record.drug_name.strip(),
                "hcpcs_dosage": record.hcpcs_dosage.strip(),
                "pkg_size": _decimal_text(record.pkg_size),
                "pkg_qty": _decimal_text(record.pkg_qty),
                "bill_units": _decimal_text(record.bill_units),
                "bill_units_pkg": _decimal_text(record.bill_units_pkg),
            },
        )
    return list(rows.values())


def kept_aliases(aliases: Iterable[Alias], codes: set[str]) -> list[Alias]:
    """The aliases that name a code of the catalog (others would lead nowhere)."""
    return [alias for alias in aliases if alias.hcpcs.strip().upper() in codes]


def _warnings(
    crosswalk: CrosswalkFile, aliases: Sequence[Alias], kept: Sequence[Alias]
) -> tuple[str, ...]:
    """What the build left out, one sentence each."""
    name = Path(crosswalk.source_name).name
    found = [f"{name}: {row}" for row in crosswalk.skipped_rows]
    kept_ids = {id(alias) for alias in kept}
    found.extend(
        f"alias '{alias.alias}' names {alias.hcpcs}, which is not in the catalog (left out)"
        for alias in aliases
        if id(alias) not in kept_ids
    )
    return tuple(found)


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
    ndcs: list[Row],
    aliases: list[Row],
    meta: list[Row],
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
) -> BuildSummary:
    """Write a catalog from already-read CMS records, atomically replacing ``out``."""
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
    usable_aliases = kept_aliases(aliases, {row["hcpcs"] for row in codes})
    warnings = _warnings(crosswalk, aliases, usable_aliases) + _coverage_warnings(codes, asp, mue)
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
                _write_tables(db, codes, ndcs, alias_list, meta)
            report("building the search index", 0.8)
            create_search_index(db, usable_aliases)
            db.conn.commit()
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            counts = {
                name: int(db.execute(sql).fetchone()[0]) for name, sql in COUNT_QUERIES.items()
            }
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
