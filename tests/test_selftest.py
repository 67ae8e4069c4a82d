"""``jcalc --self-test``: passes on the bundled catalog, names what fails on a damaged one."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from jcalc.paths import bundled_catalog_path
from jcalc.selftest import known_cases, run_self_test

pytestmark = pytest.mark.skipif(
    not bundled_catalog_path().exists(), reason="resources/catalog.sqlite is not built"
)


def _run(qapp, **kwargs) -> tuple[int, str]:
    out = io.StringIO()
    code = run_self_test(out=out, **kwargs)
    return code, out.getvalue()


def _damaged_copy(tmp_path: Path, page: int) -> Path:
    """A copy of the bundled catalog with one b-tree page overwritten."""
    copy = tmp_path / "damaged.sqlite"
    shutil.copyfile(bundled_catalog_path(), copy)
    with sqlite3.connect(bundled_catalog_path()) as connection:
        page_size = int(connection.execute("PRAGMA page_size").fetchone()[0])
    with copy.open("r+b") as handle:
        handle.seek(page * page_size + 8)
        handle.write(b"\xff" * 200)
    return copy


def test_passes_on_the_bundled_catalog(qapp) -> None:
    code, text = _run(qapp)
    assert code == 0, text
    for name in (
        "bundled files",
        "catalog opens read-only",
        "catalog integrity",
        "catalog content",
        "search",
        "calculation J9312 450 mg NDC 50242-0053-06 single-dose: 45 units + 5 units JW",
        "calculation J1100 30 mg: 30 units",
        "claim summary PDF",
        "catalog in use",
    ):
        assert f"ok   {name}" in text, text
    assert "FAIL" not in text
    assert text.rstrip().endswith("self-test passed: 9 checks")


def test_writes_nothing_to_the_user_folders(qapp, tmp_path: Path) -> None:
    code, _text = _run(qapp)
    assert code == 0
    written = [p for p in (tmp_path / "user-data").rglob("*") if p.is_file()]
    written += [p for p in (tmp_path / "user-config").rglob("*") if p.is_file()]
    assert written == []


@pytest.mark.parametrize("page", [5, 300])
def test_a_damaged_catalog_is_named(qapp, tmp_path: Path, page: int) -> None:
    damaged = _damaged_copy(tmp_path, page)
    code, text = _run(qapp, catalog_path=damaged)
    assert code == 1
    assert "FAIL catalog integrity" in text
    assert f"{damaged} is corrupt" in text
    assert "self-test FAILED" in text and "catalog integrity" in text.splitlines()[-2]
    assert "calculation" not in text  # nothing computed from a damaged catalog


def test_a_file_that_is_not_a_catalog_is_named(qapp, tmp_path: Path) -> None:
    junk = tmp_path / "catalog.sqlite"
    junk.write_bytes(b"this is not SQLite" * 100)
    code, text = _run(qapp, catalog_path=junk)
    assert code == 1
    assert "FAIL catalog opens read-only" in text
    assert str(junk) in text


def test_a_missing_catalog_is_named(qapp, tmp_path: Path) -> None:
    missing = tmp_path / "gone.sqlite"
    code, text = _run(qapp, catalog_path=missing)
    assert code == 1
    assert f"catalog file not found: {missing}" in text


def test_a_wrong_result_fails_the_check(qapp, monkeypatch: pytest.MonkeyPatch) -> None:
    import jcalc.selftest as selftest

    def wrong(day):
        case = known_cases(day)[1]
        return (selftest.KnownCase(case.entry, ((case.expected[0][0], 31, ()),)),)

    monkeypatch.setattr(selftest, "known_cases", wrong)
    code, text = _run(qapp)
    assert code == 1
    assert "FAIL calculation J1100 30 mg: expected lines 31 units, got 30 units" in text


def test_command_line_option(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jcalc", "--self-test"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "self-test passed" in done.stdout


def test_a_damaged_updated_catalog_is_named_and_the_bundled_one_used(qapp, tmp_path) -> None:
    catalogs = tmp_path / "user-data" / "catalogs"
    catalogs.mkdir(parents=True)
    name = "catalog-20260401T000000Z-0badc0de.sqlite"
    (catalogs / name).write_bytes(b"not a catalog")
    pointer = {"format": "jcalc-catalog-library", "version": 1, "current": name, "previous": None}
    (catalogs / "active.json").write_text(json.dumps(pointer), encoding="utf-8")
    code, text = _run(qapp)
    assert code == 0, text
    line = next(line for line in text.splitlines() if "catalog in use" in line)
    assert line.startswith("ok   catalog in use: bundled catalog")
    assert "the user catalog is not used" in line
