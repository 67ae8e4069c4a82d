"""A hand-made "next quarter" of the CMS files, derived from the 2026 files in ../shared.

:func:`write_next_quarter` writes modified copies into a folder (never into the repository):
the HCPCS CSV (two codes added, two ended with a TERM DT, one descriptor changed, a column
renamed), the ASP file (April titles, "HCPCS Code Dosage" renamed, four codes re-priced, a code
dropped, two added), the crosswalk (``_2026_CODE`` → ``_2027_CODE``, April titles, the dropped
code's NDCs and one of J9312's removed, two NDCs added) and the MUE table (next quarter's name,
one value changed, two codes added). The constants below are what a correct diff must find.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import pytest

from jcalc.catalog.build import build_catalog
from jcalc.paths import bundled_catalog_path

ADDED: Final = {
    "J9601": ("Injection, testumab, 5 mg", "Inj testumab 5 mg", "5 MG", "12.500", "99999000101"),
    "J9602": (
        "Injection, examplecept, per 0.1 ml",
        "Inj examplecept 0.1 ml",
        "0.1 ML",
        "3.250",
        "99999000201",
    ),
}
ADDED_MUE: Final = {"J9601": "100", "J9602": "50"}
ENDED: Final = {"J9035": "20260331", "J0897": "20260331"}
ENDED_XREF: Final = {"J9035": "J9601"}
REMOVED: Final = "90377"  # dropped from the ASP file and the crosswalk; a CPT code, not in HCPCS
DROPPED_NDC: Final = ("J9312", "50242-0051-21")  # one crosswalk row dropped, the code stays
REMOVED_NDCS: Final = 3  # the removed code's two and the dropped one
REPRICED: Final = {"J9312": "80.000", "J9271": "65.000", "J1100": "0.100", "J9173": "50.000"}
OLD_PRICES: Final = {"J9312": "74.765", "J9271": "59.726", "J1100": "0.105", "J9173": "86.270"}
PRICE_ORDER: Final = ("J9173", "J9271", "J9312", "J1100")  # largest absolute change first
DESCRIPTOR: Final = (
    "J1885",
    "Injection, ketorolac tromethamine, per 15 mg",
    "Injection, ketorolac tromethamine, per 30 mg",
)
MUE_CHANGED: Final = {"J9312": ("150", "120")}

HCPCS_NAME: Final = "HCPC2026_APR_ANWEB_04012026.csv"
ASP_NAME: Final = "asp_payment_limit_2026q2.csv"
CROSSWALK_NAME: Final = "asp_ndc_hcpcs_crosswalk_2026q2.csv"
MUE_NAME: Final = "mue_practitioner_2026q3_level2.csv"

_OLD_TITLE: Final = "Effective January 1, 2026 through March 31, 2026"
_NEW_TITLE: Final = "Effective April 1, 2026 through June 30, 2026"


def _read(path: Path, encoding: str) -> list[list[str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.reader(handle))


def _write(path: Path, rows: list[list[str]], encoding: str, terminator: str) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=terminator).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _header_index(rows: list[list[str]], first: str) -> int:
    return next(i for i, row in enumerate(rows) if row and row[0] == first)


def _retitle(rows: list[list[str]], header: int) -> None:
    for row in rows[:header]:
        for i, cell in enumerate(row):
            row[i] = cell.replace(_OLD_TITLE, _NEW_TITLE).replace("January 2026", "April 2026")


def next_hcpcs(source: Path, out_dir: Path) -> Path:
    """The HCPCS CSV of April 2026."""
    rows = _read(source, "utf-8")
    header = rows[0]
    col = {name: header.index(name) for name in header}
    width = len(header)
    for row in rows[1:]:
        code = row[col["HCPC"]].strip()
        if code in ENDED:
            row[col["TERM DT"]] = ENDED[code]
            row[col["ACTION CD"]] = "D"
            if code in ENDED_XREF:
                row[col["XREF1"]] = ENDED_XREF[code]
        if code == DESCRIPTOR[0]:
            assert row[col["LONG DESCRIPTION"]] == DESCRIPTOR[1]
            row[col["LONG DESCRIPTION"]] = DESCRIPTOR[2]
    for code, (long, short, *_rest) in ADDED.items():
        row = [""] * width
        row[col["HCPC"]] = code
        row[col["SEQNUM"]] = "0010"
        row[col["RECID"]] = "3"
        row[col["LONG DESCRIPTION"]] = long
        row[col["SHORT DESCRIPTION"]] = short
        row[col["ADD DT"]] = "20260401"
        row[col["ACT EFF DT"]] = "20260401"
        row[col["ACTION CD"]] = "A"
        rows.append(row)
    header[col["ACT EFF DT"]] = "ACTION EFFECTIVE DATE"  # a renamed column
    return _write(out_dir / HCPCS_NAME, rows, "utf-8", "\n")


def next_asp(source: Path, out_dir: Path) -> Path:
    """The ASP payment limit file of 2026Q2."""
    rows = _read(source, "cp1252")
    header = _header_index(rows, "HCPCS Code")
    _retitle(rows, header)
    names = rows[header]
    price = names.index("Payment Limit")
    names[names.index("HCPCS Code Dosage")] = "HCPCS Dosage"  # a renamed column
    kept = rows[: header + 1]
    for row in rows[header + 1 :]:
        code = row[0].strip() if row else ""
        if code == REMOVED:
            continue
        if code in REPRICED:
            assert row[price] == OLD_PRICES[code], (code, row[price])
            row[price] = REPRICED[code]
        kept.append(row)
    for code, (_long, short, dosage, limit, _ndc) in ADDED.items():
        row = [""] * len(names)
        row[0], row[1], row[2], row[price] = code, short, dosage, limit
        row[price + 1] = "20.000"
        kept.append(row)
    return _write(out_dir / ASP_NAME, kept, "cp1252", "\r\n")


def next_crosswalk(source: Path, out_dir: Path) -> Path:
    """The NDC-HCPCS crosswalk of 2026Q2."""
    rows = _read(source, "cp1252")
    header = _header_index(rows, "_2026_CODE")
    _retitle(rows, header)
    names = rows[header]
    names[0] = "_2027_CODE"  # the column CMS renames every year
    kept = [
        row
        for row in rows
        if not (row and (row[0].strip() == REMOVED or tuple(row[:4:3]) == DROPPED_NDC))
    ]
    for code, (_long, short, dosage, _limit, ndc) in ADDED.items():
        row = [""] * len(names)
        row[:10] = [
            code, short, "Example Pharma, Inc.", f"{ndc[:5]}-{ndc[5:9]}-{ndc[9:]}",
            short.title(), dosage, "1", "1", "1", "1",
        ]  # fmt: skip
        kept.append(row)
    return _write(out_dir / CROSSWALK_NAME, kept, "cp1252", "\r\n")


def next_mue(source: Path, out_dir: Path) -> Path:
    """The practitioner MUE table of 2026Q3."""
    rows = _read(source, "utf-8")
    for row in rows[1:]:
        if row and row[0] in MUE_CHANGED:
            assert row[1] == MUE_CHANGED[row[0]][0]
            row[1] = MUE_CHANGED[row[0]][1]
    for code, value in ADDED_MUE.items():
        rows.append([code, value, "3", "Prescribing Information"])
    return _write(out_dir / MUE_NAME, rows, "utf-8", "\r\n")


def write_next_quarter(cms_files: dict[str, Path], out_dir: Path) -> dict[str, Path]:
    """All four next-quarter files, by kind."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return {
        "hcpcs": next_hcpcs(cms_files["hcpcs_csv"], out_dir),
        "asp": next_asp(cms_files["asp"], out_dir),
        "crosswalk": next_crosswalk(cms_files["crosswalk"], out_dir),
        "mue": next_mue(cms_files["mue"], out_dir),
    }


def price_delta(code: str) -> Decimal:
    """new − old payment limit of a re-priced code."""
    return Decimal(REPRICED[code]) - Decimal(OLD_PRICES[code])


# ---------------------------------------------------------------- shared fixtures and helpers
# Test modules wrap these in their own session fixtures; the cache makes the files and the
# catalog be built once per test session however many modules use them.

_cache: dict[str, Any] = {}


def _once(key: str, make: Callable[[], Any]) -> Any:
    if key not in _cache:
        _cache[key] = make()
    return _cache[key]


def files_once(cms_files: dict[str, Path], factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The four next-quarter files, written once per test session into a temporary folder."""
    result: dict[str, Path] = _once(
        "files", lambda: write_next_quarter(cms_files, factory.mktemp("next-quarter"))
    )
    return result


def catalog_once(files: dict[str, Path], factory: pytest.TempPathFactory) -> Path:
    """A catalog built from the next-quarter files, once per test session."""

    def build() -> Path:
        out = factory.mktemp("next-catalog") / "next.sqlite"
        build_catalog(
            hcpcs=files["hcpcs"], asp=files["asp"], crosswalk=files["crosswalk"],
            mue=files["mue"], out=out,
        )  # fmt: skip
        return out

    result: Path = _once("catalog", build)
    return result


def variant_catalog(out: Path, *, quarter: str = "2026Q2", price: str = "99.000") -> Path:
    """A copy of the bundled catalog that differs a little (ASP quarter, J9312's price).

    Needs no CMS file: for library tests that only need two distinct, valid catalogs.
    """
    shutil.copyfile(bundled_catalog_path(), out)
    with closing(sqlite3.connect(out)) as connection, connection:
        connection.execute("UPDATE meta SET value = ? WHERE key = 'asp_quarter'", (quarter,))
        connection.execute("UPDATE codes SET asp_payment_limit = ? WHERE hcpcs = 'J9312'", (price,))
    return out


def fingerprint(path: Path, *, skip: tuple[str, ...] = ()) -> str:
    """A hash of a catalog's content (every table but ``meta.built_at`` and ``skip``)."""
    digest = hashlib.sha256()
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as connection:
        tables = [
            str(row[0])
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        for table in tables:
            if table in skip:
                continue
            digest.update(table.encode())
            where = " WHERE key != 'built_at'" if table == "meta" else ""
            for row in connection.execute(f"SELECT * FROM {table}{where} ORDER BY 1, 2"):
                digest.update(repr(row).encode())
    return digest.hexdigest()
