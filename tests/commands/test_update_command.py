"""``jcalc catalog update | diff | restore | which``: output, confirmation, one ``error:`` line."""

from __future__ import annotations

import argparse
import builtins
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from jcalc import cli
from jcalc.catalog.library import active_catalog
from jcalc.commands import catalog as catalog_command
from jcalc.paths import bundled_catalog_path
from jcalc.userdata.clinic import ClinicStore
from tests.catalog import next_quarter as nq

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def invoke(*args: str | Path) -> tuple[int, str, str]:
        parser = argparse.ArgumentParser(prog="jcalc")
        catalog_command.register(parser.add_subparsers())
        namespace = parser.parse_args([str(arg) for arg in args])
        code = namespace.handler(namespace)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], list[str]]:
    """Pretend stdin is a terminal on which the biller types ``answer``."""

    def answer(text: str) -> list[str]:
        asked: list[str] = []

        def fake_input(prompt: str) -> str:
            asked.append(prompt)
            return text

        monkeypatch.setattr(catalog_command, "_stdin_is_terminal", lambda: True)
        monkeypatch.setattr(builtins, "input", fake_input)
        return asked

    return answer


def one_error_line(err: str, *expected: str) -> None:
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for text in expected:
        assert text in err, err


def test_the_cli_knows_the_new_commands() -> None:
    parser = cli.build_parser()
    for argv in (
        ["catalog", "update", "x.csv", "--yes"],
        ["catalog", "diff", "a", "b", "--json"],
        ["catalog", "restore", "--bundled"],
        ["catalog", "which"],
        ["clinic", "export", "x.json"],
        ["history", "list", "--json"],
    ):
        assert callable(parser.parse_args(argv).handler)


def test_full_update_with_yes(run: Run, next_quarter_files: dict[str, Path]) -> None:
    code, out, err = run("catalog", "update", *next_quarter_files.values(), "--yes")
    assert (code, err) == (0, "")
    assert "new: HCPC2026_APR_ANWEB_04012026.csv: the HCPCS Level II file, 2026-04" in out
    assert "codes added: 2" in out and "J9173  durvalumab: $86.270 → $50.000" in out
    assert "rows of the CMS files:" in out
    assert "HCPC2026_APR_ANWEB_04012026.csv: 9008 rows read," in out
    assert "now in use: user catalog" in out
    code, out, _err = run("catalog", "which")
    assert code == 0 and out.startswith("Catalog 2026Q2 (updated ")
    assert "a previous catalog can be restored" in out
    code, out, _err = run("catalog", "restore")
    assert code == 0 and "now in use: bundled catalog" in out
    code, out, _err = run("catalog", "restore", "--previous")
    assert code == 0 and "ASP 2026Q2" in out
    code, out, _err = run("catalog", "restore", "--bundled")
    assert code == 0 and active_catalog().is_bundled


def test_without_a_terminal_and_without_yes_nothing_changes(
    run: Run, next_quarter_files: dict[str, Path]
) -> None:
    code, out, err = run("catalog", "update", next_quarter_files["mue"])
    assert code == 2
    one_error_line(err, "no terminal to ask on", "--yes")
    assert "new: mue_practitioner_2026q3_level2.csv" in out  # the plan was shown
    assert active_catalog().is_bundled


def test_asking_on_a_terminal(
    run: Run, next_quarter_files: dict[str, Path], terminal: Callable[[str], list[str]]
) -> None:
    asked = terminal("n")
    code, out, err = run("catalog", "update", next_quarter_files["mue"])
    assert (code, err) == (1, "")
    assert asked == ["Switch to the new catalog? [y/N] "]
    assert "MUE changed: 1" in out and "not switched" in out
    assert active_catalog().is_bundled
    terminal("y")
    code, out, err = run("catalog", "update", next_quarter_files["mue"])
    assert (code, err) == (0, "")
    assert active_catalog().info.mue_quarter == "2026Q3"


def test_older_files_need_yes(
    run: Run,
    cms_files: dict[str, Path],
    next_quarter_catalog: Path,
    terminal: Callable[[str], list[str]],
) -> None:
    code, out, err = run("catalog", "restore")  # nothing to restore yet
    assert code == 2
    one_error_line(err, "no previous catalog")
    from jcalc.catalog.library import default_library

    default_library().install_file(next_quarter_catalog)
    terminal("y")  # even a terminal "yes" is not enough for older files
    code, out, err = run("catalog", "update", cms_files["mue"])
    assert code == 2
    one_error_line(err, "older than the catalog in use", "--yes")
    assert "warning: mue_practitioner_2026q2_level2.csv is the practitioner MUE table" in out
    assert active_catalog().info.mue_quarter == "2026Q3"
    code, out, err = run("catalog", "update", cms_files["mue"], "--yes")
    assert (code, err) == (0, "")
    assert active_catalog().info.mue_quarter == "2026Q2"


def test_an_older_asp_file_adds_its_quarter(
    run: Run, cms_files: dict[str, Path], next_quarter_catalog: Path
) -> None:
    """Issue 8 item 7: an older quarter's ASP file adds that quarter without replacing newer
    data, and the update summary says so."""
    from jcalc.catalog.library import default_library

    default_library().install_file(next_quarter_catalog)
    code, out, err = run("catalog", "update", cms_files["asp"], "--yes")
    assert (code, err) == (0, "")
    assert "added to the price history" in out
    assert "ASP quarters added to the price history: 2026Q1" in out
    active = active_catalog()
    assert active.quarter == "2026Q2"
    assert [q.quarter for q in active.info.asp_quarters] == ["2026Q2", "2026Q1"]


def test_bad_files(run: Run, tmp_path: Path, cms_files: dict[str, Path]) -> None:
    letter = tmp_path / "letter.txt"
    letter.write_text("hello\n", encoding="utf-8")
    code, _out, err = run("catalog", "update", letter, "--yes")
    assert code == 2
    one_error_line(err, "letter.txt", "not one of the CMS files")
    code, _out, err = run("catalog", "update", tmp_path / "nothing.csv", "--yes")
    assert code == 2
    one_error_line(err, "nothing.csv: file not found")
    code, _out, err = run("catalog", "update", cms_files["mue"], cms_files["mue"], "--yes")
    one_error_line(err, "given twice")
    assert active_catalog().is_bundled


def test_diff_command(run: Run, next_quarter_catalog: Path, tmp_path: Path) -> None:
    store = ClinicStore.open()
    store.set_favourite("J9312")
    store.close()
    code, out, err = run("catalog", "diff", bundled_catalog_path(), next_quarter_catalog, "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["counts"]["added"] == 2 and data["counts"]["clinic_affected"] == 1
    assert [item["code"] for item in data["prices_changed"]] == list(nq.PRICE_ORDER)
    code, out, _err = run("catalog", "diff", bundled_catalog_path(), next_quarter_catalog)
    assert code == 0 and "your clinic's codes affected: 1" in out
    assert "J9312 (favourite): payment limit $74.765 → $80.000" in out
    code, _out, err = run("catalog", "diff", tmp_path / "none.sqlite", next_quarter_catalog)
    assert code == 2
    one_error_line(err, "catalog file not found")


def test_which_json_and_a_broken_user_catalog(run: Run, next_quarter_catalog: Path) -> None:
    from jcalc.catalog.library import default_library

    user = default_library().install_file(next_quarter_catalog)
    user.path.write_bytes(b"broken")
    code, out, err = run("catalog", "which", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["bundled"] is True and "cannot be used" in data["problem"]
    code, out, _err = run("catalog", "which")
    assert "note: the updated catalog cannot be used" in out
    code, out, _err = run("catalog", "restore", "--bundled")
    assert code == 0
    assert active_catalog().problem is None


@pytest.mark.needs_shared
def test_an_older_hcpcs_file_is_flagged_as_older(run: Run, cms_dir: Path) -> None:
    """The 2019 annual file has no month in its name: its release comes from its year and dates."""
    path = cms_dir / "cms-hcpcs-2019" / "2019-Alpha-Numeric-HCPCS-File.zip"
    code, out, err = run("catalog", "update", path)
    assert code == 2
    assert "new: 2019-Alpha-Numeric-HCPCS-File.zip: the HCPCS Level II file, 2019-01" in out
    one_error_line(err, "for 2019-01, older than the one in the catalog in use (2026-01)")
    assert active_catalog().is_bundled


def test_a_file_of_unusable_rows_is_refused_with_one_error_line(run: Run, tmp_path: Path) -> None:
    from tests.catalog.sources import synth

    rows = [["J9312", "Inj", "10 MG", "-5.00"]] * 3
    path = synth.write_asp(tmp_path / "asp_payment_limit_2026q2.csv", rows)
    code, _out, err = run("catalog", "update", path, "--yes")
    assert code == 2
    one_error_line(err, "none of its 3 data rows can be used", "is below 0")
    assert active_catalog().is_bundled


def test_a_zip_whose_member_inflates_beyond_the_limit_is_refused(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 11: a small zip whose member inflates to far more than any CMS file."""
    from jcalc.catalog.sources import containers, streams
    from tests.catalog.sources import synth

    monkeypatch.setattr(streams, "MAX_INFLATED_BYTES", 1024 * 1024)
    monkeypatch.setattr(containers, "MAX_INFLATED_BYTES", 1024 * 1024)
    data = synth.write_asp(tmp_path / "inner.csv").read_bytes() + b" " * (8 * 1024 * 1024)
    path = synth.write_zip(tmp_path / "asp_2026q2.zip", {"asp_payment_limit_2026q2.csv": data})
    code, _out, err = run("catalog", "update", path, "--yes")
    assert code == 2
    one_error_line(err, "inside the zip inflates to 8 MB, more than any CMS file")
    assert active_catalog().is_bundled
