"""Every reproducer of issue 11's table (``corpus/reproducers.json``), each run as a test."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import zipfile
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from jcalc.catalog.build import write_catalog
from jcalc.catalog.sources.asp import read_asp
from jcalc.catalog.sources.crosswalk import read_crosswalk
from jcalc.catalog.sources.mue import read_mue
from jcalc.catalog.store import open_catalog
from jcalc.paths import bundled_catalog_path
from tests.catalog.sources import synth
from tests.catalog.test_build import make_sources
from tests.fuzz.contract import assert_contract, run_cli

CORPUS = Path(__file__).parent / "corpus"
TABLE: dict[str, list[dict[str, Any]]] = json.loads(
    (CORPUS / "reproducers.json").read_text(encoding="utf-8")
)
ROOT = Path(__file__).resolve().parents[2]
ISOLATED_SECONDS = 15
ISOLATED_MEMORY = 1536 * 1024 * 1024


def cases(kind: str) -> list[Any]:
    """The table's rows of one kind as test parameters."""
    params = []
    for entry in TABLE[kind]:
        marks = []
        if entry.get("posix") and os.name != "posix":
            marks.append(pytest.mark.skip(reason="POSIX devices"))
        params.append(pytest.param(entry, marks=marks, id=entry["id"]))
    return params


def _limit_memory() -> None:  # pragma: no cover - runs in the child process
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (ISOLATED_MEMORY, ISOLATED_MEMORY))


def run_isolated(args: list[str]) -> tuple[int, str, str, float]:
    """``python -m jcalc ARGS`` with a time and memory limit (for inputs that used to hang)."""
    started = time.perf_counter()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "jcalc", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=ISOLATED_SECONDS,
            preexec_fn=_limit_memory if os.name == "posix" else None,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"jcalc {args!r} still ran after {ISOLATED_SECONDS} s")
    return result.returncode, result.stdout, result.stderr, time.perf_counter() - started


@pytest.mark.usefixtures("qapp")  # --pdf: a QApplication, not a bare QGuiApplication
@pytest.mark.parametrize("entry", cases("cli"))
def test_command_line_rows(entry: dict[str, Any]) -> None:
    if entry.get("isolate"):
        code, out, err, _seconds = run_isolated(entry["args"])
        assert_contract(code, out, err)
        if entry.get("owner"):  # the real fix says what is wrong, it does not run out of memory
            assert code == 2 and "memory" not in err, err
        return
    code, _out, err = run_cli(entry["args"], target=None)
    assert code == entry["exit"], err
    assert entry.get("says", "") in err
    assert not entry.get("never") or entry["never"] not in err


@pytest.mark.parametrize("entry", cases("clinic_import"))
def test_clinic_import_rows(entry: dict[str, Any], tmp_path: Path) -> None:
    if "file" in entry:
        source = CORPUS / entry["file"]
    elif "deep" in entry:
        source = tmp_path / "deep.json"
        source.write_text("[" * entry["deep"] + "]" * entry["deep"], encoding="utf-8")
    else:
        if os.name != "posix":
            pytest.skip("FIFOs are POSIX")
        source = tmp_path / "fifo.json"
        os.mkfifo(source)  # nobody writes to it
    code, _out, err = run_cli(["clinic", "import", str(source)], target=None)
    assert code == 2 and entry["says"] in err, err


@pytest.mark.parametrize("entry", cases("damaged_catalog"))
def test_damaged_catalog_rows(entry: dict[str, Any], tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.sqlite"
    shutil.copyfile(bundled_catalog_path(), damaged)
    with closing(sqlite3.connect(damaged)) as connection:
        connection.execute(entry["sql"])
        connection.commit()
    for args in (
        ["calc", "J9312", "450 mg", "--catalog", str(damaged)],
        ["search", "rituximab", "--catalog", str(damaged)],
        ["catalog", "diff", str(bundled_catalog_path()), str(damaged)],
        ["catalog", "info", "--catalog", str(damaged)],
    ):
        code, _out, err = run_cli(args, target=None)
        assert code == 2 and f"error: {damaged} is damaged: " in err, (args, err)


@pytest.mark.parametrize("entry", cases("cms_row"))
def test_impossible_cms_values_are_skipped(entry: dict[str, Any], tmp_path: Path) -> None:
    """A CMS row with an impossible value is skipped (and reported); the build goes on."""
    hcpcs, asp, crosswalk, mue = make_sources()
    if "mue_value" in entry:
        rows = [
            [code, entry["mue_value"] if code == "J9312" else value, mai, why]
            for code, value, mai, why in synth.MUE_DERIVED_ROWS
        ]
        mue = read_mue(synth.write_mue_derived(tmp_path / "mue_2026q2.csv", rows))
    if "payment_limit" in entry:
        rows = [list(row) for row in synth.ASP_ROWS]
        for row in rows:
            if row[0] == "J9312":
                row[3] = entry["payment_limit"]
        asp = read_asp(synth.write_asp(tmp_path / "asp_payment_limit_2026q1.csv", rows))
    if "pkg_size" in entry:
        rows = [list(row) for row in synth.CROSSWALK_ROWS]
        for row in rows:
            if row[3] == "50242-0053-06":
                row[6] = entry["pkg_size"]
        crosswalk = read_crosswalk(
            synth.write_crosswalk(tmp_path / "asp_ndc_hcpcs_crosswalk_2026q1.csv", rows)
        )
    out = tmp_path / "catalog.sqlite"
    write_catalog(hcpcs, asp, crosswalk, mue, out=out)
    with open_catalog(out) as catalog:  # every value read back is possible
        drug = catalog.code("J9312")
        assert drug is not None
        assert drug.payment_limit is None or 0 <= drug.payment_limit < 10**8
        assert all(p.pkg_size is None or p.pkg_size > 0 for p in catalog.ndcs_for_code("J9312"))


@pytest.fixture(scope="session")
def zip_bomb(cms_files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 1 MB of zip whose member, real HCPCS records first, inflates to 1 GB (~3 s)."""
    entry = TABLE["zip_bomb"][0]
    with zipfile.ZipFile(cms_files["hcpcs"]) as real:
        head = real.read(entry["member"])[: 1 << 18]
    head = head[: head.rfind(b"\n") + 1]
    path = tmp_path_factory.mktemp("bomb") / "january-2026-alpha-numeric-hcpcs-file.zip"
    block = b" " * (1 << 20)
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open(entry["member"], "w", force_zip64=True) as member,
    ):
        member.write(head)
        for _ in range(entry["inflated_mb"]):
            member.write(block)
    return path


@pytest.mark.skipif(os.name != "posix", reason="a memory limit for the child process")
@pytest.mark.parametrize("entry", cases("zip_bomb"))
def test_zip_bomb_is_refused_by_its_size(entry: dict[str, Any], zip_bomb: Path) -> None:
    script = (
        "import sys\n"
        "from jcalc.catalog.sources.errors import SourceFileError\n"
        "from jcalc.catalog.sources.hcpcs import read_hcpcs\n"
        "try:\n"
        f"    read_hcpcs(__import__('pathlib').Path({str(zip_bomb)!r}))\n"
        "except SourceFileError as error:\n"
        "    print(error)\n"
        "    sys.exit(0)\n"
        "sys.exit(3)\n"
    )
    try:
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=ISOLATED_SECONDS * 2,
            preexec_fn=_limit_memory,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("reading the zip bomb still ran after 30 s")
    assert result.returncode == 0, result.stderr[-500:]
