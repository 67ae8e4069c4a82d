"""``jcalc catalog build | info | report``: output, and one ``error:`` line for bad input."""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from jcalc.catalog.schema import SCHEMA_VERSION
from jcalc.catalog.store import open_catalog
from jcalc.commands import catalog as catalog_command
from tests.catalog.test_build import build_small

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """Parse ``jcalc <args>`` with the catalog command registered, run it, capture the output."""

    def invoke(*args: str | Path) -> tuple[int, str, str]:
        parser = argparse.ArgumentParser(prog="jcalc")
        catalog_command.register(parser.add_subparsers())
        namespace = parser.parse_args([str(arg) for arg in args])
        code = namespace.handler(namespace)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


def assert_one_error_line(err: str, *expected: str) -> None:
    assert err.startswith("error: "), err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert "Traceback" not in err
    for text in expected:
        assert text in err, err


@pytest.fixture
def small_catalog(tmp_path: Path) -> Path:
    out = tmp_path / "small.sqlite"
    build_small(out)
    return out


# --- info and report -------------------------------------------------------------------------


def test_info_text(run: Run, small_catalog: Path) -> None:
    code, out, err = run("catalog", "info", "--catalog", small_catalog)
    assert (code, err) == (0, "")
    assert "ASP quarter 2026Q1: 2026-01-01 to 2026-03-31" in out
    assert f"schema version {SCHEMA_VERSION}" in out
    assert "    2026Q1 (2026-01-01 to 2026-03-31): asp_payment_limit_2026q1.csv" in out
    assert "asp_payment_limit_2026q1.csv" in out
    assert "active_j_codes: 7" in out


def test_info_json(run: Run, small_catalog: Path) -> None:
    code, out, _err = run("catalog", "info", "--catalog", small_catalog, "--json")
    data = json.loads(out)
    assert code == 0
    assert data["asp_quarter"] == "2026Q1"
    assert (data["asp_effective_from"], data["asp_effective_to"]) == ("2026-01-01", "2026-03-31")
    assert data["crosswalk_effective_from"] == "2026-01-01"
    assert data["schema_version"] == SCHEMA_VERSION
    assert [q["quarter"] for q in data["asp_quarters"]] == ["2026Q1"]
    assert data["built_at"].startswith("2026-01-05T12:00")
    assert data["counts"]["codes"] == 11
    assert data["sources"]["mue"] == "mue_practitioner_2026q2_level2.csv"


def test_report_text(run: Run, small_catalog: Path) -> None:
    code, out, _err = run("catalog", "report", "--catalog", small_catalog)
    assert code == 0
    assert "active J codes: 7" in out
    assert "J3490  Unclassified drugs" in out
    assert "Q5115" in out  # HCPCS 10 mg against ASP 5 MG
    assert "combination products (1):" in out


def test_report_json(run: Run, small_catalog: Path) -> None:
    code, out, _err = run("catalog", "report", "--catalog", small_catalog, "--json")
    data = json.loads(out)
    assert code == 0
    assert data["active_j_codes"] == 7
    assert [item["hcpcs"] for item in data["unparsed"]] == ["J3490", "J9999"]


@pytest.mark.parametrize("command", ["info", "report"])
def test_missing_catalog(run: Run, tmp_path: Path, command: str) -> None:
    code, out, err = run("catalog", command, "--catalog", tmp_path / "gone.sqlite")
    assert (code, out) == (2, "")
    assert_one_error_line(err, "gone.sqlite", "not found")


def test_not_a_catalog(run: Run, tmp_path: Path) -> None:
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database\n" * 100, encoding="utf-8")
    code, _out, err = run("catalog", "info", "--catalog", text)
    assert code == 2
    assert_one_error_line(err, "notes.sqlite", "not an SQLite database")


def test_catalog_without_subcommand_prints_help(run: Run) -> None:
    code, _out, err = run("catalog")
    assert code == 2
    assert "build" in err and "report" in err


# --- build -----------------------------------------------------------------------------------


def _build_args(files: dict[str, Path], out: Path, **overrides: Path) -> list[str | Path]:
    paths = {name: files[name] for name in ("hcpcs", "asp", "crosswalk", "mue")} | overrides
    args: list[str | Path] = ["catalog", "build"]
    for name, path in paths.items():
        args += [f"--{name}", path]
    return [*args, "--out", out]


@pytest.mark.needs_shared
def test_build_prints_a_summary(run: Run, cms_files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "catalog.sqlite"
    code, stdout, err = run(*_build_args(cms_files, out))
    assert code == 0, err
    assert f"catalog written: {out}" in stdout
    # J codes plus Q and A95xx-A96xx drug-like codes and the other ASP/crosswalk codes
    assert "codes 1828 (J 1209, active J 1076)" in stdout
    assert "NDCs 7124, other product identifiers 1," in stdout  # J7331's 12-digit identifier
    assert "built in" in stdout
    assert "asp_ndc_hcpcs_crosswalk_2026q1.csv: 7125 rows read, 7125 imported, 0 skipped" in stdout
    assert "383 modifier rows" in stdout
    assert out.is_file()


def _truncated(source: Path, target: Path, size: int) -> Path:
    target.write_bytes(source.read_bytes()[:size])
    return target


def _without_column(source: Path, target: Path, column: str) -> Path:
    text = source.read_bytes().decode("cp1252")
    target.write_bytes(text.replace(column, "Something Else", 1).encode("cp1252"))
    return target


def _bad_bytes(source: Path, target: Path) -> Path:
    target.write_bytes(source.read_bytes() + b"J9999,1,3,Caf\xe9 \x81\x8d\r\n")
    return target


def _empty(_source: Path, target: Path) -> Path:
    target.write_bytes(b"")
    return target


MALFORMED: dict[str, tuple[str, Callable[[Path, Path], Path], tuple[str, ...]]] = {
    # case: (flag, make the bad file from the good one, words the error line must hold)
    "truncated csv": ("asp", lambda s, t: _truncated(s, t, 20_000), ("truncated",)),
    "truncated zip": ("hcpcs", lambda s, t: _truncated(s, t, 300_000), ("zip",)),
    "missing column": ("asp", lambda s, t: _without_column(s, t, "Payment Limit"), ("Payment",)),
    "wrong encoding": ("mue", _bad_bytes, ("0x81",)),
    "empty file": ("crosswalk", _empty, ("empty",)),
}


@pytest.mark.needs_shared
@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_input_is_one_error_line(
    run: Run, cms_files: dict[str, Path], tmp_path: Path, case: str
) -> None:
    flag, make, words = MALFORMED[case]
    source = cms_files[flag]
    bad = make(source, tmp_path / f"bad{source.suffix}")
    out = tmp_path / "catalog.sqlite"
    out.write_bytes(b"the existing catalog")
    code, stdout, err = run(*_build_args(cms_files, out, **{flag: bad}))
    assert (code, stdout) == (2, "")
    assert_one_error_line(err, f"--{flag}", bad.name, *words)
    assert out.read_bytes() == b"the existing catalog"
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([bad.name, out.name])


@pytest.mark.needs_shared
@pytest.mark.parametrize(
    ("flag", "other"), [("asp", "crosswalk"), ("hcpcs", "mue"), ("mue", "asp")]
)
def test_wrong_file_for_the_flag(
    run: Run, cms_files: dict[str, Path], tmp_path: Path, flag: str, other: str
) -> None:
    out = tmp_path / "catalog.sqlite"
    out.write_bytes(b"the existing catalog")
    swapped = {flag: cms_files[other], other: cms_files[flag]}
    code, _stdout, err = run(*_build_args(cms_files, out, **swapped))
    assert code == 2
    assert_one_error_line(err, "--", "not the")
    assert out.read_bytes() == b"the existing catalog"


@pytest.mark.needs_shared
def test_same_file_for_two_flags(run: Run, cms_files: dict[str, Path], tmp_path: Path) -> None:
    code, _out, err = run(
        *_build_args(cms_files, tmp_path / "c.sqlite", crosswalk=cms_files["asp"])
    )
    assert code == 2
    assert_one_error_line(err, "--crosswalk", "same file", "--asp")


@pytest.mark.needs_shared
def test_missing_input_path(run: Run, cms_files: dict[str, Path], tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.csv"
    code, _out, err = run(*_build_args(cms_files, tmp_path / "c.sqlite", mue=missing))
    assert code == 2
    assert_one_error_line(err, "--mue", "nowhere.csv", "not found")


@pytest.mark.needs_shared
def test_out_in_a_missing_folder(run: Run, cms_files: dict[str, Path], tmp_path: Path) -> None:
    code, _out, err = run(*_build_args(cms_files, tmp_path / "no" / "c.sqlite"))
    assert code == 2
    assert_one_error_line(err, "--out", "does not exist")


@pytest.mark.needs_shared
def test_out_is_a_folder(run: Run, cms_files: dict[str, Path], tmp_path: Path) -> None:
    code, _out, err = run(*_build_args(cms_files, tmp_path))
    assert code == 2
    assert_one_error_line(err, "--out", "is a directory")


@pytest.mark.needs_shared
def test_unwritable_out(
    run: Run, cms_files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "catalog.sqlite"
    out.write_bytes(b"the existing catalog")

    def refuse(*_args: object, **_kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied", str(tmp_path))

    monkeypatch.setattr("jcalc.safe_io.tempfile.mkstemp", refuse)  # the temp file beside --out
    code, _out, err = run(*_build_args(cms_files, out))
    assert code == 2
    assert_one_error_line(err, "--out", "catalog.sqlite", "Permission denied")
    assert out.read_bytes() == b"the existing catalog"


@pytest.mark.needs_shared
def test_bad_alias_file(run: Run, cms_files: dict[str, Path], tmp_path: Path) -> None:
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("name,code\nRituxan,J9312\n", encoding="utf-8")
    code, _out, err = run(*_build_args(cms_files, tmp_path / "c.sqlite"), "--aliases", aliases)
    assert code == 2
    assert_one_error_line(err, "aliases.csv", "missing column")


# --- through the real command line -----------------------------------------------------------


def test_python_m_jcalc_catalog_info(small_catalog: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "jcalc", "catalog", "info", "--catalog", str(small_catalog),
         "--json"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["asp_quarter"] == "2026Q1"


def test_python_m_jcalc_catalog_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "jcalc", "catalog", "report", "--catalog",
         str(tmp_path / "gone.sqlite")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert_one_error_line(result.stderr, "gone.sqlite")


@pytest.mark.needs_shared
def test_build_and_report_list_the_skipped_rows(
    run: Run, cms_files: dict[str, Path], tmp_path: Path
) -> None:
    """A MUE value that overflows (issue 11) and a stray character are skipped, not fatal."""
    mue = tmp_path / "mue_practitioner_2026q2_level2.csv"
    lines = cms_files["mue"].read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].split(",")[0] + ",99999999999999999999999,3,Clinical: Data"
    lines[9] = lines[9].split(",")[0] + ",12?,3,Clinical: Data"
    mue.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "catalog.sqlite"
    code, stdout, err = run(*_build_args(cms_files, out, mue=mue))
    assert code == 0, err
    assert "mue_practitioner_2026q2_level2.csv: 4523 rows read, 4521 imported, 2 skipped" in stdout
    assert "skipped 1 (impossible value): row 6: the MUE value '99999999999999999999999'" in stdout
    code, report, _err = run("catalog", "report", "--catalog", out)
    assert code == 0
    assert "    number unreadable: row 10: the MUE value '12?' of" in report
    code, data, _err = run("catalog", "report", "--catalog", out, "--json")
    rows = {item["kind"]: item for item in json.loads(data)["source_rows"]}
    assert rows["mue"]["skipped_by_reason"] == {"impossible value": 1, "number unreadable": 1}
    assert rows["crosswalk"]["rows_read"] == 7125


@pytest.mark.needs_shared
def test_impossible_payment_limits_are_skipped_by_the_build(
    run: Run, cms_files: dict[str, Path], tmp_path: Path
) -> None:
    """Issue 11: a 30-digit payment limit and a negative one are reported rows, not catalog data."""
    asp = tmp_path / "asp_payment_limit_2026q1.csv"
    lines = cms_files["asp"].read_bytes().decode("cp1252").split("\r\n")
    j9312 = next(i for i, line in enumerate(lines) if line.startswith("J9312,"))
    j1100 = next(i for i, line in enumerate(lines) if line.startswith("J1100,"))
    for index, value in ((j9312, "9" * 30), (j1100, "-5.00")):
        cells = next(csv.reader([lines[index]]))
        cells[3] = value
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow(cells)
        lines[index] = buffer.getvalue()
    asp.write_bytes("\r\n".join(lines).encode("cp1252"))
    out = tmp_path / "catalog.sqlite"
    code, stdout, err = run(*_build_args(cms_files, out, asp=asp))
    assert code == 0, err
    assert "asp_payment_limit_2026q1.csv: 877 rows read, 875 imported, 2 skipped" in stdout
    assert (
        f"row {j9312 + 1}: the Payment Limit '{'9' * 30}' of J9312 is above 100,000,000" in stdout
    )
    assert f"row {j1100 + 1}: the Payment Limit '-5.00' of J1100 is below 0" in stdout
    with open_catalog(out) as catalog:
        code_row = catalog.code("J9312")
        assert code_row is not None and code_row.payment_limit is None
