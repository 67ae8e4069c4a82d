"""``jcalc --self-test``: checks that an installed or frozen jcalc works, without a window.

It opens the bundled catalog read-only, checks the file's integrity, searches it, works out known
cases through :func:`jcalc.service.calculate_from_text` (the same path as the window and the
command line), writes a claim summary to a PDF in a temporary folder, and names the catalog the
window would use (an updated one in the user data folder, or the bundled one). Nothing is written
outside the temporary folder. Each check prints one line; the exit code is 0 when every check
passed, else 1 and the failed checks are named.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TextIO

from jcalc import __version__
from jcalc.catalog.store import Catalog, open_catalog
from jcalc.core.calculate import Calculation
from jcalc.core.claim import LineRole
from jcalc.core.containers import ContainerType
from jcalc.paths import bundled_catalog_path, resource_path
from jcalc.service import CalcInput, calculate_from_text

BUNDLED_FILES = ("catalog.sqlite", "aliases.csv", "jcalc.png", "jcalc.ico")


class SelfTestError(Exception):
    """A check found something wrong; the message says what."""


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check."""

    name: str
    passed: bool
    detail: str
    seconds: float


@dataclass(frozen=True)
class KnownCase:
    """A dose whose claim lines are known: (role, units, modifiers) per line."""

    entry: CalcInput
    expected: tuple[tuple[LineRole, int, tuple[str, ...]], ...]
    ndc: str | None = None  # 11 digits expected on every drug line

    @property
    def label(self) -> str:
        """How the case reads in the report."""
        text = f"{self.entry.code} {self.entry.dose}"
        if self.entry.ndc:
            text += f" NDC {self.entry.ndc}"
        if self.entry.container is ContainerType.SINGLE_DOSE:
            text += " single-dose"
        return text


def known_cases(day: date) -> tuple[KnownCase, ...]:
    """The cases the self-test computes, for a date of service inside the catalog's quarter."""
    return (
        KnownCase(
            CalcInput(
                code="J9312",
                dose="450 mg",
                date_of_service=day,
                ndc="50242-0053-06",
                container=ContainerType.SINGLE_DOSE,
            ),
            expected=(
                (LineRole.ADMINISTERED, 45, ()),
                (LineRole.DISCARDED, 5, ("JW",)),
            ),
            ndc="50242005306",
        ),
        KnownCase(
            CalcInput(code="J1100", dose="30 mg", date_of_service=day),
            expected=((LineRole.ADMINISTERED, 30, ()),),
        ),
    )


def _check_files() -> str:
    missing = [name for name in BUNDLED_FILES if not resource_path(name).is_file()]
    if missing:
        folder = resource_path(BUNDLED_FILES[0]).parent
        raise SelfTestError(f"missing from {folder}: {', '.join(missing)}")
    return f"{len(BUNDLED_FILES)} files in {resource_path(BUNDLED_FILES[0]).parent}"


def _check_read_only(catalog: Catalog) -> str:
    try:
        catalog.connection.execute("CREATE TABLE jcalc_self_test (x)")
    except sqlite3.OperationalError as error:
        if "readonly" in str(error).replace("-", "").replace(" ", ""):
            return f"{catalog.path} (writes refused)"
        raise
    raise SelfTestError(f"{catalog.path} was opened writable")


def _check_integrity(catalog: Catalog) -> str:
    try:
        rows = [str(row[0]) for row in catalog.connection.execute("PRAGMA integrity_check(5)")]
    except sqlite3.DatabaseError as error:
        raise SelfTestError(f"{catalog.path} is corrupt: {error}") from error
    if rows != ["ok"]:
        problems = "; ".join(part for row in rows for part in row.splitlines() if part.strip())
        raise SelfTestError(f"{catalog.path} is corrupt: {problems}")
    return "PRAGMA integrity_check: ok"


def _check_catalog_in_use() -> str:
    """Which catalog the window would open (an updated user catalog, or the bundled one)."""
    from jcalc.catalog.library import CatalogLibrary

    return CatalogLibrary().active().describe()


def _check_content(catalog: Catalog) -> str:
    try:
        info = catalog.info()
        missing = [code for code in ("J9312", "J1100") if catalog.code(code) is None]
    except sqlite3.DatabaseError as error:
        raise SelfTestError(f"{catalog.path} cannot be read: {error}") from error
    if info.counts.get("codes", 0) <= 0 or info.counts.get("ndcs", 0) <= 0:
        raise SelfTestError(f"{catalog.path} has no codes or no NDCs: {info.counts}")
    if missing:
        raise SelfTestError(f"{catalog.path} lacks {', '.join(missing)}")
    return (
        f"ASP {info.asp_quarter}, HCPCS {info.hcpcs_release}, {info.counts['codes']} codes, "
        f"{info.counts['ndcs']} NDCs"
    )


def _check_search(catalog: Catalog, day: date) -> str:
    from jcalc.catalog.search import search

    found = []
    for query, code in (("rituximab", "J9312"), ("50242-0053-06", "J9312"), ("J1100", "J1100")):
        hits = [result.hcpcs for result in search(catalog.connection, query, limit=10, today=day)]
        if code not in hits:
            raise SelfTestError(f"searching {query!r} did not find {code} (got {hits[:5]})")
        found.append(f"{query!r}→{code}")
    return ", ".join(found)


def _check_case(catalog: Catalog, case: KnownCase) -> tuple[str, Calculation]:
    calculation = calculate_from_text(catalog, case.entry)
    got = tuple((line.role, line.units, line.modifiers) for line in calculation.lines)
    if got != case.expected:
        raise SelfTestError(f"expected lines {_lines_text(case.expected)}, got {_lines_text(got)}")
    if case.ndc is not None:
        wrong = [line.ndc for line in calculation.lines if line.ndc != case.ndc]
        if wrong:
            raise SelfTestError(f"expected NDC {case.ndc} on every line, got {wrong}")
    return _lines_text(got), calculation


def _lines_text(lines: tuple[tuple[LineRole, int, tuple[str, ...]], ...]) -> str:
    return " + ".join(
        f"{units} units{' ' + ' '.join(mods) if mods else ''}" for _role, units, mods in lines
    )


def _check_pdf(catalog: Catalog, calculations: list[Calculation], day: date) -> str:
    from jcalc.core.summary import summary_from_calculations
    from jcalc.printing import write_pdf  # Qt only from here on

    info = catalog.info()
    summary = summary_from_calculations(
        calculations,
        date_of_service=day,
        clinic_name="jcalc self-test",
        catalog_quarter=info.asp_quarter,
        catalog_effective_from=info.asp_effective_from,
        catalog_effective_to=info.asp_effective_to,
    )
    with tempfile.TemporaryDirectory(prefix="jcalc-self-test-") as folder:
        path = Path(folder) / "summary.pdf"
        write_pdf(summary, path)
        data = path.read_bytes()
    if not data.startswith(b"%PDF-"):
        raise SelfTestError("the file written is not a PDF")
    if b"%%EOF" not in data[-1024:]:
        raise SelfTestError("the PDF is truncated (no %%EOF)")
    pages = (
        data.count(b"/Type /Page\n") + data.count(b"/Type /Page\r") + data.count(b"/Type /Page ")
    )
    if len(data) < 2000 or pages < 1:
        raise SelfTestError(f"the PDF looks empty ({len(data)} bytes, {pages} pages)")
    return f"{len(data)} bytes, {pages} page{'s' if pages != 1 else ''}"


def run_self_test(*, catalog_path: Path | None = None, out: TextIO | None = None) -> int:
    """Run every check, print one line each; 0 when all passed, else 1.

    ``catalog_path`` replaces the bundled catalog (tests use a damaged copy).
    """
    stream = out if out is not None else sys.stdout
    results: list[CheckResult] = []

    def check(name: str, action: Callable[[], str]) -> bool:
        start = time.perf_counter()
        try:
            detail = action()
            passed = True
        except SelfTestError as error:
            detail, passed = str(error), False
        except Exception as error:
            detail, passed = f"{type(error).__name__}: {error}", False
        result = CheckResult(name, passed, detail, time.perf_counter() - start)
        results.append(result)
        mark = "ok  " if passed else "FAIL"
        print(f"{mark} {name}: {detail} ({result.seconds * 1000:.0f} ms)", file=stream)
        stream.flush()
        return passed

    path = catalog_path if catalog_path is not None else bundled_catalog_path()
    print(f"jcalc {__version__} self-test, Python {sys.version.split()[0]}", file=stream)
    check("bundled files", _check_files)
    catalog: Catalog | None = None

    def open_it() -> str:
        nonlocal catalog
        catalog = open_catalog(path)
        return _check_read_only(catalog)

    if check("catalog opens read-only", open_it) and catalog is not None:
        opened: Catalog = catalog
        try:
            intact = check("catalog integrity", lambda: _check_integrity(opened))
            if intact and check("catalog content", lambda: _check_content(opened)):
                day = opened.info().asp_effective_from or date.today()
                check("search", lambda: _check_search(opened, day))
                calculations: list[Calculation] = []
                for case in known_cases(day):

                    def compute(case: KnownCase = case) -> str:
                        text, calculation = _check_case(opened, case)
                        calculations.append(calculation)
                        return text

                    check(f"calculation {case.label}", compute)
                if calculations:
                    check("claim summary PDF", lambda: _check_pdf(opened, calculations, day))
        finally:
            opened.close()
    if catalog_path is None:
        check("catalog in use", _check_catalog_in_use)
    failed = [result.name for result in results if not result.passed]
    if failed:
        print(
            f"self-test FAILED: {len(failed)} of {len(results)} checks: {', '.join(failed)}",
            file=stream,
        )
        if any(name.startswith("catalog") for name in failed):
            print(f"the catalog checked is {path}", file=stream)
        return 1
    print(f"self-test passed: {len(results)} checks", file=stream)
    return 0
